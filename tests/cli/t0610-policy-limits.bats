#!/usr/bin/env bats
# The policy parser's limits (issue 11, itsm.yaml(5) VALIDATION): one YAML
# document, no tags, no nesting deeper than the policy's shape, bounded
# sizes; each refused at once with 78 and FILE:LINE:COL.  The big inputs
# are generated here; every check runs under a timeout of 10 s, where the
# old parser took minutes.

load helper

# refused FILE LINE:COL MESSAGE: config check FILE and a command reading
# it as the policy both exit 78 at once, with the one line
# "FILE:LINE:COL: MESSAGE", nothing on stdout, no database created.
refused() {
	run --separate-stderr timeout 10 "$ITSM" config check "$1"
	assert_status 78
	assert_output ""
	assert_stderr "itsm: $1:$2: $3"
	ITSM_CONFIG="$1" run --separate-stderr timeout 10 "$ITSM" open "x" --caller y
	assert_status 78
	assert_output ""
	assert_stderr "itsm: $1:$2: $3"
	assert_nothing_stored
}

# small: the smallest policy (28 values, lists and mappings with the key
# categories and its mapping), to append categories to.
small() {
	printf '%s\n' 'impact: [{name: h}]' 'urgency: [{name: h}]' \
	    'priorities: [{name: P1, response: 1h, resolution: 2h}]' \
	    'matrix: {h: {h: P1}}' 'categories:'
}

# bad: a copy of the default policy, to append to.
setup_bad() {
	bad="$BATS_TEST_TMPDIR/bad.yaml"
	cp "$TOP/lib/default.yaml" "$bad"
}

@test "a second YAML document after the policy: 78 at its line" {
	setup_bad
	printf -- '---\nauto_close: 1d\n' >>"$bad"
	n=$(wc -l <"$bad")
	refused "$bad" "$((n - 1)):1" "a second YAML document: a policy is one document"
	# After an explicit end of the first, likewise.
	setup_bad
	printf -- '...\n--- {}\n' >>"$bad"
	n=$(wc -l <"$bad")
	refused "$bad" "$n:1" "a second YAML document: a policy is one document"
	# One document, marked as such, is fine.
	{ echo ---; cat "$TOP/lib/default.yaml"; echo ...; } >"$bad"
	run --separate-stderr itsm config check "$bad"
	assert_status 0
}

@test "an explicit tag anywhere (!!int on a matrix cell, !!map, a local tag): 78 at it" {
	setup_bad
	sed -i 's/^  high:   { high: P1,/  high:   { high: !!int P1,/' "$bad"
	n=$(grep -n '!!int' "$bad" | cut -d: -f1)
	refused "$bad" "$n:19" "tag '!!int': a policy has no tags"
	setup_bad
	printf 'database: !!map {share: owner}\n' >>"$bad"
	n=$(wc -l <"$bad")
	refused "$bad" "$n:11" "tag '!!map': a policy has no tags"
	setup_bad
	printf 'auto_close: !later 2d\n' >>"$bad"
	n=$(wc -l <"$bad")
	refused "$bad" "$n:13" "tag '!later': a policy has no tags"
}

@test "nesting deeper than any part of a policy (100,000 '[', '{' or '- '): 78 at once, at the sixth level" {
	f="$BATS_TEST_TMPDIR/deep.yaml"
	head -c 100000 /dev/zero | tr '\0' '[' >"$f"
	refused "$f" "1:6" "nested deeper than any part of a policy (5 levels)"
	printf 'impact: ' >"$f"
	head -c 100000 /dev/zero | tr '\0' '{' >>"$f"
	refused "$f" "1:13" "nested deeper than any part of a policy (5 levels)"
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "- "; print "x" }' >"$f"
	refused "$f" "1:11" "nested deeper than any part of a policy (5 levels)"
}

@test "more than 50 impact levels, or 50 priorities: 78 at the one too many" {
	setup_bad
	awk '/^impact:/ { print; for (i = 1; i <= 51; i++) printf "  - {name: i%d, rank: %d}\n", i, i; skip = 1; next }
	    skip && /^[a-z]/ { skip = 0 } !skip' "$TOP/lib/default.yaml" >"$bad"
	n=$(grep -n 'name: i51,' "$bad" | cut -d: -f1)
	refused "$bad" "$n:5" "more than 50 impact levels"
	awk '/^priorities:/ { print; for (i = 1; i <= 51; i++) printf "  - {name: Q%d, response: 1h, resolution: 2h}\n", i; skip = 1; next }
	    skip && /^[a-z]/ { skip = 0 } !skip' "$TOP/lib/default.yaml" >"$bad"
	n=$(grep -n 'name: Q51,' "$bad" | cut -d: -f1)
	refused "$bad" "$n:5" "more than 50 priorities"
}

@test "a 1000 x 1000 matrix, a list of 1001 entries, 50,000 values: 78 at once, at the one too many" {
	f="$BATS_TEST_TMPDIR/big.yaml"
	# 1000 x 1000 levels and matrix: some 12 MB, past the file limit.
	awk 'BEGIN {
		for (a = 0; a < 2; a++) {
			print (a ? "urgency:" : "impact:")
			for (i = 1; i <= 1000; i++) printf "  - {name: l%d}\n", i
		}
		print "priorities:\n  - {name: P1, response: 1h, resolution: 2h}\nmatrix:"
		for (i = 1; i <= 1000; i++) {
			printf "  l%d: {", i
			for (j = 1; j <= 1000; j++) printf "%sl%d: P1", (j > 1 ? ", " : ""), j
			print "}"
		}
	}' >"$f"
	[ "$(stat -c %s "$f")" -gt 8000000 ]
	refused "$f" "$(awk '{ n += length($0) + 1; if (n > 1048576) { print NR ":" length($0) - (n - 1048576) + 2; exit } }' "$f")" \
	    "the policy is larger than 1 MiB"
	# A list of 1001 channels.
	setup_bad
	awk 'BEGIN { printf "channels:\n"; for (i = 1; i <= 1001; i++) printf "  - c%d\n", i }' >>"$bad"
	n=$(grep -n '^  - c1001$' "$bad" | cut -d: -f1)
	refused "$bad" "$n:5" "more than 1000 entries in one list or mapping"
	# 100 categories of 600 subcategories: 60,228 values in 400 KB; the
	# 50,001st is s5 of c84 (28 + 83 x 602 + 2 + 4 = 50,000).
	f="$BATS_TEST_TMPDIR/cats.yaml"
	{ small; awk 'BEGIN { for (i = 1; i <= 100; i++) {
		printf "  c%d: [", i
		for (j = 1; j <= 600; j++) printf "%ss%d", (j > 1 ? ", " : ""), j
		print "]" } }'; } >"$f"
	refused "$f" "$(awk '/^  c84:/ { print NR ":" index($0, "s5,") }' "$f")" \
	    "more than 50000 values, lists and mappings (aliases counted as what they name)"
}

@test "aliases count as what they name: 100 categories naming one list of 600 is too many" {
	# c1 counts 602, each alias 1 + 601: the alias of c84 is too many.
	f="$BATS_TEST_TMPDIR/alias.yaml"
	{ small; awk 'BEGIN { printf "  c1: &subs ["
		for (j = 1; j <= 600; j++) printf "%ss%d", (j > 1 ? ", " : ""), j
		print "]"; for (i = 2; i <= 100; i++) printf "  c%d: *subs\n", i }'; } >"$f"
	n=$(grep -n '^  c84:' "$f" | cut -d: -f1)
	refused "$f" "$n:8" "more than 50000 values, lists and mappings (aliases counted as what they name)"
	# Ten of them are fine, and read as ten.
	sed -i '/^  c1[1-9]:\|^  c[2-9][0-9]:\|^  c100:/d' "$f"
	run --separate-stderr itsm config check "$f"
	assert_status 0
	run --separate-stderr itsm --config "$f" config show
	assert_status 0
	[ "$(grep -c '^  c[0-9]*: \[s1, ' <<<"$output")" = 10 ]
}

@test "a policy at the limits (50 x 50 matrix, 1000 categories) is read fast" {
	f="$BATS_TEST_TMPDIR/wide.yaml"
	awk 'BEGIN {
		for (a = 0; a < 2; a++) {
			print (a ? "urgency:" : "impact:")
			for (i = 1; i <= 50; i++) printf "  - {name: l%d}\n", i
		}
		print "priorities:"
		for (i = 1; i <= 50; i++) printf "  - {name: P%d, response: 1h, resolution: 2h}\n", i
		print "matrix:"
		for (i = 1; i <= 50; i++) {
			printf "  l%d: {", i
			for (j = 1; j <= 50; j++) printf "%sl%d: P1", (j > 1 ? ", " : ""), j
			print "}"
		}
		print "categories:"
		for (i = 1; i <= 1000; i++) printf "  c%d: [a, b]\n", i
	}' >"$f"
	run --separate-stderr timeout 10 "$ITSM" config check "$f"
	assert_status 0
	assert_stderr ""
	ITSM_CONFIG="$f" run --separate-stderr timeout 10 "$ITSM" open "x" --caller y --impact l1 --urgency l50
	assert_status 0
	assert_output "INC-1"
}
