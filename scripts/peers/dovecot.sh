#!/usr/bin/env bash
# A Dovecot POP3 peer on loopback, for running the conformance suite against a real server.
#
#   scripts/peers/dovecot.sh start [DIR] [PORT] [TLS_PORT]   install (once), configure, start, wait
#   scripts/peers/dovecot.sh stop  [DIR]                     stop the instance configured under DIR
#   scripts/peers/dovecot.sh status [DIR] [PORT]             exit 0 when it answers
#
# DIR defaults to $POPCHECK_DOVECOT_DIR or /tmp/popcheck-dovecot, PORT to $POPCHECK_DOVECOT_PORT
# or 11110, TLS_PORT to $POPCHECK_DOVECOT_TLS_PORT or PORT+885 (11995; as 995 is to 110).
# POP3 with STLS on PORT, implicit TLS (pop3s) on TLS_PORT, both on 127.0.0.1 and ::1 (::1 only
# where the host has IPv6), with a self-signed certificate made by popcheck's own code
# (src/tls/self-signed.ts) in DIR/tls. Users alice/wonderland and bob/builder in a passwd-file
# with plaintext {PLAIN} passwords, so USER/PASS and SASL PLAIN, LOGIN, CRAM-MD5 and SCRAM-SHA-256
# all work (without TLS too: Dovecot counts loopback connections as secured). Their Maildirs are DIR/mail/alice and
# DIR/mail/bob, emptied on every start. Mail is owned by the system user popcheck-mail (Dovecot
# refuses to serve mail as root). Needs root and the repository's node_modules (npx tsx); no
# prompts. Written for Dovecot 2.3 (Debian 12); the 2.4 configuration language differs.
set -euo pipefail

cmd=${1:-}
DIR=${2:-${POPCHECK_DOVECOT_DIR:-/tmp/popcheck-dovecot}}
PORT=${3:-${POPCHECK_DOVECOT_PORT:-11110}}
TLS_PORT=${4:-${POPCHECK_DOVECOT_TLS_PORT:-$((PORT + 885))}}
MAIL_USER=popcheck-mail
CONF="$DIR/dovecot.conf"
REPO_ROOT=$(cd "$(dirname "$0")/../.." && pwd)

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

# IPv6 loopback where the host has it (the dual-stack scenario connects to ::1 on the same port);
# Dovecot would refuse to start on an address it cannot bind.
listen_addresses() {
  if [ -r /proc/net/if_inet6 ] && grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6; then
    echo '127.0.0.1, ::1'
  else
    echo '127.0.0.1'
  fi
}

# The self-signed certificate (EC P-256, names localhost, 127.0.0.1 and ::1), made with popcheck's
# own code as the bundled server's is; reused while valid. Dovecot reads the key as root at start.
make_certificate() {
  (cd "$REPO_ROOT" && npx --no-install tsx --eval "
    import('./src/tls/self-signed.ts').then(async ({ ensureSelfSignedCertificate }) => {
      const c = await ensureSelfSignedCertificate(process.argv[1]);
      console.log('dovecot.sh: certificate ' + c.certPath + ' (SHA-256 ' + c.fingerprint + ')');
    }).catch((e) => { console.error(e); process.exit(1); });
  " "$DIR/tls") || die "cannot make the self-signed certificate in $DIR/tls"
}

write_config() {
  local uid; uid=$(id -u "$MAIL_USER")
  local listen; listen=$(listen_addresses)
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
listen = $listen
# TLS: STLS on the POP3 port (RFC 2595), and implicit TLS on the pop3s port (RFC 8314).
ssl = yes
ssl_cert = <$DIR/tls/selfsigned-cert.pem
ssl_key = <$DIR/tls/selfsigned-key.pem
# disable_plaintext_auth is left at its default (yes): Dovecot counts a connection whose local and
# remote addresses are equal (loopback) as secured, so USER/PASS and PLAIN work without TLS here.
# Every SASL mechanism the suite covers (RFC 4616, RFC 2195, RFC 7677; LOGIN is a de-facto one);
# the passwd-file's {PLAIN} passwords let Dovecot compute what CRAM-MD5 and SCRAM need.
auth_mechanisms = plain login cram-md5 scram-sha-256
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
    port = $PORT
  }
  inet_listener pop3s {
    port = $TLS_PORT
    ssl = yes
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
    make_certificate
    write_config
    dovecot -c "$CONF"
    wait_until_answers
    echo "dovecot.sh: Dovecot $(dovecot --version | cut -d' ' -f1) answers on $(listen_addresses) port $PORT (STLS) and $TLS_PORT (implicit TLS); alice's Maildir: $DIR/mail/alice"
    ;;
  stop)
    stop_instance
    ;;
  status)
    answers
    ;;
  *)
    echo "usage: $0 start [DIR] [PORT] [TLS_PORT] | stop [DIR] | status [DIR] [PORT]" >&2
    exit 2
    ;;
esac
