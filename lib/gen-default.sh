#!/bin/sh
# Turns lib/default.yaml into a C string, the policy compiled into itsm.
set -eu
printf '/* Generated from %s by %s; do not edit. */\n' "$1" "$0"
printf 'const char itsm_default_policy_yaml[] =\n'
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$1"
printf ';\n'
