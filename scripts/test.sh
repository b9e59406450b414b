#!/usr/bin/env bash
# Every test, with all set-up a fresh machine needs: the pinned npm tools (Azurite, browser-test assets),
# Debian's Chromium for the browser tests (never a browser download), then the whole solution.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=error

if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then
  echo "Installing Debian's chromium and an emoji font for the browser tests (needs root)..."
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
rm -rf TestResults
dotnet test Listening.sln --logger "trx" --results-directory TestResults "$@"
