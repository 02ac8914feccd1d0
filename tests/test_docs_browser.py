"""The documentation pages in a real browser, offline: Debian's headless
Chromium (driven by selenium through chromedriver) opens `/docs` and
`/redoc` of a server started with `--docs-assets bundled`, so Swagger UI
and ReDoc come from the binary, never from a CDN. Swagger UI must render
every operation of the document, and "Try it out" must get the server's
answer; ReDoc must render every operation. A screenshot of each page is
kept in target/test-artifacts/. Needs `chromium` and `chromium-driver`
(.ci/run installs Debian's packages)."""

import shutil
import time

import pytest

from conftest import EXAMPLES, ROOT, Server, binary_fixture

CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMEDRIVER is None or CHROMIUM is None, reason="chromium and chromium-driver are not installed (.ci/run installs them)"
)

ARTIFACTS = ROOT / "target" / "test-artifacts"
binary = binary_fixture(EXAMPLES / "items" / "app.py")


@pytest.fixture(scope="module")
def server(binary):
    running = Server(binary, "--docs-assets", "bundled")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting for the page"
        time.sleep(0.1)


def operations(server) -> int:
    document = server.client.get("/openapi.json").json()
    return sum(len(methods) for methods in document["paths"].values())


def loaded_from(browser) -> set[str]:
    """The origins of every resource the page loaded."""
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return {"/".join(url.split("/")[:3]) for url in urls}


def test_swagger_ui_renders_and_tries_an_operation(server, browser):
    from selenium.webdriver.common.by import By

    origin = f"http://{server.address}"
    browser.get(f"{origin}/docs")
    expected = operations(server)
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, ".opblock")) == expected)
    assert loaded_from(browser) == {origin}
    # Try `GET /items/{item_id}` with an item that exists.
    block = browser.find_element(By.ID, "operations-default-read_item_items__item_id__get")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
    wait_for(lambda: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))[0].click()
    field = wait_for(lambda: block.find_elements(By.CSS_SELECTOR, "input[placeholder='item_id']"))[0]
    field.send_keys("1")
    block.find_element(By.CSS_SELECTOR, ".execute").click()
    status = wait_for(lambda: block.find_elements(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status"))
    expected_body = server.client.get("/items/1").text
    assert status[0].text.split()[0] == "200"
    shown = block.find_element(By.CSS_SELECTOR, ".live-responses-table tbody .microlight").text
    assert shown.replace(" ", "").replace("\n", "") == expected_body.replace(" ", "")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "swagger-ui.png"))


def test_redoc_renders_every_operation(server, browser):
    from selenium.webdriver.common.by import By

    origin = f"http://{server.address}"
    browser.get(f"{origin}/redoc")
    expected = operations(server)
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "[data-section-id^='operation/']")) == expected)
    # ReDoc's "API docs by Redocly" footer asks its CDN for a logo; offline,
    # only that image is missing.
    assert loaded_from(browser) - {"https://cdn.redoc.ly"} == {origin}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "redoc.png"))


def test_bundled_assets_are_served_only_when_asked(binary, server):
    """Without `--docs-assets bundled` the pages are FastAPI's (CDN URLs)
    and the server has no asset path."""
    assert "/_turbo/docs/swagger-ui-bundle.js" in server.client.get("/docs").text
    assert server.client.get("/_turbo/docs/redoc.standalone.js").headers["content-type"].startswith("text/javascript")
    plain = Server(binary)
    try:
        assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js" in plain.client.get("/docs").text
        assert plain.client.get("/_turbo/docs/swagger-ui.css").status_code == 404
    finally:
        plain.stop()
