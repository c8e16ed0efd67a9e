#!/usr/bin/env bash
# Scan a running optout with Mozilla's HTTP Observatory (the npm package, run locally).
#   make run &   then   scripts/observatory.sh [HOST:PORT]
# Its install script downloads a certificate bundle from the internet; we skip it (not needed to
# scan) and give the scanner an empty HSTS preload list, which it would otherwise download.
set -euo pipefail
target=${1:-127.0.0.1:8000}
dir=${OBSERVATORY_DIR:-$(mktemp -d)}
scanner="$dir/node_modules/.bin/mdn-http-observatory-scan"
if [ ! -x "$scanner" ]; then
  (cd "$dir" && npm install --silent --ignore-scripts @mdn/mdn-http-observatory@1.4.8 >/dev/null)
  echo '{}' > "$dir/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json"
fi
"$scanner" "$target" 2>/dev/null | python3 "$(dirname "$0")/observatory_report.py"
