#!/usr/bin/env bash
# Install everything reportgen and its tests need on a fresh Debian/Ubuntu
# machine, into a project virtual environment (.venv), because Debian 12 and
# Ubuntu 24.04 refuse `pip install` into their own python3 (PEP 668).
#
#   1. Debian packages: WeasyPrint's libraries (Pango; HarfBuzz's subsetter
#      for fast font subsetting), poppler-utils (pdftoppm, for looking at
#      pages) and python3-venv where `python3 -m venv` cannot work without it.
#      apt waits for the package manager's lock (a new cloud VM is often
#      running unattended upgrades) instead of failing.
#   2. .venv, made with the first Python >= 3.11 found ($PYTHON, python3).
#   3. reportgen itself, a plain non-editable `pip install ".[dev]"` into
#      .venv with the tested versions in constraints.txt, so the tests
#      exercise the package as a scheduled deployment gets it.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  say "no $PYTHON on PATH; install Python 3.11 or newer (apt-get install python3)"
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  say "$PYTHON is $("$PYTHON" --version 2>&1); reportgen needs Python 3.11 or newer (set PYTHON=...)"
  exit 1
fi

need=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# Debian's python3 has venv but not ensurepip unless python3.X-venv is installed.
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  need+=("python3-venv")
  ver="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  need+=("python${ver}-venv")
fi
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${need[*]} (waiting up to 10 min for the package manager's lock)"
    apt_opts=(-o DPkg::Lock::Timeout=600 -qq)
    apt-get "${apt_opts[@]}" update
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y "${need[@]}" >/dev/null
  else
    say "please install these Debian packages first: ${need[*]}"
    say "  sudo apt-get install -y ${need[*]}"
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  say "creating the project virtual environment .venv with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv .venv
fi

say "installing reportgen and its test tools into .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt ".[dev]"
say "done: run .venv/bin/reportgen, or 'source .venv/bin/activate' first"
