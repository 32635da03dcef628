#!/usr/bin/env bats
# Bash completion (completions/itsm.bash) in a real bash: COMP_WORDS,
# COMP_CWORD, COMP_LINE and COMP_POINT are set as readline sets them, _itsm
# runs, and COMPREPLY is compared, sorted, with the exact expected list.
# Every line is completed twice: with bash-completion loaded (when it is
# installed) and without it, and both must give the same candidates.  A
# few tests also drive an interactive bash in a pseudo-terminal (through
# zsh/zpty), where readline splits the line itself.
#
# $ITSM is the binary under test (build/itsm by default); it is first on
# PATH as "itsm".  Each test has its own database, policy copy and home.

: "${ITSM:=$BATS_TEST_DIRNAME/../../build/itsm}"
TOP=${BATS_TEST_DIRNAME%/tests/*}
BASH_COMPLETION=/usr/share/bash-completion/bash_completion

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

# The bash that completes: words split as readline splits them (blanks,
# then '=' and ':' from COMP_WORDBREAKS as words of their own), the cursor
# at the end of the line.  $1 is "bc" to load bash-completion first.
DRIVER='
if [[ $1 == bc ]]; then
	source "$BASH_COMPLETION" || exit 1
fi
source "$TOP/completions/itsm.bash" || exit 1
line=$2
COMP_LINE=$line
COMP_POINT=${#line}
COMP_WORDS=()
read -ra blank_words <<<"$line"
for w in "${blank_words[@]}"; do
	while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
		[[ ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
		COMP_WORDS+=("${BASH_REMATCH[2]}")
		w=${BASH_REMATCH[3]}
	done
	[[ $w ]] && COMP_WORDS+=("$w")
done
[[ $line == *[[:blank:]] ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_TYPE=9
COMP_KEY=9
COMPREPLY=(unchanged)
_itsm
printf "%s\n" "${COMPREPLY[@]}"
'

# candidates LINE: what bash offers for LINE, one per line, sorted; the
# same with and without bash-completion, or an error.
candidates() {
	local with without
	without=$(BASH_COMPLETION=$BASH_COMPLETION TOP=$TOP bash --norc \
	    --noprofile -c "$DRIVER" bash plain "$1" | LC_ALL=C sort) || return 1
	if [[ -f $BASH_COMPLETION ]]; then
		with=$(BASH_COMPLETION=$BASH_COMPLETION TOP=$TOP bash --norc \
		    --noprofile -c "$DRIVER" bash bc "$1" | LC_ALL=C sort) ||
		    return 1
		if [[ $with != "$without" ]]; then
			printf 'with bash-completion:\n%s\nwithout:\n%s\n' \
			    "$with" "$without"
			return 1
		fi
	fi
	printf '%s\n' "$without"
}

# expect WORD...: the candidates (after "run candidates") are exactly these.
expect() {
	local want
	want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	if [[ $status != 0 || $output != "$want" ]]; then
		printf 'status %s\nexpected:\n%s\nactual:\n%s\n' "$status" \
		    "$want" "$output" >&2
		return 1
	fi
}

# The commands "itsm help" lists.
help_commands() {
	"$ITSM" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ \
	    { print $1; next } on && /^$/ { exit }'
}

# Adds an impact level "critical" (rank 1) and a category "facilities"
# to the policy copy.
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

# In an interactive bash too, readline splitting the line itself:
# zsh/zpty runs "bash -i" in a pseudo-terminal, types the line and TAB
# (show-all-if-ambiguous: one TAB lists) between two key bindings that
# mark the listing and print the edited line.
write_pty_driver() {
	cat >"$BATS_TEST_TMPDIR/bashrc" <<-EOF
	stty columns 250 rows 1000 2>/dev/null
	PS1='$ '
	[[ -f $BASH_COMPLETION ]] && source $BASH_COMPLETION
	source "$TOP/completions/itsm.bash"
	bind 'set show-all-if-ambiguous on'
	bind 'set completion-query-items 0'
	bind 'set page-completions off'
	bind 'set enable-bracketed-paste off'
	bind -x '"\C-a": printf "@@LI""ST@@"'
	bind -x '"\C-b": printf "@@EN""D@@[%s]@@\\n" "\$READLINE_LINE"'
	echo @@REA""DY@@
	EOF
	cat >"$BATS_TEST_TMPDIR/drive.zsh" <<-'EOF'
	# zsh -f drive.zsh RC list|tab LINE
	setopt extended_glob
	zmodload zsh/zpty || exit 2
	zpty b bash --norc --noprofile -i || exit 2
	zpty -w b "source ${(q)1}"
	zpty -r b out '*@@READY@@*' || exit 2
	if [[ $2 == tab ]]; then
	  zpty -w -n b "$3"$'\t\x02'
	else
	  zpty -w -n b "$3"$'\x01\t\x02'
	fi
	zpty -r b out '*@@END@@\[*\]@@*' || exit 2
	zpty -d b
	if [[ $2 == tab ]]; then
	  out=${out##*@@END@@\[}
	  print -r -- "${out%\]@@*}"
	  exit
	fi
	out=${out#*@@LIST@@}
	out=${out%%@@END@@*}
	out=${out//$'\e'\[[0-9;?]#[a-zA-Z]/}
	local -a words
	local l
	for l in ${(f)${out//$'\r'/$'\n'}}; do
	  [[ $l == '$ '* ]] && continue
	  words+=(${=l})
	done
	print -rl -- $words
	EOF
}

# pty_candidates LINE: what an interactive bash lists for LINE, sorted.
pty_candidates() {
	local out
	out=$(timeout 30 zsh -f "$BATS_TEST_TMPDIR/drive.zsh" \
	    "$BATS_TEST_TMPDIR/bashrc" list "$1") || return 1
	[[ -z $out ]] || printf '%s\n' "$out" | LC_ALL=C sort
}

# after_tab LINE: the line after typing LINE and TAB in an interactive bash.
after_tab() {
	timeout 30 zsh -f "$BATS_TEST_TMPDIR/drive.zsh" \
	    "$BATS_TEST_TMPDIR/bashrc" tab "$1"
}

# expect_line TEXT: the edited line (after "run after_tab") is TEXT.
expect_line() {
	if [[ $status != 0 || $output != "$1" ]]; then
		printf 'status %s\nexpected: [%s]\nactual:   [%s]\n' \
		    "$status" "$1" "$output" >&2
		return 1
	fi
}

@test "bash: the command names" {
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

@test "bash: the options of a command" {
	run candidates 'itsm open --ca'
	expect --caller --category
	run candidates 'itsm open --caller ann --ca'
	expect --category
	run candidates 'itsm prioritize 1 --ur'
	expect --urgency
}

@test "bash: the global options before the command" {
	run candidates 'itsm --c'
	expect --config
	run candidates 'itsm --no-c'
	expect --no-color
	run candidates 'itsm --d'
	expect --db
	run candidates 'itsm --ut'
	expect --utc
}

@test "bash: the output options after the command" {
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

@test "bash: impact and urgency levels come from the effective policy" {
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

@test "bash: --config given earlier chooses the policy" {
	add_critical "$BATS_TEST_TMPDIR/other.yaml"
	run candidates "itsm --config $BATS_TEST_TMPDIR/other.yaml open --impact "
	expect critical high low medium
	run candidates "itsm --config=$BATS_TEST_TMPDIR/other.yaml open --impact "
	expect critical high low medium
	run candidates 'itsm open --impact '
	expect high low medium
}

@test "bash: types, channels, priorities, groups, reasons, codes, statuses" {
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

@test "bash: categories, and subcategories of the --category given" {
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

@test "bash: refs of open tickets only" {
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

@test "bash: --db given earlier chooses the database; none is created" {
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

@test "bash: --format values, before and after the command" {
	run candidates 'itsm --format '
	expect csv json jsonl table tsv
	run candidates 'itsm list --format '
	expect csv json jsonl table tsv
	run candidates 'itsm show --format t'
	expect table tsv
	# readline replaces what follows '=', so "--format=" is not repeated.
	run candidates 'itsm list --format=js'
	expect json jsonl
}

@test "bash: --fields completes the last of a comma-separated list" {
	run candidates 'itsm list --fields ref,pr'
	expect ref,priority
	run candidates 'itsm list --fields=ref,su'
	expect ref,subcategory ref,summary
}

@test "bash: file names for FILE values, nothing for other values" {
	mkdir "$BATS_TEST_TMPDIR/d"
	touch "$BATS_TEST_TMPDIR/d/a.db" "$BATS_TEST_TMPDIR/d/b.yaml"
	run candidates "itsm --db $BATS_TEST_TMPDIR/d/"
	expect "$BATS_TEST_TMPDIR/d/a.db" "$BATS_TEST_TMPDIR/d/b.yaml"
	run candidates "itsm --config $BATS_TEST_TMPDIR/d/b"
	expect "$BATS_TEST_TMPDIR/d/b.yaml"
	run candidates "itsm --db=$BATS_TEST_TMPDIR/d/a"
	expect "$BATS_TEST_TMPDIR/d/a.db"
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

@test "bash: the binary is the command word, not the one on PATH" {
	rm "$BATS_TEST_TMPDIR/bin/itsm"
	run candidates 'itsm open --ca'
	expect
	run candidates "$ITSM open --ca"
	expect --caller --category
}

@test "bash: every command's options are exactly what the binary prints" {
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

@test "bash: interactive: readline's own words, '=' and quotes" {
	command -v zsh >/dev/null && zsh -fc 'zmodload zsh/zpty' ||
	    skip "no zsh/zpty to drive an interactive bash"
	write_pty_driver
	"$ITSM" open "printer jam" --caller ann -q
	run pty_candidates 'itsm open --impact '
	expect high low medium
	run pty_candidates 'itsm show --format=js'
	expect json jsonl
	run after_tab 'itsm sh'
	expect_line 'itsm show '
	run after_tab 'itsm show i'
	expect_line 'itsm show INC-1 '
	run after_tab 'itsm open --category=so'
	expect_line 'itsm open --category=software '
	run after_tab 'itsm list --fields=ref,pr'
	expect_line 'itsm list --fields=ref,priority '
	run after_tab "itsm open 'disk full' --caller ann --urgency h"
	expect_line "itsm open 'disk full' --caller ann --urgency high "
	mkdir "$BATS_TEST_TMPDIR/d"
	touch "$BATS_TEST_TMPDIR/d/a.db"
	run after_tab "itsm --db=$BATS_TEST_TMPDIR/d/"
	expect_line "itsm --db=$BATS_TEST_TMPDIR/d/a.db "
	run after_tab "itsm --config \"$BATS_TEST_TMPDIR/d/"
	expect_line "itsm --config \"$BATS_TEST_TMPDIR/d/a.db\" "
}

@test "bash: names with blanks are quoted; ~ in words and FILE values" {
	sed 's/walk-in/"walk in"/' "$TOP/lib/default.yaml" >"$ITSM_CONFIG"
	run candidates 'itsm open --channel wa'
	expect 'walk\ in'
	ITSM_DB=$HOME/t.db "$ITSM" open "printer jam" --caller ann -q
	run candidates 'itsm --db ~/t.db show '
	expect INC-1
	touch "$HOME/other.yaml"
	run candidates 'itsm --config ~/oth'
	expect '~/other.yaml'
	command -v zsh >/dev/null && zsh -fc 'zmodload zsh/zpty' ||
	    skip "no zsh/zpty to drive an interactive bash"
	write_pty_driver
	run after_tab 'itsm open --channel walk\ '
	expect_line 'itsm open --channel walk\ in '
	run after_tab 'itsm open --channel "wa'
	expect_line 'itsm open --channel "walk in" '
}

@test "bash: the verbs of a command, then the verb's options" {
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
