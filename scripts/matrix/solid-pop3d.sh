#!/usr/bin/env bash
# Solid POP3 (Debian's solid-pop3d 0.15), inetd-style behind socat, PAM (system users alice/bob),
# Maildir maildrops of its own under $MATRIX_DIR/solid-pop3d/mail/USER, holding the fixtures with
# LF line ends (its Maildir reader needs Unix line ends: it counts the CR of a CRLF file as an
# extra octet and refuses a whole maildrop, "-ERR message is damaged", when one message lacks a
# final line break). The harness writes fixtures as stored (CRLF), so the run gets --fixtures none
# and @fixtures scenarios are SKIPped.
#   scripts/matrix/solid-pop3d.sh start [PORT]   install, configure, start, wait for the greeting
#   scripts/matrix/solid-pop3d.sh stop
source "$(dirname "$0")/lib.sh"
NAME=solid-pop3d
DIR="$MATRIX_DIR/$NAME"
PORT=${2:-${POPCHECK_SOLID_PORT:-12112}}

start() {
  need_root
  apt_install liblockfile1 libpam-runtime socat
  local pkg; pkg=$(unpack solid-pop3d)
  # PAM service file of the package (common-auth + common-account); "other" would do the same.
  [ -e /etc/pam.d/solid-pop3d ] || cp "$pkg/etc/pam.d/solid-pop3d" /etc/pam.d/solid-pop3d
  # The package's postinst creates this account; solid-pop3d exits at start without it.
  id spop3d >/dev/null 2>&1 || useradd --system --home-dir /var/lib/solid-pop3d --no-create-home --gid mail --shell /usr/sbin/nologin spop3d
  mkdir -p /var/lib/solid-pop3d/bulletins
  ensure_system_users
  stop
  mkdir -p "$DIR"
  write_fixture_maildir_lf "$DIR/mail/$USER1" "$USER1"
  write_fixture_maildir_lf "$DIR/mail/$USER2" "$USER2"
  cat >"$DIR/spop3d.conf" <<CONF
/* Written by scripts/matrix/solid-pop3d.sh */
<Global>
	MailDropName	"$DIR/mail/%s"
	MailDropType	maildir
	LogStatistics	no
	AutoLogoutTime	10m
</Global>
CONF
  start_inetd_style "$DIR" "$PORT" "$pkg/usr/sbin/solid-pop3d" -f "$DIR/spop3d.conf"
  wait_for_greeting "$PORT" || { stop; cat "$DIR/socat.log" >&2; die "no greeting on 127.0.0.1:$PORT"; }
  write_target "$DIR" "$PORT" none
  note "answers on 127.0.0.1:$PORT"
}

stop() { stop_inetd_style "$DIR"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2 ;;
esac
