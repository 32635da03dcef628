#!/usr/bin/env bats
# Fish completion (completions/itsm.fish) in a real fish: "complete -C
# LINE" runs fish's own completion of LINE with the script loaded; the
# candidates (descriptions cut) are compared, sorted, with the exact
# expected list.
#
# $ITSM is the binary under test (build/itsm by default); it is first on
# PATH as "itsm".  Each test has its own database, policy copy and home.

: "${ITSM:=$BATS_TEST_DIRNAME/../../build/itsm}"
TOP=${BATS_TEST_DIRNAME%/tests/*}

setup() {
	# Only the test's own lines traced by bats (see tests/cli/helper.bash).
	set +T
	if [ -n "${BATS_TEST_NAME-}" ]; then declare -ft "$BATS_TEST_NAME"; fi
	case $ITSM in /*) ;; *) ITSM=$PWD/$ITSM ;; esac
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME" "$BATS_TEST_TMPDIR/bin"
	unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR
	export ITSM_DB="$BATS_TEST_TMPDIR/itsm.db"
	export ITSM_CONFIG="$BATS_TEST_TMPDIR/policy.yaml"
	cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
	ln -s "$ITSM" "$BATS_TEST_TMPDIR/bin/itsm"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	export LC_ALL=C.UTF-8
}

# complete_fish LINE: fish's completions of LINE, "word<TAB>description".
complete_fish() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
	    "$TOP/completions/itsm.fish" "$1"
}

# candidates LINE: the words fish offers for LINE, one per line, sorted.
candidates() {
	local out
	out=$(complete_fish "$1") || return 1
	[[ -z $out ]] || printf '%s\n' "$out" | cut -f1 | LC_ALL=C sort
}

# expect WORD...: the candidates (after "run candidates") are exactly these.
expect() {
	local want
	want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	[[ $# -gt 0 ]] || want=
	if [[ $status != 0 || $output != "$want" ]]; then
		printf 'status %s\nexpected:\n%s\nactual:\n%s\n' "$status" \
		    "$want" "$output" >&2
		return 1
	fi
}

help_commands() {
	"$ITSM" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ \
	    { print $1; next } on && /^$/ { exit }'
}

add_critical() {
	awk '
	/^impact:/ { print; print "  - name: critical"; print "    rank: 1"
	    print "    description: everything is stopped"; sec = 1; next }
	/^$/ { sec = 0 }
	sec && $1 == "rank:" { print "    rank: " $2 + 1; next }
	/^matrix:/ { print; print "  critical: { high: P1, medium: P1, low: P2 }"
	    next }
	/^categories:/ { print; print "  facilities: [hvac, power]"; next }
	{ print }' "$TOP/lib/default.yaml" >"$1"
	"$ITSM" config check "$1" >/dev/null
}

@test "fish: the command names" {
	local cmds
	cmds=$(help_commands)
	[[ $cmds == *prioritize* && $cmds == *show* ]]
	run candidates 'itsm '
	expect $cmds
	run candidates 'itsm pr'
	expect prioritize
	run candidates 'itsm --db x.db li'
	expect list
}

@test "fish: descriptions come through" {
	run complete_fish 'itsm open --impact l'
	[ "$status" = 0 ]
	[ "$output" = "low	one user is affected" ]
	run complete_fish 'itsm li'
	[ "$output" = "list	the work queue: open tickets, most urgent first" ]
}

@test "fish: the options of a command" {
	run candidates 'itsm open --ca'
	expect --caller --category
	run candidates 'itsm open --caller ann --ca'
	expect --category
	run candidates 'itsm prioritize 1 --ur'
	expect --urgency
}

@test "fish: the global options before the command" {
	run candidates 'itsm --c'
	expect --config
	run candidates 'itsm --no-c'
	expect --no-color
	run candidates 'itsm --d'
	expect --db
	run candidates 'itsm --ut'
	expect --utc
}

@test "fish: the output options after the command" {
	# (Every option of every command: the test at the end of this file.)
	run candidates 'itsm show --j'
	expect --json
	run candidates 'itsm show --no-c'
	expect --no-color
	run candidates 'itsm show --ut'
	expect --utc
	run candidates 'itsm show --q'
	expect --quiet
	run candidates 'itsm show --he'
	expect --help
	run candidates 'itsm list --f'
	expect --fields --format
	run candidates 'itsm open x -m'
	expect -m
	# -m is --message: given already.
	run candidates 'itsm open x -m text --me'
	expect
	# --caller was given: the parser refuses it twice.
	run candidates 'itsm open x --caller a --c'
	expect --category --channel --contact
}

@test "fish: impact and urgency levels come from the effective policy" {
	run candidates 'itsm open --impact '
	expect high low medium
	run candidates 'itsm prioritize 1 --urgency m'
	expect medium
	add_critical "$ITSM_CONFIG"
	run candidates 'itsm open --impact '
	expect critical high low medium
	run candidates 'itsm prioritize INC-1 --impact c'
	expect critical
	run candidates 'itsm open --urgency '
	expect high low medium
}

@test "fish: --config given earlier chooses the policy" {
	add_critical "$BATS_TEST_TMPDIR/other.yaml"
	run candidates "itsm --config $BATS_TEST_TMPDIR/other.yaml open --impact "
	expect critical high low medium
	run candidates "itsm --config=$BATS_TEST_TMPDIR/other.yaml open --impact "
	expect critical high low medium
	run candidates 'itsm open --impact '
	expect high low medium
}

@test "fish: types, channels, priorities, groups, reasons, codes, statuses" {
	run candidates 'itsm categorize 1 --type '
	expect change incident request
	run candidates 'itsm open --channel '
	expect chat email monitoring phone portal walk-in
	run candidates 'itsm list --priority '
	expect P1 P2 P3 P4 P5
	run candidates 'itsm list --group '
	expect engineering service-desk support-l2
	run candidates 'itsm hold 1 --reason '
	expect change problem user vendor
	run candidates 'itsm escalate 1 --hierarchical --reason '
	expect blocked impact other stagnant
	run candidates 'itsm resolve 1 --code '
	expect duplicate not-reproducible solved user-error workaround
	run candidates 'itsm list --status new,on'
	expect new,on_hold
}

@test "fish: categories, and subcategories of the --category given" {
	run candidates 'itsm open --category '
	expect access hardware network security software
	run candidates 'itsm open --category network --subcategory '
	expect connectivity dns vpn wifi
	run candidates 'itsm categorize 1 --category=access --subcategory p'
	expect password permission
	run candidates 'itsm open --subcategory w'
	expect wifi
	add_critical "$ITSM_CONFIG"
	run candidates 'itsm open --category f'
	expect facilities
	run candidates 'itsm open --category facilities --subcategory '
	expect hvac power
}

@test "fish: refs of open tickets only" {
	"$ITSM" open "printer jam" --caller ann -q
	"$ITSM" open "new laptop" --caller bob -q
	"$ITSM" categorize 2 --type request
	run candidates 'itsm show '
	expect INC-1
	run candidates 'itsm prioritize '
	expect INC-1
	run candidates 'itsm categorize inc'
	expect INC-1
	run candidates 'itsm show 1'
	expect 1
	run candidates 'itsm show 2'
	expect
	run candidates 'itsm show INC-1 '
	expect
}

@test "fish: --db given earlier chooses the database; none is created" {
	"$ITSM" open "printer jam" --caller ann -q
	run candidates "itsm --db $BATS_TEST_TMPDIR/other.db show "
	expect
	[ ! -e "$BATS_TEST_TMPDIR/other.db" ]
	ITSM_DB=$BATS_TEST_TMPDIR/other.db "$ITSM" open a --caller b -q
	ITSM_DB=$BATS_TEST_TMPDIR/other.db "$ITSM" open c --caller d -q
	run candidates "itsm --db $BATS_TEST_TMPDIR/other.db show "
	expect INC-1 INC-2
	run candidates "itsm --db=$BATS_TEST_TMPDIR/other.db show "
	expect INC-1 INC-2
}

@test "fish: --format values, before and after the command" {
	run candidates 'itsm --format '
	expect csv json jsonl table tsv
	run candidates 'itsm list --format '
	expect csv json jsonl table tsv
	run candidates 'itsm show --format t'
	expect table tsv
	run candidates 'itsm list --format=js'
	expect --format=json --format=jsonl
}

@test "fish: --fields completes the last of a comma-separated list" {
	run candidates 'itsm list --fields ref,pr'
	expect ref,priority
	run candidates 'itsm list --fields=ref,su'
	expect --fields=ref,subcategory --fields=ref,summary
}

@test "fish: file names for FILE values, nothing for other values" {
	mkdir "$BATS_TEST_TMPDIR/d"
	touch "$BATS_TEST_TMPDIR/d/a.db" "$BATS_TEST_TMPDIR/d/b.yaml"
	run candidates "itsm --db $BATS_TEST_TMPDIR/d/"
	expect "$BATS_TEST_TMPDIR/d/a.db" "$BATS_TEST_TMPDIR/d/b.yaml"
	run candidates "itsm --config $BATS_TEST_TMPDIR/d/b"
	expect "$BATS_TEST_TMPDIR/d/b.yaml"
	run candidates "itsm --db=$BATS_TEST_TMPDIR/d/a"
	expect "--db=$BATS_TEST_TMPDIR/d/a.db"
	run candidates "itsm config check $BATS_TEST_TMPDIR/d/"
	expect "$BATS_TEST_TMPDIR/d/a.db" "$BATS_TEST_TMPDIR/d/b.yaml"
	cd "$BATS_TEST_TMPDIR/d"
	run candidates 'itsm open x --caller '
	expect
	run candidates 'itsm open x -m '
	expect
	run candidates 'itsm config '
	expect check show
}

@test "fish: quoted words are passed unquoted" {
	run candidates "itsm open 'disk full' --caller ann --impact h"
	expect high
	run candidates "itsm --config '$ITSM_CONFIG' open --urgency l"
	expect low
}

@test "fish: every command's options are exactly what the binary prints" {
	local cmd want fails=0
	for cmd in '' $(help_commands); do
		want=$("$ITSM" __complete -- ${cmd:+"$cmd"} - | cut -f1 |
		    LC_ALL=C sort)
		[[ -n $want ]]
		run candidates "itsm ${cmd:+$cmd }-"
		if [[ $status != 0 || $output != "$want" ]]; then
			printf 'itsm %s -: offered\n%s\nexpected\n%s\n' "$cmd" \
			    "$output" "$want"
			fails=$((fails + 1))
		fi
	done
	[ "$fails" = 0 ]
}

@test "fish: names with blanks are quoted; ~ in words and FILE values" {
	sed 's/walk-in/"walk in"/' "$TOP/lib/default.yaml" >"$ITSM_CONFIG"
	run candidates 'itsm open --channel wa'
	expect 'walk in'
	run candidates 'itsm open --channel walk\ '
	expect 'walk in'
	run candidates 'itsm open --channel "wa'
	expect 'walk in'
	ITSM_DB=$HOME/t.db "$ITSM" open "printer jam" --caller ann -q
	run candidates 'itsm --db ~/t.db show '
	expect INC-1
	touch "$HOME/other.yaml"
	run candidates 'itsm --config ~/oth'
	expect '~/other.yaml'
	run candidates 'itsm --config=~/oth'
	expect '--config=~/other.yaml'
}

@test "fish: the verbs of a command, then the verb's options" {
	local cmd want verbs verb n=0 fails=0
	for cmd in $(help_commands); do
		# The verbs its usage shows: "itsm config check [FILE]".
		want=$("$ITSM" "$cmd" -h | awk -v cmd="$cmd" '/^$/ { exit }
		    { sub(/^usage:/, "") }
		    $1 == "itsm" && $2 == cmd && $3 ~ /^[a-z][a-z-]*$/ { print $3 }' |
		    LC_ALL=C sort -u)
		[[ -n $want ]] || continue
		n=$((n + 1))
		run candidates "itsm $cmd "
		if [[ $status != 0 || $output != "$want" ]]; then
			printf 'itsm %s: offered\n%s\nexpected\n%s\n' "$cmd" \
			    "$output" "$want"
			fails=$((fails + 1))
		fi
		verbs=$want
		for verb in $verbs; do
			want=$("$ITSM" __complete -- "$cmd" "$verb" - |
			    cut -f1 | LC_ALL=C sort)
			run candidates "itsm $cmd $verb -"
			if [[ $status != 0 || $output != "$want" ]]; then
				printf 'itsm %s %s -: offered\n%s\nexpected\n%s\n' \
				    "$cmd" "$verb" "$output" "$want"
				fails=$((fails + 1))
			fi
		done
	done
	[ "$n" -gt 0 ] && [ "$fails" = 0 ]
}
