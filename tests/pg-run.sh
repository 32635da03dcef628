#!/bin/sh
# Runs a test program (the engine contract tests) with a throwaway
# PostgreSQL server: Debian's pg_virtualenv (postgresql-common) creates a
# cluster in a temporary directory, sets PGHOST, PGPORT, PGUSER and
# PGPASSWORD for the program, and drops the cluster when it ends.  Without
# it the tests fail, rather than skip the PostgreSQL engine silently.
# (Under make SANITIZE=1, LeakSanitizer finds no leak in libpq: no
# suppression file is needed.)
if ! command -v pg_virtualenv >/dev/null 2>&1; then
	echo "not ok - $1: pg_virtualenv not found (no PostgreSQL server" \
	    "for the engine tests): run make deps"
	exit 1
fi
exec pg_virtualenv "$@"
