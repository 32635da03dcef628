#!/bin/sh
# Builds libitsm with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/, then runs each target in
# fuzz/*.c for a bounded time over its corpus.  Exits non-zero when a
# target crashes (or leaks, or hits undefined behaviour), or cannot be
# built.  See fuzz/README.
#
# Environment:
#   FUZZ_SECONDS  how long each target runs (default 60)
#   FUZZ_TARGETS  which targets (default: every fuzz/*.c)
#   FUZZ_MERGE    1: merge the new inputs of at most FUZZ_KEEP_BYTES
#                 (default 2048) that add coverage into fuzz/corpus/
#   FUZZ_FLAGS    more libFuzzer flags (e.g. -jobs=2 -workers=2)
#   CLANG         the compiler (default clang)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
B=build-fuzz
CLANG=${CLANG:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-60}
KEEP=${FUZZ_KEEP_BYTES:-2048}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found: run make deps-extra" >&2
	exit 2
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CFLAGS="-std=c17 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-string-concatenation $SAN"
# GMime's and GLib's headers: lib/gmime.h declares what lib/ loads of them.
CPPFLAGS="-D_DEFAULT_SOURCE -Iinclude -Ilib -I$B/lib $(pkg-config --cflags \
    gmime-3.0 2>/dev/null)"
LIBS=$(pkg-config --libs sqlite3 yaml-0.1 zlib libcjson 2>/dev/null ||
    echo -lsqlite3 -lyaml -lz -lcjson)
LIBS="$LIBS -lcsv -lm"

mkdir -p "$B/lib" "$B/crashes" "$B/corpus" || exit 2

# Whether $1 is missing or older than any of the rest.
stale() {
	out=$1
	shift
	[ -e "$out" ] || return 0
	for f in "$@"; do
		[ "$f" -nt "$out" ] && return 0
	done
	return 1
}

headers=$(ls include/itsm/*.h lib/*.h lib/sqlite/*.h)

# libitsm, instrumented for coverage (fuzzer-no-link) and the sanitizers.
if stale "$B/lib/default_policy.c" lib/default.yaml lib/gen-default.sh; then
	sh lib/gen-default.sh lib/default.yaml >"$B/lib/default_policy.c" ||
	    exit 2
fi
objs=
for src in lib/*.c lib/sqlite/*.c "$B/lib/default_policy.c"; do
	obj="$B/lib/$(basename "$src" .c).o"
	objs="$objs $obj"
	# shellcheck disable=SC2086
	if stale "$obj" "$src" $headers; then
		echo "fuzz: cc $src"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS -fsanitize=fuzzer-no-link $CPPFLAGS \
		    -c -o "$obj" "$src" || exit 2
	fi
done
# shellcheck disable=SC2086
if stale "$B/libitsm.a" $objs; then
	rm -f "$B/libitsm.a"
	# shellcheck disable=SC2086
	ar rcs "$B/libitsm.a" $objs || exit 2
fi

targets=${FUZZ_TARGETS:-$(for f in fuzz/*.c; do basename "$f" .c; done)}

# The targets.
for t in $targets; do
	[ -f "fuzz/$t.c" ] || { echo "fuzz: no target fuzz/$t.c" >&2; exit 2; }
	# shellcheck disable=SC2086
	if stale "$B/$t" "fuzz/$t.c" fuzz/*.h "$B/libitsm.a" $headers; then
		echo "fuzz: cc fuzz/$t.c"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS -fsanitize=fuzzer $CPPFLAGS -o "$B/$t" \
		    "fuzz/$t.c" "$B/libitsm.a" $LIBS || exit 2
	fi
done

failed=
for t in $targets; do
	mkdir -p "fuzz/corpus/$t" "$B/corpus/$t" "$B/crashes/$t"
	dict=
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	echo "fuzz: $t for ${SECONDS_EACH}s"
	# New inputs go to the first directory, build-fuzz/corpus/$t; the
	# committed corpus (seeds, kept inputs, crash regressions) is read.
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
	"$B/$t" -max_total_time="$SECONDS_EACH" -timeout=30 \
	    -rss_limit_mb=2048 -print_final_stats=1 $dict \
	    -artifact_prefix="$B/crashes/$t/" ${FUZZ_FLAGS:-} \
	    "$B/corpus/$t" "fuzz/corpus/$t" >"$B/$t.log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' \
	    "$B/$t.log" | sed "s/^/fuzz: $t: /"
	if [ "$rc" != 0 ]; then
		echo "fuzz: $t FAILED (exit $rc); log in $B/$t.log:" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
		    "$B/$t.log" | head -20 >&2
		failed="$failed $t"
		continue
	fi
	if [ "${FUZZ_MERGE:-0}" = 1 ]; then
		small="$B/small/$t"
		rm -rf "$small"
		mkdir -p "$small"
		find "$B/corpus/$t" -type f -size -"$((KEEP + 1))"c \
		    -exec cp {} "$small/" \;
		before=$(ls "fuzz/corpus/$t" | wc -l)
		"$B/$t" -merge=1 -timeout=30 "fuzz/corpus/$t" "$small" \
		    >"$B/$t.merge.log" 2>&1 ||
		    echo "fuzz: $t: merge failed, see $B/$t.merge.log" >&2
		after=$(ls "fuzz/corpus/$t" | wc -l)
		echo "fuzz: $t: kept $((after - before)) new inputs in fuzz/corpus/$t"
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz: crashes in:$failed (inputs in $B/crashes/)" >&2
	exit 1
fi
echo "fuzz: no crashes"
