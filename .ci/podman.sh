#!/usr/bin/env bash
# A Docker-compatible engine for the `hive proxy` docker orchestrator tests: installs Debian
# podman + runc + busybox-static if missing, writes a containers.conf that works without
# cgroup delegation or extra network namespaces, imports a local busybox image
# (localhost/busybox:latest, no registry needed) and starts `podman system service` on a unix
# socket. Idempotent and quick when everything is already up.
#
# The tests find the socket at $HIVE_PODMAN_SOCKET, default /tmp/hive-podman/podman.sock.
set -euo pipefail

dir=${HIVE_PODMAN_DIR:-/tmp/hive-podman}
sock=${HIVE_PODMAN_SOCKET:-$dir/podman.sock}
mkdir -p "$dir"

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  echo "podman: installing ${missing[*]} (Debian packages)" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=""; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Limits cannot be raised here and there is no systemd or network namespace support, so:
cat >"$dir/containers.conf" <<'CONF'
[containers]
netns = "none"
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$dir/containers.conf"

if ! podman image exists localhost/busybox:latest 2>/dev/null; then
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  tar -C "$rootfs" -cf "$dir/busybox.tar" .
  rm -rf "$rootfs"
  podman import --change 'CMD ["/bin/sh"]' "$dir/busybox.tar" localhost/busybox:latest >/dev/null
fi

# A service started from a folder that was removed since (a deleted CI clone) still answers
# /_ping, but conmon cannot start containers from a deleted working directory: restart it.
pid=$(cat "$dir/service.pid" 2>/dev/null || true)
if [ -n "$pid" ] && [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == *"(deleted)" ]]; then
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
if curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then exit 0; fi
rm -f "$sock"
# Started from its own folder, so it never depends on the caller's working directory. `exec`
# makes the background subshell the service itself: no shell stays behind holding the caller's
# stdout open, and the pid file names the service.
(cd "$dir" && exec setsid nohup env CONTAINERS_CONF="$dir/containers.conf" \
  podman system service --time=0 "unix://$sock" >"$dir/service.log" 2>&1 </dev/null) &
echo $! >"$dir/service.pid"
for _ in $(seq 1 100); do
  curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "podman: service did not answer on $sock; see $dir/service.log" >&2
exit 1
