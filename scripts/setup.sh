#!/usr/bin/env bash
# Install everything reportgen and its tests need on a fresh Debian machine:
# WeasyPrint's system libraries (Pango, HarfBuzz's subsetter for fast font
# subsetting), poppler-utils (pdftoppm, for looking at pages), then the
# package itself with its test and dev tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages: ${need[*]}" >&2
    echo "       (sudo apt-get install -y ${need[*]})" >&2
    exit 1
  fi
fi

# A plain (non-editable) install: the tests then exercise the installed
# package, templates and styles exactly as users get them.
python3 -m pip install --quiet --disable-pip-version-check ".[dev]"
