#!/bin/sh
# Runs the browser test: installs playwright-core (package-lock.json) with `npm ci` when
# node_modules is missing; skips (exit 77) without node, npm or Chromium.
set -eu
cd "$(dirname "$0")"
chromium=${ZONESIM_CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ ! -x "$chromium" ]; then
  echo "browser test skipped: needs node, npm and $chromium (scripts/setup installs them)"
  exit 77
fi
if [ ! -d node_modules/playwright-core ]; then
  # The two parts (serve.browser, serve.browser_reports) may start together: one installs.
  (
    flock 9
    [ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
  ) 9>"${TMPDIR:-/tmp}/zonesim-browser-npm.lock"
fi
exec node browser_test.mjs
