#!/usr/bin/env bats
# Bad input: each gives its documented exit status, one line on stderr,
# and leaves the database as it was.  Hostile text (terminal escape
# sequences) is stored as given, escaped in table, tsv and csv output, and
# intact in JSON.

load helper

# Every test starts from a database holding one prioritized ticket.
seed() {
	open_ticket "Seed ticket" --caller seed --impact low --urgency low
	before=$(db_digest)
	[ -n "$before" ]
}

# assert_stderr_matches REGEX: stderr is one line matching ^REGEX$.
assert_stderr_matches() {
	if [ "$(printf '%s\n' "$stderr" | wc -l)" != 1 ] ||
	    ! printf '%s\n' "$stderr" | grep -Eq "^$1\$"; then
		printf 'stderr does not match ^%s$:\n%s\n' "$1" "$stderr" >&2
		return 1
	fi
}

# line_of FILE TEXT: the number of the first line of FILE holding TEXT.
line_of() {
	grep -nF -- "$2" "$1" | head -1 | cut -d: -f1
}

# hex: the bytes of stdin as one line of hex.
hex() {
	od -An -v -tx1 | tr -d ' \n'
}

@test "missing --caller: 64, one line, nothing changed" {
	seed
	run --separate-stderr itsm open "No caller"
	assert_status 64
	assert_output ""
	assert_stderr "itsm: missing --caller (see 'itsm open -h')"
	assert_unchanged "$before"
}

@test "unknown impact or urgency: 65, one line, nothing changed" {
	seed
	for args in "--impact critical --urgency high" \
	    "--impact high --urgency whenever" "--impact 9 --urgency 1" \
	    "--impact 1 --urgency -1" "--impact '' --urgency 1"; do
		eval "run --separate-stderr itsm prioritize 1 $args"
		assert_status 65
		assert_output ""
		assert_one_line_error "unknown (impact|urgency) '"
		eval "run --separate-stderr itsm open 'New' --caller x $args"
		assert_status 65
		assert_output ""
		assert_one_line_error "unknown (impact|urgency) '"
	done
	assert_unchanged "$before"
}

@test "unknown ticket: 66 for show, categorize and prioritize" {
	seed
	for ref in 2 INC-2 REQ-99 chg-123456 9223372036854775807; do
		run --separate-stderr itsm show "$ref"
		assert_status 66
		assert_output ""
		assert_one_line_error "no such ticket"
		run --separate-stderr itsm categorize "$ref" --type request
		assert_status 66
		assert_one_line_error "no such ticket"
		run --separate-stderr itsm prioritize "$ref" --impact 1 --urgency 1
		assert_status 66
		assert_one_line_error "no such ticket"
	done
	assert_unchanged "$before"
}

@test "a ref that is not a ref: 65 for show, categorize and prioritize" {
	seed
	for ref in abc INC- 0 INC-0 123456789012345678901234567890 \
	    9223372036854775808 "INC-1x" "PRB-1" "1.0" " 1" "INC--1" "+1" ""; do
		run --separate-stderr itsm show "$ref"
		assert_status 65
		assert_output ""
		assert_one_line_error "is not a ticket reference"
		run --separate-stderr itsm categorize "$ref" --type request
		assert_status 65
		assert_one_line_error "is not a ticket reference"
		run --separate-stderr itsm prioritize "$ref" --impact 1 --urgency 1
		assert_status 65
		assert_one_line_error "is not a ticket reference"
	done
	run --separate-stderr itsm show abc
	assert_stderr "itsm: 'abc' is not a ticket reference (expected like INC-42 or 42)"
	assert_unchanged "$before"
}

@test "YAML with a syntax error: 78, 'itsm: FILE:LINE:COL: ...' at the right line" {
	seed
	bad=$BATS_TEST_TMPDIR/syntax.yaml
	sed 's/description: a group of users/description: a group: of users/' \
	    "$TOP/lib/default.yaml" >"$bad"
	n=$(line_of "$bad" "a group: of users")
	[ -n "$n" ]
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_output ""
	assert_stderr_matches "itsm: $bad:$n:[0-9]+: .+"
	# The same policy in use refuses every command that needs it.
	cp "$bad" "$ITSM_CONFIG"
	run --separate-stderr itsm open "x" --caller y
	assert_status 78
	assert_output ""
	assert_stderr_matches "itsm: $ITSM_CONFIG:$n:[0-9]+: .+"
	run --separate-stderr itsm list
	assert_status 78
	assert_stderr_matches "itsm: $ITSM_CONFIG:$n:[0-9]+: .+"
	assert_unchanged "$before"
}

@test "YAML with a tab in the indentation: 78 at the right line" {
	seed
	bad=$BATS_TEST_TMPDIR/tab.yaml
	sed 's/^    description: one user is affected/\tdescription: one user is affected/' \
	    "$TOP/lib/default.yaml" >"$bad"
	n=$(line_of "$bad" $'\tdescription: one user')
	[ -n "$n" ]
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_stderr_matches "itsm: $bad:$n:[0-9]+: .+"
}

@test "a missing matrix cell: 78, naming the cell, at the matrix row" {
	seed
	bad=$BATS_TEST_TMPDIR/cell.yaml
	sed 's/^  medium: { high: P2, medium: P3, low: P4 }/  medium: { high: P2, low: P4 }/' \
	    "$TOP/lib/default.yaml" >"$bad"
	n=$(line_of "$bad" "  medium: { high: P2, low: P4 }")
	[ -n "$n" ]
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_output ""
	assert_stderr_matches "itsm: $bad:$n:[0-9]+: matrix has no cell for impact 'medium' and urgency 'medium'"
	cp "$bad" "$ITSM_CONFIG"
	run --separate-stderr itsm prioritize 1 --impact high --urgency high
	assert_status 78
	assert_one_line_error "matrix has no cell"
	assert_unchanged "$before"
}

@test "a missing matrix row: 78" {
	seed
	bad=$BATS_TEST_TMPDIR/row.yaml
	grep -v '^  low:    { high: P3, medium: P4, low: P5 }' "$TOP/lib/default.yaml" >"$bad"
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_stderr_matches "itsm: $bad:[0-9]+:[0-9]+: matrix has no cell for impact 'low' and urgency '[a-z]+'"
}

@test "an unknown level in the matrix: 78, naming it, at its line" {
	seed
	bad=$BATS_TEST_TMPDIR/level.yaml
	sed 's/^  low:    { high: P3, medium: P4, low: P5 }/  lowest: { high: P3, medium: P4, low: P5 }/' \
	    "$TOP/lib/default.yaml" >"$bad"
	n=$(line_of "$bad" "  lowest: {")
	[ -n "$n" ]
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_stderr "itsm: $bad:$n:3: unknown impact level 'lowest' in matrix"
	sed 's/^  medium: { high: P2, medium: P3, low: P4 }/  medium: { high: P2, medium: P3, urgent: P4 }/' \
	    "$TOP/lib/default.yaml" >"$bad"
	n=$(line_of "$bad" "urgent: P4")
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_stderr_matches "itsm: $bad:$n:[0-9]+: unknown urgency level 'urgent' in matrix"
	cp "$bad" "$ITSM_CONFIG"
	run --separate-stderr itsm open "x" --caller y --impact 1 --urgency 1
	assert_status 78
	assert_unchanged "$before"
}

@test "an unknown priority in the matrix: 78" {
	bad=$BATS_TEST_TMPDIR/prio.yaml
	sed 's/^  high:   { high: P1, medium: P2, low: P3 }/  high:   { high: P0, medium: P2, low: P3 }/' \
	    "$TOP/lib/default.yaml" >"$bad"
	n=$(line_of "$bad" "high: P0")
	[ -n "$n" ]
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_stderr_matches "itsm: $bad:$n:[0-9]+: unknown priority 'P0' in matrix"
}

@test "a bad duration: 78, naming it, at its line" {
	seed
	bad=$BATS_TEST_TMPDIR/duration.yaml
	for d in 2x 1mo 4 h4 -1h 1.5h ""; do
		sed "0,/response: 2h/s//response: \"$d\"/" "$TOP/lib/default.yaml" >"$bad"
		n=$(line_of "$bad" "response: \"$d\"")
		[ -n "$n" ]
		run --separate-stderr itsm config check "$bad"
		assert_status 78
		assert_output ""
		assert_stderr_matches "itsm: $bad:$n:[0-9]+: .*response.*"
	done
	sed 's/^auto_close: 5d/auto_close: soon/' "$TOP/lib/default.yaml" >"$ITSM_CONFIG"
	n=$(line_of "$ITSM_CONFIG" "auto_close: soon")
	run --separate-stderr itsm open "x" --caller y
	assert_status 78
	assert_stderr_matches "itsm: $ITSM_CONFIG:$n:[0-9]+: .*invalid duration 'soon'.*"
	assert_unchanged "$before"
}

@test "a duplicate key: 78, naming it" {
	bad=$BATS_TEST_TMPDIR/dup.yaml
	{ cat "$TOP/lib/default.yaml"; printf 'auto_close: 3d\n'; } >"$bad"
	n=$(wc -l <"$bad")
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_stderr_matches "itsm: $bad:$n:1: duplicate key 'auto_close'.*"
}

@test "a policy that is not a mapping, or empty: 78" {
	printf -- '- just\n- a list\n' >"$BATS_TEST_TMPDIR/list.yaml"
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/list.yaml"
	assert_status 78
	assert_stderr_matches "itsm: $BATS_TEST_TMPDIR/list.yaml:1:1: .+"
	: >"$BATS_TEST_TMPDIR/empty.yaml"
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/empty.yaml"
	assert_status 78
	assert_one_line_error "empty.yaml:1:1: "
}

@test "a description longer than the kernel lets through one argument (128 KiB): 65" {
	seed
	big=$(head -c 131071 /dev/zero | tr '\0' a)
	run --separate-stderr itsm open "Big" --caller x -m "$big"
	assert_status 65
	assert_output ""
	assert_one_line_error "description is too long"
	run --separate-stderr itsm prioritize 1 --impact 1 --urgency 1 -m "$big"
	assert_status 65
	assert_one_line_error "too long"
	assert_unchanged "$before"
}

@test "a description of 1 MiB via -m TEXT: 65" {
	seed
	big=$(head -c 1048576 /dev/zero | tr '\0' a)
	run --separate-stderr itsm open "Big" --caller x -m "$big"
	if [ "$status" = 126 ] && [[ $stderr == *"Argument list too long"* ]]; then
		skip "the kernel refuses a 1 MiB argument (MAX_ARG_STRLEN is 128 KiB)"
	fi
	assert_status 65
	assert_one_line_error "too long"
	assert_unchanged "$before"
}

@test "a description of 1 MiB via -m -: 65" {
	seed
	head -c 1048576 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	run --separate-stderr itsm open "Big" --caller x -m - <"$BATS_TEST_TMPDIR/big"
	assert_status 65
	assert_output ""
	assert_one_line_error "too long"
	run --separate-stderr itsm categorize 1 --type request -m - <"$BATS_TEST_TMPDIR/big"
	assert_status 65
	assert_one_line_error "too long"
	assert_unchanged "$before"
}

@test "64 KiB on standard input or as an argument: accepted with trailing line feeds, 64 KiB + 1 refused (65) (issue 11)" {
	seed
	head -c 65536 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/t64k"
	{ cat "$BATS_TEST_TMPDIR/t64k"; echo; } >"$BATS_TEST_TMPDIR/t64k-nl"
	{ cat "$BATS_TEST_TMPDIR/t64k"; printf '\n\n\n'; } >"$BATS_TEST_TMPDIR/t64k-nl3"
	run --separate-stderr itsm open "Big" --caller x -m - <"$BATS_TEST_TMPDIR/t64k-nl"
	assert_status 0
	run --separate-stderr itsm note 1 -m - <"$BATS_TEST_TMPDIR/t64k-nl3"
	assert_status 0
	run --separate-stderr itsm note 1 -m - <"$BATS_TEST_TMPDIR/t64k"
	assert_status 0
	run --separate-stderr itsm note 1 -m "$(cat "$BATS_TEST_TMPDIR/t64k-nl")"
	assert_status 0
	# Each kept the whole 64 KiB, without the line feeds.
	[ "$(db_sql "SELECT count(*) FROM events WHERE length(message) = 65536")" = 4 ]
	# One byte more is refused both ways, line feed or not.
	before=$(db_digest)
	head -c 65537 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/t64k1"
	{ cat "$BATS_TEST_TMPDIR/t64k1"; echo; } >"$BATS_TEST_TMPDIR/t64k1-nl"
	# 64 KiB whose last byte is a line feed, then one more byte.
	{ head -c 65535 /dev/zero | tr '\0' a; printf '\nb'; } >"$BATS_TEST_TMPDIR/t64k-nl-b"
	for f in t64k1 t64k1-nl t64k-nl-b; do
		run --separate-stderr itsm note 1 -m - <"$BATS_TEST_TMPDIR/$f"
		assert_rejected 65 "text on standard input is too long \(more than 65536 bytes\)" "$before"
		run --separate-stderr itsm note 1 -m "$(cat "$BATS_TEST_TMPDIR/$f")"
		assert_rejected 65 "note is too long \(65537 bytes; at most 65536\)" "$before"
	done
}

@test "a summary of 100 KiB: 65" {
	seed
	big=$(head -c 102400 /dev/zero | tr '\0' s)
	run --separate-stderr itsm open "$big" --caller x
	assert_status 65
	assert_one_line_error "summary is too long"
	# The message stays one short line.
	[ "${#stderr}" -lt 400 ]
	assert_unchanged "$before"
}

@test "text that is not UTF-8, or holds a NUL: 65" {
	seed
	run --separate-stderr itsm open $'caf\xe9' --caller x
	assert_status 65
	assert_one_line_error "not valid UTF-8"
	run --separate-stderr itsm open "ok" --caller $'\xff\xfe'
	assert_status 65
	assert_one_line_error "not valid UTF-8"
	printf 'a\0b' >"$BATS_TEST_TMPDIR/nul"
	run --separate-stderr itsm open "ok" --caller x -m - <"$BATS_TEST_TMPDIR/nul"
	assert_status 65
	assert_one_line_error "NUL"
	# The message escapes the bad bytes: nothing raw reaches stderr.
	run --separate-stderr itsm show $'\xff\e[2J'
	assert_status 65
	! printf '%s' "$stderr" | LC_ALL=C grep -q $'[\xff\x1b]' || false
	assert_unchanged "$before"
}

# Terminal escape sequences: OSC 52 (writes the clipboard), ED (clears the
# screen), OSC 0 (sets the title), an 8-bit CSI (U+009B), BEL and DEL.
HOSTILE=$'clip \e]52;c;SGVsbG8=\a clear \e[2J title \e]0;title\a csi \xc2\x9b31m del \x7f end'

@test "escape sequences are stored as given and come back intact from JSON" {
	run --separate-stderr itsm open "$HOSTILE" --caller x -m "$HOSTILE" --json
	assert_status 0
	[ "$(printf '%s\n' "$output" | jq -j .summary | hex)" = "$(printf '%s' "$HOSTILE" | hex)" ]
	run --separate-stderr itsm show 1 --json
	assert_status 0
	assert_no_control_bytes
	[ "$(printf '%s\n' "$output" | jq -j .summary | hex)" = "$(printf '%s' "$HOSTILE" | hex)" ]
	[ "$(printf '%s\n' "$output" | jq -j .description | hex)" = "$(printf '%s' "$HOSTILE" | hex)" ]
	[ "$(printf '%s\n' "$output" | jq -j .events[0].message | hex)" = "$(printf '%s' "$HOSTILE" | hex)" ]
	run --separate-stderr itsm list --format jsonl
	assert_no_control_bytes
	[ "$(printf '%s\n' "$output" | jq -j .summary | hex)" = "$(printf '%s' "$HOSTILE" | hex)" ]
	# In the database itself too.
	local hex='hex(summary)'
	on_pg && hex="upper(encode(convert_to(summary, 'UTF8'), 'hex'))"
	[ "$(db_sql "SELECT $hex FROM tickets WHERE id = 1")" = \
	    "$(printf '%s' "$HOSTILE" | hex | tr a-f A-F)" ]
}

@test "escape sequences are escaped in tsv output" {
	open_ticket "$HOSTILE" --caller x -m "$HOSTILE"
	run --separate-stderr itsm list --fields ref,summary
	assert_status 0
	assert_no_control_bytes
	assert_output $'INC-1\tclip \\x1b]52;c;SGVsbG8=\\x07 clear \\x1b[2J title \\x1b]0;title\\x07 csi \\xc2\\x9b31m del \\x7f end'
	run --separate-stderr itsm show 1
	assert_status 0
	assert_no_control_bytes
	[ "$(printf '%s\n' "$output" | grep -c 'SGVsbG8=\\x07')" = 3 ]
}

@test "escape sequences are escaped in the table and csv output" {
	open_ticket "$HOSTILE" --caller x -m "$HOSTILE"
	run --separate-stderr itsm list --format table --fields ref,summary
	assert_status 0
	assert_no_control_bytes
	[ "${lines[1]}" = 'INC-1     clip \x1b]52;c;SGVsbG8=\x07 clear \x1b[2J title \x1b]0;title\x07 csi \xc2\x9b31m del \x7f end' ]
	run --separate-stderr itsm show 1 --format table
	assert_status 0
	assert_no_control_bytes
	[[ $output == *'\x1b]52;c;SGVsbG8=\x07'* ]]
	run --separate-stderr itsm list --format csv --fields ref,summary
	assert_status 0
	assert_no_control_bytes
	run --separate-stderr itsm show 1 --format csv
	assert_no_control_bytes
}

@test "escape sequences in other fields and in messages are escaped too" {
	open_ticket "x" --caller "$HOSTILE" --affected "$HOSTILE" \
	    --contact "$HOSTILE" --service "$HOSTILE"
	itsm prioritize 1 --impact 1 --urgency 1 -m "$HOSTILE" >/dev/null
	for fmt in tsv table csv; do
		run --separate-stderr itsm show 1 --format "$fmt"
		assert_status 0
		assert_no_control_bytes
		run --separate-stderr itsm list --format "$fmt" \
		    --fields ref,caller,affected,contact,service
		assert_no_control_bytes
	done
	# And in error messages on stderr.
	run --separate-stderr itsm open "y" --caller z --channel "$HOSTILE"
	assert_status 65
	[ "$(printf '%s' "$stderr" | LC_ALL=C tr -cd '\033\007' | wc -c)" = 0 ]
	assert_one_line_error "unknown channel"
}
