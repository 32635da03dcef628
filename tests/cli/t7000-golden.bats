#!/usr/bin/env bats
# The golden outputs (issue 12): the database of tests/golden/scenario.sh,
# built once with the binary under test, read by tests/golden/outputs.sh;
# every output must be, byte for byte, the one recorded under
# tests/golden/expected before the library was reshaped (see
# tests/golden/README).  And export -> import -> export of that database
# keeps its bytes.

load helper

GOLDEN=$BATS_TEST_DIRNAME/../golden

# The scenario and its outputs, once for the file: $BATS_FILE_TMPDIR/db
# (the database, the scenario's directory) and .../out (the outputs); the
# expected files in .../expected, with the login of whoever runs the test
# put back where record.sh wrote @LOGIN@ (the login recorded beside every
# event, printed by export: the one value that depends on the machine).
setup_file() {
	local login
	mkdir "$BATS_FILE_TMPDIR/db"
	ITSM=$ITSM "$GOLDEN/scenario.sh" "$BATS_FILE_TMPDIR/db"
	ITSM=$ITSM "$GOLDEN/outputs.sh" "$BATS_FILE_TMPDIR/db" "$BATS_FILE_TMPDIR/out"
	login=$(id -un 2>/dev/null || id -u)
	cp -R "$GOLDEN/expected" "$BATS_FILE_TMPDIR/expected"
	sed -i "s/@LOGIN@/$(printf '%s' "$login" | sed 's/[\/&]/\\&/g')/g" \
	    "$BATS_FILE_TMPDIR/expected"/*
}

# golden FILE...: each output FILE is its expected file, byte for byte;
# on a difference, on stderr: the file's name, where they first differ,
# 160 bytes around that place in each (a JSON line can be long), and the
# start of the diff, its lines cut at 300 bytes.  Checks them all before
# it fails.
golden() {
	local f e o at bad=0
	for f in "$@"; do
		e=$BATS_FILE_TMPDIR/expected/$f o=$BATS_FILE_TMPDIR/out/$f
		if [ ! -f "$e" ]; then
			echo "no expected file tests/golden/expected/$f" >&2
			bad=1
		elif ! cmp -s "$e" "$o"; then
			echo "differs from tests/golden/expected/$f:" >&2
			cmp "$e" "$o" >&2 || true
			at=$(cmp "$e" "$o" 2>/dev/null | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
			if [ -n "$at" ]; then
				at=$((at > 80 ? at - 80 : 1))
				printf 'expected: %s\nactual:   %s\n' \
				    "$(tail -c +"$at" "$e" | head -c 160 | cat -v)" \
				    "$(tail -c +"$at" "$o" | head -c 160 | cat -v)" >&2
			fi
			diff -u "$e" "$o" 2>&1 | cut -c1-300 | head -40 >&2
			bad=1
		fi
	done
	return "$bad"
}

# golden_glob PATTERN...: golden on the expected files whose names match
# the glob PATTERNs; fails when a pattern matches none.
golden_glob() {
	local p f files=()
	for p in "$@"; do
		for f in "$BATS_FILE_TMPDIR/expected"/$p; do
			if [ ! -f "$f" ]; then
				echo "no expected file matches '$p'" >&2
				return 1
			fi
			files+=("${f##*/}")
		done
	done
	golden "${files[@]}"
}

@test "golden: the same set of outputs as recorded" {
	[ "$(cd "$BATS_FILE_TMPDIR/out" && ls -1)" = "$(cd "$BATS_FILE_TMPDIR/expected" && ls -1)" ]
}

@test "golden: the scenario's transcript, every command's output and status" {
	golden transcript
}

@test "golden: every reading command's exit status and standard error" {
	golden statuses
}

@test "golden: show, every ticket as JSON, two as the table and the default" {
	[ "$(cd "$BATS_FILE_TMPDIR/expected" && ls show-*.json | wc -l)" = 21 ]
	golden_glob 'show-*'
}

@test "golden: list in every format, every field, the queue" {
	golden_glob 'list-*'
}

@test "golden: export, the whole database" {
	golden export.jsonl
}

@test "golden: the major incident's report and dashboards" {
	golden_glob 'major-*'
}

@test "golden: stats, whole, on a period and by every grouping" {
	golden_glob 'stats*'
}

@test "golden: next and config show" {
	golden_glob 'next*' config-show.yaml
}

@test "golden: the input of every hook" {
	golden hooks.log
	# Every hook name itsm runs is in the log.
	[ "$(sed -n 's/^\(post-[a-z-]*\) [A-Z]*-[0-9]*$/\1/p' \
	    "$BATS_FILE_TMPDIR/out/hooks.log" | sort -u | wc -l)" = 21 ]
}

@test "golden: export, import into an empty database, export: the same bytes" {
	local a=$BATS_FILE_TMPDIR/db/itsm.db b
	b=$(db_new b)	# (on PostgreSQL too: the golden database is a file)
	ITSM_DB=$a ITSM_CONFIG=$BATS_FILE_TMPDIR/db/policy.yaml "$ITSM" export -o "$BATS_TEST_TMPDIR/a.jsonl"
	ITSM_DB=$b ITSM_CONFIG=$BATS_FILE_TMPDIR/db/policy.yaml "$ITSM" --no-hooks import "$BATS_TEST_TMPDIR/a.jsonl" >/dev/null
	ITSM_DB=$b ITSM_CONFIG=$BATS_FILE_TMPDIR/db/policy.yaml "$ITSM" export -o "$BATS_TEST_TMPDIR/b.jsonl"
	cmp "$BATS_TEST_TMPDIR/a.jsonl" "$BATS_TEST_TMPDIR/b.jsonl"
	# And it is the golden export.
	cmp "$BATS_FILE_TMPDIR/expected/export.jsonl" "$BATS_TEST_TMPDIR/b.jsonl"
}
