#!/usr/bin/env bats
# Hostile and broken input, over every command and every verb of
# "itsm major": missing and extra arguments, unknown values, numbers out of
# range or overflowing, invalid UTF-8, NUL bytes and 10 MiB on standard
# input, terminal escape sequences and SQL metacharacters in every text
# field, dates before 1970 and after 9999; and a broken environment: a
# database directory that does not exist, a read-only database, a file
# that is not SQLite, a database of a newer itsm, an unreadable policy, a
# full disk, hooks that fail or hang.
#
# Each gives its exit status of itsm(1) EXIT STATUS and exactly one line
# on stderr, and where the command is refused the database is unchanged
# byte for byte (cmp with a copy) and in content (db_digest).
#
# The tests run as root here.  Root reads and writes any file whatever its
# mode, so what must be unreadable or unwritable is tried as the user
# nobody (setpriv), on a read-only file system, or with a directory where
# a file is expected.  A test that mounts a file system skips, saying why,
# when it cannot; one that cannot act as nobody fails, saying why.  As
# nobody, they run a copy of itsm that nobody can reach (itsm_for_others
# in helper.bash): the checkout may be in a home directory of mode 0700.

load helper

# --- The fixture: one database, built once, copied for each command. ---

# Tickets, at 08:00, an hour before the tests' clock:
#   1 new, P5            2 resolved         3 on hold
#   4 an active major    5 a major ended    6 P1, proposed as major
build_fixture() {
	itsm open "one" --caller ann --impact low --urgency low
	itsm open "two" --caller bob --impact low --urgency low
	itsm resolve 2 --permanent -m "fixed"
	itsm open "three" --caller cid --impact low --urgency low
	itsm hold 3 --reason vendor -m "waiting"
	itsm open "four" --caller dan --impact high --urgency high
	itsm major declare 4 -m "big"
	itsm open "five" --caller eve --impact high --urgency high
	itsm major declare 5 -m "big"
	itsm major end 5 -m "over"
	itsm open "six" --caller fay --service payroll --impact high --urgency high
	itsm major detect
}

setup_file() {
	FIXTURE=$(db_fixture fixture)
	export FIXTURE
	(
		export HOME="$BATS_FILE_TMPDIR/home" ITSM_DB="$FIXTURE" \
		    ITSM_CONFIG="$TOP/lib/default.yaml" \
		    ITSM_NOW=2026-11-28T08:00:00Z LC_ALL=C.UTF-8
		unset XDG_CONFIG_HOME XDG_DATA_HOME ITSM_ACTOR ITSM_HOOKS_DIR
		mkdir -p "$HOME"
		build_fixture
	) >/dev/null
	[ "$(db_sql "SELECT status FROM tickets ORDER BY id" "$FIXTURE" |
	    paste -sd,)" = "new,resolved,on_hold,in_progress,in_progress,new" ]
	[ "$(db_sql "SELECT state FROM majors ORDER BY ticket" "$FIXTURE" |
	    paste -sd,)" = "active,ended,proposed" ]
	# Its content digest, once: every copy fresh makes has it.
	export FIXTURE_DIGEST
	if on_pg; then
		FIXTURE_DIGEST=$(ITSM_DB="$FIXTURE" db_digest)
		[ -n "$FIXTURE_DIGEST" ]
		return
	fi
	cp "$FIXTURE" "$BATS_FILE_TMPDIR/probe.db"
	FIXTURE_DIGEST=$(ITSM_DB="$BATS_FILE_TMPDIR/probe.db" db_digest)
	[ -n "$FIXTURE_DIGEST" ]
	# (sqlite3 reading a copy leaves its bytes as they were.)
	cmp -s "$FIXTURE" "$BATS_FILE_TMPDIR/probe.db"
}

# fresh: the test's database is a copy of the fixture; remembers its
# content (its digest, taken once in setup_file) and its bytes (the file
# $before_file, the fixture itself: cmp, one process, no checksum).
fresh() {
	db_restore "$FIXTURE"
	before=$FIXTURE_DIGEST
	before_file=$FIXTURE
}

# remember: the database as it is now is the one each check compares to
# (its content and a copy of its bytes).
remember() {
	before=$(db_digest)
	on_pg && return
	before_file="$BATS_TEST_TMPDIR/before.db"
	cp "$ITSM_DB" "$before_file"
}

# same_bytes: the database file has the bytes of $before_file (on
# PostgreSQL, which has no file: the content is $before).
same_bytes() {
	if on_pg; then
		[ "$(db_digest)" = "$before" ]
	else
		cmp -s "$ITSM_DB" "$before_file"
	fi
}

# assert_same: the database is as fresh left it, byte for byte (only
# the bytes when $bytes_only is set: where sqlite3 cannot read it).
assert_same() {
	[ -n "${bytes_only-}" ] || assert_unchanged "$before" || return 1
	if ! same_bytes; then
		echo "database file changed" >&2
		return 1
	fi
}

# words ROW SLOT VALUE: sets ARGS to the words of ROW, each word SLOT
# replaced by VALUE.
words() {
	local w
	ARGS=()
	for w in $1; do
		if [ "$w" = "$2" ]; then
			ARGS+=("$3")
		else
			ARGS+=("$w")
		fi
	done
}

# filled ROW SLOT VALUE: ROW with each word SLOT replaced by VALUE (a
# single word).
filled() {
	words "$@"
	printf '%s\n' "${ARGS[*]}"
}

# Nothing here should wait: a command that hangs fails its test (bats
# kills a test that runs past BATS_TEST_TIMEOUT seconds) rather than
# holding up the suite.  One watchdog a test, not a timeout(1) a run:
# these tests run itsm some 2,000 times.
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300}

# t ARGS...: itsm.
t() {
	"$ITSM" "$@"
}

# go ARGS...: runs t ARGS and sets status, output and stderr, as "run
# --separate-stderr" does (but in a fraction of its time: these tests run
# itsm some 3,000 times).
go() {
	status=0
	output=$(exec "$ITSM" "$@" 2>"$BATS_TEST_TMPDIR/stderr") ||
	    status=$?
	stderr=$(<"$BATS_TEST_TMPDIR/stderr")
}

# assert_bytes_same: the database file is as fresh left it, byte for
# byte, with no write-ahead log pending.
assert_bytes_same() {
	if ! same_bytes || [ -s "$ITSM_DB-wal" ]; then
		echo "database file changed" >&2
		return 1
	fi
}

# refused STATUS PATTERN: the last run exited STATUS, printed nothing on
# stdout, one line "itsm: ..." matching PATTERN on stderr, and left the
# database file unchanged (each test ends with assert_same, which compares
# the content too).  $row names the case in the failure report.
refused() {
	if [ "$status" != "$1" ] || [ -n "$output" ] ||
	    [[ $stderr == *$'\n'* ]] || ! [[ $stderr =~ ^itsm:\ .*$2 ]]; then
		printf 'case: %s\nexit %s (expected %s)\nstdout: %s\nstderr: %s\n' \
		    "$row" "$status" "$1" "$output" "$stderr" >&2
		return 1
	fi
	assert_bytes_same || { echo "case: $row" >&2; return 1; }
}

# refuse_each STATUS PATTERN ROW...: each ROW, run, is refused as
# "refused STATUS PATTERN" says (one function: bats traces none of its
# commands, and these loops run itsm some 2,000 times).
refuse_each() {
	local st=$1 pat=$2 row
	shift 2
	for row in "$@"; do
		words "$row"
		go "${ARGS[@]}"
		refused "$st" "$pat" || return 1
	done
}

# refuse_each_with SLOT VALUE STATUS PATTERN ROW...: refuse_each of
# each ROW with its word SLOT replaced by VALUE.
refuse_each_with() {
	local slot=$1 val=$2 st=$3 pat=$4 r row
	shift 4
	for r in "$@"; do
		row="${r//$slot/$val}"
		words "$r" "$slot" "$val"
		go "${ARGS[@]}"
		refused "$st" "$pat" || return 1
	done
}

# succeeded: the last run exited 0 with nothing on stderr.
succeeded() {
	if [ "$status" != 0 ] || [ -n "$stderr" ]; then
		printf 'case: %s\nexit %s\nstdout: %s\nstderr: %s\n' "$row" \
		    "$status" "$output" "$stderr" >&2
		return 1
	fi
}

# no_raw_controls TEXT: TEXT holds no byte a terminal acts on: no C0
# control but tab and newline, no DEL, no C1 (U+0080..U+009F).
# (A bash regex on the bytes, no process: the escape sequence tests call
# it twice an itsm run.)
RAW_CONTROLS=$'[\x01-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]'
no_raw_controls() {
	local LC_ALL=C
	if [[ $1 =~ $RAW_CONTROLS ]]; then
		printf 'case: %s\nraw control bytes:\n' "$row" >&2
		printf '%s' "$1" | od -c | grep -E '\\(033|007|r|b|[0-9]{3})' |
		    head -5 >&2
		return 1
	fi
}

# keep_export ROW: the export of the database as ROW left it, kept (in
# export.N) for exports_hold.
keep_export() {
	EXPORTED+=("$1")
	t export >"$BATS_TEST_TMPDIR/export.${#EXPORTED[@]}"
}

# exports_hold contains|equals TEXT: each export kept holds a string
# that contains (or equals) TEXT, decoded from JSON by jq: one jq for
# them all.  Names each row whose export does not.
exports_hold() {
	local have i ok=0
	have=$(cd "$BATS_TEST_TMPDIR" && jq -rn --arg mode "$1" --arg t "$2" '
	    [inputs | select([.. | strings | select(if $mode == "equals"
	    then . == $t else contains($t) end)] | length > 0) |
	    input_filename] | unique[]' export.*)
	for ((i = 1; i <= ${#EXPORTED[@]}; i++)); do
		if [[ $'\n'$have$'\n' != *$'\nexport.'$i$'\n'* ]]; then
			echo "case: ${EXPORTED[i - 1]}: the text is not in the export as given" >&2
			ok=1
		fi
	done
	return "$ok"
}

# Every command that writes, in a form that succeeds on the fixture, with
# T where a text goes: each text field of each command.
WRITE_ROWS=(
	"open T --caller x"
	"open x --caller T"
	"open x --caller y --affected T"
	"open x --caller y --contact T"
	"open x --caller y --service T"
	"open x --caller y -m T"
	"categorize 1 --type incident --category hardware -m T"
	"prioritize 1 --impact low --urgency medium -m T"
	"note 1 -m T"
	"assign 1 --to T"
	"assign 1 -m T"
	"escalate 1 -m T"
	"escalate 1 --hierarchical --reason other -m T"
	"hold 1 --reason user -m T"
	"hold 3 --release -m T"
	"resolve 1 --workaround -m T"
	"close 2 --confirmed --by T"
	"close 2 --confirmed -m T"
	"close 2 --rejected -m T"
	"reopen 2 -m T"
	"cancel 1 -m T"
	"major declare 1 -m T"
	"major declare 1 --commander T"
	"major declare 1 --bridge T"
	"major reject 6 -m T"
	"major roster 4 --add T --role engineer"
	"major update 4 -m T"
	"major comms 4 --audience users -m T"
	"major end 4 -m T"
	"major review 5 --root-cause T"
	"major review 5 --factor T"
	"major review 5 --went-well T"
	"major review 5 --went-wrong T"
	"major review 5 --lucky T"
	"major action 5 --add T --owner x --due 2026-12-01T00:00:00Z"
	"major action 5 --add x --owner T --due 2026-12-01T00:00:00Z"
)

# The commands that write without a text of their own: cron's and
# import's.
CRON_ROWS=(
	"escalate --stagnant"
	"close --auto"
	"major detect"
	"major link 4 --child 1"
)

# Every command that only reads the database.
READ_ROWS=(
	"list"
	"list --all"
	"show 1"
	"next"
	"stats"
	"export"
	"major status"
	"major status 4"
	"major report 5"
)

# m_rows: the rows of WRITE_ROWS whose text is -m (which reads standard
# input when it is "-").
m_rows() {
	local r
	for r in "${WRITE_ROWS[@]}"; do
		[[ $r == *"-m T"* ]] && printf '%s\n' "$r"
	done
}

# ---------------------------------------------------------------------
# Arguments.

@test "missing and extra arguments, for every command and major verb: 64, one line, nothing changed" {
	fresh
	local rows=(
		"open" "open x" "open a b --caller x" "open x --caller"
		"open x --caller y --impact low"
		"categorize" "categorize 1" "categorize 1 2 --type incident"
		"prioritize" "prioritize 1 --impact low"
		"prioritize 1 2 --impact low --urgency low"
		"list extra" "list --limit"
		"show" "show 1 2"
		"note" "note 1" "note 1 2 -m x" "note 1 -m"
		"assign" "assign 1 2"
		"escalate" "escalate 1 2"
		"hold" "hold 1" "hold 1 2 --release"
		"resolve" "resolve 1 -m x" "resolve 1 --workaround"
		"resolve 1 --workaround --permanent -m x"
		"close" "close 2" "close 2 3 --confirmed"
		"close 2 --confirmed --rejected -m x"
		"reopen" "reopen 2" "reopen 2 3 -m x"
		"cancel" "cancel 1" "cancel 1 2 -m x"
		"next x" "next --group"
		"export x" "import" "import a b"
		"stats x" "stats --since"
		"config" "config show x" "config check a b" "config bogus"
		"help x y" "help bogus"
		"major" "major bogus"
		"major declare" "major declare 1 2"
		"major detect x"
		"major reject 6" "major reject 6 7 -m x"
		"major roster 4" "major roster 4 --add x"
		"major update 4" "major update 4 5 -m x"
		"major comms 4" "major comms 4 --audience users"
		"major link 4" "major link"
		"major status 4 5"
		"major watch" "major watch 4 5"
		"major end" "major end 4 5"
		"major review" "major review 5 6"
		"major action 5" "major action 5 --add x"
		"major report" "major report 5 6"
		"bogus" "lis" "" "--db"
	)
	refuse_each 64 "" "${rows[@]}"
	assert_same
}

@test "an unknown option, for every command of 'itsm help' and every major verb: 64, one line, nothing changed" {
	fresh
	run --separate-stderr itsm help
	assert_status 0
	cmds=$(printf '%s\n' "$output" | sed -n 's/^  \([a-z]\{1,\}\)  .*/\1/p')
	[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 20 ]
	verbs=$(itsm major -h | sed -n 's/^.*itsm major \([a-z]\{1,\}\).*/\1/p' | sort -u)
	[ "$(printf '%s\n' "$verbs" | wc -l)" -ge 13 ]
	# ("itsm major --x": the verb comes first, so an unknown verb.)
	for c in $cmds; do
		row="$c --no-such-option"
		go "$c" --no-such-option
		refused 64 "unknown (option|verb) '--no-such-option'"
		row="$c -Z"
		go "$c" -Z
		refused 64 "unknown (option|verb) '-Z'"
	done
	for v in $verbs; do
		row="major $v --no-such-option"
		go major "$v" --no-such-option
		refused 64 "unknown option '--no-such-option'"
	done
	assert_same
}

@test "unknown values: 65, one line, nothing changed" {
	fresh
	local rows=(
		"open x --caller y --type bogus"
		"open x --caller y --channel bogus"
		"open x --caller y --category bogus"
		"open x --caller y --category hardware --subcategory bogus"
		"open x --caller y --impact bogus --urgency low"
		"open x --caller y --impact low --urgency bogus"
		"categorize 1 --type bogus"
		"categorize 1 --type incident --category bogus"
		"prioritize 1 --impact 9 --urgency 1"
		"list --status bogus" "list --type bogus" "list --priority P9"
		"list --group bogus" "list --fields bogus" "list --format bogus"
		"show 1 --format bogus"
		"assign 1 --group bogus"
		"escalate 1 --to bogus"
		"escalate 1 --hierarchical --reason bogus -m x"
		"hold 1 --reason bogus -m x"
		"resolve 1 --workaround -m x --code bogus"
		"close 2 --confirmed --satisfaction x"
		"cancel 1 -m x --duplicate-of bogus"
		"next --group bogus"
		"export --status bogus" "export --type bogus"
		"import /dev/null --format bogus"
		"stats --by bogus" "stats --since bogus"
		"major roster 4 --add x --role bogus"
		"major comms 4 --audience bogus -m x"
		"major comms 4 --audience users -m x --channel bogus"
		"major action 5 --add x --owner y --due bogus"
		"major link 4 --child bogus"
		"major status bogus"
	)
	refuse_each 65 "(unknown|invalid|not a ticket reference)" "${rows[@]}"
	# The environment's values too.
	row="ITSM_NOW=bogus"
	ITSM_NOW=bogus go list
	refused 65 "invalid ITSM_NOW"
	row="ITSM_NOW=bogus open"
	ITSM_NOW=bogus go open x --caller y
	refused 65 "invalid ITSM_NOW"
	assert_same
}

@test "a ref of 30 digits or past 2^63, wherever a ref goes: 65, one line, nothing changed" {
	fresh
	local rows=(
		"show R" "categorize R --type incident"
		"prioritize R --impact low --urgency low" "note R -m x"
		"assign R" "escalate R" "hold R --reason user -m x"
		"hold R --release" "resolve R --workaround -m x"
		"close R --confirmed" "close R --rejected -m x" "reopen R -m x"
		"cancel R -m x" "cancel 1 -m x --duplicate-of R"
		"major declare R" "major reject R -m x"
		"major roster R --add x --role engineer" "major update R -m x"
		"major comms R --audience users -m x" "major link R --child 1"
		"major link 4 --child R" "major link 4 --child 1 --child R"
		"major status R" "major watch R" "major end R"
		"major review R --root-cause x"
		"major action R --add x --owner y --due 2026-12-01T00:00:00Z"
		"major report R"
	)
	for ref in 123456789012345678901234567890 \
	    INC-123456789012345678901234567890 9223372036854775808; do
		refuse_each_with R "$ref" 65 "'$ref' is not a ticket reference" "${rows[@]}"
	done
	assert_same
}

@test "numbers out of range or overflowing: 65, one line, nothing changed" {
	fresh
	local rows=(
		"list --limit 99999999999999999999"
		"list --limit 18446744073709551617"
		"list --limit 0" "list --limit -1" "list --limit 1e3"
		"list --limit 0x10"
		"export --limit 99999999999999999999" "export --limit 0"
		"close 2 --confirmed --satisfaction 99999999999999999999"
		"close 2 --confirmed --satisfaction 6"
		"close 2 --confirmed --satisfaction 0"
		"close 2 --confirmed --satisfaction -1"
		"major action 5 --done 99999999999999999999"
		"major action 5 --done 0"
		"major action 5 --done -1"
		"prioritize 1 --impact 99999999999999999999 --urgency 1"
		"prioritize 1 --impact 1 --urgency -1"
		"open x --caller y --impact 4 --urgency 1"
		"note 1 -m x --at -99999999999999999999h"
		"note 1 -m x --at -9999999999w"
		"open x --caller y --at -99999999999999999999m"
		"stats --since -99999999999999999999d"
		"stats --until -9223372036854775808s"
	)
	refuse_each 65 "(invalid|unknown)" "${rows[@]}"
	assert_same
}

@test "numbers that are not plain decimal digits: 65, one line, nothing changed" {
	fresh
	local opt val
	# Each numeric option: --limit of list and export, --satisfaction of
	# close, --done of major action.  strtol would take the blank, the
	# sign, and read "0x10" as 0 and "5x" as 5.
	local opts=("list --limit" "export --limit"
	    "close 2 --confirmed --satisfaction" "major action 5 --done")
	local vals=(" 5" "5 " "+5" "5x" "x5" "05" "0x10" "1e3" "5.0" "-0"
	    $'5\n' $'\t5' "٥" "")
	for opt in "${opts[@]}"; do
		for val in "${vals[@]}"; do
			row="$opt '$val'"
			words "$opt"
			go "${ARGS[@]}" "$val"
			refused 65 "invalid (limit|satisfaction|action number) '.*' \(expected a whole number from 1"
		done
	done
	assert_same
	# The same digits without the noise are taken.
	go list --limit 5
	succeeded
	go export --limit 5
	succeeded
}

@test "dates before 1970 and after 9999, in every time option and ITSM_NOW: 65, one line, nothing changed" {
	fresh
	local at_rows=(
		"open x --caller y --at D" "categorize 1 --type incident --at D"
		"prioritize 1 --impact low --urgency low --at D"
		"note 1 -m x --at D" "assign 1 --at D" "escalate 1 --at D"
		"escalate 1 --hierarchical --reason other -m x --at D"
		"hold 1 --reason user -m x --at D" "hold 3 --release --at D"
		"resolve 1 --workaround -m x --at D" "close 2 --confirmed --at D"
		"close 2 --rejected -m x --at D"
		"reopen 2 -m x --at D" "cancel 1 -m x --at D"
		"major declare 1 --at D" "major reject 6 -m x --at D"
		"major roster 4 --add x --role engineer --at D"
		"major update 4 -m x --at D"
		"major comms 4 --audience users -m x --at D"
		"major link 4 --child 1 --at D" "major end 4 --at D"
		"major review 5 --root-cause x --at D"
		"major action 5 --add x --owner y --due 2026-12-01T00:00:00Z --at D"
	)
	local any_rows=(
		"major action 5 --add x --owner y --due D"
		"stats --since D" "stats --until D"
	)
	for d in 1969-12-31T23:59:59Z 0000-01-01T00:00:00Z -001-01-01T00:00:00Z \
	    10000-01-01T00:00:00Z 2026-02-30T00:00:00Z \
	    2026-11-28T09:00:00+99:00; do
		refuse_each_with D "$d" 65 "invalid time" "${at_rows[@]}" "${any_rows[@]}"
	done
	# Within the range but not a time an action can be stated at: the
	# first second of 1970, the year 9999 (in the future).
	for d in 1970-01-01T00:00:00Z 9999-12-31T23:59:59Z; do
		refuse_each_with D "$d" 65 "(too early|in the future|is before the)" "${at_rows[@]}"
	done
	for now in 1969-12-31T23:59:59Z 10000-01-01T00:00:00Z \
	    0000-01-01T00:00:00Z; do
		row="ITSM_NOW=$now"
		ITSM_NOW=$now go list
		refused 65 "invalid ITSM_NOW"
		ITSM_NOW=$now go note 1 -m x
		refused 65 "invalid ITSM_NOW"
	done
	assert_same
}

# ---------------------------------------------------------------------
# Text.

@test "invalid UTF-8 in every text field, and in ITSM_ACTOR: 65, one line naming the field, nothing changed" {
	fresh
	# A lone byte, a truncated sequence, an overlong '/', a surrogate,
	# past U+10FFFF.
	for bad in $'caf\xe9' $'\xe2\x82' $'\xc0\xaf' $'\xed\xa0\x80' \
	    $'\xf4\x90\x80\x80'; do
		label=$(printf '%s' "$bad" | od -An -tx1)
		for r in "${WRITE_ROWS[@]}"; do
			row="$r (T: $label)"
			words "$r" T "$bad"
			go "${ARGS[@]}"
			refused 65 "is not valid UTF-8"
			# The bad bytes are not echoed raw.
			if [[ $stderr == *"$bad"* ]]; then
				echo "case: $row: raw bytes in: $stderr" >&2
				false
			fi
		done
		row="ITSM_ACTOR"
		ITSM_ACTOR=$bad go note 1 -m x
		refused 65 "not valid UTF-8"
	done
	assert_same
}

@test "a NUL byte on standard input (-m -), for every command that reads it: 65, one line, nothing changed" {
	fresh
	printf 'before\0after' >"$BATS_TEST_TMPDIR/nul"
	printf '\0' >"$BATS_TEST_TMPDIR/nul1"
	mapfile -t rows < <(m_rows)
	[ "${#rows[@]}" -ge 15 ]
	for r in "${rows[@]}"; do
		row="$r < NUL"
		words "$r" T -
		go "${ARGS[@]}" <"$BATS_TEST_TMPDIR/nul"
		refused 65 "NUL"
		go "${ARGS[@]}" <"$BATS_TEST_TMPDIR/nul1"
		refused 65 "NUL"
	done
	# A NUL in an import is refused too, and so is standard input.
	row="import - < NUL"
	go import - <"$BATS_TEST_TMPDIR/nul"
	refused 65 ""
	assert_same
}

@test "10 MiB of text on standard input, for every command that reads it, and to import: 65, one line, nothing changed" {
	fresh
	head -c 10485760 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big"
	mapfile -t rows < <(m_rows)
	for r in "${rows[@]}"; do
		row="$r < 10 MiB"
		words "$r" T -
		go "${ARGS[@]}" <"$BATS_TEST_TMPDIR/big"
		refused 65 "too long"
		[ "${#stderr}" -lt 300 ]
	done
	# One line of 10 MiB that is not JSON, to import.
	row="import - < 10 MiB"
	go import - <"$BATS_TEST_TMPDIR/big"
	refused 65 "standard input:1: "
	[ "${#stderr}" -lt 300 ]
	{ printf '{"id":100,"summary":"'; cat "$BATS_TEST_TMPDIR/big"; } \
	    >"$BATS_TEST_TMPDIR/big.jsonl"
	go import "$BATS_TEST_TMPDIR/big.jsonl"
	refused 65 "big.jsonl:1: "
	[ "${#stderr}" -lt 300 ]
	assert_same
}

# Escape sequences: OSC 52 (writes the clipboard), cursor moves (CUU, CUP),
# title changes (OSC 0 ended by BEL, OSC 2 ended by ST), an 8-bit CSI
# (U+009B), a full reset (RIS), DCS, and the C0 controls that rewrite a
# line (CR, BS) or ring (BEL), and DEL.
HOSTILE=$'clip \e]52;c;SGVsbG8=\a up \e[5A home \e[H title \e]0;pwned\a title2 \e]2;pwned\e\\ csi \xc2\x9b31m reset \ec dcs \eP1$r\e\\ cr \r bs \b bel \a del \x7f end'

@test "terminal escape sequences in every text field: stored as given, never raw in table output or on stderr" {
	local hostile_1
	hostile_1=$(printf '%s' "$HOSTILE" | head -1)
	for r in "${WRITE_ROWS[@]}"; do
		fresh
		row="$r"
		words "$r" T "$HOSTILE"
		go "${ARGS[@]}" --format table
		succeeded
		no_raw_controls "$output"
		no_raw_controls "$stderr"
		# Stored as given: the export (JSON) gives back the exact bytes
		# (read after the loop, in one jq).
		keep_export "$r"
		# Every reading command in the table; the ticket the text went
		# to in tsv and csv too.
		n=7
		if [[ $r != open* ]]; then
			n=
			if [[ $r =~ [0-9] ]]; then n=${BASH_REMATCH[0]}; fi
		fi
		for v in "list --all" "show $n" "next" "major status" \
		    "major status 4" "major status 5" "major report 4" \
		    "major report 5" "major report 4 --format html" \
		    "stats --by group"; do
			row="$r | $v"
			words "$v"
			# The output format before the command: report's own
			# --format, after it, is markdown or html.
			go --format table "${ARGS[@]}"
			succeeded
			no_raw_controls "$output"
			no_raw_controls "$stderr"
		done
		row="$r | show $n"
		go show "$n" --format tsv
		no_raw_controls "$output"
		go list --all --format tsv
		no_raw_controls "$output"
		go show "$n" --format csv
		assert_no_control_bytes
		go list --all --format csv
		assert_no_control_bytes
	done
	exports_hold contains "$hostile_1"
	# In error messages: an unknown value, a bad ref, a hostile option name.
	fresh
	for v in "open x --caller y --channel H" "show H" "list --group H" \
	    "list --fields H" "major roster 4 --add x --role H" "H" "list --H"; do
		row="$v"
		words "$v" H "$HOSTILE"
		go "${ARGS[@]}"
		[ "$status" -ge 64 ]
		no_raw_controls "$stderr"
		[ "$(printf '%s\n' "$stderr" | wc -l)" = 1 ]
		assert_same
	done
}

@test "escape sequences in an imported ticket are escaped too" {
	fresh
	json=$(jq -nc --arg h "$HOSTILE" '{id: 100, summary: $h, caller: $h,
	    opened_at: "2026-11-28T08:00:00Z", events: [{at:
	    "2026-11-28T08:00:00Z", actor: $h, kind: "open", field: "status",
	    to: "new", message: $h}]}')
	printf '%s\n' "$json" >"$BATS_TEST_TMPDIR/h.jsonl"
	go import "$BATS_TEST_TMPDIR/h.jsonl"
	succeeded
	for v in "list" "show 100" "next"; do
		row="$v"
		words "$v"
		go "${ARGS[@]}" --format table
		succeeded
		no_raw_controls "$output"
	done
	go show 100 --json
	export HOSTILE
	jq_is '[.summary, .caller, .events[0].actor, .events[0].message] |
	    map(. == env.HOSTILE)' '[true,true,true,true]'
}

# Characters with no escape sequence that still change what a terminal
# shows: the bidirectional overrides, embeddings, isolates and marks
# ("Trojan Source"), the line and paragraph separators, invisible format
# characters, a tag, and C1 controls: U+202E, U+202A-U+202D, U+2066-U+2069,
# U+200E, U+200F, U+061C, U+2028, U+2029, U+200B, U+2060, U+FEFF, U+0085,
# U+009B, U+E0041, written as their UTF-8 bytes so that the string does not
# depend on the locale bash starts in ($'\u...' is "\u..." in the C locale).
INVISIBLE=$'bidi \xe2\x80\xae txt \xe2\x80\xaa \xe2\x80\xab \xe2\x80\xac \xe2\x80\xad iso \xe2\x81\xa6 \xe2\x81\xa7 \xe2\x81\xa8 \xe2\x81\xa9 mark \xe2\x80\x8e \xe2\x80\x8f \xd8\x9c sep \xe2\x80\xa8 par \xe2\x80\xa9 zw \xe2\x80\x8b \xe2\x81\xa0 \xef\xbb\xbf nel \xc2\x85 csi \xc2\x9b tag \xf3\xa0\x81\x81 end'

# no_raw_invisible TEXT: TEXT holds none of the characters of INVISIBLE
# (itsm(1): escaped everywhere), byte for byte.
RAW_INVISIBLE=$'\xe2\x80[\x8b\x8e\x8f\xa8-\xae]|\xe2\x81[\xa0-\xaf]|\xd8\x9c|\xef\xbb\xbf|\xf3\xa0[\x80\x81]|\xc2[\x80-\x9f]'
no_raw_invisible() {
	local LC_ALL=C
	if [[ $1 =~ $RAW_INVISIBLE ]]; then
		printf 'case: %s\nraw invisible characters:\n' "$row" >&2
		printf '%s' "$1" | od -c | head -20 >&2
		return 1
	fi
}

@test "bidi controls, line separators and invisible characters in user text: never raw in any output" {
	fresh
	row="open"
	go open "$INVISIBLE" --caller "$INVISIBLE" --service "$INVISIBLE" \
	    -m "$INVISIBLE" --impact high --urgency high --format table
	succeeded
	no_raw_invisible "$output"
	[ "$(db_sql 'SELECT max(id) FROM tickets')" = 7 ]
	row="note"
	go note 7 -m "$INVISIBLE"
	succeeded
	row="major update"
	go major update 4 -m "$INVISIBLE"
	succeeded
	row="major link"
	go major link 4 --child 7
	succeeded
	for v in "list" "list --all" "show 7" "next" "major status" \
	    "major status 4" "major report 4" "major report 4 --format html"; do
		for fm in table tsv csv; do
			row="$v --format $fm"
			words "$v"
			go --format "$fm" "${ARGS[@]}"
			succeeded
			no_raw_invisible "$output"
		done
	done
	# JSON holds the exact text, escaped: valid, equal, and no raw byte.
	export INVISIBLE
	for v in "list" "show 7"; do
		row="$v --json"
		words "$v"
		go "${ARGS[@]}" --json
		succeeded
		no_raw_invisible "$output"
		jq_is '[.. | objects | select(.ref? == "INC-7") | .summary ==
		    env.INVISIBLE] | .[0]' 'true'
	done
	go show 7 --json
	jq_is '[.caller, .service, (.events[] | select(.kind == "note") |
	    .message)] | map(. == env.INVISIBLE)' '[true,true,true]'
	go export
	no_raw_invisible "$output"
	# The escaped form is the one itsm(1) documents.
	row="the escaped form"
	go list --fields ref,summary --format tsv
	printf '%s\n' "$output" | grep -qF 'INC-7	bidi \xe2\x80\xae txt'
	printf '%s\n' "$output" | grep -qF 'sep \xe2\x80\xa8 par \xe2\x80\xa9 zw'
	printf '%s\n' "$output" | grep -qF 'tag \xf3\xa0\x81\x81 end'
	go show 7 --json
	printf '%s\n' "$output" | grep -qF '"bidi \u202e txt'
	printf '%s\n' "$output" | grep -qF 'tag \udb40\udc41 end"'
	# Shell completion shows a ticket's summary: a space for each.
	row="__complete"
	go __complete -- show ''
	no_raw_invisible "$output"
	printf '%s\n' "$output" | grep -qF 'INC-7	bidi   txt'
	# In messages: a hostile ref or value.
	for v in "show H" "list --group H" "open x --caller y --channel H"; do
		row="$v"
		words "$v" H "$INVISIBLE"
		go "${ARGS[@]}"
		[ "$status" -ge 64 ]
		no_raw_invisible "$stderr"
	done
}

# jsonl_case WHAT JSON: a file of two tickets to import, the first sound,
# the second JSON; WHAT names the case.
jsonl_case() {
	row=$1
	{
		printf '%s\n' '{"id":100,"summary":"sound","caller":"a","opened_at":"2026-11-28T08:00:00Z","events":[{"at":"2026-11-28T08:00:00Z","actor":"a","kind":"open","field":"status","to":"new"}]}'
		printf '%s\n' "$2"
	} >"$BATS_TEST_TMPDIR/in.jsonl"
}

@test "hostile JSON Lines to import (texts, ids, times): 65 at the line, nothing imported" {
	fresh
	ok='"caller":"a","opened_at":"2026-11-28T08:00:00Z"'
	ev='"at":"2026-11-28T08:00:00Z","actor":"a","kind":"open"'
	big=$(head -c 2000 /dev/zero | tr '\0' x)
	huge=$(head -c 70000 /dev/zero | tr '\0' x)
	cases=(
		'id of 30 digits|{"id":123456789012345678901234567890,"summary":"x",'"$ok"'}'
		'id past 2^53|{"id":9007199254740993,"summary":"x",'"$ok"'}'
		'id a string|{"id":"101","summary":"x",'"$ok"'}'
		$'a byte that is not UTF-8|{"id":101,"summary":"caf\xe9",'"$ok"'}'
		$'an overlong sequence|{"id":101,"summary":"\xc0\xaf",'"$ok"'}'
		'an escaped NUL|{"id":101,"summary":"a\u0000b",'"$ok"'}'
		'half a surrogate pair|{"id":101,"summary":"a\ud800b",'"$ok"'}'
		'a lone low surrogate|{"id":101,"summary":"a\udc00",'"$ok"'}'
		'an empty summary|{"id":101,"summary":"",'"$ok"'}'
		'a summary that is a list|{"id":101,"summary":["x"],'"$ok"'}'
		'a summary that is a number|{"id":101,"summary":5,'"$ok"'}'
		'a caller that is an object|{"id":101,"summary":"x","caller":{"a":1},"opened_at":"2026-11-28T08:00:00Z"}'
		"a summary of 2,000 bytes|{\"id\":101,\"summary\":\"$big\",$ok}"
		"a description of 70,000 bytes|{\"id\":101,\"summary\":\"x\",\"description\":\"$huge\",$ok}"
		"a caller of 2,000 bytes|{\"id\":101,\"summary\":\"x\",\"caller\":\"$big\",\"opened_at\":\"2026-11-28T08:00:00Z\"}"
		'opened in 1969|{"id":101,"summary":"x","caller":"a","opened_at":"1969-12-31T23:59:59Z"}'
		'closed in 10000|{"id":101,"summary":"x",'"$ok"',"closed_at":"10000-01-01T00:00:00Z"}'
		'an event in 1900|{"id":101,"summary":"x",'"$ok"',"events":[{"at":"1900-01-01T00:00:00Z","actor":"a","kind":"open"}]}'
		'an event at no time|{"id":101,"summary":"x",'"$ok"',"events":[{"at":"soon","actor":"a","kind":"open"}]}'
		'an event with an escaped NUL|{"id":101,"summary":"x",'"$ok"',"events":[{'"$ev"',"message":"a\u0000b"}]}'
		'an event by no one|{"id":101,"summary":"x",'"$ok"',"events":[{"at":"2026-11-28T08:00:00Z","actor":"","kind":"open"}]}'
		"an event message of 70,000 bytes|{\"id\":101,\"summary\":\"x\",$ok,\"events\":[{$ev,\"message\":\"$huge\"}]}"
	)
	for c in "${cases[@]}"; do
		jsonl_case "${c%%|*}" "${c#*|}"
		go import "$BATS_TEST_TMPDIR/in.jsonl"
		refused 65 "in.jsonl:2: "
		[ "${#stderr}" -lt 300 ] || { echo "case: $row: $stderr" >&2; false; }
	done
	assert_same
	# The sound line alone imports.
	jsonl_case "sound" ""
	go import "$BATS_TEST_TMPDIR/in.jsonl"
	succeeded
}

SQLI="Robert'); DROP TABLE tickets; -- \" OR 1=1 -- %_\\ \`x\` \$(id)"

@test "SQL metacharacters in every text field: stored as given, every table still there" {
	tables=$(db_objects "$FIXTURE")
	for r in "${WRITE_ROWS[@]}"; do
		fresh
		row="$r"
		words "$r" T "$SQLI"
		go "${ARGS[@]}"
		succeeded
		[ "$(db_objects)" = "$tables" ]
		[ "$(db_sql "SELECT count(*) >= 6 FROM tickets")" = "$(on_pg && echo t || echo 1)" ]
		keep_export "$r"
	done
	exports_hold equals "$SQLI"
}

@test "SQL metacharacters in filters and refs: nothing matches, nothing dropped" {
	fresh
	for v in "list --assignee Q" "list --all --assignee Q" "list --mine"; do
		row="$v"
		words "$v" Q "x' OR '1'='1"
		ITSM_ACTOR="x' OR '1'='1" go "${ARGS[@]}"
		succeeded
		assert_output ""
	done
	for a in "%" "_" "*" "x' --"; do
		row="list --assignee $a"
		go list --all --assignee "$a"
		succeeded
		assert_output ""
	done
	for v in "list --group Q" "list --status Q" "list --priority Q" \
	    "list --fields Q" "show Q" "stats --by Q" "export --status Q" \
	    "major status Q"; do
		for q in "service-desk'; DROP TABLE tickets; --" \
		    "1; DROP TABLE tickets" "1 OR 1=1" "ref,summary FROM tickets; --"; do
			row="$v ($q)"
			words "$v" Q "$q"
			go "${ARGS[@]}"
			refused 65 ""
		done
	done
	assert_same
}

# ---------------------------------------------------------------------
# The environment.

# all_db_rows: every command that opens the database, with plain values.
all_db_rows() {
	local r
	for r in "${WRITE_ROWS[@]}"; do
		filled "$r" T text
	done
	printf '%s\n' "${CRON_ROWS[@]}" "${READ_ROWS[@]}"
}

@test "a database in a directory that does not exist, for every command: 74, one line naming it, nothing created" {
	sqlite_only "a path"
	export ITSM_DB="$BATS_TEST_TMPDIR/no/such/dir/itsm.db"
	printf '\n' >"$BATS_TEST_TMPDIR/empty.jsonl"
	mapfile -t rows < <(all_db_rows; echo "import $BATS_TEST_TMPDIR/empty.jsonl")
	for row in "${rows[@]}"; do
		words "$row"
		go "${ARGS[@]}"
		if [ "$status" != 74 ] || [ -n "$output" ] ||
		    ! assert_one_line_error "no/such/dir/itsm.db"; then
			echo "case: $row: exit $status, stderr: $stderr" >&2
			false
		fi
	done
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
	# --db too.
	go --db "$BATS_TEST_TMPDIR/none/x.db" open x --caller y
	assert_status 74
	assert_one_line_error "none/x.db"
	[ ! -e "$BATS_TEST_TMPDIR/none" ]
}

@test "a file that is not SQLite, for every command: 74, one line, the file unchanged" {
	sqlite_only "a file"
	for kind in text random; do
		if [ "$kind" = text ]; then
			printf 'these are my notes, not a database\n' >"$ITSM_DB"
		else
			head -c 65536 /dev/urandom >"$ITSM_DB"
		fi
		sha=$(sha256sum <"$ITSM_DB")
		mapfile -t rows < <(all_db_rows)
		for row in "${rows[@]}"; do
			words "$row"
			go "${ARGS[@]}"
			if [ "$status" != 74 ] || [ -n "$output" ] ||
			    ! assert_one_line_error "itsm.db"; then
				echo "case: $kind: $row: exit $status, stderr: $stderr" >&2
				false
			fi
		done
		[ "$(sha256sum <"$ITSM_DB")" = "$sha" ]
		[ ! -e "$ITSM_DB-wal" ]
	done
}

@test "a database of a newer itsm (user_version 99), for every command: 74, one line saying newer, unchanged" {
	fresh
	db_set_schema_version 99
	remember
	printf '\n' >"$BATS_TEST_TMPDIR/empty.jsonl"
	mapfile -t rows < <(all_db_rows; echo "import $BATS_TEST_TMPDIR/empty.jsonl")
	refuse_each 74 "newer" "${rows[@]}"
	[ "$(db_schema_version)" = 99 ]
	assert_same
}

# go_nobody ARGS...: go, as the user and group nobody, with no
# supplementary group.
go_nobody() {
	status=0
	output=$(exec setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$ITSM" "$@" 2>"$BATS_TEST_TMPDIR/stderr") ||
	    status=$?
	stderr=$(<"$BATS_TEST_TMPDIR/stderr")
}

# nobody_dir: a directory nobody can reach and write ($nd), out of the
# test's temporary directory (mode 0700, root's), with the policy in it;
# and ITSM, for the rest of the test, a copy of itsm that nobody can run
# (itsm_for_others: the checkout may be out of nobody's reach).  Fails,
# saying why, when the test cannot act as nobody.
nobody_dir() {
	itsm_for_others
	nd=$(mktemp -d /tmp/itsm-t6200.XXXXXX)
	chmod 755 "$nd"
	chown 65534:65534 "$nd"
	cp "$ITSM_CONFIG" "$nd/policy.yaml"
	chmod 644 "$nd/policy.yaml"
	export ITSM_CONFIG="$nd/policy.yaml" HOME="$nd"
}

teardown() {
	if [ -n "${nd-}" ] && [ -d "$nd" ]; then
		chmod -R u+rwX "$nd" 2>/dev/null || true
		rm -rf "$nd"
	fi
	itsm_for_others_done
	if [ -n "${mnt-}" ] && mountpoint -q "$mnt"; then
		umount "$mnt" || umount -l "$mnt"
	fi
	db_teardown
}

# write_rows / read_rows: the commands that write, those that read.
write_rows() {
	local r
	for r in "${WRITE_ROWS[@]}"; do
		filled "$r" T text
	done
	printf '%s\n' "${CRON_ROWS[@]}"
}

# refused_or_idle STATUS PATTERN: like refused, but a command of cron
# with nothing to do may succeed without a word (it writes nothing).
refused_or_idle() {
	local r
	for r in "${CRON_ROWS[@]}"; do
		if [ "$row" = "$r" ] && [ "$status" = 0 ] && [ -z "$stderr" ]; then
			assert_same
			return
		fi
	done
	refused "$@"
}

@test "a read-only database file (chmod 444, as nobody): writing commands 77, reading ones work, the file unchanged" {
	sqlite_only "file modes"
	nobody_dir
	export ITSM_DB="$nd/itsm.db"
	fresh
	chown 65534:65534 "$ITSM_DB"
	chmod 444 "$ITSM_DB"
	mapfile -t rows < <(write_rows)
	for row in "${rows[@]}"; do
		words "$row"
		go_nobody "${ARGS[@]}"
		refused_or_idle 77 "cannot write database '$nd/itsm.db'"
	done
	for row in "${READ_ROWS[@]}"; do
		words "$row"
		go_nobody "${ARGS[@]}"
		succeeded
	done
	go_nobody list --all -q
	assert_output "$(t list --all -q)"
	assert_same
}

@test "a read-only database directory (as nobody): a new database 77, an existing one 77 to write, the file unchanged" {
	sqlite_only "file modes"
	nobody_dir
	export ITSM_DB="$nd/ro/itsm.db"
	mkdir "$nd/ro"
	fresh
	chown -R 65534:65534 "$nd/ro"
	chmod 555 "$nd/ro"
	mapfile -t rows < <(write_rows)
	for row in "${rows[@]}"; do
		words "$row"
		go_nobody "${ARGS[@]}"
		refused_or_idle 77 "cannot write database"
	done
	# Reading needs the -wal and -shm files beside it (WAL mode): without
	# the directory, 77 too, one line, and still nothing changed.
	for row in "${READ_ROWS[@]}"; do
		words "$row"
		go_nobody "${ARGS[@]}"
		[ "$status" = 0 ] || refused 77 "cannot write database"
	done
	assert_same
	# A new database there.
	row="new database in a read-only directory"
	go_nobody --db "$nd/ro/new.db" open x --caller y
	assert_status 77
	assert_one_line_error "cannot create database '$nd/ro/new.db': Permission denied"
	[ ! -e "$nd/ro/new.db" ]
}

# SQLite cannot open a database in WAL mode on a read-only file system
# (it needs its -shm file; only an "immutable" open can do without): every
# command is refused, 77 when it would write, 77 or 74 when it only reads.
@test "a database on a read-only file system (even root cannot write): refused, one line, the file unchanged" {
	sqlite_only "a file system"
	[ "$(id -u)" = 0 ] || skip "needs root to mount a file system"
	mnt="$BATS_TEST_TMPDIR/ro"
	mkdir "$mnt"
	mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null ||
	    skip "cannot mount a tmpfs here"
	export ITSM_DB="$mnt/itsm.db"
	fresh
	mount -o remount,ro "$mnt" || skip "cannot remount the tmpfs read-only"
	bytes_only=1
	mapfile -t rows < <(write_rows)
	for row in "${rows[@]}" "${READ_ROWS[@]}"; do
		words "$row"
		go "${ARGS[@]}"
		[ "$status" = 0 ] && [ -z "$stderr" ] && continue
		[ "$status" = 74 ] || refused 77 "cannot write database '$mnt/itsm.db'"
		refused 74 "(cannot|unable to) open"
	done
	go --db "$mnt/new.db" open x --caller y
	assert_status 77
	assert_one_line_error "cannot create database '$mnt/new.db': Read-only file system"
	assert_same
	mount -o remount,rw "$mnt"
	bytes_only=
	assert_same
}

@test "an unreadable policy, for every command that loads it: a directory 74, mode 000 (as nobody) 77; nothing changed" {
	fresh
	mkdir "$BATS_TEST_TMPDIR/policy.d"
	mapfile -t rows < <(all_db_rows; echo "config show")
	for row in "${rows[@]}"; do
		words "$row"
		ITSM_CONFIG="$BATS_TEST_TMPDIR/policy.d" go "${ARGS[@]}"
		refused 74 "cannot read policy '$BATS_TEST_TMPDIR/policy.d': Is a directory"
		go --config "$BATS_TEST_TMPDIR/policy.d" "${ARGS[@]}"
		refused 74 "cannot read policy"
	done
	row="config check DIR"
	go config check "$BATS_TEST_TMPDIR/policy.d"
	refused 74 "Is a directory"
	assert_same
	# Mode 000, as a user who is not root (root reads it anyway).
	nobody_dir
	# (On PostgreSQL the database is the server's: nobody is refused the
	# policy before connecting, as here.)
	if ! on_pg; then
		export ITSM_DB="$nd/itsm.db"
		fresh
		chown 65534:65534 "$ITSM_DB"
	fi
	chmod 000 "$ITSM_CONFIG"
	for row in "${rows[@]}"; do
		words "$row"
		go_nobody "${ARGS[@]}"
		refused 77 "cannot read policy '$ITSM_CONFIG': Permission denied"
	done
	row="config check 000"
	go_nobody config check "$ITSM_CONFIG"
	refused 77 "Permission denied"
	assert_same
}

@test "a full disk (a small tmpfs): creating the database 74, writing 74 with the database unchanged, reading works" {
	sqlite_only "a file system"
	[ "$(id -u)" = 0 ] || skip "needs root to mount a file system"
	mnt="$BATS_TEST_TMPDIR/full"
	mkdir "$mnt"
	mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null ||
	    skip "cannot mount a tmpfs here"
	# 64 KiB cannot hold a new database (its schema alone is larger).
	go --db "$mnt/new.db" open x --caller y
	assert_status 74
	assert_output ""
	assert_one_line_error "new.db': disk full"
	umount "$mnt"
	# A database that fits, and a file that fills the rest but 48 KiB:
	# enough to read (the 32 KiB -shm index), not to write.
	mount -t tmpfs -o size=512k tmpfs "$mnt"
	export ITSM_DB="$mnt/itsm.db"
	fresh
	avail=$(df -k --output=avail "$mnt" | tail -1)
	dd if=/dev/zero of="$mnt/filler" bs=1k count=$((avail - 48)) 2>/dev/null || true
	head -c 60000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/60k"
	mapfile -t rows < <(m_rows)
	for r in "${rows[@]}"; do
		row="$r (disk full)"
		words "$r" T -
		go "${ARGS[@]}" <"$BATS_TEST_TMPDIR/60k"
		refused 74 "cannot write database '$mnt/itsm.db': disk full"
	done
	for row in "${READ_ROWS[@]}"; do
		words "$row"
		go "${ARGS[@]}"
		succeeded
	done
	assert_same
	[ "$(db_sql 'PRAGMA integrity_check')" = ok ]
	# Not a byte left: even reading cannot start (no room for the -shm
	# index); one line, 74.  (sqlite3 cannot read it either: the file's
	# bytes are compared now, its content once there is room again.)
	dd if=/dev/zero of="$mnt/filler2" bs=1k 2>/dev/null || true
	for row in "list" "note 1 -m x"; do
		words "$row"
		go "${ARGS[@]}"
		[ "$row" = list ] && [ "$status" = 0 ] && continue
		[ "$status" = 74 ] && [ -z "$output" ] && assert_one_line_error "" ||
		    { echo "case: $row (no byte left): $status $stderr" >&2; false; }
		same_bytes
	done
	rm -f "$mnt/filler" "$mnt/filler2"
	assert_same
	# Room again: it works, and the database is sound.
	go note 1 -m "room again"
	assert_status 0
	[ "$(db_sql 'PRAGMA integrity_check')" = ok ]
}

# ---------------------------------------------------------------------
# Hooks.

# The hook each writing command runs.
HOOK_ROWS=(
	"post-open|open x --caller y"
	"post-categorize|categorize 1 --type incident"
	"post-prioritize|prioritize 1 --impact low --urgency medium"
	"post-note|note 1 -m x"
	"post-assign|assign 1 --to bob"
	"post-escalate|escalate 1"
	"post-hold|hold 1 --reason user -m x"
	"post-resolve|resolve 1 --workaround -m x"
	"post-close|close 2 --confirmed"
	"post-reopen|reopen 2 -m x"
	"post-cancel|cancel 1 -m x"
	"post-major-declare|major declare 1"
	"post-major-reject|major reject 6 -m x"
	"post-major-roster|major roster 4 --add x --role engineer"
	"post-major-update|major update 4 -m x"
	"post-major-comms|major comms 4 --audience users -m x"
	"post-major-end|major end 4"
	"post-major-review|major review 5 --root-cause x"
	"post-major-action|major action 5 --add x --owner y --due 2026-12-01T00:00:00Z"
)

@test "a hook that fails, for every writing command: the command succeeds, its output intact, one line on stderr" {
	use_hooks
	for hr in "${HOOK_ROWS[@]}"; do
		hook=${hr%%|*} row=${hr#*|}
		fresh
		rm -f "$ITSM_HOOKS_DIR"/*
		go --no-hooks $row
		want=$output
		fresh
		write_hook "$hook" 'cat >/dev/null; exit 3'
		words "$row"
		go "${ARGS[@]}"
		if [ "$status" != 0 ] || [ "$output" != "$want" ] ||
		    ! assert_one_line_error "hook '$hook' failed for [A-Z]+-[0-9]+: exit status 3; itsm notify retries it\$"; then
			echo "case: $row: exit $status, stdout: $output, stderr: $stderr" >&2
			false
		fi
		# The change is committed.
		[ "$(db_digest)" != "$before" ]
	done
}

@test "a hook that hangs is killed at hook_timeout (1s): the command succeeds, one line on stderr" {
	use_hooks
	policy_set hook_timeout 1s
	for hr in "post-note|INC-1|note 1 -m x" \
	    "post-major-update|INC-4|major update 4 -m x"; do
		hook=${hr%%|*} row=${hr##*|} ref=${hr#*|} ref=${ref%%|*}
		fresh
		rm -f "$ITSM_HOOKS_DIR"/*
		write_hook "$hook" 'exec sleep 600'
		words "$row"
		go "${ARGS[@]}"
		assert_status 0
		assert_output "$ref"
		assert_stderr "itsm: hook '$hook' failed for $ref: timed out; itsm notify retries it"
		[ "$(db_digest)" != "$before" ]
	done
}
