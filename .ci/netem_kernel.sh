#!/usr/bin/env bash
# Fetches a Linux kernel that has `netem`, for the test that runs the namespace path's netem
# leaf in a virtual machine (tests/adapters/engine/local/links/netem_vm_test.ts): the kernel of
# these machines has no netem module, Debian's cloud kernel has. Keeps only what that test
# boots: the kernel image and the modules of networking and veth (about 25 MB).
#
#   bash .ci/netem_kernel.sh            # into $HIVE_NETEM_KERNEL_DIR, default ~/.cache/hive/netem-kernel
#
# Quick when the kernel is already there. Needs apt-get (Debian) and network access to its mirror.
set -euo pipefail
dest=${HIVE_NETEM_KERNEL_DIR:-${HOME:-/root}/.cache/hive/netem-kernel}
if [ -s "$dest/version" ] && [ -s "$dest/vmlinuz" ]; then exit 0; fi

# The version the metapackage names today: security updates move it, and any version works.
package=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
  awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$package" ]; then
  apt-get update -qq >/dev/null
  package=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
[ -n "$package" ] || { echo "netem kernel: apt knows no linux-image-cloud-amd64" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # apt's download user reads and writes here
(cd "$work" && apt-get download -qq "$package-unsigned" 2>/dev/null ||
  apt-get download -qq "$package")
dpkg-deb -x "$work"/linux-image-*.deb "$work/x"
version=$(ls "$work/x/lib/modules")

mkdir -p "$dest.tmp"
cp "$work/x/boot/vmlinuz-$version" "$dest.tmp/vmlinuz"
mods="$dest.tmp/modules/$version"
mkdir -p "$mods/kernel/drivers/net"
cp -r "$work/x/lib/modules/$version/kernel/net" "$mods/kernel/"
cp "$work/x/lib/modules/$version/kernel/drivers/net/veth.ko" "$mods/kernel/drivers/net/"
cp "$work/x/lib/modules/$version"/modules.{order,builtin} "$mods/"
echo "$version" >"$dest.tmp/version"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "netem kernel: $version in $dest" >&2
