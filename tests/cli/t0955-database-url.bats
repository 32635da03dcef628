#!/usr/bin/env bats
# Which database a command uses: --db, ITSM_DB, the policy's
# database: {url: ...}, the default; and which engine a name selects (a
# PostgreSQL connection URI or keyword string, or a file).

load helper

# policy_url URL: the test's policy, naming URL as its database.
policy_url() {
	printf '%s\ndatabase:\n  url: %s\n' "$DEFAULT_POLICY" "$1" >"$ITSM_CONFIG"
}

@test "the policy's database url is the database when neither --db nor ITSM_DB names one" {
	unset ITSM_DB
	policy_url "$BATS_TEST_TMPDIR/team.db"
	run --separate-stderr itsm open "from the policy" --caller y
	assert_status 0
	assert_output "INC-1"
	[ -f "$BATS_TEST_TMPDIR/team.db" ]
	[ ! -e "$HOME/.local/share/itsm/itsm.db" ]
	run --separate-stderr itsm list --format tsv
	assert_status 0
	[[ $output == *"from the policy"* ]]
}

@test "ITSM_DB and --db come before the policy's database url" {
	policy_url "$BATS_TEST_TMPDIR/team.db"
	export ITSM_DB="$BATS_TEST_TMPDIR/env.db"
	run --separate-stderr itsm open "in the environment's" --caller y
	assert_status 0
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/flag.db" open "in the flag's" --caller y
	assert_status 0
	[ -f "$BATS_TEST_TMPDIR/env.db" ]
	[ -f "$BATS_TEST_TMPDIR/flag.db" ]
	[ ! -e "$BATS_TEST_TMPDIR/team.db" ]
}

@test "a relative file as the policy's database url is refused: 78, nothing created" {
	unset ITSM_DB
	policy_url "team.db"
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr itsm open x --caller y
	assert_status 78
	assert_output ""
	assert_one_line_error "url must be a PostgreSQL connection URI or keyword string, or an absolute file name"
	[ ! -e "$BATS_TEST_TMPDIR/team.db" ]
	[ ! -e "$HOME/.local/share/itsm/itsm.db" ]
}

@test "an empty or non-scalar database url is refused: 78" {
	unset ITSM_DB
	printf '%s\ndatabase:\n  url: [a, b]\n' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	run --separate-stderr itsm list
	assert_status 78
	assert_one_line_error "url"
	policy_url "''"
	run --separate-stderr itsm list
	assert_status 78
	assert_one_line_error "url must not be empty"
}

@test "a keyword string or a postgresql URI selects PostgreSQL; ./name=x is a file" {
	cd "$BATS_TEST_TMPDIR"
	# An unknown libpq keyword: refused by libpq, before any connection.
	run --separate-stderr itsm --db "nosuchkeyword=x" list
	assert_status 74
	assert_output ""
	assert_one_line_error "cannot open database .*invalid connection option"
	[ ! -e "nosuchkeyword=x" ]
	# A port nobody listens on: the URI is PostgreSQL's, not a file.
	run --separate-stderr itsm --db "postgresql://127.0.0.1:1/itsm?connect_timeout=2" list
	assert_status 74
	assert_one_line_error "cannot open database 'itsm'"
	run --separate-stderr itsm --db "./nosuchkeyword=x" open x --caller y
	assert_status 0
	assert_output "INC-1"
	[ -f "nosuchkeyword=x" ]
}
