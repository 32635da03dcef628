#!/usr/bin/env bats
# Output files (issue 11): "export -o FILE" and "major report REF -o FILE"
# never write over the database or one of its files (a link to it
# included), replace FILE atomically (a failure keeps the previous one,
# no temporary is left), create it 0600 less the umask, follow a link to
# a regular file and write straight to what is not one (a fifo,
# /dev/stdout).

load helper

# A few tickets with long text, so that an export is over 100 KiB.
some_tickets() {
	local i long
	long=$(printf 'caller said: %020000d' 0)
	for i in 1 2 3 4 5 6; do
		itsm open "ticket $i" --caller "caller $i" -m "$long" -q >/dev/null
	done
	long=$(printf 'the outage: %060000d' 0)
	itsm open "the major" --caller ann --impact high --urgency high -q \
	    -m "$long" >/dev/null
	itsm major declare 7 -m "all down" >/dev/null
}

# assert_store_intact DIGEST SIZE: the database still holds DIGEST and is
# still SIZE bytes, a database SQLite reads.
assert_store_intact() {
	assert_unchanged "$1" || return 1
	[ "$(stat -c %s "$ITSM_DB")" = "$2" ] || {
		echo "database size $(stat -c %s "$ITSM_DB"), was $2" >&2
		return 1
	}
	[ "$(db_sql 'PRAGMA integrity_check')" = ok ]
}

# refused_target TARGET ARGS...: itsm ARGS -o TARGET is refused with 74,
# one line, nothing on stdout, the database intact.
refused_target() {
	local target=$1 before size
	shift
	before=$(db_digest)
	size=$(stat -c %s "$ITSM_DB")
	run --separate-stderr itsm "$@" -o "$target"
	assert_status 74 || return 1
	assert_output "" || return 1
	assert_one_line_error "cannot write '.*': it is the database" || return 1
	assert_store_intact "$before" "$size"
}

@test "export -o: the database, a hard or symbolic link to it, its companions: 74, intact" {
	sqlite_only "the database's files"
	some_tickets
	cd "$BATS_TEST_TMPDIR"
	ln itsm.db hard.db
	ln -s itsm.db soft.db
	ln -s "$ITSM_DB" abs-soft.db
	ln -s soft.db soft-soft.db
	mkdir sub
	for t in "$ITSM_DB" itsm.db ./itsm.db sub/../itsm.db hard.db soft.db \
	    abs-soft.db soft-soft.db itsm.db-wal itsm.db-shm itsm.db-journal \
	    "$ITSM_DB-journal"; do
		refused_target "$t" export
	done
	[ -L soft.db ] && [ "$(readlink soft.db)" = itsm.db ]
	[ ! -e itsm.db-journal ]
	[ "$(itsm export | wc -l)" = 7 ]
}

@test "a link to a companion file that does not exist yet is refused too" {
	sqlite_only "the database's files"
	some_tickets
	cd "$BATS_TEST_TMPDIR"
	ln -s itsm.db-journal journal-link
	refused_target journal-link export
	refused_target journal-link major report 7
	[ ! -e itsm.db-journal ]
	# A database reached through a link: its target's companions.
	mkdir other
	ln -s ../itsm.db other/link.db
	ITSM_DB=$BATS_TEST_TMPDIR/other/link.db refused_target itsm.db-wal export
	ITSM_DB=$BATS_TEST_TMPDIR/other/link.db refused_target other/link.db-wal \
	    export
}

@test "major report -o: the database or a link to it: 74, intact, no report in it" {
	sqlite_only "the database's files"
	some_tickets
	cd "$BATS_TEST_TMPDIR"
	ln itsm.db hard.db
	ln -s itsm.db soft.db
	for t in itsm.db hard.db soft.db itsm.db-wal itsm.db-shm itsm.db-journal; do
		refused_target "$t" major report 7
	done
	run --separate-stderr itsm major report 7 -o report.md
	assert_status 0
	grep -q '^# Post-incident report: INC-7$' report.md
}

@test "an export that fails keeps the previous file, and leaves no temporary" {
	some_tickets
	cd "$BATS_TEST_TMPDIR"
	mkdir out
	printf 'the previous export\n' >out/backup.jsonl
	# A file size limit: the write fails (EFBIG) half way.
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 48;
	    "$ITSM" export -o out/backup.jsonl'
	assert_status 74
	assert_one_line_error "cannot write 'out/backup.jsonl'"
	[ "$(cat out/backup.jsonl)" = "the previous export" ]
	[ "$(ls -A out)" = backup.jsonl ]
	# The same for the report, and for a file that did not exist.
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 48;
	    "$ITSM" major report 7 -o out/report.md'
	assert_status 74
	assert_one_line_error "cannot write 'out/report.md'"
	[ "$(ls -A out)" = backup.jsonl ]
	# A report of a ticket that is no major: nothing at all.
	run --separate-stderr itsm major report 1 -o out/backup.jsonl
	assert_status 66
	[ "$(cat out/backup.jsonl)" = "the previous export" ]
	[ "$(ls -A out)" = backup.jsonl ]
}

@test "output files are created 0600, less when the umask says so" {
	some_tickets
	cd "$BATS_TEST_TMPDIR"
	(umask 022 && itsm export -o e022.jsonl && itsm major report 7 -o r022.md)
	[ "$(stat -c %a e022.jsonl)" = 600 ]
	[ "$(stat -c %a r022.md)" = 600 ]
	(umask 077 && itsm export -o e077.jsonl && itsm major report 7 -o r077.md)
	[ "$(stat -c %a e077.jsonl)" = 600 ]
	[ "$(stat -c %a r077.md)" = 600 ]
	(umask 0277 && itsm export -o e277.jsonl && itsm major report 7 -o r277.md)
	[ "$(stat -c %a e277.jsonl)" = 400 ]
	[ "$(stat -c %a r277.md)" = 400 ]
	# A file we may not write is not replaced (root may).
	if [ "$(id -u)" != 0 ]; then
		run --separate-stderr itsm export -o e277.jsonl
		assert_status 77
		assert_one_line_error "cannot write 'e277.jsonl': Permission denied"
	fi
	# A file readable by all before is replaced by a private one.
	printf 'old\n' >open.jsonl
	chmod 644 open.jsonl
	(umask 022 && itsm export -o open.jsonl)
	[ "$(stat -c %a open.jsonl)" = 600 ]
	[ "$(wc -l <open.jsonl)" = 7 ]
}

@test "a link to a regular file is followed: the target is replaced, the link stays" {
	some_tickets
	cd "$BATS_TEST_TMPDIR"
	mkdir -p reports
	printf 'old\n' >reports/latest.jsonl
	ln -s reports/latest.jsonl latest
	run --separate-stderr itsm export -o latest
	assert_status 0
	[ -L latest ]
	[ "$(wc -l <reports/latest.jsonl)" = 7 ]
	[ "$(ls -A reports)" = latest.jsonl ]
	# A link to nothing is not guessed at.
	ln -s nowhere/x.jsonl dangling
	run --separate-stderr itsm export -o dangling
	assert_status 74
	assert_one_line_error "cannot write 'dangling': it is a symbolic link"
	[ -L dangling ]
}

@test "what is not a regular file is written straight: /dev/stdout, a fifo" {
	some_tickets
	cd "$BATS_TEST_TMPDIR"
	itsm export >expected.jsonl
	run --separate-stderr itsm export -o /dev/stdout
	assert_status 0
	[ "$output" = "$(cat expected.jsonl)" ]
	# Into a file that standard output appends to: appended, not truncated.
	printf 'first line\n' >log
	itsm export -o /dev/stdout >>log
	[ "$(head -1 log)" = "first line" ]
	[ "$(wc -l <log)" = 8 ]
	mkfifo fifo
	cat fifo >from-fifo &
	itsm export -o fifo
	wait
	cmp expected.jsonl from-fifo
	[ -p fifo ]
	# /dev/full: nothing can be written.
	run --separate-stderr itsm export -o /dev/full
	assert_status 74
	assert_one_line_error "cannot write '/dev/full'"
}

# many_tickets N: N tickets (copies of one, imported), so that an export
# takes long enough to be signalled while it writes.
many_tickets() {
	itsm open "one of many" --caller ann -m "a line" -q >/dev/null
	itsm export >"$BATS_TEST_TMPDIR/one.jsonl"
	db_reset
	awk -v n="$1" '{ for (i = 1; i <= n; i++) { l = $0
	    sub(/"id":1,"ref":"INC-1"/, "\"id\":" i ",\"ref\":\"INC-" i "\"", l)
	    print l } }' "$BATS_TEST_TMPDIR/one.jsonl" >"$BATS_TEST_TMPDIR/many.jsonl"
	itsm import "$BATS_TEST_TMPDIR/many.jsonl" >/dev/null
}

@test "a signal ignored when itsm starts (nohup, a background job) stays ignored while FILE is written" {
	local pid i st=0
	many_tickets 5000
	cd "$BATS_TEST_TMPDIR"
	# As nohup and a shell's background job leave them: HUP and INT ignored.
	( trap '' HUP INT; exec "$ITSM" export -o out.jsonl ) &
	pid=$!
	for i in $(seq 1000); do
		compgen -G '.out.jsonl.*' >/dev/null && break
		sleep 0.01
	done
	kill -HUP "$pid" 2>/dev/null || true
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" || st=$?
	[ "$st" = 0 ] || { echo "export ended with $st" >&2; return 1; }
	[ "$(wc -l <out.jsonl)" = 5000 ]
	[ -z "$(compgen -G '.out.jsonl.*')" ]
}

@test "an export killed by SIGTERM while it writes keeps the previous file, and leaves no temporary" {
	local pid i st=0
	many_tickets 5000
	cd "$BATS_TEST_TMPDIR"
	printf 'the previous export\n' >out.jsonl
	"$ITSM" export -o out.jsonl &
	pid=$!
	for i in $(seq 1000); do
		compgen -G '.out.jsonl.*' >/dev/null && break
		sleep 0.01
	done
	# The export is written to a temporary beside FILE.
	compgen -G '.out.jsonl.*' >/dev/null || {
		echo "no temporary seen beside out.jsonl" >&2
		wait "$pid" || true
		return 1
	}
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" || st=$?
	if [ "$st" = 0 ]; then
		skip "the export ended before the signal came"
	fi
	[ "$st" = 143 ]
	[ "$(cat out.jsonl)" = "the previous export" ]
	[ -z "$(compgen -G '.out.jsonl.*')" ]
}

@test "a FILE whose name is near the longest a directory takes is written too" {
	local name
	itsm open "a ticket" --caller ann -q >/dev/null
	cd "$BATS_TEST_TMPDIR"
	# 250 bytes: a temporary named ".NAME.XXXXXX" after it would not fit.
	name=$(printf 'x%.0s' $(seq 244)).jsonl
	run --separate-stderr itsm export -o "$name"
	assert_status 0
	[ "$(wc -l <"$name")" = 1 ]
	[ "$(stat -c %a "$name")" = 600 ]
	[ "$(ls -A | grep -c '^\.x')" = 0 ]
	run --separate-stderr itsm major report 1 -o "$name"
	assert_status 66
	[ "$(wc -l <"$name")" = 1 ]
}
