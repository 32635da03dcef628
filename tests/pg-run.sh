#!/bin/sh
# Runs test programs (the PostgreSQL engine's), one after another, with
# one throwaway PostgreSQL server: Debian's pg_virtualenv (postgresql-common) creates a
# cluster in a temporary directory, sets PGHOST, PGPORT, PGUSER and
# PGPASSWORD for the programs, and drops the cluster when it ends.  Without
# it the tests fail, rather than skip the PostgreSQL engine silently.
# -t: a cluster in a temporary directory even as root, whose default
# (/var/lib/postgresql/VERSION/regress, one name) two runs at once would
# share and break (tests/run.sh runs test programs side by side).  The
# port is the first free one when the cluster is made, which two runs
# starting at once would both take: they take turns (flock on a file
# every checkout shares; ITSM_PG_LOCK names another), and a PGPORT of
# the caller's is no port for the throwaway server.  flock -o: flock
# itself holds the lock, not the programs it runs: a server that
# outlived an interrupted run would otherwise keep the lock for ever.
# (Under make SANITIZE=1, LeakSanitizer finds no leak in libpq: no
# suppression file is needed.)
if ! command -v pg_virtualenv >/dev/null 2>&1; then
	for t; do
		echo "not ok - $t: pg_virtualenv not found (no PostgreSQL" \
		    "server for the engine tests): run make deps"
	done
	exit 1
fi
unset PGPORT
# Every program runs, even after one failed; the status says if any did.
exec flock -o "${ITSM_PG_LOCK:-${TMPDIR:-/tmp}/itsm-pg-run.lock}" \
    pg_virtualenv -t \
    sh -c 'rc=0; for t; do "$t" || rc=1; done; exit $rc' sh "$@"
