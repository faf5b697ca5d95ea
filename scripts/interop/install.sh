#!/usr/bin/env bash
# Installs the real POP3 clients that features/interop/ drives, from Debian: curl, python3 (poplib),
# mpop, fetchmail, getmail6 (command `getmail`). Idempotent and quiet: does nothing when every client is already there,
# so CI can call it on every run. Needs root (apt-get).
set -euo pipefail

# command -> Debian package; python3 is Debian's own (/usr/bin/python3), poplib is in its stdlib.
declare -A PKG=([curl]=curl [/usr/bin/python3]=python3 [mpop]=mpop [fetchmail]=fetchmail [getmail]=getmail6)

missing=()
for cmd in "${!PKG[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PKG[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: needs root to apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# fetchmail's package would start a system daemon only when configured; none is configured here.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
