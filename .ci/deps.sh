#!/usr/bin/env bash
# Installs the system programs the tests drive for real: monerod and monero-wallet-rpc
# (sim local engine), Chromium (web UI tests), ip (network namespaces for the mDNS test), tmux
# (the hap portal driven as a person would), ps and script (process and terminal checks), and
# qemu with busybox and a kernel that has netem (the namespace path's netem leaf runs in a
# virtual machine: this machine's kernel has no netem). Quick when all are present.
set -euo pipefail
bash "$(dirname "$0")/podman.sh" || echo "deps: podman (Docker API for the proxy tests) failed" >&2

declare -A wanted=([monerod]=monero [monero-wallet-rpc]=monero [chromium]=chromium [ip]=iproute2
  [tmux]=tmux [ps]=procps [script]=bsdutils)
wanted[strace]=strace # tests/adapters/engine/monerod_loopback_test.ts traces connect()
wanted[qemu-system-x86_64]=qemu-system-x86 wanted[busybox]=busybox-static
missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
kernel() { bash "$(dirname "$0")/netem_kernel.sh" || echo "deps: the netem kernel (tests/adapters/engine/local/links/netem_vm_test.ts) failed" >&2; }
[ ${#missing[@]} -eq 0 ] && { kernel; exit 0; }

echo "deps: installing ${missing[*]} (Debian packages)" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "deps: need root to install ${missing[*]}; run: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else SUDO=""; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
kernel
