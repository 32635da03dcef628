#!/bin/bash
# tests/golden/record.sh [OUT]: records the golden outputs: runs
# scenario.sh in a new temporary directory with $ITSM (build/itsm by
# default), then outputs.sh, into OUT (tests/golden/expected by default,
# replaced whole).  See tests/golden/README: re-record only for an intended
# change of output, and say so in the commit message.
#
# The login.  Every event records, beside its actor, the login of the
# system account that ran itsm (getpwuid(getuid())), and export prints it:
# the one value of these outputs that depends on who runs them.  Recording
# replaces each '"login":"THAT-LOGIN"' with '"login":"@LOGIN@"'; the test
# (tests/cli/t7000-golden.bats) puts back in the expected files, before it
# compares them, the login of whoever runs it ('id -un', the user id's
# number when it has no name).  The imported ticket's events keep the
# login of their JSON Lines ("legacy"), untouched.
set -eu

GOLDEN=$(cd "$(dirname "$0")" && pwd)
: "${ITSM:=$GOLDEN/../../build/itsm}"
export ITSM
OUT=${1:-$GOLDEN/expected}

work=$(mktemp -d "${TMPDIR:-/tmp}/itsm-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/db"
"$GOLDEN/scenario.sh" "$work/db"
rm -rf "$OUT"
"$GOLDEN/outputs.sh" "$work/db" "$OUT"

login=$(id -un 2>/dev/null || id -u)
quoted=$(printf '%s' "$login" | sed 's/[]\/$*.^[]/\\&/g')
sed -i "s/\"login\":\"$quoted\"/\"login\":\"@LOGIN@\"/g" "$OUT"/*
