#!/usr/bin/env bats
# Permissions: a new database is readable by its owner only (0600, its
# default directories 0700) unless the policy asks for group sharing
# (database: {share: group}: 0660, for a team's set-group-ID directory,
# itsm(1) FILES); hooks from a directory writable by others are refused;
# the event history cannot be changed through itsm, and its triggers
# refuse UPDATE, DELETE and INSERT OR REPLACE from any SQLite client.
#
# The tests run as root: what another user may do is tried as nobody
# (setpriv), in a directory out of the test's own (mode 0700), with a copy
# of itsm that nobody can reach (itsm_for_others in helper.bash: the
# checkout may be in a home directory of mode 0700).  A test that cannot
# act as nobody fails, saying why.

load helper

# mode FILE: its permission bits in octal, like 600.
mode() {
	stat -c %a "$1"
}

# share_group FILE: a copy of the policy asking for group sharing.
share_group() {
	cp "$TOP/lib/default.yaml" "$1"
	printf '\ndatabase:\n  share: group\n' >>"$1"
	chmod 644 "$1"
}

# team_dir: $nd, a directory nobody can reach (removed by teardown), and
# $team in it, set-group-ID, group users, mode 2770 (itsm(1) FILES); and
# ITSM, for the rest of the test, a copy of itsm that nobody can run
# (itsm_for_others).  Fails, saying why, when the test cannot act as
# nobody in the group users.
team_dir() {
	itsm_for_others
	if [ "$(getent group users | cut -d: -f3)" != 100 ]; then
		echo "cannot run this check: no group users (gid 100) for nobody to be a member of" >&2
		return 1
	fi
	nd=$(mktemp -d /tmp/itsm-t6300.XXXXXX)
	chmod 755 "$nd"
	team="$nd/team"
	install -d -m 2770 -g users "$team"
}

teardown() {
	if [ -n "${nd-}" ] && [ -d "$nd" ]; then
		rm -rf "$nd"
	fi
	itsm_for_others_done
	db_teardown
}

# member ARGS...: runs ARGS as nobody, a member of the group users, with
# umask 077 (the strictest a technician may have).
member() {
	setpriv --reuid=65534 --regid=65534 --groups=100 \
	    sh -c 'umask 077; exec "$@"' sh "$@"
}

# outsider ARGS...: runs ARGS as nobody, in no group of ours.
outsider() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# --- The database file. ---

@test "a new database is mode 0600 whatever the umask, by --db and by ITSM_DB" {
	sqlite_only "file modes"
	for u in 000 022 077; do
		run --separate-stderr sh -c "umask $u; exec \"\$0\" --db \"\$1\" open x --caller y" \
		    "$ITSM" "$BATS_TEST_TMPDIR/db.$u"
		assert_status 0
		[ "$(mode "$BATS_TEST_TMPDIR/db.$u")" = 600 ]
		ITSM_DB="$BATS_TEST_TMPDIR/env.$u" run --separate-stderr \
		    sh -c "umask $u; exec \"\$0\" open x --caller y" "$ITSM"
		assert_status 0
		[ "$(mode "$BATS_TEST_TMPDIR/env.$u")" = 600 ]
	done
}

@test "its -wal and -shm files are 0600 too (seen by a hook while itsm has them open)" {
	sqlite_only "file modes"
	use_hooks
	write_hook post-open 'stat -c "%a %n" "$ITSM_DB-wal" "$ITSM_DB-shm" >"$ITSM_HOOKS_DIR/../modes"'
	run --separate-stderr sh -c 'umask 000; exec "$0" open x --caller y' "$ITSM"
	assert_status 0
	assert_stderr ""
	run cat "$BATS_TEST_TMPDIR/modes"
	assert_output "600 $ITSM_DB-wal
600 $ITSM_DB-shm"
}

@test "the default database: ~/.local/share/itsm/itsm.db 0600, the directories it creates 0700, those that exist left alone" {
	sqlite_only "file modes"
	unset ITSM_DB
	mkdir -p "$HOME/.local"
	chmod 755 "$HOME/.local"
	run --separate-stderr sh -c 'umask 000; exec "$0" open x --caller y' "$ITSM"
	assert_status 0
	[ "$(mode "$HOME/.local/share/itsm/itsm.db")" = 600 ]
	[ "$(mode "$HOME/.local/share/itsm")" = 700 ]
	[ "$(mode "$HOME/.local/share")" = 700 ]
	[ "$(mode "$HOME/.local")" = 755 ]
	# $XDG_DATA_HOME/itsm likewise.
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg/data"
	run --separate-stderr sh -c 'umask 000; exec "$0" open x --caller y' "$ITSM"
	assert_status 0
	[ "$(mode "$XDG_DATA_HOME/itsm/itsm.db")" = 600 ]
	[ "$(mode "$XDG_DATA_HOME/itsm")" = 700 ]
	[ "$(mode "$XDG_DATA_HOME")" = 700 ]
	[ "$(mode "$BATS_TEST_TMPDIR/xdg")" = 700 ]
}

@test "an existing database keeps its mode, whatever the policy" {
	sqlite_only "file modes"
	open_ticket "x" --caller y
	chmod 640 "$ITSM_DB"
	share_group "$ITSM_CONFIG"
	run --separate-stderr itsm note 1 -m "still 640"
	assert_status 0
	[ "$(mode "$ITSM_DB")" = 640 ]
}

@test "another user cannot read a database created 0600: 77, one line" {
	sqlite_only "file modes"
	team_dir
	ITSM_DB="$team/itsm.db" itsm open "private" --caller root >/dev/null
	[ "$(mode "$team/itsm.db")" = 600 ]
	chmod 644 "$ITSM_CONFIG"
	cp "$ITSM_CONFIG" "$nd/policy.yaml"
	export ITSM_CONFIG="$nd/policy.yaml" HOME="$nd"
	before=$(sha256sum <"$team/itsm.db")
	for cmd in "list" "show 1" "note 1 -m x"; do
		# shellcheck disable=SC2086
		ITSM_DB="$team/itsm.db" run --separate-stderr member "$ITSM" $cmd
		assert_status 77
		assert_output ""
		assert_one_line_error "cannot open database '$team/itsm.db': Permission denied"
	done
	[ "$(sha256sum <"$team/itsm.db")" = "$before" ]
}

# --- Group sharing. ---

@test "database: {share: group}: config show and check accept it; owner is the default; other values are refused (78)" {
	run --separate-stderr itsm config show
	assert_status 0
	printf '%s\n' "$output" | grep -qx 'database: {share: owner, busy_timeout: 10s}'
	share_group "$ITSM_CONFIG"
	run --separate-stderr itsm config show
	printf '%s\n' "$output" | grep -qx 'database: {share: group, busy_timeout: 10s}'
	# What config show prints is a policy that says the same.
	itsm config show >"$BATS_TEST_TMPDIR/shown.yaml"
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/shown.yaml" config show
	printf '%s\n' "$output" | grep -qx 'database: {share: group, busy_timeout: 10s}'
	for bad in "database: {share: world}" "database: {share: 0660}" \
	    "database: group" "database: {shared: group}" "database: {share: [group]}"; do
		assert_policy_refused "$bad" "[0-9]+: .*(share|database)"
	done
}

@test "share: group creates the database 0660 whatever the umask, and its -wal and -shm 0660" {
	sqlite_only "file modes"
	share_group "$ITSM_CONFIG"
	use_hooks
	write_hook post-open 'stat -c "%a" "$ITSM_DB-wal" "$ITSM_DB-shm" >"$ITSM_HOOKS_DIR/../modes"'
	for u in 077 022 000; do
		rm -f "$ITSM_DB" "$BATS_TEST_TMPDIR/modes"
		run --separate-stderr sh -c "umask $u; exec \"\$0\" open x --caller y" "$ITSM"
		assert_status 0
		assert_stderr ""
		[ "$(mode "$ITSM_DB")" = 660 ]
		[ "$(cat "$BATS_TEST_TMPDIR/modes" | tr '\n' ' ')" = "660 660 " ]
	done
}

@test "a team's set-group-ID directory (itsm(1) FILES): the members share one database, others cannot touch it" {
	sqlite_only "file modes"
	team_dir
	share_group "$nd/policy.yaml"
	export ITSM_CONFIG="$nd/policy.yaml" HOME="$nd" ITSM_DB="$team/itsm.db"
	# The first command, by root with umask 077, creates it for the group.
	run --separate-stderr sh -c 'umask 077; exec "$0" open "by root" --caller ann' "$ITSM"
	assert_status 0
	assert_output "INC-1"
	[ "$(stat -c '%a %G' "$ITSM_DB")" = "660 users" ]
	# A member of the group writes and reads.
	run --separate-stderr member "$ITSM" open "by a member" --caller bob
	assert_status 0
	assert_output "INC-2"
	assert_stderr ""
	run --separate-stderr member "$ITSM" note 1 -m "seen by a member"
	assert_status 0
	run --separate-stderr member "$ITSM" list -q
	assert_output "INC-1
INC-2"
	# Root again, after the member: nothing in the way.
	run --separate-stderr itsm note 2 -m "seen by root"
	assert_status 0
	[ "$(stat -c '%a %G' "$ITSM_DB")" = "660 users" ]
	# Someone out of the group cannot even reach the directory.
	before=$(db_digest)
	run --separate-stderr outsider "$ITSM" list
	assert_status 77
	assert_output ""
	assert_one_line_error "Permission denied"
	run --separate-stderr outsider "$ITSM" open "by an outsider" --caller eve
	assert_status 77
	assert_one_line_error "Permission denied"
	assert_unchanged "$before"
	# A member cannot rewrite the history either (the triggers).
	run member sqlite3 "$ITSM_DB" "UPDATE events SET actor = 'mallory'"
	[ "$status" != 0 ]
	[[ $output == *"events are append-only"* ]]
	assert_unchanged "$before"
}

@test "without share: group, a member of the team's group is refused: 77, one line" {
	sqlite_only "file modes"
	team_dir
	cp "$TOP/lib/default.yaml" "$nd/policy.yaml"
	chmod 644 "$nd/policy.yaml"
	export ITSM_CONFIG="$nd/policy.yaml" HOME="$nd" ITSM_DB="$team/itsm.db"
	open_ticket "by root" --caller ann
	[ "$(stat -c '%a %G' "$ITSM_DB")" = "600 users" ]
	run --separate-stderr member "$ITSM" list
	assert_status 77
	assert_output ""
	assert_one_line_error "cannot open database '$ITSM_DB': Permission denied"
}

@test "a member who may only read (itsm(1), A team's database): 77, one line naming what to fix, nothing changed" {
	sqlite_only "file modes"
	team_dir
	share_group "$nd/policy.yaml"
	export ITSM_CONFIG="$nd/policy.yaml" HOME="$nd" ITSM_DB="$team/itsm.db"
	open_ticket "by root" --caller ann
	# Read permission on the directory and the file, no more (nobody
	# out of the group, as "others").
	chmod 2775 "$team"
	chmod 664 "$ITSM_DB"
	before=$(db_digest)
	before_sha=$(sha256sum <"$ITSM_DB")
	for cmd in "list" "show 1" "export" "note 1 -m x"; do
		# shellcheck disable=SC2086
		run --separate-stderr outsider "$ITSM" $cmd
		assert_status 77
		assert_output ""
		assert_one_line_error "cannot write database '$team/itsm.db': this user may not create files in '$team', where SQLite keeps the -wal and -shm files even to read"
	done
	[ ! -e "$ITSM_DB-wal" ] && [ ! -e "$ITSM_DB-shm" ]
	[ "$(sha256sum <"$ITSM_DB")" = "$before_sha" ]
	assert_unchanged "$before"
	# The directory writable, the file not: reading works, writing is
	# refused, saying so.
	chmod 2777 "$team"
	run --separate-stderr outsider "$ITSM" list -q
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr outsider "$ITSM" note 1 -m x
	assert_status 77
	assert_output ""
	assert_one_line_error "cannot write database '$team/itsm.db': this user may read it but not write it$"
	[ "$(sha256sum <"$ITSM_DB")" = "$before_sha" ]
	assert_unchanged "$before"
}

# --- The -wal and -shm files (itsm(1), FILES). ---

# own_dir: $own, a directory of nobody's in $nd, with its policy, where
# nobody opens a first ticket.
own_dir() {
	team_dir
	own="$nd/own"
	install -d -m 755 -o 65534 -g 65534 "$own"
	cp "$TOP/lib/default.yaml" "$nd/policy.yaml"
	chmod 644 "$nd/policy.yaml"
	export ITSM_CONFIG="$nd/policy.yaml" HOME="$nd" ITSM_DB="$own/itsm.db"
	run --separate-stderr outsider "$ITSM" open "by nobody" --caller ann
	assert_status 0
}

@test "a read while the database was read-only leaves its -wal and -shm read-only: writable again, it writes" {
	sqlite_only "file modes"
	own_dir
	chmod 444 "$ITSM_DB"
	run --separate-stderr outsider "$ITSM" list -q
	assert_status 0
	assert_output "INC-1"
	# SQLite made them with the database's mode of then.
	[ "$(mode "$ITSM_DB-shm")" = 444 ]
	chmod 644 "$ITSM_DB"
	run --separate-stderr outsider "$ITSM" note 1 -m "writable again"
	assert_status 0
	assert_stderr ""
	[ "$(db_sql "SELECT count(*) FROM events WHERE message = 'writable again'")" = 1 ]
	for f in "$ITSM_DB-wal" "$ITSM_DB-shm"; do
		[ ! -e "$f" ] || [ "$(mode "$f")" = 644 ]
	done
}

@test "a -wal file of another user that this one may not write: 77, one line naming it, nothing changed" {
	sqlite_only "file modes"
	own_dir
	: >"$ITSM_DB-wal"	# root's, mode 644
	chmod 644 "$ITSM_DB-wal"
	before=$(sha256sum <"$ITSM_DB")
	run --separate-stderr outsider "$ITSM" note 1 -m x
	assert_status 77
	assert_output ""
	assert_one_line_error "cannot write '$ITSM_DB-wal': permission denied$"
	[ "$(sha256sum <"$ITSM_DB")" = "$before" ]
	[ ! -s "$ITSM_DB-wal" ]
}

# --- Hooks. ---

@test "hooks from a directory writable by others are refused: mode 777, sticky 1777 (like /tmp), the default directory too" {
	use_hooks
	write_hook post-open "echo ran >>\"$BATS_TEST_TMPDIR/ran\""
	for m in 777 1777 757; do
		chmod "$m" "$ITSM_HOOKS_DIR"
		run --separate-stderr itsm open "x" --caller y
		assert_status 0
		assert_output "INC-$(db_sql 'SELECT max(id) FROM tickets')"
		assert_stderr "itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR' is writable by others; itsm notify retries it"
	done
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	# Mode 755 again: it runs.
	chmod 755 "$ITSM_HOOKS_DIR"
	run --separate-stderr itsm open "x" --caller y
	assert_stderr ""
	[ "$(cat "$BATS_TEST_TMPDIR/ran")" = ran ]
	# The default directory, $XDG_CONFIG_HOME/itsm/hooks, likewise.
	unset ITSM_HOOKS_DIR
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	mkdir -p "$XDG_CONFIG_HOME/itsm/hooks"
	cp "$BATS_TEST_TMPDIR/hooks/post-open" "$XDG_CONFIG_HOME/itsm/hooks/"
	chmod 777 "$XDG_CONFIG_HOME/itsm/hooks"
	run --separate-stderr itsm open "x" --caller y
	assert_status 0
	assert_stderr "itsm: hook 'post-open' not run: '$XDG_CONFIG_HOME/itsm/hooks' is writable by others; itsm notify retries it"
	[ "$(cat "$BATS_TEST_TMPDIR/ran")" = ran ]
}

# --- The history. ---

@test "the history cannot be changed through itsm: every command only appends events" {
	snapshot() {
		db_sql "SELECT * FROM events ORDER BY id" >"$BATS_TEST_TMPDIR/events.now"
	}
	open_ticket "mail down" --caller ann --impact high --urgency high
	snapshot
	for cmd in "categorize 1 --type incident --category software" \
	    "prioritize 1 --impact medium --urgency medium -m lower" \
	    "note 1 -m looking" "assign 1 --to bob" "escalate 1" \
	    "escalate 1 --hierarchical --reason blocked -m stuck" \
	    "hold 1 --reason vendor -m patch" "hold 1 --release" \
	    "major declare 1" "major update 1 -m update" \
	    "major roster 1 --add eve --role scribe" \
	    "major comms 1 --audience users -m news" "major end 1" \
	    "major review 1 --root-cause disk" \
	    "resolve 1 --permanent -m fixed" "close 1 --rejected -m again" \
	    "resolve 1 --workaround -m fixed" "close 1 --confirmed" \
	    "reopen 1 -m back" "cancel 1 -m duplicate" \
	    "escalate --stagnant" "close --auto" "major detect"; do
		cp "$BATS_TEST_TMPDIR/events.now" "$BATS_TEST_TMPDIR/events.before"
		# shellcheck disable=SC2086
		ITSM_NOW=2026-11-28T10:00:00Z run --separate-stderr itsm $cmd
		[ "$status" = 0 ] || { echo "$cmd: $status $stderr" >&2; false; }
		snapshot
		n=$(wc -l <"$BATS_TEST_TMPDIR/events.before")
		head -n "$n" "$BATS_TEST_TMPDIR/events.now" |
		    cmp - "$BATS_TEST_TMPDIR/events.before" ||
		    { echo "$cmd changed the history" >&2; false; }
	done
	# An import cannot replace a ticket, nor add to its events.
	itsm export >"$BATS_TEST_TMPDIR/all.jsonl"
	cp "$BATS_TEST_TMPDIR/events.now" "$BATS_TEST_TMPDIR/events.before"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/all.jsonl"
	assert_status 65
	assert_one_line_error "ticket 1 exists already"
	snapshot
	cmp "$BATS_TEST_TMPDIR/events.now" "$BATS_TEST_TMPDIR/events.before"
}

@test "the triggers refuse UPDATE, DELETE and INSERT OR REPLACE of events from the sqlite3 client, on every column" {
	sqlite_only "the sqlite3 client (PostgreSQL's refusals from psql are the permissions tests' part)"
	open_ticket "x" --caller y --impact low --urgency low
	itsm note 1 -m "a note" >/dev/null
	before=$(db_digest)
	cols=$(db_sql "SELECT group_concat(name, ' ') FROM pragma_table_info('events')")
	[ -n "$cols" ]
	for c in $cols; do
		run db_sql "UPDATE events SET $c = $c WHERE id = 1"
		[ "$status" != 0 ] && [[ $output == *"events are append-only"* ]] ||
		    { echo "UPDATE of $c: $status $output" >&2; false; }
	done
	for sql in "DELETE FROM events" "DELETE FROM events WHERE id = 1" \
	    "DELETE FROM events WHERE kind = 'note'" \
	    "UPDATE events SET message = 'rewritten' WHERE kind = 'note'" \
	    "INSERT OR REPLACE INTO events SELECT * FROM events WHERE id = 1" \
	    "REPLACE INTO events (id, ticket, at, recorded_at, actor, login, kind) VALUES (1, 1, 0, 0, 'mallory', 'mallory', 'open')" \
	    "INSERT INTO events SELECT * FROM events WHERE id = 1 ON CONFLICT (id) DO UPDATE SET actor = 'mallory'" \
	    "PRAGMA recursive_triggers = ON; REPLACE INTO events SELECT * FROM events WHERE id = 1" \
	    "PRAGMA foreign_keys = ON; DELETE FROM events" \
	    "DELETE FROM tickets" "DELETE FROM tickets WHERE id = 1"; do
		run db_sql "$sql"
		[ "$status" != 0 ] ||
		    { echo "not refused: $sql: $output" >&2; false; }
		[[ $output == *"are append-only"* || $output == *"never deleted"* ]] ||
		    { echo "$sql: $output" >&2; false; }
	done
	assert_unchanged "$before"
	# Appending is what the table is for: itsm still writes.
	run --separate-stderr itsm note 1 -m "another note"
	assert_status 0
	[ "$(count_events "kind = 'note'")" = 2 ]
	[ "$(db_sql 'PRAGMA integrity_check')" = ok ]
}

# --- The login recorded in the history (issue 11). ---

# cannot_run WHY: fails the test, saying why its check could not run.
cannot_run() {
	echo "cannot run this check: $1" >&2
	return 1
}

@test "a user id with no passwd entry is recorded by its number, never by LOGNAME or USER" {
	! getent passwd 12345 >/dev/null || cannot_run "uid 12345 has a passwd entry here"
	# A copy of the binary (itsm_for_others), a policy and a database
	# where uid 12345 reaches them (the checkout may be in a 0700 home).
	itsm_for_others 12345
	nd=$(mktemp -d /tmp/itsm-t6300.XXXXXX)
	chmod 755 "$nd"
	install -m 644 "$ITSM_CONFIG" "$nd/policy.yaml"
	install -d -m 700 -o 12345 -g 12345 "$nd/data"
	run --separate-stderr setpriv --reuid=12345 --regid=12345 --clear-groups \
	    env -u ITSM_ACTOR HOME="$nd/data" LOGNAME=root USER=root \
	    ITSM_DB="$nd/data/itsm.db" ITSM_CONFIG="$nd/policy.yaml" \
	    "$ITSM" open "Spoofed" --caller x
	assert_status 0
	assert_output "INC-1"
	run sqlite3 "$nd/data/itsm.db" "SELECT DISTINCT login || ' ' || actor FROM events"
	assert_output "12345 12345"
}
