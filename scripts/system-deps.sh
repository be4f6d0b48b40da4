#!/usr/bin/env bash
# The Debian packages the test host, the benchmarks and the browser tests need.
#   scripts/system-deps.sh ensure   install what is missing when root; otherwise print the apt line and fail
#   scripts/system-deps.sh check    only report
set -euo pipefail

PACKAGES=(
  podman runc conmon netavark aardvark-dns catatonit slirp4netns uidmap fuse-overlayfs iptables
  golang-github-containers-common docker-registry skopeo busybox-static
  systemd dbus-daemon dbus-user-session util-linux passwd
  curl ca-certificates openssl webhook wrk
  chromium fonts-liberation
)

# command -> package that provides it; a missing command means the package must be installed
declare -A PROVIDES=(
  [podman]=podman [runc]=runc [docker-registry]=docker-registry [skopeo]=skopeo
  [/bin/busybox]=busybox-static [/lib/systemd/systemd]=systemd [systemd-socket-activate]=systemd
  [busctl]=systemd [dbus-daemon]=dbus-daemon [/usr/lib/systemd/user/dbus.socket]=dbus-user-session
  [unshare]=util-linux [setpriv]=util-linux [useradd]=passwd [newuidmap]=uidmap [curl]=curl [openssl]=openssl [webhook]=webhook [wrk]=wrk [chromium]=chromium
)

missing() {
  local cmd
  for cmd in "${!PROVIDES[@]}"; do
    if [[ $cmd == /* ]]; then [ -e "$cmd" ] || echo "${PROVIDES[$cmd]}"
    else command -v "$cmd" >/dev/null 2>&1 || echo "${PROVIDES[$cmd]}"; fi
  done | sort -u
}

# busybox-static's /bin/busybox must be the static build: the seed image copies it into a scratch rootfs
static_busybox() { [ -e /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }

case "${1:-ensure}" in
  check)
    m=$(missing)
    if [ -n "$m" ]; then echo "missing: $m"; exit 1; fi
    echo "system packages: all present"
    ;;
  ensure)
    m=$(missing)
    if [ -z "$m" ] && static_busybox; then exit 0; fi
    if [ "$(id -u)" -ne 0 ]; then
      echo "podup tests need Debian packages that are not installed (${m:-busybox-static}). Run:" >&2
      echo "  sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
      exit 1
    fi
    echo "installing system packages: ${m:-busybox-static}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >&2
    ;;
  *)
    echo "usage: $0 ensure|check" >&2
    exit 2
    ;;
esac
