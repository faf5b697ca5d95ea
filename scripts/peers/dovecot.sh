#!/usr/bin/env bash
# A Dovecot POP3 peer on loopback, for running the conformance suite against a real server.
#
#   scripts/peers/dovecot.sh start [DIR] [PORT]   install (once), configure under DIR, start, wait
#   scripts/peers/dovecot.sh stop  [DIR]          stop the instance configured under DIR
#   scripts/peers/dovecot.sh status [DIR]         exit 0 when it answers
#
# DIR defaults to $POPCHECK_DOVECOT_DIR or /tmp/popcheck-dovecot, PORT to $POPCHECK_DOVECOT_PORT
# or 11110. Users alice/wonderland and bob/builder (passwd-file, plaintext allowed on loopback);
# their Maildirs are DIR/mail/alice and DIR/mail/bob, emptied on every start. Mail is owned by the
# system user popcheck-mail (Dovecot refuses to serve mail as root). Needs root; no prompts.
# Written for Dovecot 2.3 (Debian 12); the 2.4 configuration language differs.
set -euo pipefail

cmd=${1:-}
DIR=${2:-${POPCHECK_DOVECOT_DIR:-/tmp/popcheck-dovecot}}
PORT=${3:-${POPCHECK_DOVECOT_PORT:-11110}}
MAIL_USER=popcheck-mail
CONF="$DIR/dovecot.conf"

die() { echo "dovecot.sh: $*" >&2; exit 1; }

need_root() { [ "$(id -u)" -eq 0 ] || die "needs root (apt-get, a system user, and Dovecot's privilege separation)"; }

install_dovecot() {
  # dpkg, not `command -v dovecot`: the binary lives in dovecot-core, but POP3 needs dovecot-pop3d.
  if dpkg-query -W -f='${Status}' dovecot-pop3d 2>/dev/null | grep -q 'install ok installed'; then return; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the package from starting the system-wide Dovecot (we run our own instance).
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
  apt-get install -y -qq --no-install-recommends dovecot-pop3d >/dev/null
  [ "$created_policy" -eq 1 ] && rm -f "$policy"
  # A system-wide instance may have been started anyway; it would not use our port, but stop it.
  doveadm stop >/dev/null 2>&1 || true
}

check_version() {
  local v
  v=$(dovecot --version)
  case "$v" in 2.3.*) ;; *) die "Dovecot $v: this script writes a Dovecot 2.3 configuration" ;; esac
}

make_mail_user() {
  id "$MAIL_USER" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$MAIL_USER"
}

running() { [ -f "$DIR/run/master.pid" ] && kill -0 "$(cat "$DIR/run/master.pid")" 2>/dev/null; }

stop_instance() {
  if [ -f "$CONF" ] && running; then
    local pid; pid=$(cat "$DIR/run/master.pid")
    dovecot -c "$CONF" stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    # Wait (bounded) for the master to exit, so a following start can bind the port.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    die "Dovecot (pid $pid) did not stop"
  fi
}

write_config() {
  local uid; uid=$(id -u "$MAIL_USER")
  rm -rf "$DIR/mail" "$DIR/home"
  mkdir -p "$DIR/run" "$DIR/state" "$DIR/log"
  for u in alice bob; do mkdir -p "$DIR/mail/$u/cur" "$DIR/mail/$u/new" "$DIR/mail/$u/tmp" "$DIR/home/$u"; done
  chown -R "$MAIL_USER:$MAIL_USER" "$DIR/mail" "$DIR/home"
  chmod 0755 "$DIR"
  printf 'alice:{PLAIN}wonderland\nbob:{PLAIN}builder\n' >"$DIR/users"
  chmod 0644 "$DIR/users"
  cat >"$CONF" <<CONF
# Written by scripts/peers/dovecot.sh: a private POP3-only instance for popcheck conformance runs.
instance_name = popcheck-dovecot
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/log/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = no
# Loopback only, test accounts: plaintext USER/PASS is allowed.
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$DIR/mail/%u
first_valid_uid = $uid
last_valid_uid = $uid
pop3_uidl_format = %08Xu%08Xv
# Dovecot slows down failed logins (2 s, then a per-address penalty doubling up to 15 s). The suite
# fails logins on purpose, many times, from 127.0.0.1: these anti-brute-force delays are policy,
# not POP3, and would only make answers outlast the harness's per-response timeout.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/users
}
userdb {
  driver = static
  args = uid=$MAIL_USER gid=$MAIL_USER home=$DIR/home/%u
}

service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
CONF
}

# Reads a greeting: the instance is up only when POP3 answers, not when the port is bound.
answers() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && head -c 3 <&3" 2>/dev/null | grep -q '+OK'
}

wait_until_answers() {
  for _ in $(seq 1 100); do answers && return 0; sleep 0.1; done
  tail -n 20 "$DIR/log/dovecot.log" >&2 2>/dev/null || true
  die "Dovecot did not answer on 127.0.0.1:$PORT"
}

case "$cmd" in
  start)
    need_root
    install_dovecot
    check_version
    make_mail_user
    stop_instance
    write_config
    dovecot -c "$CONF"
    wait_until_answers
    echo "dovecot.sh: Dovecot $(dovecot --version | cut -d' ' -f1) answers on 127.0.0.1:$PORT; alice's Maildir: $DIR/mail/alice"
    ;;
  stop)
    stop_instance
    ;;
  status)
    answers
    ;;
  *)
    echo "usage: $0 start|stop|status [DIR] [PORT]" >&2
    exit 2
    ;;
esac
