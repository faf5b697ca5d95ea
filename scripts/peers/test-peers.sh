#!/usr/bin/env bash
# `npm run test:peers`: the whole conformance suite against a real Dovecot on loopback, three times:
# without TLS, over STLS (RFC 2595) on the POP3 port, and over implicit TLS (RFC 8314) on the pop3s
# port. Each mode has its own baseline, docs/conformance/dovecot-baseline-<mode>.json, and is gated
# on it (exit 4 on a regression). Dovecot is restarted before each mode (empty Maildirs, fresh
# UIDs) and stopped afterwards whatever the outcome.
#
#   npm run test:peers [-- [--modes none,stls,implicit] [--write-baselines] [conformance options...]]
#
# --modes picks the modes (default all three, in that order); --write-baselines rewrites each
# mode's baseline from its run (waivers carried over). Other arguments go to every
# `popcheck conformance` run. Reports: reports/dovecot-<mode>.{xml,json,md}.
# Exit code: the worst of the runs, in the gate's precedence (3, 4, 1; 2 first, a usage error).
set -euo pipefail
cd "$(dirname "$0")/../.."

DIR=${POPCHECK_DOVECOT_DIR:-/tmp/popcheck-dovecot}
PORT=${POPCHECK_DOVECOT_PORT:-11110}
TLS_PORT=${POPCHECK_DOVECOT_TLS_PORT:-$((PORT + 885))}
BASELINES=${POPCHECK_DOVECOT_BASELINES:-docs/conformance}

modes=(none stls implicit)
write_baselines=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --modes) IFS=, read -r -a modes <<<"${2:?--modes needs a list, e.g. none,stls}"; shift 2 ;;
    --modes=*) IFS=, read -r -a modes <<<"${1#--modes=}"; shift ;;
    --write-baselines) write_baselines=1; shift ;;
    *) extra+=("$1"); shift ;;
  esac
done
for m in "${modes[@]}"; do
  case "$m" in none|stls|implicit) ;; *) echo "test-peers.sh: unknown mode '$m' (none, stls, implicit)" >&2; exit 2 ;; esac
done

trap 'bash scripts/peers/dovecot.sh stop "$DIR"' EXIT

codes=()
for mode in "${modes[@]}"; do
  bash scripts/peers/dovecot.sh start "$DIR" "$PORT" "$TLS_PORT"
  baseline_file="$BASELINES/dovecot-baseline-$mode.json"
  gate=()
  [ -f "$baseline_file" ] && gate=(--baseline "$baseline_file")
  [ "$write_baselines" -eq 1 ] && gate+=(--write-baseline "$baseline_file")
  # --tls-insecure in every mode: the certificate is self-signed, and without --tls too the STLS
  # and SASL scenarios upgrade their own connections with STLS.
  case "$mode" in
    none) target=(--port "$PORT" --tls-insecure) ;;
    stls) target=(--port "$PORT" --tls stls --tls-insecure) ;;
    implicit) target=(--port "$TLS_PORT" --tls implicit --tls-insecure) ;;
  esac
  echo "== Dovecot, tls $mode"
  set +e
  npx tsx src/cli/popcheck.ts conformance \
    --host 127.0.0.1 "${target[@]}" \
    --user alice --pass wonderland --user2 bob --pass2 builder \
    --fixtures "maildir:$DIR/mail/alice" --destructive \
    "${gate[@]}" \
    --format "junit:reports/dovecot-$mode.xml" --format "json:reports/dovecot-$mode.json" --format "markdown:reports/dovecot-$mode.md" \
    "${extra[@]}"
  code=$?
  set -e
  echo "== Dovecot, tls $mode: exit $code"
  codes+=("$code")
done

worst=0
for c in 2 3 4 1; do
  for code in "${codes[@]}"; do [ "$code" -eq "$c" ] && { worst=$c; break 2; }; done
done
for code in "${codes[@]}"; do [ "$code" -eq 0 ] || [ "$worst" -ne 0 ] || worst=$code; done
echo "test-peers.sh: modes ${modes[*]}: exit codes ${codes[*]} -> $worst"
exit "$worst"
