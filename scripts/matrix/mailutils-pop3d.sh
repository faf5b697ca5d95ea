#!/usr/bin/env bash
# GNU Mailutils pop3d (Debian's mailutils-pop3d 3.15) as a loopback daemon of its own, PAM
# authentication of the system users alice/bob, mbox maildrops (its default format) holding the
# fixtures under $MATRIX_DIR/mailutils-pop3d/mail/USER. Not Maildir: its Maildir reader takes a
# file with CRLF line ends (as the harness writes fixtures) for a 2-octet message, and root-owned
# files for empty ones. So the run gets --fixtures none and @fixtures scenarios are SKIPped.
#   scripts/matrix/mailutils-pop3d.sh start [PORT] | stop
source "$(dirname "$0")/lib.sh"
NAME=mailutils-pop3d
DIR="$MATRIX_DIR/$NAME"
PORT=${2:-${POPCHECK_MAILUTILS_PORT:-12114}}

start() {
  need_root
  # The server itself is unpacked; its libraries install normally (they do not conflict).
  apt_install mailutils-common libmailutils9 libmu-dbm9 libpam-runtime
  local pkg; pkg=$(unpack mailutils-pop3d)
  ensure_system_users
  stop
  port_free "$PORT" || die "127.0.0.1:$PORT is in use"
  mkdir -p "$DIR"
  rm -rf "$DIR/mail" && mkdir -p "$DIR/mail"
  # Sticky and world-writable like a mail spool: the session (as the user) makes dot-locks here.
  chmod 1777 "$DIR/mail"
  write_fixture_mbox "$DIR/mail/$USER1" "$USER1"
  write_fixture_mbox "$DIR/mail/$USER2" "$USER2"
  rm -rf "$DIR/locks" && mkdir -p "$DIR/locks" && chmod 1777 "$DIR/locks"
  # pam service "other" on Debian: common-auth + common-account, i.e. /etc/shadow.
  cat >"$DIR/pop3d.conf" <<CONF
# Written by scripts/matrix/mailutils-pop3d.sh
mode daemon;
foreground yes;
pidfile "$DIR/pop3d.pid";
logging { syslog no; print-severity yes; };
auth { authentication clear; authentication pam; authorization clear; authorization system; };
pam { service "other"; };
mailbox { mailbox-pattern "mbox:$DIR/mail/\${user}"; };
# No TLS on loopback (tls-mode false): the conformance run is plaintext.
tls-mode false;
timeout 600;
# The maildrop lock (RFC 1939 section 8) lives in a folder of ours, not /var/lock/subsys/mail;
# the session writes it after switching to the user, hence mode 1777 below.
mandatory-locking { enable yes; lock-directory "$DIR/locks"; };
# max-children: the default 20 is below the suite's fifty simultaneous clients.
max-children 100;
server 127.0.0.1:$PORT { tls-mode false; backlog 128; };
server "[::1]:$PORT" { tls-mode false; backlog 128; };
CONF
  start_bg "$DIR/server.pid" "$DIR/server.log" "$pkg/usr/sbin/pop3d" --config-file="$DIR/pop3d.conf"
  wait_for_greeting "$PORT" || { stop; cat "$DIR/server.log" >&2; die "no greeting on 127.0.0.1:$PORT"; }
  write_target "$DIR" "$PORT" none
  note "answers on 127.0.0.1:$PORT"
}

stop() { stop_pidfile "$DIR/server.pid"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2 ;;
esac
