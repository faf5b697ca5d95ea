#!/usr/bin/env bash
# npm run matrix: the conformance suite against the reference server and Debian's POP3 servers,
# one after the other, each on a loopback port of its own; then docs/compat-matrix.md.
#
#   bash scripts/matrix/run.sh [SERVER...]     default: all of them, in the order below
#
# Needs root (apt-get, system users alice/bob, privileged servers). Repeatable: every setup
# rewrites its configuration and maildrops on start; every server is stopped on exit, also on
# failure or Ctrl-C. Reports: $MATRIX_DIR/reports/SERVER.json (+ .log, .meta).
source "$(dirname "$0")/lib.sh"

ALL=(reference dovecot courier-pop mailutils-pop3d popa3d solid-pop3d)
SERVERS=("$@")
[ ${#SERVERS[@]} -eq 0 ] && SERVERS=("${ALL[@]}")
REPORTS="$MATRIX_DIR/reports"

need_root
apt_install socat
mkdir -p "$REPORTS"
cd "$REPO_ROOT" || exit 1
[ -d node_modules ] || npm ci --no-audit --no-fund

started=()
cleanup() {
  local s
  for s in "${started[@]}"; do bash "$MATRIX_SCRIPTS/$s.sh" stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT INT TERM

# The packaged version of a server, for the matrix header.
server_version() {
  case "$1" in
    reference) node -p "'popcheck ' + require('./package.json').version" ;;
    dovecot) echo "Dovecot $(dovecot --version | cut -d' ' -f1)" ;;
    *) echo "$1 $(dpkg-deb -f "$(ls "$MATRIX_DIR/debs/$1_"*.deb | head -n1)" Version)" ;;
  esac
}

# One conformance run against server $1 (its target.env), report in $REPORTS.
conformance() {
  local s=$1 code=0
  # shellcheck disable=SC1090
  source "$MATRIX_DIR/$s/target.env"
  # --tags: the interop features share features/ but are not conformance scenarios.
  # --tls-insecure: servers that offer STLS here (Dovecot) use self-signed test certificates.
  # --timeout 20 s, not 10: Dovecot and Courier answer a PASS late after failed logins (an
  # anti-guessing delay that grows with each failure), and the suite has many failed logins.
  npx tsx src/cli/popcheck.ts conformance \
    --host "$POP_HOST" --port "$POP_PORT" \
    --user "$POP_USER" --pass "$POP_PASS" --user2 "$POP_USER2" --pass2 "$POP_PASS2" \
    --fixtures "$POP_FIXTURES" --destructive --tags 'not @interop' --no-progress \
    --tls-insecure \
    --timeout "${POPCHECK_MATRIX_TIMEOUT_MS:-20000}" \
    --format "json:$REPORTS/$s.json" >"$REPORTS/$s.log" 2>&1 || code=$?
  printf 'server=%s\nstarted=yes\nversion=%s\nport=%s\nfixtures=%s\nexit=%s\n' \
    "$s" "$(server_version "$s")" "$POP_PORT" "$POP_FIXTURES" "$code" >"$REPORTS/$s.meta"
  # 0: every MUST passed, 1: a MUST failed, 3: some scenario ended in ERROR; all give a report.
  # 2 is a usage error: the run is broken, not the server.
  [ "$code" -ne 2 ] || { cat "$REPORTS/$s.log" >&2; return 2; }
  note "$s: conformance exit $code"
}

# Start every server first (each on its own port, with its own maildrops), then run the suite
# against all of them at once: the runs only wait on the network (courier alone spends minutes
# in its delays after failed logins), so running them side by side keeps the matrix to minutes.
for s in "${SERVERS[@]}"; do
  [ -f "$MATRIX_SCRIPTS/$s.sh" ] || die "no setup script for $s (known: ${ALL[*]})"
  rm -f "$REPORTS/$s.json" "$REPORTS/$s.meta" "$REPORTS/$s.log"
  started+=("$s")
  if ! bash "$MATRIX_SCRIPTS/$s.sh" start; then
    note "$s did not start; its column will say so"
    printf 'server=%s\nstarted=no\n' "$s" >"$REPORTS/$s.meta"
  fi
done

pids=() names=()
for s in "${SERVERS[@]}"; do
  [ -f "$REPORTS/$s.meta" ] && continue # did not start
  conformance "$s" &
  pids+=($!) names+=("$s")
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { note "${names[$i]}: the conformance run itself failed"; failed=1; }
done

cleanup
started=()
[ "$failed" -eq 0 ] || die "a conformance run failed (see $REPORTS/*.log)"

npx tsx "$MATRIX_SCRIPTS/report.ts" --reports "$REPORTS" --out "$REPO_ROOT/docs/compat-matrix.md" "${ALL[@]}"
