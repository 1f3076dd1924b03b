#!/usr/bin/env bash
# Installs Debian's Chromium for the widget's browser test when it is missing.
# It never downloads a browser from anywhere but the system's package manager.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; install Chromium yourself (the browser test is skipped without it, and fails under CI)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "install-chromium: not root and no sudo; install Debian's chromium package to run the browser test" >&2
    exit 0
  fi
fi
echo "install-chromium: installing Debian's chromium package (for the widget's browser test)"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q chromium
