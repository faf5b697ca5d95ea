#!/usr/bin/env bash
# `npm run test:peers`: the whole conformance suite against a real Dovecot on loopback, gated on
# docs/conformance/dovecot-baseline.json (exit 4 on a regression). Extra arguments go to
# `popcheck conformance` (e.g. --write-baseline docs/conformance/dovecot-baseline.json).
# Dovecot is stopped afterwards whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/../.."

DIR=${POPCHECK_DOVECOT_DIR:-/tmp/popcheck-dovecot}
PORT=${POPCHECK_DOVECOT_PORT:-11110}
BASELINE=${POPCHECK_DOVECOT_BASELINE:-docs/conformance/dovecot-baseline.json}

bash scripts/peers/dovecot.sh start "$DIR" "$PORT"
trap 'bash scripts/peers/dovecot.sh stop "$DIR"' EXIT

baseline=()
[ -f "$BASELINE" ] && baseline=(--baseline "$BASELINE")

set +e
npx tsx src/cli/popcheck.ts conformance \
  --host 127.0.0.1 --port "$PORT" \
  --user alice --pass wonderland --user2 bob --pass2 builder \
  --fixtures "maildir:$DIR/mail/alice" --destructive \
  "${baseline[@]}" \
  --format junit:reports/dovecot.xml --format json:reports/dovecot.json --format markdown:reports/dovecot.md \
  "$@"
code=$?
set -e
exit "$code"
