#!/usr/bin/env bash
# Dovecot through scripts/peers/dovecot.sh (owned by the peers helper; reused, not duplicated):
# an instance of its own under $MATRIX_DIR/dovecot, Maildirs DIR/mail/alice and DIR/mail/bob.
#   scripts/matrix/dovecot.sh start [PORT] | stop
source "$(dirname "$0")/lib.sh"
NAME=dovecot
DIR="$MATRIX_DIR/$NAME"
PORT=${2:-${POPCHECK_DOVECOT_MATRIX_PORT:-12111}}
PEER="$REPO_ROOT/scripts/peers/dovecot.sh"

case "${1:-}" in
  start)
    [ -x "$PEER" ] || [ -f "$PEER" ] || die "$PEER is missing"
    bash "$PEER" start "$DIR" "$PORT" >&2
    write_target "$DIR" "$PORT" "maildir:$DIR/mail/$USER1"
    ;;
  stop)
    if [ -f "$DIR/dovecot.conf" ]; then bash "$PEER" stop "$DIR"; fi
    ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2 ;;
esac
