#!/usr/bin/env bash
# Installs what `hive sim run --engine local` and its tests need: Debian's `monero` package
# (monerod + monero-wallet-rpc). Does nothing when both are already on PATH.
set -euo pipefail

if command -v monerod >/dev/null 2>&1 && command -v monero-wallet-rpc >/dev/null 2>&1; then
  exit 0
fi
echo "sim_deps: installing monero (Debian package: monerod, monero-wallet-rpc)" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "sim_deps: need root; run: apt-get install -y monero" >&2
    exit 1
  fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends monero >/dev/null
monerod --version
