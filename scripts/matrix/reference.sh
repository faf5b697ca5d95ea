#!/usr/bin/env bash
# The bundled reference server (`popcheck server`, from the sources through tsx) on loopback,
# with empty Maildirs for alice and bob under $MATRIX_DIR/reference/mail.
#   scripts/matrix/reference.sh start [PORT] | stop
source "$(dirname "$0")/lib.sh"
NAME=reference
DIR="$MATRIX_DIR/$NAME"
PORT=${2:-${POPCHECK_REFERENCE_PORT:-12110}}

start() {
  stop
  port_free "$PORT" || die "127.0.0.1:$PORT is in use"
  mkdir -p "$DIR"
  rm -rf "$DIR/mail"
  make_maildir "$DIR/mail/$USER1" "$(id -un)"
  make_maildir "$DIR/mail/$USER2" "$(id -un)"
  # --listen binds the two loopback addresses only (-p would bind every address).
  start_bg "$DIR/server.pid" "$DIR/server.log" \
    node --import tsx "$REPO_ROOT/src/cli/popcheck.ts" server \
    -u "$USER1:$PASS1" -u "$USER2:$PASS2" -d "$DIR/mail" --listen "127.0.0.1:$PORT" --listen "[::1]:$PORT" --log-level warn
  wait_for_greeting "$PORT" || { stop; cat "$DIR/server.log" >&2; die "no greeting on 127.0.0.1:$PORT"; }
  write_target "$DIR" "$PORT" "maildir:$DIR/mail/$USER1"
  note "answers on 127.0.0.1:$PORT"
}

stop() { stop_pidfile "$DIR/server.pid"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start [PORT] | stop" >&2; exit 2 ;;
esac
