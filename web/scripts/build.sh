#!/bin/sh
# Builds web/ into web/dist with the system's Node.js: `npm ci` when node_modules is missing or
# older than package-lock.json, then `npm run build` (Vite, then scripts/compress.mjs). Maven's
# module `web` runs it in generate-resources; `./nlt up` runs it when the sources are newer than
# the last build. Exits 3, with one line saying how to get Node, when there is no usable Node.
set -eu
# Only builtins until Node is found, so that the check works on any PATH.
case $0 in
  */*) cd "${0%/*}/.." ;;
  *) cd .. ;;
esac

need="install Node.js 18 or newer with npm (Debian/Ubuntu: apt-get install nodejs npm; elsewhere https://nodejs.org)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "web: no Node.js/npm on PATH: $need; the web UI and its tests need it" >&2
  exit 3
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "web: Node.js $(node --version) is too old: $need" >&2
  exit 3
fi

# npm writes node_modules/.package-lock.json at each install: older than the lock file means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
