#!/usr/bin/env bats
# itsm db init, upgrade and status (itsm-db(1)), on SQLite, and on a
# PostgreSQL server of this file's own: started in setup_file with
# pg_virtualenv (postgresql-common; make deps installs it), whose
# connection settings (PGHOST, PGPORT, PGUSER, PGPASSWORD) the
# PostgreSQL tests read; stopped in teardown_file.  Roles are the
# server's: the login roles tech (itsm_technician) and boss
# (itsm_manager) are made once, each test has its own database.

load helper

# The PostgreSQL pass of the suite runs none of it: the SQLite pass runs
# it all, its PostgreSQL tests on a server of its own.
eval "base_$(declare -f setup)"
setup() {
	if [ "${ITSM_TEST_ENGINE-}" = pg ]; then
		skip "runs in the SQLite pass (a server of its own)"
	fi
	base_setup
}

setup_file() {
	local d=$BATS_FILE_TMPDIR
	if [ "${ITSM_TEST_ENGINE-}" = pg ]; then
		return 0
	fi
	if ! command -v pg_virtualenv >/dev/null 2>&1; then
		echo "pg_virtualenv not found (no PostgreSQL server for the" \
		    "tests): run make deps" >"$d/failed"
		return 0
	fi
	# The server lives until teardown_file leaves the file "stop".  It
	# takes turns with the other throwaway servers (tests/pg-run.sh's
	# lock): two pg_virtualenv at once may both take one cluster.
	(unset PGPORT; exec flock -o \
	    "${ITSM_PG_LOCK:-${TMPDIR:-/tmp}/itsm-pg-run.lock}" \
	    pg_virtualenv -t sh -c '
	    env | grep "^PG" >"$1/env.tmp" && mv "$1/env.tmp" "$1/env"
	    while [ ! -e "$1/stop" ]; do sleep 0.1; done' sh "$d" \
	    >"$d/pg.log" 2>&1 3>&- &
	 echo $! >"$d/pid")
	while [ ! -e "$d/env" ]; do
		if ! kill -0 "$(cat "$d/pid")" 2>/dev/null; then
			echo "the PostgreSQL server did not start:" \
			    "$(tail -3 "$d/pg.log")" >"$d/failed"
			return 0
		fi
		sleep 0.1
	done
	pg_env
	createdb init_roles >>"$d/pg.log" 2>&1
	printf '%s' "$DEFAULT_POLICY" >"$d/policy.yaml"
	ITSM_DB=dbname=init_roles ITSM_CONFIG=$d/policy.yaml "$ITSM" -q db init \
	    >>"$d/pg.log" 2>&1
	psql -qX -v ON_ERROR_STOP=1 -d postgres >>"$d/pg.log" 2>&1 <<-'EOF'
	CREATE ROLE tech LOGIN PASSWORD 'pw' IN ROLE itsm_technician;
	CREATE ROLE boss LOGIN PASSWORD 'pw' IN ROLE itsm_manager;
	EOF
}

teardown_file() {
	local d=$BATS_FILE_TMPDIR pid
	touch "$d/stop"
	pid=$(cat "$d/pid" 2>/dev/null) || return 0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
	done
}

# pg_env: the throwaway server's settings, exported.
pg_env() {
	local k v
	while IFS='=' read -r k v; do
		export "$k=$v"
	done <"$BATS_FILE_TMPDIR/env"
}

# pg_db: a database of this test's own, without the schema; ITSM_DB
# names it as the superuser.  PGDB is its name.
pg_db() {
	if [ -e "$BATS_FILE_TMPDIR/failed" ]; then
		cat "$BATS_FILE_TMPDIR/failed" >&2
		return 1
	fi
	pg_env
	PGDB=t_$BATS_TEST_NUMBER
	createdb "$PGDB"
	export ITSM_DB="dbname=$PGDB"
}

# as USER: ITSM_DB for the login role USER (password pw) on PGDB.
as() {
	export ITSM_DB="dbname=$PGDB user=$1 password=pw"
	# The server's user and clock: no actor nor time stated.
	unset ITSM_ACTOR ITSM_NOW
}

# pg_sql SQL: runs SQL on PGDB as the superuser, rows as sqlite3 prints.
pg_sql() {
	psql -XAtq -v ON_ERROR_STOP=1 -d "$PGDB" -c "$1"
}

# A digest of PGDB's itsm tables, to prove a refusal changed nothing.
pg_digest() {
	pg_sql "SELECT md5(string_agg(t, '|')) FROM (SELECT (SELECT
	    string_agg(x::text, ',' ORDER BY x::text) FROM tickets x) t UNION ALL
	    SELECT (SELECT string_agg(x::text, ',' ORDER BY x::text) FROM events x)
	    UNION ALL SELECT (SELECT string_agg(x::text, ',' ORDER BY x::text)
	    FROM majors x) UNION ALL SELECT version::text FROM itsm_schema) q"
}

# SQLite.

@test "sqlite: db init creates the file with the schema; a second init is refused (1), changing nothing" {
	run --separate-stderr itsm db init
	assert_status 0
	assert_output "created the itsm schema, version 9, in '$ITSM_DB'"
	[ "$(stat -c %a "$ITSM_DB")" = 600 ]
	[ "$(sqlite3 "$ITSM_DB" 'PRAGMA user_version')" = 9 ]
	before=$(db_digest)
	run --separate-stderr itsm db init
	assert_rejected 1 "database '.*' has the itsm schema already \(version 9\): nothing to do" "$before"
	run --separate-stderr itsm open "after init" --caller ann
	assert_status 0
	assert_output "INC-1"
}

@test "sqlite: db init -q says nothing; a shared policy makes the file the group's" {
	printf '%s\ndatabase:\n  share: group\n' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	run --separate-stderr itsm -q db init
	assert_status 0
	assert_output ""
	[ "$(stat -c %a "$ITSM_DB")" = 660 ]
}

@test "sqlite: db init on another application's file: 74, left as it was" {
	sqlite3 "$ITSM_DB" 'CREATE TABLE theirs (x)'
	before=$(db_digest)
	run --separate-stderr itsm db init
	assert_rejected 74 "is not an itsm database" "$before"
}

@test "sqlite: db upgrade of no database: 74, nothing created; of a current one: nothing changes" {
	run --separate-stderr itsm db upgrade
	assert_status 74
	assert_one_line_error "database '.*' does not exist: run 'itsm db init' first"
	[ ! -e "$ITSM_DB" ]
	: >"$ITSM_DB"
	before=$(db_digest)
	run --separate-stderr itsm db upgrade
	assert_rejected 74 "has no itsm schema: run 'itsm db init'" "$before"
	[ ! -s "$ITSM_DB" ]
	rm "$ITSM_DB"
	itsm open "kept" --caller ann >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm db upgrade
	assert_status 0
	assert_output "upgraded the itsm schema, version 9, in '$ITSM_DB'"
	assert_unchanged "$before"
}

@test "sqlite: db upgrade migrates an older schema forward, keeping the tickets" {
	itsm open "kept" --caller ann >/dev/null
	sqlite3 "$ITSM_DB" "DROP INDEX tickets_stagnant; CREATE INDEX
	    tickets_activity ON tickets (updated_at) WHERE status IN ('new',
	    'in_progress'); DROP TABLE outbox; DROP TABLE mail_messages;
	    DROP TABLE attachments; DROP TABLE blobs; PRAGMA user_version = 5"
	run --separate-stderr itsm db upgrade
	assert_status 0
	[ "$(sqlite3 "$ITSM_DB" 'PRAGMA user_version')" = 9 ]
	[ "$(sqlite3 "$ITSM_DB" "SELECT count(*) FROM sqlite_master WHERE name = 'tickets_stagnant'")" = 1 ]
	[ "$(sqlite3 "$ITSM_DB" "SELECT count(*) FROM sqlite_master WHERE name = 'tickets_activity'")" = 0 ]
	[ "$(sqlite3 "$ITSM_DB" 'SELECT summary FROM tickets')" = kept ]
}

@test "sqlite: db upgrade from schema 7 adds the outbox and the Message-IDs, keeping the tickets" {
	itsm open "kept" --caller ann >/dev/null
	sqlite3 "$ITSM_DB" "DROP TABLE outbox; DROP TABLE mail_messages;
	    DROP TABLE attachments; DROP TABLE blobs; PRAGMA user_version = 7"
	run --separate-stderr itsm db upgrade
	assert_status 0
	assert_output "upgraded the itsm schema, version 9, in '$ITSM_DB'"
	[ "$(sqlite3 "$ITSM_DB" 'PRAGMA user_version')" = 9 ]
	[ "$(sqlite3 "$ITSM_DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE name IN ('outbox', 'outbox_due', 'mail_messages', 'mail_messages_ticket') ORDER BY name)")" = "mail_messages mail_messages_ticket outbox outbox_due" ]
	[ "$(sqlite3 "$ITSM_DB" 'SELECT summary FROM tickets')" = kept ]
}

@test "sqlite: db upgrade from schema 8 adds the blobs and the attachments, keeping the tickets" {
	itsm open "kept" --caller ann >/dev/null
	sqlite3 "$ITSM_DB" "DROP TABLE attachments; DROP TABLE blobs;
	    PRAGMA user_version = 8"
	run --separate-stderr itsm list
	assert_status 0
	run --separate-stderr itsm db upgrade
	assert_status 0
	assert_output "upgraded the itsm schema, version 9, in '$ITSM_DB'"
	[ "$(sqlite3 "$ITSM_DB" 'PRAGMA user_version')" = 9 ]
	[ "$(sqlite3 "$ITSM_DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE name IN ('blobs', 'attachments', 'attachments_ticket') ORDER BY name)")" = "attachments attachments_ticket blobs" ]
	[ "$(sqlite3 "$ITSM_DB" 'SELECT summary FROM tickets')" = kept ]
}

@test "sqlite: db status says the engine, the file, the schema; no user, everyone an admin" {
	itsm db init >/dev/null
	run --separate-stderr itsm db status
	assert_status 0
	[[ ${lines[0]} == "engine: sqlite" ]]
	[[ ${lines[1]} == "server: SQLite "* ]]
	[[ ${lines[2]} == "database: $ITSM_DB" ]]
	[[ ${lines[3]} == "schema: 9 (this itsm's)" ]]
	[[ ${lines[4]} == "user: -" ]]
	[[ ${lines[5]} == "role: admin" ]]
	[ "${#lines[@]}" = 6 ]
	run --separate-stderr itsm db status --json
	assert_status 0
	jq_is '.engine == "sqlite" and .schema == 9 and
	    .schema_known == 9 and .user == null and .role == "admin" and
	    (.server | startswith("SQLite ")) and .database == "'"$ITSM_DB"'"' \
	    true
}

@test "sqlite: db status of a file not yet created: no schema, and no file made" {
	run --separate-stderr itsm db status
	assert_status 0
	[[ ${lines[3]} == "schema: none (run 'itsm db init')" ]]
	run --separate-stderr itsm db status --json
	assert_status 0
	jq_is '.schema' 0
	[ ! -e "$ITSM_DB" ]
}

@test "db: a missing, unknown or extra word is a usage error (64)" {
	run --separate-stderr itsm db
	assert_status 64
	run --separate-stderr itsm db drop
	assert_status 64
	assert_one_line_error "unknown db command 'drop' \(expected init, upgrade or status\)"
	run --separate-stderr itsm db init now
	assert_status 64
	assert_one_line_error "unexpected argument 'now'"
	[ ! -e "$ITSM_DB" ]
}

# PostgreSQL.

@test "pg: db init creates the schema and the permissions; a second init is refused (1), changing nothing" {
	pg_db
	run --separate-stderr itsm list
	assert_status 74
	assert_one_line_error "database '$PGDB' has no itsm schema: run 'itsm db init'"
	run --separate-stderr itsm db upgrade
	assert_status 74
	assert_one_line_error "has no itsm schema: run 'itsm db init'"
	[ "$(pg_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]
	run --separate-stderr itsm db init
	assert_status 0
	assert_output "created the itsm schema, version 9, in '$PGDB'"
	[ "$(pg_sql "SELECT count(*) FROM pg_trigger WHERE tgname IN
	    ('events_guard', 'tickets_guard', 'majors_guard')")" = 3 ]
	before=$(pg_digest)
	run --separate-stderr itsm db init
	assert_status 1
	assert_one_line_error "database '$PGDB' has the itsm schema already \(version 9\): nothing to do"
	[ "$(pg_digest)" = "$before" ]
	run --separate-stderr itsm db status --json
	assert_status 0
	jq_is '.engine == "postgresql" and .database == "'"$PGDB"'"
	    and .schema == 9 and .user == "'"$PGUSER"'" and .role == "admin"
	    and (.server | startswith("PostgreSQL "))' true
}

@test "pg: db upgrade from schema 7 adds the outbox and the Message-IDs, with a technician's grants" {
	pg_db
	itsm db init >/dev/null
	itsm open "kept" --caller ann >/dev/null
	pg_sql "DROP TABLE attachments; DROP TABLE blobs; DROP TABLE outbox; DROP TABLE mail_messages; UPDATE itsm_schema SET version = 7"
	run --separate-stderr itsm list
	assert_status 74
	assert_one_line_error "run 'itsm db upgrade'"
	run --separate-stderr itsm db upgrade
	assert_status 0
	assert_output "upgraded the itsm schema, version 9, in '$PGDB'"
	[ "$(pg_sql "SELECT version FROM itsm_schema")" = 9 ]
	[ "$(pg_sql "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_class c WHERE c.relname IN ('outbox', 'outbox_due', 'mail_messages', 'mail_messages_ticket')")" = "mail_messages mail_messages_ticket outbox outbox_due" ]
	[ "$(pg_sql "SELECT has_table_privilege('itsm_technician', 'outbox', 'INSERT') AND has_column_privilege('itsm_technician', 'outbox', 'state', 'UPDATE') AND NOT has_column_privilege('itsm_technician', 'outbox', 'payload', 'UPDATE') AND has_table_privilege('itsm_technician', 'mail_messages', 'INSERT')")" = t ]
	[ "$(pg_sql "SELECT summary FROM tickets")" = kept ]
}

@test "pg: db upgrade from schema 8 adds the blobs and the attachments, with a technician's grants" {
	pg_db
	itsm db init >/dev/null
	itsm open "kept" --caller ann >/dev/null
	pg_sql "DROP TABLE attachments; DROP TABLE blobs; UPDATE itsm_schema SET version = 8"
	run --separate-stderr itsm list
	assert_status 74
	assert_one_line_error "run 'itsm db upgrade'"
	run --separate-stderr itsm db upgrade
	assert_status 0
	assert_output "upgraded the itsm schema, version 9, in '$PGDB'"
	[ "$(pg_sql "SELECT version FROM itsm_schema")" = 9 ]
	[ "$(pg_sql "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_class c WHERE c.relname IN ('blobs', 'attachments', 'attachments_ticket')")" = "attachments attachments_ticket blobs" ]
	[ "$(pg_sql "SELECT has_table_privilege('itsm_technician', 'blobs', 'INSERT') AND has_table_privilege('itsm_technician', 'attachments', 'INSERT') AND has_table_privilege('itsm_technician', 'attachments', 'SELECT') AND NOT has_table_privilege('itsm_technician', 'blobs', 'UPDATE') AND NOT has_table_privilege('itsm_technician', 'attachments', 'DELETE')")" = t ]
	[ "$(pg_sql "SELECT summary FROM tickets")" = kept ]
}

@test "pg: db status of a database without the schema shows it, and writes nothing" {
	pg_db
	run --separate-stderr itsm db status
	assert_status 0
	[[ ${lines[0]} == "engine: postgresql" ]]
	[[ ${lines[3]} == "schema: none (run 'itsm db init')" ]]
	[ "$(pg_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ]
}

@test "pg: a technician: status says so, upgrade is the owner's (77), no cancelling; a manager cancels" {
	pg_db
	itsm -q db init
	as tech
	run --separate-stderr itsm db status
	assert_status 0
	[[ ${lines[4]} == "user: tech" ]]
	[[ ${lines[5]} == "role: technician" ]]
	run --separate-stderr itsm db upgrade
	assert_status 77
	assert_one_line_error "cannot upgrade database '$PGDB': only its owner \('$PGUSER'\) or a superuser may"
	run --separate-stderr itsm db init
	assert_status 1
	run --separate-stderr itsm open "printer down" --caller ann
	assert_status 0
	assert_output "INC-1"
	before=$(pg_digest)
	run --separate-stderr itsm cancel INC-1 -m mistake
	assert_status 77
	assert_one_line_error "cancelling INC-1 needs the itsm_manager role \('tech' is itsm_technician\)"
	[ "$(pg_digest)" = "$before" ]
	run --separate-stderr env ITSM_ACTOR=ann "$ITSM" note INC-1 -m "as ann"
	assert_status 77
	assert_one_line_error "ITSM_ACTOR: acting as 'ann' needs the itsm_admin role \('tech' is itsm_technician\)"
	[ "$(pg_digest)" = "$before" ]
	run --separate-stderr env ITSM_NOW=2026-01-01T00:00:00Z "$ITSM" note INC-1 -m "back then"
	assert_status 77
	assert_one_line_error "ITSM_NOW: stating the recorded time needs the itsm_admin role \('tech' is itsm_technician\)"
	[ "$(pg_digest)" = "$before" ]
	# Naming oneself is no impersonation; the actor and login are the
	# server's user, the times the server's clock.
	run --separate-stderr env ITSM_ACTOR=tech "$ITSM" note INC-1 -m "as me"
	assert_status 0
	[ "$(pg_sql "SELECT actor || ' ' || login FROM events ORDER BY id DESC LIMIT 1")" = "tech tech" ]
	[ "$(pg_sql "SELECT count(*) FROM events WHERE actor <> 'tech' OR login <> 'tech'")" = 0 ]
	[ "$(pg_sql "SELECT count(*) FROM events WHERE abs(recorded_at - extract(epoch FROM now())) > 600 OR abs(at - recorded_at) > 5")" = 0 ]
	before=$(pg_digest)
	as boss
	run --separate-stderr itsm cancel INC-1 -m mistake
	assert_status 0
	[ "$(pg_sql "SELECT status FROM tickets WHERE id = 1")" = cancelled ]
}

@test "pg: a technician's resolution ends a manager's major; a technician declares none (77)" {
	pg_db
	itsm -q db init
	as tech
	itsm open "mail down" --caller ann --impact high --urgency high >/dev/null
	itsm open "mail down too" --caller bob --impact high --urgency high >/dev/null
	run --separate-stderr itsm major declare INC-2
	assert_status 77
	assert_one_line_error "declaring a major incident needs the itsm_manager role \('tech' is itsm_technician\)"
	as boss
	run --separate-stderr itsm major declare INC-1
	assert_status 0
	as tech
	run --separate-stderr itsm major end INC-1
	assert_status 77
	[ "$(pg_sql "SELECT state FROM majors WHERE ticket = 1")" = active ]
	run --separate-stderr itsm resolve INC-1 --workaround -m "restarted"
	assert_status 0
	[ "$(pg_sql "SELECT state FROM majors WHERE ticket = 1")" = ended ]
}

@test "pg: through psql, a technician cannot rewrite history, cancel, declare or change the schema" {
	pg_db
	itsm -q db init
	as tech
	itsm open "disk full" --caller ann >/dev/null
	before=$(pg_digest)
	for sql in "UPDATE events SET message = 'rewritten'" \
	    "DELETE FROM events" \
	    "INSERT INTO events (ticket, at, recorded_at, actor, login, kind)
	     VALUES (1, 1, 1, 'ann', 'ann', 'note')" \
	    "UPDATE tickets SET status = 'cancelled'" \
	    "UPDATE tickets SET major = 1" \
	    "INSERT INTO majors (ticket, state) VALUES (1, 'active')" \
	    "CREATE TABLE mine (x int)" \
	    "DROP TRIGGER tickets_guard ON tickets"; do
		run psql -XAtq -v ON_ERROR_STOP=1 -v VERBOSITY=verbose \
		    "dbname=$PGDB user=tech password=pw" -c "$sql"
		[ "$status" != 0 ] || { echo "allowed: $sql" >&2; false; }
		[[ $output == *"42501"* ]] || { echo "$sql: $output" >&2; false; }
	done
	[ "$(pg_digest)" = "$before" ]
}

@test "pg: a technician reopens a resolved ticket, not a closed one; imports are an admin's" {
	pg_db
	itsm -q db init
	as tech
	itsm open "vpn" --caller ann --impact low --urgency low >/dev/null
	itsm open "wifi" --caller bob --impact low --urgency low >/dev/null
	itsm resolve INC-1 --permanent -m "fixed" >/dev/null
	itsm resolve INC-2 --permanent -m "fixed" >/dev/null
	itsm close INC-2 --confirmed >/dev/null
	run --separate-stderr itsm reopen INC-1 -m "back again"
	assert_status 0
	before=$(pg_digest)
	run --separate-stderr itsm reopen INC-2 -m "back again"
	assert_status 77
	assert_output ""
	assert_one_line_error "reopening INC-2 \(closed\) needs the itsm_manager role \('tech' is itsm_technician\)"
	itsm export >"$BATS_TEST_TMPDIR/all.jsonl"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/all.jsonl"
	assert_status 77
	assert_one_line_error "importing history needs the itsm_admin role \('tech' is itsm_technician\)"
	[ "$(pg_digest)" = "$before" ]
	as boss
	run --separate-stderr itsm reopen INC-2 -m "back again"
	assert_status 0
	[ "$(pg_sql "SELECT status FROM tickets WHERE id = 2")" = in_progress ]
}
