#!/usr/bin/env bats
# The options completed for every command are the options "itsm CMD -h"
# documents, so that completions cannot drift from the descriptors; and
# the __complete protocol itself (cmd/complete.c).  The shell tests
# (bash.bats, zsh.bats, fish.bats) check that each shell offers exactly
# what the binary prints.
#
# $ITSM is the binary under test (build/itsm by default).

: "${ITSM:=$BATS_TEST_DIRNAME/../../build/itsm}"
TOP=${BATS_TEST_DIRNAME%/tests/*}
bats_require_minimum_version 1.5.0

setup() {
	# Only the test's own lines traced by bats (see tests/cli/helper.bash).
	set +T
	if [ -n "${BATS_TEST_NAME-}" ]; then declare -ft "$BATS_TEST_NAME"; fi
	case $ITSM in /*) ;; *) ITSM=$PWD/$ITSM ;; esac
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR
	export ITSM_DB="$BATS_TEST_TMPDIR/itsm.db"
	export ITSM_CONFIG="$BATS_TEST_TMPDIR/policy.yaml"
	cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
	export LC_ALL=C.UTF-8
}

# What targets and common_options print, computed once for the file
# (they run itsm some 200 times) and read back by the tests.
setup_file() {
	(
		BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR
		setup
		targets >"$BATS_FILE_TMPDIR/targets"
		common_options >"$BATS_FILE_TMPDIR/common"
	)
	[ -s "$BATS_FILE_TMPDIR/targets" ] && [ -s "$BATS_FILE_TMPDIR/common" ]
}

help_commands() {
	"$ITSM" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ \
	    { print $1; next } on && /^$/ { exit }'
}

# targets: every command "itsm help" lists, and every verb its usage
# shows ("major declare", "config check"), one per line.
targets() {
	local cmd verb
	for cmd in $(help_commands); do
		echo "$cmd"
		for verb in $(verbs "$cmd"); do
			echo "$cmd $verb"
		done
	done
}

# verbs CMD: the verbs "itsm CMD -h" shows in its usage lines ("itsm
# major declare ...", "itsm config check [FILE]").
verbs() {
	"$ITSM" "$1" -h | awk -v cmd="$1" '
	/^$/ { exit }
	{
		sub(/^usage:/, "")
		if ($1 == "itsm" && $2 == cmd && $3 ~ /^[a-z][a-z-]*$/)
			print $3
	}' | sort -u
}

# section_options CMD [VERB]: "option<TAB>description" for each option of
# the "options:" section of "itsm CMD [VERB] -h" (both forms of "-m,
# --message").
section_options() {
	"$ITSM" "$@" -h | awk '
	/^options:$/ { on = 1; next }
	on && /^$/ { on = 0 }
	on {
		desc = $0
		if (match(desc, /^  (-[a-zA-Z], )?--[a-z][a-z0-9-]*( [A-Z][A-Z0-9,_|.-]*)? +/))
			desc = substr(desc, RLENGTH + 1)
		else
			desc = "?"
		for (i = 1; i <= NF; i++) {
			w = $i
			sub(/,$/, "", w)
			if (w !~ /^--?[a-zA-Z]/)
				break
			print w "\t" desc
		}
	}'
}

# footer_options CMD [VERB]: the options the last line of "itsm CMD
# [VERB] -h" names ("output options: --format FMT, --json, -q, ...").
footer_options() {
	"$ITSM" "$@" -h | awk '
	/output options:/ {
		s = $0
		sub(/.*output options:/, "", s)
		n = split(s, item, /, */)
		for (i = 1; i <= n; i++) {
			split(item[i], word, " ")
			print word[1]
		}
	}'
}

# offered CMD [VERB]: what "itsm CMD [VERB] -<TAB>" offers, with the
# descriptions.
offered() {
	"$ITSM" __complete -- "$@" -
}

# common_options: the options offered for every command and verb (the
# output options and -h, --help), with their descriptions; but where a
# command's own option has the same name (import --format), which the
# parser takes first.  A command that takes no option before its verb
# ("major") does not count.
common_options() {
	local t
	while read -r t; do
		[[ -z $(verbs "${t%% *}") || $t == *' '* ]] || continue
		offered $t | sed "s/^/O\x1f$t\x1f/"
		section_options $t | cut -f1 | sed "s/^/S\x1f$t\x1f/"
	done < <(targets) | awk -F '\037' '
	$1 == "S" { own[$2, $3] = 1; next }
	{ target[$2] = 1; line[$3] = 1; has[$2, $3] = 1 }
	END {
		for (l in line) {
			split(l, f, "\t")
			ok = 1
			for (t in target)
				if (!((t, f[1]) in own) && !((t, l) in has))
					ok = 0
			if (ok)
				print l
		}
	}' | sort
}

# global_options: the options "itsm -h" documents, without descriptions.
global_options() {
	"$ITSM" -h | grep -o -- '[[ ]--*[a-z][a-z-]*' | tr -d '[ ' |
	    sort -u
}

# same_options DOCUMENTED OFFERED: compares the documented options with
# the offered ones ("word<TAB>description" lines); prints the differences
# and fails when there are any.  A documented short option without a
# documented long form ("-q" in "output options: ... -q") also accepts the
# long option offered with the same description (--quiet).  A documented
# description must be the one offered.
same_options() {
	awk -F '\t' '
	$1 == "" { next }
	NR == FNR { doc[$1] = 1; if (NF > 1) ddesc[$1] = $2; next }
	{ off[$1] = 1; odesc[$1] = $2 }
	END {
		bad = 0
		for (w in doc)
			if (!(w in off)) {
				print "documented, not offered: " w
				bad = 1
			} else if ((w in ddesc) && ddesc[w] != odesc[w]) {
				print "description of " w ": offered \"" odesc[w] \
				    "\", documented \"" ddesc[w] "\""
				bad = 1
			}
		for (w in off) {
			if (w in doc)
				continue
			ok = 0
			for (s in doc)
				if (s ~ /^-[^-]$/ && (s in off) &&
				    odesc[s] == odesc[w] && w ~ /^--/)
					ok = 1
			if (!ok) {
				print "offered, not documented: " w
				bad = 1
			}
		}
		exit bad
	}' <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}

# without LINES REMOVE: LINES without those of REMOVE.
without() {
	grep -vxF -f <(printf '%s\n' "$2") <(printf '%s\n' "$1") || true
}

@test "options: each command's own options are those of its -h" {
	local t common doc off fails=0
	common=$(<"$BATS_FILE_TMPDIR/common")
	[[ $common == *--help* ]]
	# -h and --help, offered everywhere: "itsm -h" says "itsm command -h".
	"$ITSM" -h | grep -q '^ *itsm command -h$'
	while read -r t; do
		doc=$(section_options $t)
		off=$(without "$(offered $t)" "$common")
		if ! same_options "$doc" "$off"; then
			echo "in 'itsm $t -h':"
			fails=$((fails + 1))
		fi
		# "--" offers the long ones, no short one.
		off=$("$ITSM" __complete -- $t -- | cut -f1)
		if [[ $off == *$'\n'-[!-]* || $off == -[!-]* ]]; then
			echo "'itsm $t --' offers short options"
			fails=$((fails + 1))
		fi
	done <"$BATS_FILE_TMPDIR/targets"
	[ "$fails" = 0 ]
}

@test "options: the -h footer names the output options each command takes" {
	local t common out doc off fails=0
	common=$(<"$BATS_FILE_TMPDIR/common")
	out=$(without "$common" "$(printf '%s\n' "$common" | grep -E '^(-h|--help)	')")
	[[ $out == *--format* ]]
	while read -r t; do
		doc=$(footer_options $t)
		# Those offered of the output options.
		off=$(offered $t | grep -xF -f <(printf '%s\n' "$out") || true)
		if ! same_options "$doc" "$off"; then
			echo "in 'itsm $t -h':"
			fails=$((fails + 1))
		fi
	done <"$BATS_FILE_TMPDIR/targets"
	[ "$fails" = 0 ]
}

@test "options: the global options are those of itsm -h" {
	local offered
	offered=$("$ITSM" __complete -- -)
	run same_options "$(global_options)" "$offered"
	echo "$output"
	[ "$status" = 0 ]
}

@test "options: the parser accepts every option completed" {
	local t opt out fails=0
	while read -r t; do
		for opt in $(offered $t | cut -f1); do
			# An unknown option is a usage error naming it.
			out=$("$ITSM" $t "$opt" 2>&1 </dev/null) || true
			if [[ $out =~ unknown\ (option|verb) ]]; then
				echo "itsm $t $opt: unknown"
				fails=$((fails + 1))
			fi
		done
	done <"$BATS_FILE_TMPDIR/targets"
	[ "$fails" = 0 ]
}

@test "options: the commands completed are those itsm help lists" {
	run "$ITSM" __complete -- ''
	[ "$status" = 0 ]
	[ "$(printf '%s\n' "$output" | cut -f1 | sort)" = \
	    "$(help_commands | sort)" ]
	run "$ITSM" __complete -- __
	[ -z "$output" ]
	run "$ITSM" __complete -- __complete ''
	[ -z "$output" ]
}

@test "protocol: word<TAB>description, filtered by the current word" {
	run "$ITSM" __complete -- open --impact h
	[ "$status" = 0 ]
	[ "$output" = "high	a whole service, site or many users are affected" ]
	run "$ITSM" __complete -- list --priority P1
	[ "$output" = "P1	critical" ]
	run "$ITSM" __complete -- list --type i
	[ "$output" = "incident" ]
}

@test "protocol: --opt=VALUE and comma lists keep what precedes" {
	run "$ITSM" __complete -- open --category=so
	[ "$output" = "--category=software" ]
	run "$ITSM" __complete -- --format=jsonl
	[ "$output" = "--format=jsonl" ]
	run "$ITSM" __complete -- list --fields=ref,pri
	[ "$output" = "--fields=ref,priority" ]
	run "$ITSM" __complete -- list --status new,in_
	[ "$output" = "new,in_progress" ]
}

@test "protocol: :file for FILE values, nothing for free text" {
	run "$ITSM" __complete -- --db ''
	[ "$output" = ":file" ]
	run "$ITSM" __complete -- --config=/tm
	[ "$output" = ":file" ]
	run "$ITSM" __complete -- --db x.db config check ''
	[ "$output" = ":file" ]
	run "$ITSM" __complete -- open --caller ''
	[ -z "$output" ]
	run "$ITSM" __complete -- open -m ''
	[ -z "$output" ]
	run "$ITSM" __complete -- list --limit ''
	[ -z "$output" ]
}

@test "protocol: options given and words after -- and clusters" {
	# A value option the parser refuses twice is not offered again.
	run "$ITSM" __complete -- open --caller a --category=x --ca
	[ -z "$output" ]
	run "$ITSM" __complete -- open --caller a --ca
	[ "$(echo "$output" | cut -f1)" = "--category" ]
	# Repeatable ones are.
	run "$ITSM" __complete -- list --status new --st
	[[ $output == --status$'\t'* || $output == *$'\n'--status$'\t'* ]]
	# -qm takes the next word as the value of -m; -mTEXT does not.
	run "$ITSM" __complete -- open -qm --impact
	[ -z "$output" ]
	run "$ITSM" __complete -- open -mtext --impact ''
	[ "$(echo "$output" | cut -f1 | tr '\n' ' ')" = "high medium low " ]
	# After "--", only operands.
	run "$ITSM" __complete -- show -- -
	[ -z "$output" ]
}

@test "protocol: refs of open tickets, by ref or by number" {
	"$ITSM" open "printer jam" --caller ann -q
	"$ITSM" open "new laptop" --caller bob -q
	"$ITSM" categorize 2 --type request
	run "$ITSM" __complete -- show ''
	[ "$output" = "INC-1	printer jam" ]
	run "$ITSM" __complete -- show inc-
	[ "$output" = "INC-1	printer jam" ]
	run "$ITSM" __complete -- show 1
	[ "$output" = "1	printer jam" ]
	run "$ITSM" __complete -- show 2
	[ -z "$output" ]
	run "$ITSM" __complete -- --db "$BATS_TEST_TMPDIR/none.db" show ''
	[ -z "$output" ]
}

@test "protocol: never creates a database, never writes to stderr" {
	run --separate-stderr "$ITSM" __complete -- show ''
	[ "$status" = 0 ]
	[ -z "$output" ] && [ -z "$stderr" ]
	[ ! -e "$ITSM_DB" ]
	unset ITSM_DB
	run --separate-stderr "$ITSM" __complete -- categorize ''
	[ "$status" = 0 ] && [ -z "$stderr" ]
	[ -z "$(find "$HOME" -type f)" ]
	# An invalid policy: no levels, no error.
	echo 'impact: [' >"$ITSM_CONFIG"
	run --separate-stderr "$ITSM" __complete -- open --impact ''
	[ "$status" = 0 ] && [ -z "$output" ] && [ -z "$stderr" ]
}

@test "protocol: no control character reaches the shell" {
	"$ITSM" open "$(printf 'bad\tsummary\033[31m')" --caller ann -q
	run "$ITSM" __complete -- show ''
	[ "$output" = "INC-1	bad summary [31m" ]
}

@test "protocol: a REF operand offers the tickets its action is allowed on" {
	"$ITSM" open "on hold" --caller ann -q
	"$ITSM" open "new one" --caller bob -q
	"$ITSM" open "fixed" --caller cy --impact high --urgency high -q
	"$ITSM" hold 1 --reason user -m "waits for the user"
	"$ITSM" resolve 3 --workaround -m "rebooted"
	words() { "$ITSM" __complete -- "$@" | cut -f1 | sort | tr '\n' ' '; }
	[ "$(words show '')" = "INC-1 INC-2 " ]
	[ "$(words reopen '')" = "INC-3 " ]
	[ "$(words close '')" = "INC-3 " ]
	[ "$(words hold '')" = "INC-2 " ]
	[ "$(words hold --release '')" = "INC-1 " ]
	[ "$(words resolve '')" = "INC-2 " ]
	[ "$(words note '')" = "INC-1 INC-2 INC-3 " ]
	[ "$(words cancel 2 --duplicate-of '')" = "INC-1 INC-2 " ]
}

@test "protocol: a command's verbs complete, then the verb's options" {
	local cmd want got n=0 fails=0
	for cmd in $(help_commands); do
		want=$(verbs "$cmd")
		[[ -n $want ]] || continue
		n=$((n + 1))
		got=$("$ITSM" __complete -- "$cmd" '' | cut -f1 | sort)
		if [[ $got != "$want" ]]; then
			printf 'itsm %s: verbs\n%s\nexpected\n%s\n' "$cmd" \
			    "$got" "$want"
			fails=$((fails + 1))
		fi
		run "$ITSM" __complete -- "$cmd" no-such-verb ''
		[ -z "$output" ]
	done
	[ "$n" -gt 0 ] && [ "$fails" = 0 ]
}
