# Shared helpers for the compatibility-matrix server setups (sourced, not run).
#
# Layout: everything lives under $MATRIX_DIR (default /tmp/popcheck-matrix, never committed):
#   debs/        packages fetched with `apt-get download`
#   pkgs/NAME/   a package unpacked with `dpkg -x`: Debian marks the POP3 servers as conflicting
#                (they all "Provide: pop3-server"), so they are run side by side from here
#   NAME/        one server's configuration, mail, logs, pid file and target.env
# Each setup script writes NAME/target.env (POP_HOST POP_PORT POP_USER POP_PASS POP_USER2 POP_PASS2
# POP_FIXTURES: maildir:PATH or none) for run.sh.
set -euo pipefail

MATRIX_DIR=${POPCHECK_MATRIX_DIR:-/tmp/popcheck-matrix}
MATRIX_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$MATRIX_SCRIPTS/../.." && pwd)
FIXTURES="$REPO_ROOT/fixtures/messages"

# The two accounts every server gets (the reference server's demo users).
USER1=alice PASS1=wonderland
USER2=bob PASS2=builder

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { echo "$(basename "$0"): $*" >&2; }

need_root() { [ "$(id -u)" -eq 0 ] || die "needs root (apt-get, system users, privileged servers)"; }

apt_updated=0
# Installs Debian packages normally (libraries the unpacked servers link against, tools), quietly.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  # policy-rc.d: a package's maintainer scripts must not start system-wide daemons.
  with_no_daemons apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

with_no_daemons() {
  local policy=/usr/sbin/policy-rc.d created=0 rc=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1; fi
  "$@" || rc=$?
  [ "$created" -eq 1 ] && rm -f "$policy"
  return "$rc"
}

# Unpacks Debian package $1 into $MATRIX_DIR/pkgs/$1 (once) and prints that folder.
unpack() {
  local pkg=$1 dest="$MATRIX_DIR/pkgs/$1"
  if [ ! -f "$dest/.unpacked" ]; then
    mkdir -p "$MATRIX_DIR/debs" "$dest"
    export DEBIAN_FRONTEND=noninteractive
    if ! ls "$MATRIX_DIR/debs/${pkg}_"*.deb >/dev/null 2>&1; then
      if [ "$apt_updated" -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
      # _apt cannot write into a root-only folder; download as root without the sandbox warning.
      (cd "$MATRIX_DIR/debs" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null)
    fi
    dpkg -x "$(ls "$MATRIX_DIR/debs/${pkg}_"*.deb | head -n1)" "$dest"
    touch "$dest/.unpacked"
  fi
  echo "$dest"
}

# System accounts for the servers that authenticate Unix users (PAM / shadow): no login shell,
# home under $MATRIX_DIR; the password is (re)set on every run so it is always the known one.
ensure_system_users() {
  local u p
  for pair in "$USER1:$PASS1" "$USER2:$PASS2"; do
    u=${pair%%:*} p=${pair#*:}
    mkdir -p "$MATRIX_DIR/home/$u"
    if ! id "$u" >/dev/null 2>&1; then
      useradd --no-create-home --home-dir "$MATRIX_DIR/home/$u" --shell /usr/sbin/nologin "$u"
    fi
    chown "$u:" "$MATRIX_DIR/home/$u"
    echo "$pair" | chpasswd
  done
}

# A user's empty Maildir at $1, owned by $2 (servers that switch to the user must write in it).
make_maildir() {
  local dir=$1 owner=$2
  rm -rf "$dir"
  mkdir -p "$dir/cur" "$dir/new" "$dir/tmp"
  chown -R "$owner:" "$dir"
}

# An mbox holding every fixture message in order, for servers that read only mbox files:
# "From " separator lines, line ends as LF, ">From " quoting of body lines (mboxrd), a blank line
# after each message. mbox cannot hold fixture 04's missing final line break nor fixture 08's
# missing separator, so those two differ from the stored bytes by one line end. Written to $1 and owned by $2 (mode 0600, group mail as /var/mail expects).
write_fixture_mbox() {
  local mbox=$1 owner=$2 f n=0
  : >"$mbox"
  for f in "$FIXTURES"/*.eml; do
    n=$((n + 1))
    printf 'From sender@example.org %s\n' "$(date -u -d "@$((1700000000 + n))" '+%a %b %e %H:%M:%S %Y')" >>"$mbox"
    # CRLF and bare LF become LF; a last line without a line break gets one; From-quoting.
    sed -e 's/\r$//' -e 's/^\(>*From \)/>\1/' "$f" >>"$mbox"
    [ -n "$(tail -c1 "$f")" ] && echo >>"$mbox"
    # A message with no header/body separator (fixture 08) gets one: otherwise the blank line that
    # ends each mbox entry would be read as its separator, and the next "From " line as its body.
    grep -qE $'^\r?$' "$f" || echo >>"$mbox"
    echo >>"$mbox"
  done
  chown "$owner:mail" "$mbox"
  chmod 0600 "$mbox"
}

# A Maildir holding every fixture message, for servers whose Maildir reader expects Unix line
# ends (solid-pop3d counts a CRLF file's CR twice and calls a file without a final line break
# "damaged"): LF line ends, a final LF added. Names as the harness writes them
# (<1700000000+N>.M<N>P1.popcheck:2,S in cur/), owned by $2.
write_fixture_maildir_lf() {
  local dir=$1 owner=$2 f n=0
  make_maildir "$dir" "$owner"
  for f in "$FIXTURES"/*.eml; do
    n=$((n + 1))
    local out="$dir/cur/$((1700000000 + n)).M${n}P1.popcheck:2,S"
    sed -e 's/\r$//' "$f" >"$out"
    [ -n "$(tail -c1 "$f")" ] && echo >>"$out"
    touch -d "@$((1700000000 + n))" "$out"
  done
  chown -R "$owner:" "$dir"
}

# Waits (bounded: 100 tries, 10 s) until a POP3 greeting arrives on 127.0.0.1:$1.
wait_for_greeting() {
  local port=$1
  for _ in $(seq 1 100); do
    if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && head -c 3 <&3" 2>/dev/null | grep -q '+OK'; then return 0; fi
    sleep 0.1
  done
  return 1
}

port_free() { ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Starts "$@" in the background, detached, logging to $log, recording its pid in $pidfile.
start_bg() {
  local pidfile=$1 log=$2; shift 2
  setsid "$@" </dev/null >"$log" 2>&1 &
  echo $! >"$pidfile"
}

# Stops the process group recorded in $1 (TERM, then a bounded wait, then KILL).
stop_pidfile() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# socat in front of an inetd-style server (one process per connection on stdin/stdout), on
# 127.0.0.1 and ::1 (the suite checks that one port answers on both loopback addresses).
start_inetd_style() {
  local dir=$1 port=$2; shift 2
  port_free "$port" || die "127.0.0.1:$port is in use"
  # backlog=128: socat listens with a backlog of 5, too short for the suite's fifty simultaneous
  # connections (the SYNs past it are retried after seconds and the greetings come too late).
  local opts="reuseaddr,fork,backlog=128"
  start_bg "$dir/socat.pid" "$dir/socat.log" socat "TCP4-LISTEN:$port,bind=127.0.0.1,$opts" "EXEC:$*,nofork"
  start_bg "$dir/socat6.pid" "$dir/socat6.log" socat "TCP6-LISTEN:$port,bind=[::1],ipv6only=1,$opts" "EXEC:$*,nofork"
}

stop_inetd_style() {
  stop_pidfile "$1/socat.pid"
  stop_pidfile "$1/socat6.pid"
}

write_target() {
  local dir=$1 port=$2 fixtures=$3
  cat >"$dir/target.env" <<ENV
POP_HOST=127.0.0.1
POP_PORT=$port
POP_USER=$USER1
POP_PASS=$PASS1
POP_USER2=$USER2
POP_PASS2=$PASS2
POP_FIXTURES=$fixtures
ENV
}
