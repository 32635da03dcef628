#!/usr/bin/env bats
# Zsh completion (completions/_itsm) driven for real: a zsh -f script
# starts an interactive "zsh -f -i" in a pseudo-terminal (zsh/zpty), with
# compinit and completions/ in $fpath, types the partial line and then
# list-choices (what TAB shows on an ambiguous line), and reads the
# listing back from the screen; or types TAB and reads back the edited
# line.  The listing is compared, sorted, with the exact expected list.
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
	unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR ZDOTDIR
	export ITSM_DB="$BATS_TEST_TMPDIR/itsm.db"
	export ITSM_CONFIG="$BATS_TEST_TMPDIR/policy.yaml"
	cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
	ln -s "$ITSM" "$BATS_TEST_TMPDIR/bin/itsm"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	export LC_ALL=C.UTF-8
	# zle edits only on a terminal it knows: zpty's is one, whatever
	# TERM the suite started with (none under cron or a CI runner).
	export TERM=xterm
	write_driver
}

# The completion system's dump, made once for the file: compinit without
# one reads every function file of $fpath, half a second of each of the
# zsh started for each line completed.  The dump only says which function
# completes which command; each zsh still loads completions/_itsm itself
# from $fpath.
setup_file() {
	zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit && compinit -u -d "$2"' \
	    zsh "$TOP/completions" "$BATS_FILE_TMPDIR/zcompdump"
	grep -q "^'itsm' '_itsm'$" "$BATS_FILE_TMPDIR/zcompdump"
}

# The interactive shell's start-up, sourced (so that the markers it
# prints are not echoed as typed text first).  ^T lists the choices, ^A
# marks where the listing starts, ^B prints the edited line and ends.
write_driver() {
	cat >"$BATS_TEST_TMPDIR/zrc" <<-EOF
	stty columns 250 rows 1000 2>/dev/null
	PS1='%% ' RPS1= LISTMAX=0
	unset zle_bracketed_paste
	setopt no_beep
	fpath=("$TOP/completions" \$fpath)
	autoload -Uz compinit && compinit -C -d "$BATS_FILE_TMPDIR/zcompdump"
	zle -N _t_mark; _t_mark() { print -rn -- @@LIST@@ >/dev/tty }
	zle -N _t_done; _t_done() { print -r -- "@@END@@[\$BUFFER]@@" >/dev/tty }
	bindkey '^T' list-choices '^A' _t_mark '^B' _t_done
	print -r -- @@READY@@
	EOF
	cat >"$BATS_TEST_TMPDIR/drive.zsh" <<-'EOF'
	# zsh -f drive.zsh RC list|tab LINE
	setopt extended_glob
	zmodload zsh/zpty || exit 2
	zpty z zsh -f -i || exit 2
	zpty -w z "source ${(q)1}"
	zpty -r z out '*@@READY@@*' || exit 2
	if [[ $2 == tab ]]; then
	  zpty -w -n z "$3"$'\t\x02'
	else
	  zpty -w -n z "$3"$'\x01\x14\x02'
	fi
	zpty -r z out '*@@END@@\[*\]@@*' || exit 2
	zpty -d z
	if [[ $2 == tab ]]; then
	  out=${out##*@@END@@\[}
	  print -r -- "${out%\]@@*}"
	  exit
	fi
	# The listing: after the mark, up to zle moving the cursor back up to
	# the prompt; without the terminal's escapes.
	out=${out#*@@LIST@@}
	out=${out%%@@END@@*}
	out=${out%%$'\e'\[[0-9]#A*}
	out=${out//$'\e'\[[0-9;?]#[a-zA-Z]/}
	out=${out//$'\r'/}
	local -a words
	local l
	for l in ${(f)out}; do
	  # "word  -- description", "w1  w2  -- shared description", or
	  # words in columns.
	  [[ $l == *' -- '* ]] && l=${l%% -- *}
	  words+=(${=l})
	done
	print -rl -- $words
	EOF
}

# candidates LINE: what zsh lists for LINE, one per line, sorted.
candidates() {
	local out
	out=$(timeout 30 zsh -f "$BATS_TEST_TMPDIR/drive.zsh" \
	    "$BATS_TEST_TMPDIR/zrc" list "$1") || return 1
	[[ -z $out ]] || printf '%s\n' "$out" | LC_ALL=C sort
}

# after_tab LINE: the line after typing LINE and TAB.
after_tab() {
	timeout 30 zsh -f "$BATS_TEST_TMPDIR/drive.zsh" \
	    "$BATS_TEST_TMPDIR/zrc" tab "$1"
}

# expect WORD...: the output (after "run") is exactly these, sorted.
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

# expect_line TEXT: the edited line (after "run after_tab") is TEXT.
expect_line() {
	if [[ $status != 0 || $output != "$1" ]]; then
		printf 'status %s\nexpected: [%s]\nactual:   [%s]\n' \
		    "$status" "$1" "$output" >&2
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

@test "zsh: the command names" {
	local cmds
	cmds=$(help_commands)
	[[ $cmds == *prioritize* && $cmds == *show* ]]
	run candidates 'itsm '
	expect $cmds
	run after_tab 'itsm pr'
	expect_line 'itsm prioritize '
	run after_tab 'itsm --db x.db li'
	expect_line 'itsm --db x.db list '
}

@test "zsh: the options of a command" {
	run candidates 'itsm open --ca'
	expect --caller --category
	run after_tab 'itsm open --caller ann --ca'
	expect_line 'itsm open --caller ann --category '
	run after_tab 'itsm prioritize 1 --ur'
	expect_line 'itsm prioritize 1 --urgency '
}

@test "zsh: the global options before the command" {
	run after_tab 'itsm --c'
	expect_line 'itsm --config '
	run candidates 'itsm --no-c'
	expect --no-color
	run candidates 'itsm --d'
	expect --db
	run candidates 'itsm --ut'
	expect --utc
}

@test "zsh: the output options after the command" {
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

@test "zsh: impact and urgency levels come from the effective policy" {
	run candidates 'itsm open --impact '
	expect high low medium
	run after_tab 'itsm prioritize 1 --urgency m'
	expect_line 'itsm prioritize 1 --urgency medium '
	add_critical "$ITSM_CONFIG"
	run candidates 'itsm open --impact '
	expect critical high low medium
	run after_tab 'itsm prioritize INC-1 --impact c'
	expect_line 'itsm prioritize INC-1 --impact critical '
	run candidates 'itsm open --urgency '
	expect high low medium
}

@test "zsh: --config given earlier chooses the policy" {
	add_critical "$BATS_TEST_TMPDIR/other.yaml"
	run candidates "itsm --config $BATS_TEST_TMPDIR/other.yaml open --impact "
	expect critical high low medium
	run candidates "itsm --config=$BATS_TEST_TMPDIR/other.yaml open --impact "
	expect critical high low medium
	run candidates 'itsm open --impact '
	expect high low medium
}

@test "zsh: types, channels, priorities, groups, reasons, codes, statuses" {
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
	run after_tab 'itsm list --status new,on'
	expect_line 'itsm list --status new,on_hold '
}

@test "zsh: categories, and subcategories of the --category given" {
	run candidates 'itsm open --category '
	expect access hardware network security software
	run candidates 'itsm open --category network --subcategory '
	expect connectivity dns vpn wifi
	run candidates 'itsm categorize 1 --category=access --subcategory p'
	expect password permission
	run after_tab 'itsm open --subcategory w'
	expect_line 'itsm open --subcategory wifi '
	add_critical "$ITSM_CONFIG"
	run after_tab 'itsm open --category f'
	expect_line 'itsm open --category facilities '
	run candidates 'itsm open --category facilities --subcategory '
	expect hvac power
}

@test "zsh: refs of open tickets only" {
	"$ITSM" open "printer jam" --caller ann -q
	"$ITSM" open "new laptop" --caller bob -q
	"$ITSM" categorize 2 --type request
	run candidates 'itsm show '
	expect INC-1
	run candidates 'itsm prioritize '
	expect INC-1
	run after_tab 'itsm categorize inc'
	expect_line 'itsm categorize INC-1 '
	run after_tab 'itsm show 1'
	expect_line 'itsm show 1 '
	run candidates 'itsm show 2'
	expect
	run candidates 'itsm show INC-1 '
	expect
}

@test "zsh: --db given earlier chooses the database; none is created" {
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

@test "zsh: --format values, before and after the command" {
	run candidates 'itsm --format '
	expect csv json jsonl table tsv
	run candidates 'itsm list --format '
	expect csv json jsonl table tsv
	run candidates 'itsm show --format t'
	expect table tsv
	run candidates 'itsm list --format=js'
	expect --format=json --format=jsonl
	run after_tab 'itsm list --format=c'
	expect_line 'itsm list --format=csv '
}

@test "zsh: --fields completes the last of a comma-separated list" {
	run after_tab 'itsm list --fields ref,pr'
	expect_line 'itsm list --fields ref,priority '
	run candidates 'itsm list --fields=ref,su'
	expect --fields=ref,subcategory --fields=ref,summary
}

@test "zsh: file names for FILE values, nothing for other values" {
	mkdir "$BATS_TEST_TMPDIR/d"
	touch "$BATS_TEST_TMPDIR/d/a.db" "$BATS_TEST_TMPDIR/d/b.yaml"
	run candidates "itsm --db $BATS_TEST_TMPDIR/d/"
	expect a.db b.yaml
	run after_tab "itsm --config $BATS_TEST_TMPDIR/d/b"
	expect_line "itsm --config $BATS_TEST_TMPDIR/d/b.yaml "
	run after_tab "itsm --db=$BATS_TEST_TMPDIR/d/a"
	expect_line "itsm --db=$BATS_TEST_TMPDIR/d/a.db "
	run candidates "itsm config check $BATS_TEST_TMPDIR/d/"
	expect a.db b.yaml
	cd "$BATS_TEST_TMPDIR/d"
	run candidates 'itsm open x --caller '
	expect
	run candidates 'itsm open x -m '
	expect
	run candidates 'itsm config '
	expect check show
}

@test "zsh: quoted words are passed unquoted" {
	run after_tab "itsm open 'disk full' --caller ann --impact h"
	expect_line "itsm open 'disk full' --caller ann --impact high "
	run after_tab "itsm --config '$ITSM_CONFIG' open --urgency l"
	expect_line "itsm --config '$ITSM_CONFIG' open --urgency low "
}

@test "zsh: every command's options are exactly what the binary prints" {
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

@test "zsh: names with blanks are quoted; ~ in words and FILE values" {
	sed 's/walk-in/"walk in"/' "$TOP/lib/default.yaml" >"$ITSM_CONFIG"
	run after_tab 'itsm open --channel wa'
	expect_line 'itsm open --channel walk\ in '
	run after_tab 'itsm open --channel walk\ '
	expect_line 'itsm open --channel walk\ in '
	ITSM_DB=$HOME/t.db "$ITSM" open "printer jam" --caller ann -q
	run candidates 'itsm --db ~/t.db show '
	expect INC-1
	touch "$HOME/other.yaml"
	run after_tab 'itsm --config ~/oth'
	expect_line 'itsm --config ~/other.yaml '
}

@test "zsh: the verbs of a command, then the verb's options" {
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
