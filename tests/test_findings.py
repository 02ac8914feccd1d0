"""Findings about an app's own routes (a duplicate, an unreachable route):
`turbo check` fails on them, `turbo build` warns and builds a server that
answers as FastAPI does; `# noqa` and `[tool.turbo]` silence or demote
them, and only them."""

import shutil
import subprocess

import pytest

from conftest import EXAMPLES
from test_differential import assert_same

CASES = [
    ("GET", "/users/7"),
    ("GET", "/users/me"),
    ("GET", "/items"),
    ("POST", "/items"),
    ("PUT", "/items"),
    ("GET", "/legacy/old"),
    ("GET", "/legacy/x"),
]


@pytest.mark.parametrize("method,url", CASES)
def test_built_despite_findings_and_serves_like_fastapi(reference, server, method, url):
    assert_same(reference("findings"), server("findings"), method, url)


def check(turbo, app, *args):
    return subprocess.run([str(turbo), "check", str(app), *args], capture_output=True, text=True)


def test_check_fails_on_findings_and_noqa_silences_them(turbo):
    result = check(turbo, EXAMPLES / "findings" / "app.py")
    assert result.returncode == 1
    assert "error[TB211]: route GET /users/me is unreachable" in result.stderr
    assert "error[TB201]: duplicate route GET /items" in result.stderr
    # The `# noqa: TB211` lines.
    assert "/legacy/old" not in result.stderr
    assert "2 error(s), 0 warning(s)" in result.stderr


def test_build_warns(turbo, tmp_path):
    result = subprocess.run(
        [str(turbo), "build", str(EXAMPLES / "findings" / "app.py"), "-o", str(tmp_path / "s"), "--emit-only"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "warning[TB211]" in result.stderr and "warning[TB201]" in result.stderr


def test_pyproject_ignores_and_demotes(turbo, tmp_path):
    shutil.copy(EXAMPLES / "findings" / "app.py", tmp_path / "app.py")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.turbo]\nignore = ["TB201"]\nextend-warn = ["unreachable-route"]\n'
    )
    result = check(turbo, tmp_path / "app.py")
    assert result.returncode == 0, result.stderr
    assert "warning[TB211]" in result.stderr
    assert "TB201" not in result.stderr
    assert check(turbo, tmp_path / "app.py", "--deny-warnings").returncode == 1


def test_pyproject_cannot_silence_what_turbo_cannot_serve(turbo, tmp_path):
    shutil.copy(EXAMPLES / "findings" / "app.py", tmp_path / "app.py")
    (tmp_path / "pyproject.toml").write_text('[tool.turbo]\nignore = ["TB207"]\n')
    result = check(turbo, tmp_path / "app.py")
    assert result.returncode == 2
    assert "TB207 means turbo cannot serve the construct" in result.stderr
    assert "pyproject.toml" in result.stderr
