#!/usr/bin/env bash
# Courier POP3 (Debian's courier-pop 1.0.16): courierpop3login + courierpop3d run inetd-style
# behind socat (instead of couriertcpd), authenticating the system users alice/bob through
# courier-authlib's authdaemond (authpam, Debian's default module list). Maildir
# ~/courier-Maildir under each user's matrix home, holding the fixtures with LF line ends: courier
# reads Maildir files in Unix format and sends a CRLF file's lines as CR CR LF, so the harness's
# CRLF fixture files cannot be used (--fixtures none; @fixtures scenarios are SKIPped).
#   scripts/matrix/courier-pop.sh start [PORT] | stop
source "$(dirname "$0")/lib.sh"
NAME=courier-pop
DIR="$MATRIX_DIR/$NAME"
PORT=${2:-${POPCHECK_COURIER_PORT:-12115}}
MAILDIR_NAME=courier-Maildir

start() {
  need_root
  # authlib and its daemon install normally (they do not conflict with other POP3 servers);
  # apt_install keeps their init scripts from starting a system-wide authdaemond.
  apt_install courier-authdaemon courier-authlib libcourier-unicode4 libidn12 libpam-runtime socat
  local pkg; pkg=$(unpack courier-pop)
  [ -e /etc/pam.d/pop3 ] || cp "$pkg/etc/pam.d/pop3" /etc/pam.d/pop3
  ensure_system_users
  stop
  mkdir -p "$DIR"
  local u
  for u in "$USER1" "$USER2"; do write_fixture_maildir_lf "$MATRIX_DIR/home/$u/$MAILDIR_NAME" "$u"; done
  # authdaemond: started here unless one already runs (then it is not ours to stop).
  if ! authtest "$USER1" "$PASS1" >/dev/null 2>&1; then
    /usr/sbin/authdaemond start
    touch "$DIR/authdaemond.ours"

    for _ in $(seq 1 50); do authtest "$USER1" "$PASS1" >/dev/null 2>&1 && break; sleep 0.1; done
    authtest "$USER1" "$PASS1" >/dev/null 2>&1 || die "authdaemond does not authenticate $USER1"
  fi
  # couriertcpd would set the TCP* variables and load the settings file into the environment.
  cat >"$DIR/session.sh" <<SH
#!/bin/sh
# One POP3 session on stdin/stdout (started by socat for each connection).
set -a
. "$pkg/etc/courier/pop3d"
TCPREMOTEIP=127.0.0.1 TCPREMOTEPORT=0 TCPLOCALIP=127.0.0.1 TCPLOCALPORT=$PORT
exec "$pkg/usr/lib/courier/courier/courierpop3login" "$pkg/usr/lib/courier/courier/courierpop3d" $MAILDIR_NAME
SH
  chmod 0755 "$DIR/session.sh"
  start_inetd_style "$DIR" "$PORT" "$DIR/session.sh"
  wait_for_greeting "$PORT" || { stop; cat "$DIR/socat.log" >&2; die "no greeting on 127.0.0.1:$PORT"; }
  write_target "$DIR" "$PORT" none
  note "answers on 127.0.0.1:$PORT"
}

stop() {
  stop_inetd_style "$DIR"
  if [ -f "$DIR/authdaemond.ours" ]; then
    /usr/sbin/authdaemond stop >/dev/null 2>&1 || true
    rm -f "$DIR/authdaemond.ours"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2 ;;
esac
