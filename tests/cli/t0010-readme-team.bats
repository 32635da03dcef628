#!/usr/bin/env bats
# The README's "A team on PostgreSQL", run as written: every "$ " command
# of its console blocks, in one shell (an export carries on), its output
# (stdout and stderr) compared exactly, then each line of its crontab as
# the cron user.  desk.example is a server of the test's own
# (tests/pg-cluster.sh), reached by its socket directory; the postgres
# user is the server's superuser, as on Debian.

load helper

setup_file() {
	own_pg_start readme
}

teardown_file() {
	own_pg_stop
}

# team_section: the section, desk.example its server's socket directory.
team_section() {
	awk '/^<!-- team/ { on = 1 } on && /^## / { exit } on' "$TOP/README.md" |
	    sed "s|desk\\.example|$PGC_DIR/p|g"
}

setup() {
	own_pg_setup
}

@test "the README's team on PostgreSQL runs as written" {
	local bin="$BATS_TEST_TMPDIR/bin" n=0 i cmd
	mkdir -p "$bin"
	ln -s "$ITSM" "$bin/itsm"
	export PATH="$bin:$PATH" NO_COLOR=1
	export PGHOST="$PGC_DIR/p" PGUSER=postgres
	# libpq finds ~/.pg_service.conf by the user's entry in the password
	# file, not by HOME: the test's home is named.
	export PGSERVICEFILE="$HOME/.pg_service.conf"
	unset ITSM_DB
	cd "$HOME"
	# alice's own history, on her machine until now.
	ITSM_DB=alice.db ITSM_ACTOR=alice itsm open "printer jam" --caller dan -q >/dev/null
	ITSM_DB=alice.db ITSM_ACTOR=alice itsm open "new laptop" --caller eve --type request -q >/dev/null
	ITSM_DB=alice.db ITSM_ACTOR=alice itsm prioritize INC-1 --impact low --urgency low >/dev/null
	ITSM_DB=alice.db ITSM_ACTOR=alice itsm note INC-1 -m "tray 2" >/dev/null
	ITSM_DB=alice.db ITSM_ACTOR=alice itsm resolve INC-1 --permanent -m "roller replaced" >/dev/null
	# The console blocks: one script, each command's output apart.
	team_section | awk -v dir="$BATS_TEST_TMPDIR" '
		/^```console/ { inblock = 1; next }
		/^```/ { inblock = 0; next }
		!inblock { next }
		/^\$ / { n++; print substr($0, 3) > (dir "/cmd." n); close(dir "/cmd." n)
		         printf "" > (dir "/exp." n); close(dir "/exp." n); next }
		{ print >> (dir "/exp." n) }
	'
	: >"$BATS_TEST_TMPDIR/steps.sh"
	while [ -f "$BATS_TEST_TMPDIR/cmd.$((n + 1))" ]; do
		n=$((n + 1))
		printf '{ %s\n} >%q 2>&1\n' "$(cat "$BATS_TEST_TMPDIR/cmd.$n")" \
		    "$BATS_TEST_TMPDIR/out.$n" >>"$BATS_TEST_TMPDIR/steps.sh"
	done
	[ "$n" -ge 8 ]
	# The server's part runs as its superuser; the technician's block
	# sets ITSM_DB itself.  Times are the server's: no ITSM_NOW.
	env -u ITSM_NOW -u ITSM_ACTOR bash "$BATS_TEST_TMPDIR/steps.sh" || true
	for i in $(seq "$n"); do
		if [ "$(cat "$BATS_TEST_TMPDIR/out.$i")" != "$(cat "$BATS_TEST_TMPDIR/exp.$i")" ]; then
			printf 'step %d: %s\nexpected:\n%s\nactual:\n%s\n' "$i" \
			    "$(cat "$BATS_TEST_TMPDIR/cmd.$i")" \
			    "$(cat "$BATS_TEST_TMPDIR/exp.$i")" \
			    "$(cat "$BATS_TEST_TMPDIR/out.$i")" >&2
			return 1
		fi
	done
	# alice's history came over whole, her tickets' ids kept.
	[ "$(ITSM_DB=alice.db itsm export | sha256sum)" = \
	    "$(ITSM_DB=service=itsm env -u ITSM_NOW "$ITSM" export | head -n 2 | sha256sum)" ]
	[ "$(psql -XAtq -d itsm -c "SELECT actor FROM events WHERE ticket = 3")" = alice ]
	# The crontab's lines, as cron: its own service file.
	sed -i 's/^user=alice$/user=cron/' "$HOME/.pg_service.conf"
	grep -c '^user=cron$' "$HOME/.pg_service.conf"
	team_section | awk '/^```crontab/ { on = 1; next } /^```/ { on = 0 } on' \
	    >"$BATS_TEST_TMPDIR/crontab"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/crontab")" = 3 ]
	while read -r _ _ _ _ _ cmd; do
		run --separate-stderr env -u ITSM_NOW -u ITSM_ACTOR -u ITSM_DB bash -c "$cmd"
		assert_status 0
		assert_stderr ""
	done <"$BATS_TEST_TMPDIR/crontab"
}
