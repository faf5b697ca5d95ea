#!/bin/sh
# A minimal MDA for the interop tests: writes the message on stdin, unchanged, to a new file in the
# folder $1, so the test sees exactly the bytes the POP3 client hands to a delivery agent.
set -eu
out=$(mktemp "$1/msg.XXXXXXXX")
cat > "$out"
