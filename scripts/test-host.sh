#!/usr/bin/env bash
# The real test host for podup's integration tests, on a Debian machine whose PID 1 is not systemd:
#   - a local OCI registry (docker-registry) on 127.0.0.1, also serving as the ghcr.io mirror
#   - a real `systemd --user` manager reachable over D-Bus, in its own mount namespace and cgroup
#   - the Podman REST API (podman system service) as a unit of that manager, on a unix socket
#   - isolated Podman storage and configuration (nothing touches the machine's own containers)
#   - rootless: a second `systemd --user` manager running as an unprivileged user ($ROOTLESS_USER, created once
#     with subuid/subgid ranges and kept), with that user's own rootless Podman (its podman.socket) and
#     lingering on, in a mount namespace and cgroup of its own; its environment is in $TH/rootless/env
#
#   scripts/test-host.sh up       start everything (idempotent), write $TH/env
#   scripts/test-host.sh down     stop everything it started, by PID, and remove its cgroups
#   scripts/test-host.sh env      print the environment to source (after up)
#   scripts/test-host.sh status   show what runs
#
# Safety (see DEVELOPERS.md): systemd --user starts only inside `unshare --mount` with a tmpfs over
# /run/systemd, and only after its shell has moved into a dedicated child cgroup in every hierarchy;
# PID 1's cgroup is checked to be unchanged after up and after down. Only 127.0.0.1 and unix sockets.
# The rootless manager follows the same rules in its own cgroup ($CG_RL), of which only the name=systemd and
# cgroup2 parts are handed to its user, as systemd delegates a user@.service; it drops root with setpriv
# after the mount, so it runs as its user and nothing else.
# Facts and gotchas: ../shared/research/realparts.md (sections 1-4 and 8).
set -euo pipefail

TH=${PODUP_TEST_HOST_DIR:-/tmp/podup-test-host}
REG_PORT=${PODUP_TEST_REGISTRY_PORT:-5077}
REG_ADDR=127.0.0.1:$REG_PORT
CG=/podup-test-host
PODMAN_UNIT=podup-th-podman.service
ROOTLESS_USER=${PODUP_TEST_ROOTLESS_USER:-podup-th}
RL=$TH/rootless
CG_RL=/podup-test-host-rootless
LINGER_DIR=/var/lib/systemd/linger

ms() { date +%s%3N; }
log() { printf '[test-host %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

waitfor() { # waitfor <what> <tries of 10 ms> <cmd...>
  local what=$1 n=$2 i
  shift 2
  for ((i = 0; i < n; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.01; done
  log "timeout waiting for $what"
  return 1
}

alive() { # the PID in pidfile $1 runs (a zombie waiting to be reaped does not count)
  local p
  [ -f "$1" ] || return 1
  p=$(cat "$1")
  kill -0 "$p" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ]
}

cg_hierarchies() { # every mounted cgroup hierarchy except v1 cpuset (needs cpus/mems; systemd does not use it)
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -f "${h}cgroup.procs" ] || continue
    case "$h" in */cpuset/) continue ;; esac
    echo "${h%/}"
  done
}

pid1_cgroup() { cat /proc/1/cgroup; }

assert_pid1_unchanged() { # $1 = what happened
  local before=$TH/pid1.cgroup
  [ -f "$before" ] || return 0
  if ! diff -q "$before" <(pid1_cgroup) >/dev/null; then
    log "PID 1's cgroup changed after $1. Before:"; cat "$before" >&2
    log "Now:"; pid1_cgroup >&2
    die "PID 1 was moved: stop and repair by hand (see realparts.md section 3.3)"
  fi
}

env_file() {
  cat <<EOF
export PODUP_TEST_HOST_DIR=$TH
export CONTAINERS_CONF=$TH/containers.conf
export CONTAINERS_REGISTRIES_CONF=$TH/registries.conf
export CONTAINERS_STORAGE_CONF=$TH/storage.conf
export PODUP_TEST_REGISTRY=$REG_ADDR
export PODUP_PODMAN_SOCKET=$TH/podman.sock
export PODUP_SYSTEMD_SCOPE=user
export XDG_RUNTIME_DIR=$TH/xdg
export DBUS_SESSION_BUS_ADDRESS=unix:path=$TH/xdg/bus
export PODUP_TEST_UNIT_DIR=$TH/home/.config/systemd/user
# the user manager's HOME: systemctl --user enable/disable write links under it
export PODUP_TEST_HOME=$TH/home
export PODUP_TEST_QUADLET_DIR=$TH/home/.config/containers/systemd
EOF
}

write_configs() {
  mkdir -p "$TH"/{registry/data,home/.config/systemd/user,home/.config/containers/systemd,xdg,storage,run/containers,rootfs/bin,rootfs/tmp,rootfs/etc,logs}
  chmod 700 "$TH/xdg"
  local nofile
  nofile=$(ulimit -Hn)
  cat >"$TH/containers.conf" <<EOF
[containers]
# No CAP_SYS_RESOURCE on these machines: the runtime may not raise rlimits above the hard limit
# (podman's rootful defaults are nofile=1048576, nproc=4194304; podman caps its own nproc at 32768).
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]
log_driver = "k8s-file"
[network]
# Debian also ships a CNI config; the netavark backend is the one installed.
network_backend = "netavark"
[engine]
# crun 1.8.1 fails on the hybrid cgroup layout ("cgroups in hybrid mode not supported"); runc works.
runtime = "runc"
cgroup_manager = "cgroupfs"
# journald's socket is hidden inside the test host's mount namespace.
events_logger = "file"
EOF
  cat >"$TH/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$TH/storage"
runroot = "$TH/run/containers"
EOF
  # ghcr.io is served by the local registry as a mirror, the way an operator points Podman at a cache:
  # podman pull ghcr.io/acme/app:1 reads $REG_ADDR/acme/app:1 (no test-only code in podup).
  cat >"$TH/registries.conf" <<EOF
unqualified-search-registries = []

[[registry]]
location = "$REG_ADDR"
insecure = true

[[registry]]
prefix = "ghcr.io"
location = "ghcr.io"

[[registry.mirror]]
location = "$REG_ADDR"
insecure = true
EOF
  cat >"$TH/registry/config.yml" <<EOF
version: 0.1
log: { level: warn, fields: { service: registry } }
storage:
  cache: { blobdescriptor: inmemory }
  filesystem: { rootdirectory: $TH/registry/data }
  delete: { enabled: true }
http:
  addr: $REG_ADDR
  secret: podup-test-host-not-secret
  headers: { X-Content-Type-Options: [nosniff] }
EOF
  cat >"$TH/home/.config/systemd/user/$PODMAN_UNIT" <<EOF
[Unit]
Description=Podman REST API for podup tests

[Service]
Environment=CONTAINERS_CONF=$TH/containers.conf CONTAINERS_REGISTRIES_CONF=$TH/registries.conf CONTAINERS_STORAGE_CONF=$TH/storage.conf
ExecStartPre=/bin/rm -f $TH/podman.sock
ExecStart=/usr/bin/podman system service --time=0 unix://$TH/podman.sock
EOF
  env_file >"$TH/env"
}

start_registry() {
  if alive "$TH/registry.pid"; then return 0; fi
  local t0
  t0=$(ms)
  /usr/bin/docker-registry serve "$TH/registry/config.yml" >"$TH/logs/registry.log" 2>&1 </dev/null &
  echo $! >"$TH/registry.pid"
  waitfor registry 500 curl -sf "http://$REG_ADDR/v2/" || die "registry did not start (see $TH/logs/registry.log)"
  log "registry up on $REG_ADDR (pid $(cat "$TH/registry.pid")) in $(($(ms) - t0)) ms"
}

podman_th() { podman "$@"; } # runs with the CONTAINERS_* variables exported by up()

seed_image() { # a 2 MB busybox image, built offline: $REG_ADDR/podup/busybox:1
  if curl -sf "http://$REG_ADDR/v2/podup/busybox/manifests/1" -H 'Accept: application/vnd.oci.image.manifest.v1+json' >/dev/null; then
    return 0
  fi
  local t0 c
  t0=$(ms)
  cp /bin/busybox "$TH/rootfs/bin/busybox"
  for c in sh echo ls cat sleep true env httpd wget date; do ln -sf busybox "$TH/rootfs/bin/$c"; done
  tar -C "$TH/rootfs" -cf "$TH/busybox.tar" .
  podman_th import -q --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' "$TH/busybox.tar" "$REG_ADDR/podup/busybox:1" >/dev/null
  podman_th push -q "$REG_ADDR/podup/busybox:1"
  log "seed image $REG_ADDR/podup/busybox:1 pushed in $(($(ms) - t0)) ms"
}

start_user_manager() {
  if alive "$TH/user-manager.pid"; then return 0; fi
  local t0 h hierarchies
  t0=$(ms)
  hierarchies=$(cg_hierarchies | tr '\n' ' ')
  for h in $hierarchies; do mkdir -p "$h$CG"; done
  cat >"$TH/user-manager.sh" <<EOF
#!/bin/sh
# Runs inside 'unshare --mount': own cgroup first, then a faked sd_booted(), then exec systemd --user.
set -e
for h in $hierarchies; do echo \$\$ > "\$h$CG/cgroup.procs"; done
# refuse to start unless this shell really left the root cgroup in every hierarchy it was moved in
if awk -F: -v cg="$CG" '\$2 !~ /cpuset/ && \$3 != cg { bad = 1 } END { exit !bad }' /proc/self/cgroup; then
  echo "refusing to start systemd --user outside $CG: \$(tr '\n' ' ' < /proc/self/cgroup)" >&2; exit 1
fi
mount -t tmpfs -o mode=755 tmpfs /run/systemd      # only in this mount namespace
mkdir -p /run/systemd/system                       # sd_booted() == true
export XDG_RUNTIME_DIR=$TH/xdg HOME=$TH/home XDG_CONFIG_HOME=$TH/home/.config
export CONTAINERS_CONF=$TH/containers.conf CONTAINERS_REGISTRIES_CONF=$TH/registries.conf CONTAINERS_STORAGE_CONF=$TH/storage.conf
unset DBUS_SESSION_BUS_ADDRESS LISTEN_FDS LISTEN_PID NOTIFY_SOCKET
exec /lib/systemd/systemd --user --log-target=console --log-level=notice
EOF
  chmod +x "$TH/user-manager.sh"
  unshare --mount --propagation private "$TH/user-manager.sh" >"$TH/logs/user-manager.log" 2>&1 </dev/null &
  echo $! >"$TH/user-manager.pid" # unshare execs, so this is systemd's PID
  export XDG_RUNTIME_DIR="$TH/xdg" DBUS_SESSION_BUS_ADDRESS="unix:path=$TH/xdg/bus"
  if ! waitfor systemd-user 1000 busctl --user call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping; then
    cat "$TH/logs/user-manager.log" >&2
    die "systemd --user did not come up"
  fi
  log "systemd --user up (pid $(cat "$TH/user-manager.pid")) on $DBUS_SESSION_BUS_ADDRESS in $(($(ms) - t0)) ms"
}

start_podman_api() {
  local t0
  t0=$(ms)
  systemctl --user set-environment CONTAINERS_CONF="$TH/containers.conf" \
    CONTAINERS_REGISTRIES_CONF="$TH/registries.conf" CONTAINERS_STORAGE_CONF="$TH/storage.conf"
  systemctl --user daemon-reload
  systemctl --user start "$PODMAN_UNIT"
  waitfor podman-api 500 curl -sf --unix-socket "$TH/podman.sock" http://d/v4.0.0/libpod/_ping ||
    die "Podman API did not answer (journal: systemctl --user status $PODMAN_UNIT)"
  log "podman API up on $TH/podman.sock in $(($(ms) - t0)) ms"
}

# ---- rootless: an unprivileged user's manager and Podman ----

rl_ids() { echo "$(id -u "$ROOTLESS_USER"):$(id -g "$ROOTLESS_USER")"; }

# Runs a command as the rootless user, in its manager's environment (setpriv: no PAM, no login session).
as_rootless() {
  setpriv --reuid="$(id -u "$ROOTLESS_USER")" --regid="$(id -g "$ROOTLESS_USER")" --init-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$RL/home" USER="$ROOTLESS_USER" LOGNAME="$ROOTLESS_USER" \
    XDG_RUNTIME_DIR="$RL/xdg" DBUS_SESSION_BUS_ADDRESS="unix:path=$RL/xdg/bus" "$@"
}

next_subid() { # the first id after every range already given out in $1 (/etc/subuid or /etc/subgid)
  awk -F: 'BEGIN { m = 100000 } { e = $2 + $3; if (e > m) m = e } END { print m }' "$1"
}

ensure_rootless_user() {
  if ! id -u "$ROOTLESS_USER" >/dev/null 2>&1; then
    useradd --no-create-home --home-dir "$RL/home" --shell /usr/sbin/nologin --user-group \
      --comment 'podup test host rootless user' "$ROOTLESS_USER"
    log "created user $ROOTLESS_USER ($(rl_ids)) for the rootless test host (kept; userdel $ROOTLESS_USER removes it)"
  fi
  local f start
  for f in /etc/subuid /etc/subgid; do
    touch "$f"
    if ! grep -q "^$ROOTLESS_USER:" "$f"; then
      start=$(next_subid "$f")
      if [ "$f" = /etc/subuid ]; then
        usermod --add-subuids "$start-$((start + 65535))" "$ROOTLESS_USER"
      else
        usermod --add-subgids "$start-$((start + 65535))" "$ROOTLESS_USER"
      fi
    fi
  done
}

write_rootless_configs() {
  [ -n "$RL" ] || die "no rootless directory"
  mkdir -p "$RL"/home/.config/containers/systemd "$RL"/home/.config/systemd/user "$RL"/xdg "$RL"/logs
  chmod 755 "$RL"
  cat >"$RL/home/.config/containers/containers.conf" <<CONF
[containers]
log_driver = "k8s-file"
[network]
network_backend = "netavark"
[engine]
# crun 1.8.1 fails on the hybrid cgroup layout; runc works (rootless too, without cgroup limits on v1).
runtime = "runc"
cgroup_manager = "cgroupfs"
# journald's socket is hidden inside the manager's mount namespace.
events_logger = "file"
CONF
  # The same mirror as the root host's: ghcr.io is the local registry.
  cp "$TH/registries.conf" "$RL/home/.config/containers/registries.conf"
  chown -R "$(rl_ids)" "$RL/home" "$RL/xdg" "$RL/logs"
  chmod 700 "$RL/xdg"
  cat >"$RL/env" <<ENV
export PODUP_TEST_ROOTLESS_USER=$ROOTLESS_USER
export PODUP_TEST_UID=$(id -u "$ROOTLESS_USER")
export PODUP_TEST_GID=$(id -g "$ROOTLESS_USER")
export HOME=$RL/home
export XDG_RUNTIME_DIR=$RL/xdg
export DBUS_SESSION_BUS_ADDRESS=unix:path=$RL/xdg/bus
export PODUP_PODMAN_SOCKET=$RL/xdg/podman/podman.sock
export PODUP_SYSTEMD_SCOPE=user
export PODUP_TEST_REGISTRY=$REG_ADDR
export PODUP_TEST_UNIT_DIR=$RL/home/.config/systemd/user
export PODUP_TEST_HOME=$RL/home
export PODUP_TEST_QUADLET_DIR=$RL/home/.config/containers/systemd
ENV
}

start_rootless_manager() {
  if alive "$RL/user-manager.pid"; then return 0; fi
  local t0 h hierarchies uid gid
  t0=$(ms)
  uid=$(id -u "$ROOTLESS_USER")
  gid=$(id -g "$ROOTLESS_USER")
  hierarchies=$(cg_hierarchies | tr '\n' ' ')
  for h in $hierarchies; do mkdir -p "$h$CG_RL"; done
  # Delegation, as for a user@.service: the manager manages only the name=systemd and cgroup2 trees below it.
  for h in $hierarchies; do
    case "$h" in */systemd | */unified) chown -R "$uid:$gid" "$h$CG_RL" ;; esac
  done
  cat >"$RL/user-manager.sh" <<SCRIPT
#!/bin/sh
# Runs inside 'unshare --mount': own cgroup first, then a faked sd_booted(), then drops root for systemd --user.
set -e
for h in $hierarchies; do echo \$\$ > "\$h$CG_RL/cgroup.procs"; done
if awk -F: -v cg="$CG_RL" '\$2 !~ /cpuset/ && \$3 != cg { bad = 1 } END { exit !bad }' /proc/self/cgroup; then
  echo "refusing to start systemd --user outside $CG_RL: \$(tr '\n' ' ' < /proc/self/cgroup)" >&2; exit 1
fi
mount -t tmpfs -o mode=755 tmpfs /run/systemd      # only in this mount namespace
mkdir -p /run/systemd/system                       # sd_booted() == true
exec setpriv --reuid=$uid --regid=$gid --init-groups env -i PATH=/usr/local/bin:/usr/bin:/bin \\
  HOME=$RL/home USER=$ROOTLESS_USER LOGNAME=$ROOTLESS_USER XDG_RUNTIME_DIR=$RL/xdg \\
  /lib/systemd/systemd --user --log-target=console --log-level=notice
SCRIPT
  chmod +x "$RL/user-manager.sh"
  unshare --mount --propagation private "$RL/user-manager.sh" >"$RL/logs/user-manager.log" 2>&1 </dev/null &
  echo $! >"$RL/user-manager.pid" # unshare and setpriv exec, so this is systemd's PID
  if ! waitfor systemd-user-rootless 1000 as_rootless busctl --user call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping; then
    cat "$RL/logs/user-manager.log" >&2
    die "the rootless systemd --user did not come up"
  fi
  log "rootless systemd --user up as $ROOTLESS_USER (pid $(cat "$RL/user-manager.pid")) in $(($(ms) - t0)) ms"
}

start_rootless_podman() {
  local t0
  t0=$(ms)
  as_rootless systemctl --user start podman.socket
  waitfor podman-api-rootless 500 curl -sf --unix-socket "$RL/xdg/podman/podman.sock" http://d/v4.0.0/libpod/_ping ||
    die "rootless Podman API did not answer (as $ROOTLESS_USER: systemctl --user status podman.socket)"
  log "rootless podman API up on $RL/xdg/podman/podman.sock in $(($(ms) - t0)) ms"
}

# What `loginctl enable-linger` does (there is no logind here): podup doctor and setup read this file.
enable_rootless_linger() {
  if [ -e "$LINGER_DIR/$ROOTLESS_USER" ]; then return 0; fi
  mkdir -p "$LINGER_DIR"
  touch "$LINGER_DIR/$ROOTLESS_USER" "$RL/linger-created"
}

up_rootless() {
  ensure_rootless_user
  write_rootless_configs
  start_rootless_manager
  assert_pid1_unchanged "starting the rootless systemd --user"
  start_rootless_podman
  enable_rootless_linger
}

down_rootless() {
  local h
  if alive "$RL/user-manager.pid"; then
    timeout 20 as_rootless systemctl --user exit 2>/dev/null || true
    stop_pidfile "$RL/user-manager.pid"
  fi
  rm -f "$RL/user-manager.pid"
  if id -u "$ROOTLESS_USER" >/dev/null 2>&1 && [ -d "$RL/home/.local/share/containers" ]; then
    timeout 60 as_rootless podman rm -af -t 0 >/dev/null 2>&1 || true
  fi
  # rootless Podman keeps its user namespace open with a pause process, wherever podman ran as the user
  stop_pidfile "$RL/xdg/libpod/tmp/pause.pid"
  # processes still in its cgroup (started by that manager) are the test host's: stop them by PID
  for h in $(cg_hierarchies); do
    [ -d "$h$CG_RL" ] || continue
    find "$h$CG_RL" -name cgroup.procs -exec cat {} \; 2>/dev/null | while read -r p; do kill -9 "$p" 2>/dev/null || true; done
  done
  sleep 0.1
  for h in $(cg_hierarchies); do
    [ -d "$h$CG_RL" ] && find "$h$CG_RL" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  if [ -f "$RL/linger-created" ]; then rm -f "$LINGER_DIR/$ROOTLESS_USER" "$RL/linger-created"; fi
}

up() {
  [ "$(id -u)" -eq 0 ] || die "the test host needs root (cgroups, mount namespace); CI runs as root"
  mkdir -p "$TH"
  if ! alive "$TH/user-manager.pid"; then pid1_cgroup >"$TH/pid1.cgroup"; fi
  write_configs
  export CONTAINERS_CONF="$TH/containers.conf" CONTAINERS_REGISTRIES_CONF="$TH/registries.conf" CONTAINERS_STORAGE_CONF="$TH/storage.conf"
  local t0
  t0=$(ms)
  start_registry
  seed_image
  start_user_manager
  assert_pid1_unchanged "starting systemd --user"
  export XDG_RUNTIME_DIR="$TH/xdg" DBUS_SESSION_BUS_ADDRESS="unix:path=$TH/xdg/bus"
  start_podman_api
  up_rootless
  assert_pid1_unchanged "up"
  log "ready in $(($(ms) - t0)) ms; source $TH/env (rootless: $RL/env)"
}

stop_pidfile() { # SIGTERM the PID in a pidfile, wait up to 5 s, then SIGKILL
  local f=$1 p i
  [ -f "$f" ] || return 0
  p=$(cat "$f")
  if kill "$p" 2>/dev/null; then
    for ((i = 0; i < 50; i++)); do
      [ -d "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] || break
      sleep 0.1
    done
    kill -9 "$p" 2>/dev/null || true
  fi
  rm -f "$f"
}

down() {
  local t0 h
  t0=$(ms)
  [ -f "$TH/pid1.cgroup" ] || pid1_cgroup >"$TH/pid1.cgroup" 2>/dev/null || true
  if [ -f "$TH/containers.conf" ]; then
    export CONTAINERS_CONF="$TH/containers.conf" CONTAINERS_REGISTRIES_CONF="$TH/registries.conf" CONTAINERS_STORAGE_CONF="$TH/storage.conf"
  fi
  if alive "$TH/user-manager.pid"; then
    XDG_RUNTIME_DIR="$TH/xdg" timeout 20 systemctl --user exit 2>/dev/null || true
    stop_pidfile "$TH/user-manager.pid"
  fi
  rm -f "$TH/user-manager.pid"
  down_rootless
  # containers the tests left behind live only in this host's own storage
  if [ -f "$TH/storage.conf" ] && [ -d "$TH/storage" ]; then
    timeout 60 podman rm -af -t 0 >/dev/null 2>&1 || true
  fi
  # processes still in our cgroup (started by the manager) are ours: stop them by PID
  for h in $(cg_hierarchies); do
    [ -d "$h$CG" ] || continue
    find "$h$CG" -name cgroup.procs -exec cat {} \; 2>/dev/null | while read -r p; do kill -9 "$p" 2>/dev/null || true; done
  done
  sleep 0.1
  # systemd leaves its (now empty) cgroup tree behind: remove it bottom-up
  for h in $(cg_hierarchies); do
    [ -d "$h$CG" ] && find "$h$CG" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  stop_pidfile "$TH/registry.pid"
  # Every run pushes and pulls images of its own names: kept, they piled up (1,565 images and 988 repositories
  # on a machine used for days made Podman's pulls and listings several times slower, and a pull in the adapter
  # contract timed out). Nothing runs any more, so the host's own storage and registry go; up seeds them again.
  rm -rf "$TH/storage" "$TH/registry/data" "$RL/home/.local/share/containers/storage"
  assert_pid1_unchanged "down"
  rm -f "$TH/pid1.cgroup"
  log "down in $(($(ms) - t0)) ms"
}

status() {
  local what
  for what in registry user-manager rootless/user-manager; do
    if alive "$TH/$what.pid"; then echo "$what: running (pid $(cat "$TH/$what.pid"))"; else echo "$what: stopped"; fi
  done
  if curl -sf --unix-socket "$RL/xdg/podman/podman.sock" http://d/v4.0.0/libpod/_ping >/dev/null 2>&1; then
    echo "rootless podman API: answering on $RL/xdg/podman/podman.sock"
  else
    echo "rootless podman API: not answering"
  fi
  if curl -sf --unix-socket "$TH/podman.sock" http://d/v4.0.0/libpod/_ping >/dev/null 2>&1; then
    echo "podman API: answering on $TH/podman.sock"
  else
    echo "podman API: not answering"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env)
    [ -f "$TH/env" ] || die "not up: run $0 up"
    cat "$TH/env"
    ;;
  status) status ;;
  *)
    echo "usage: $0 up|down|env|status" >&2
    exit 2
    ;;
esac
