#!/usr/bin/env bash
# Refresh the Swagger UI and ReDoc browser assets vendored in
# turbo-runtime/assets/docs/ (see the README.md there).
#
# FastAPI's /docs and /redoc pages load them from jsDelivr
# (swagger-ui-dist@5, redoc@2); this fetches the same packages' latest 5.x /
# 2.x tarballs from the npm registry with `npm pack` and copies the files out.
#
# Usage: scripts/vendor_docs_assets.sh [SWAGGER_UI_SPEC] [REDOC_SPEC]
#   defaults: swagger-ui-dist@5 redoc@2 (pass e.g. swagger-ui-dist@5.35.0 to pin)
#
# favicon.png is left as is if present (it comes from FastAPI's repository,
# docs/en/docs/img/favicon.png, not from npm). Update the versions in
# turbo-runtime/assets/docs/README.md after running this.
set -euo pipefail

swagger_spec="${1:-swagger-ui-dist@5}"
redoc_spec="${2:-redoc@2}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/turbo-runtime/assets/docs"
favicon_url="https://fastapi.tiangolo.com/img/favicon.png"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "npm pack $swagger_spec $redoc_spec" >&2
(cd "$tmp" && npm pack --silent "$swagger_spec" "$redoc_spec" >/dev/null)

shopt -s nullglob
swagger_tgz=("$tmp"/swagger-ui-dist-*.tgz)
redoc_tgz=("$tmp"/redoc-*.tgz)
if [[ ${#swagger_tgz[@]} -ne 1 || ${#redoc_tgz[@]} -ne 1 ]]; then
    echo "error: expected one swagger-ui-dist and one redoc tarball in $tmp" >&2
    exit 1
fi

mkdir -p "$tmp/swagger-ui" "$tmp/redoc" "$dest"
tar -xzf "${swagger_tgz[0]}" -C "$tmp/swagger-ui"
tar -xzf "${redoc_tgz[0]}" -C "$tmp/redoc"
sw="$tmp/swagger-ui/package"
rd="$tmp/redoc/package"

cp "$sw/swagger-ui-bundle.js" "$dest/swagger-ui-bundle.js"
cp "$sw/swagger-ui.css" "$dest/swagger-ui.css"
cp "$sw/swagger-ui-bundle.js.LICENSE.txt" "$dest/swagger-ui-bundle.js.LICENSE.txt"
cp "$sw/LICENSE" "$dest/LICENSE-swagger-ui"
if [[ -f "$sw/NOTICE" ]]; then
    cp "$sw/NOTICE" "$dest/NOTICE-swagger-ui"
else
    rm -f "$dest/NOTICE-swagger-ui"
fi
cp "$rd/bundles/redoc.standalone.js" "$dest/redoc.standalone.js"
cp "$rd/bundles/redoc.standalone.js.LICENSE.txt" "$dest/redoc.standalone.js.LICENSE.txt"
cp "$rd/LICENSE" "$dest/LICENSE-redoc"

if [[ ! -f "$dest/favicon.png" ]]; then
    if curl -fsSL --max-time 30 -o "$tmp/favicon.png" "$favicon_url"; then
        cp "$tmp/favicon.png" "$dest/favicon.png"
    else
        echo "warning: could not download $favicon_url; take docs/en/docs/img/favicon.png" \
            "from https://github.com/fastapi/fastapi instead" >&2
    fi
fi

version_of() {
    node -p "require(process.argv[1]).version" "$1/package.json"
}
echo "swagger-ui-dist $(version_of "$sw"), redoc $(version_of "$rd") -> $dest" >&2
ls -l "$dest" >&2
