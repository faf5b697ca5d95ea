#!/usr/bin/env bash
# popa3d (Debian's 1.0.3), inetd-style behind socat, PAM (system users alice/bob). Its mailbox
# path is built in: the mbox /var/mail/USER, so the fixtures are written there as an mbox on every
# start and the conformance run gets --fixtures none (the harness writes fixtures into Maildirs
# only): @fixtures scenarios are SKIPped for this server.
#   scripts/matrix/popa3d.sh start [PORT] | stop
source "$(dirname "$0")/lib.sh"
NAME=popa3d
DIR="$MATRIX_DIR/$NAME"
PORT=${2:-${POPCHECK_POPA3D_PORT:-12113}}

start() {
  need_root
  apt_install libpam0g libpam-runtime socat
  local pkg; pkg=$(unpack popa3d)
  [ -e /etc/pam.d/popa3d ] || cp "$pkg/etc/pam.d/popa3d" /etc/pam.d/popa3d
  # The package's postinst: an unprivileged account and an empty chroot folder for the
  # pre-authentication child.
  getent group popa3d >/dev/null || groupadd --system popa3d
  id popa3d >/dev/null 2>&1 || useradd --system --gid popa3d --home-dir /var/lib/popa3d --no-create-home --shell /usr/sbin/nologin popa3d
  mkdir -p /var/lib/popa3d && chown root:root /var/lib/popa3d && chmod 0755 /var/lib/popa3d
  ensure_system_users
  stop
  mkdir -p "$DIR" /var/mail
  write_fixture_mbox "/var/mail/$USER1" "$USER1"
  write_fixture_mbox "/var/mail/$USER2" "$USER2"
  start_inetd_style "$DIR" "$PORT" "$pkg/usr/sbin/popa3d"
  wait_for_greeting "$PORT" || { stop; cat "$DIR/socat.log" >&2; die "no greeting on 127.0.0.1:$PORT"; }
  write_target "$DIR" "$PORT" none
  note "answers on 127.0.0.1:$PORT (mbox /var/mail/$USER1)"
}

stop() { stop_inetd_style "$DIR"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2 ;;
esac
