#!/usr/bin/env bats
# Output formats (DESIGN.md section 5): table, tsv, csv, json, jsonl and
# --json, before or after the command; tsv by default off a terminal; -q;
# colour only on a terminal and never with NO_COLOR or --no-color.

load helper

# on_tty ARGS...: runs itsm ARGS on a pseudo-terminal (script(1)); sets
# $output (carriage returns removed) and $status.
on_tty() {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	local cmd
	cmd=$(printf '%q ' "$ITSM" "$@")
	output=$(script -qec "$cmd" /dev/null </dev/null | tr -d '\r'
	    exit "${PIPESTATUS[0]}")
	status=$?
	mapfile -t lines <<<"$output"
}

two_tickets() {
	open_ticket "Printer down" --caller alice --impact high --urgency high
	open_ticket "Mail slow" --caller bob --at 2026-11-28T06:00:00Z
}

TSV_TWO=$'INC-1\tP1\tnew\t2026-11-28T09:00:00Z\tservice-desk\t\tPrinter down
INC-2\t\tnew\t2026-11-28T06:00:00Z\tservice-desk\t\tMail slow'

@test "off a terminal the default is tsv: no header, no colour, ISO times" {
	two_tickets
	run --separate-stderr itsm list
	assert_status 0
	assert_output "$TSV_TWO"
	assert_no_control_bytes
	run --separate-stderr itsm list --format tsv
	assert_output "$TSV_TWO"
}

@test "--format before or after the command, --format=FMT too" {
	two_tickets
	for fmt in table tsv csv json jsonl; do
		a=$(itsm --format "$fmt" list)
		b=$(itsm list --format "$fmt")
		c=$(itsm list --format="$fmt")
		d=$(itsm --format="$fmt" list)
		[ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ] && [ "$a" = "$d" ] ||
		    { echo "--format $fmt differs by position" >&2; false; }
	done
	# And the formats differ from one another.
	[ "$(itsm list --format csv)" != "$(itsm list --format tsv)" ]
	[ "$(itsm list --format json)" != "$(itsm list --format jsonl)" ]
}

@test "--json is --format json, before or after the command" {
	two_tickets
	run --separate-stderr itsm --json list
	assert_status 0
	jq_is 'map(.ref)' '["INC-1","INC-2"]'
	[ "$output" = "$(itsm list --json)" ]
	[ "$output" = "$(itsm list --format json)" ]
	run --separate-stderr itsm --json show 1
	jq_is '.ref' '"INC-1"'
	run --separate-stderr itsm --json open "x" --caller c
	jq_is '.ref' '"INC-3"'
	run --separate-stderr itsm --json prioritize 3 --impact low --urgency low
	jq_is '.priority' '"P5"'
	run --separate-stderr itsm --json categorize 3 --type incident --category network
	jq_is '.category' '"network"'
}

@test "--format table has a header row, relative times and - for empty" {
	two_tickets
	run --separate-stderr itsm list --format table
	assert_status 0
	assert_output "REF       PRI       STATUS      AGE       GROUP          ASSIGNEE     SUMMARY
INC-1     P1        new         just now  service-desk   -            Printer down
INC-2     -         new         3h ago    service-desk   -            Mail slow"
	assert_no_control_bytes
}

@test "--format table with --fields names the chosen columns" {
	two_tickets
	run --separate-stderr itsm list --format table --fields ref,caller,response_due
	assert_status 0
	assert_output "REF       CALLER       RESPONSE_DUE
INC-1     alice        in 15m
INC-2     bob          -"
}

@test "--format table off a terminal does not cut long text" {
	long=$(printf 'word%.0s ' $(seq 60))
	open_ticket "$long" --caller alice
	run --separate-stderr itsm list --format table --fields ref,summary
	assert_status 0
	[ "${lines[1]}" = "INC-1     $long" ]
}

@test "--format csv: a header, then RFC 4180 quoting" {
	open_ticket 'Quote "this", please' --caller 'Smith, John'
	open_ticket $'two\nlines' --caller plain
	run --separate-stderr itsm list --format csv --fields ref,caller,summary
	assert_status 0
	assert_output 'ref,caller,summary
INC-1,"Smith, John","Quote ""this"", please"
INC-2,plain,"two
lines"'
}

@test "--format json: an array of ticket objects, with the fields of section 4" {
	two_tickets
	run --separate-stderr itsm list --format json
	assert_status 0
	jq_is 'type' '"array"'
	jq_is 'length' '2'
	jq_is '[.[] | keys_unsorted] | unique' "[$TICKET_KEYS]"
	jq_is '[.[] | [.ref, .priority, .opened_at, .major, .reopen_count]]' \
	    '[["INC-1","P1","2026-11-28T09:00:00Z",false,0],["INC-2",null,"2026-11-28T06:00:00Z",false,0]]'
}

@test "--format jsonl: one ticket object a line" {
	two_tickets
	run --separate-stderr itsm list --format jsonl
	assert_status 0
	[ "${#lines[@]}" = 2 ]
	[ "$(printf '%s\n' "${lines[0]}" | jq -r .ref)" = INC-1 ]
	[ "$(printf '%s\n' "${lines[1]}" | jq -r .ref)" = INC-2 ]
	[ "$(printf '%s\n' "${lines[1]}" | jq -c keys_unsorted)" = "$TICKET_KEYS" ]
}

@test "list --fields does not narrow json (the object is stable)" {
	two_tickets
	run --separate-stderr itsm list --json --fields ref
	assert_status 0
	jq_is '.[0] | keys_unsorted' "$TICKET_KEYS"
}

@test "-q prints only refs, one a line, whatever the format, before or after the command" {
	two_tickets
	for args in "-q list" "list -q" "--quiet list" "list --quiet" \
	    "-q list --format table" "list -q --json" "list -q --format csv"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $args
		assert_status 0
		assert_output "$(printf 'INC-1\nINC-2')"
	done
	ref=$(itsm open -q "q" --caller c)
	[ "$ref" = "INC-3" ]
}

@test "an unknown format is an invalid value (65); a missing one a usage error (64)" {
	open_ticket "x" --caller a
	before=$(db_digest)
	run --separate-stderr itsm --format xml list
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown format 'xml' (expected table, tsv, csv, json or jsonl)"
	run --separate-stderr itsm list --format yaml
	assert_status 65
	assert_one_line_error "unknown format 'yaml'"
	run --separate-stderr itsm open "y" --caller b --format xml
	assert_status 65
	assert_unchanged "$before"
	run --separate-stderr itsm list --format
	assert_status 64
	assert_one_line_error "--format"
	run --separate-stderr itsm --format
	assert_status 64
	assert_one_line_error "--format"
}

@test "--format and --json together are a usage error (64)" {
	run --separate-stderr itsm --json --format csv list
	assert_status 64
	assert_output ""
	assert_one_line_error "exclude each other"
	run --separate-stderr itsm list --format csv --json
	assert_status 64
	assert_output ""
	assert_one_line_error "exclude each other"
}

@test "tsv escapes tabs, newlines and backslashes so that columns stay put" {
	open_ticket $'a\tb\nc\\d' --caller x
	run --separate-stderr itsm list --fields ref,summary,caller
	assert_status 0
	assert_output $'INC-1\ta\\tb\\nc\\\\d\tx'
}

@test "no colour off a terminal, even in a forced table" {
	two_tickets
	run --separate-stderr itsm list --format table
	assert_no_control_bytes
	run --separate-stderr itsm show 1 --format table
	assert_status 0
	assert_no_control_bytes
}

@test "on a terminal: a table with a header, in colour" {
	two_tickets
	on_tty list
	[ "$status" = 0 ]
	[[ ${lines[0]} == *REF*PRI*STATUS*SUMMARY* ]]
	[[ $output == *$'\e['*m* ]]
	[[ $output == *"Printer d"* ]]	# cut to the width of the terminal
	on_tty show 1
	[ "$status" = 0 ]
	[[ $output == *$'\e[1mINC-1\e[0m'* ]]
}

@test "on a terminal: no colour with NO_COLOR=1 or --no-color" {
	two_tickets
	NO_COLOR=1 on_tty list
	[ "$status" = 0 ]
	[[ ${lines[0]} == REF* ]]
	assert_no_control_bytes
	on_tty --no-color list
	[ "$status" = 0 ]
	[[ ${lines[0]} == REF* ]]
	assert_no_control_bytes
	on_tty list --no-color
	assert_no_control_bytes
	on_tty show 1 --no-color
	[[ $output == *INC-1* ]]
	assert_no_control_bytes
}

@test "on a terminal: an explicit machine format has no colour" {
	two_tickets
	on_tty list --format tsv
	[ "$status" = 0 ]
	assert_output "$TSV_TWO"
	on_tty --json list
	assert_no_control_bytes
	[ "$(printf '%s\n' "$output" | jq -c 'map(.ref)')" = '["INC-1","INC-2"]' ]
}
