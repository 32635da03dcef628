#!/usr/bin/env bats
# The README's tour, run as written: every "$ " command in the console
# blocks after the tour marker (up to the team section's), with its output compared exactly.  Commands
# run on a terminal (script(1)) so that itsm chooses its table format as
# it does for a reader; colour is off with NO_COLOR.

load helper

# Prints the tour as "CMD<TAB>command" and "OUT<TAB>line" records.
tour_records() {
	awk '
		/<!-- tour/ { intour = 1 }
		/<!-- team/ { exit }	# t0010 runs that section, on a server
		!intour { next }
		/^```console/ { inblock = 1; next }
		/^```/ { inblock = 0; next }
		!inblock { next }
		function take(line) {
			# A trailing backslash joins the next line, as in sh.
			cont = substr(line, length(line)) == "\\"
			cmd = cmd (cont ? substr(line, 1, length(line) - 1) : line)
			if (!cont)
				print "CMD\t" cmd
		}
		cont { take($0); next }
		/^\$ / { cmd = ""; take(substr($0, 3)); next }
		{ print "OUT\t" $0 }
	' "$TOP/README.md"
}

@test "the README tour runs as written" {
	local bin="$BATS_TEST_TMPDIR/bin" n=0 cmd expected actual
	mkdir -p "$bin"
	ln -s "$ITSM" "$bin/itsm"
	export PATH="$bin:$PATH" NO_COLOR=1 COLUMNS=200
	tour_records > "$BATS_TEST_TMPDIR/tour"
	[ "$(grep -c '^CMD' "$BATS_TEST_TMPDIR/tour")" -ge 8 ]
	# Split into one command and its expected output at a time.
	awk -v dir="$BATS_TEST_TMPDIR" '
		/^CMD\t/ { n++; f = dir "/cmd." n; sub(/^CMD\t/, ""); print > f;
		           close(f); e = dir "/exp." n; printf "" > e; close(e); next }
		{ sub(/^OUT\t/, ""); print >> (dir "/exp." n) }
	' "$BATS_TEST_TMPDIR/tour"
	while [ -f "$BATS_TEST_TMPDIR/cmd.$((n + 1))" ]; do
		n=$((n + 1))
		cmd=$(cat "$BATS_TEST_TMPDIR/cmd.$n")
		expected=$(cat "$BATS_TEST_TMPDIR/exp.$n")
		printf '%s\n' "$cmd" > "$BATS_TEST_TMPDIR/step.sh"
		actual=$(script -qec "bash $BATS_TEST_TMPDIR/step.sh" /dev/null |
		    tr -d '\r')
		if [ "$actual" != "$expected" ]; then
			printf 'tour step %d: %s\nexpected:\n%s\nactual:\n%s\n' \
			    "$n" "$cmd" "$expected" "$actual" >&2
			return 1
		fi
	done
	[ "$n" -ge 8 ]
}
