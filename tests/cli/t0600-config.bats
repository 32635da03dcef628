#!/usr/bin/env bats
# itsm config: show the effective policy and where it came from; check a
# policy file.  Search order: --config, ITSM_CONFIG,
# $XDG_CONFIG_HOME/itsm/config.yaml (~/.config/itsm/config.yaml), the
# default compiled in.

load helper

# The matrix block of "config show" output (from "matrix:" to the next
# top-level key).
matrix_block() {
	printf '%s\n' "$1" | sed -n '/^matrix:/,/^[a-z_]*:/p' | sed '$d'
}

# A copy of the default policy whose practices' names tell it apart.
marked_policy() {	# marked_policy FILE MARK
	mkdir -p "$(dirname "$1")"
	sed "s/^  request: service request management/  request: $2/" \
	    "$TOP/lib/default.yaml" >"$1"
	grep -q "request: $2" "$1"
}

@test "config show prints the effective policy, its first line naming the file" {
	run --separate-stderr itsm config show
	assert_status 0
	assert_stderr ""
	[ "${lines[0]}" = "# policy: $ITSM_CONFIG" ]
	for key in impact urgency priorities matrix channels categories practices tiers groups resolution_codes auto_close; do
		printf '%s\n' "$output" | grep -q "^$key:" ||
		    { echo "no $key in config show" >&2; false; }
	done
	[ "$(matrix_block "$output")" = "matrix:
  high: {high: P1, medium: P2, low: P3}
  medium: {high: P2, medium: P3, low: P4}
  low: {high: P3, medium: P4, low: P5}" ]
}

@test "config show says (default) when no policy file is found" {
	[ ! -e /etc/itsm/config.yaml ] || skip "/etc/itsm/config.yaml exists here"
	unset ITSM_CONFIG
	run --separate-stderr itsm config show
	assert_status 0
	assert_stderr ""
	[ "${lines[0]}" = "# policy: (default)" ]
	[ "$(matrix_block "$output")" = "matrix:
  high: {high: P1, medium: P2, low: P3}
  medium: {high: P2, medium: P3, low: P4}
  low: {high: P3, medium: P4, low: P5}" ]
	# The compiled-in default is the same policy as lib/default.yaml.
	default_yaml=$(printf '%s\n' "$output" | sed 1d)
	ITSM_CONFIG=$TOP/lib/default.yaml
	export ITSM_CONFIG
	run --separate-stderr itsm config show
	[ "$(printf '%s\n' "$output" | sed 1d)" = "$default_yaml" ]
}

@test "config show output is itself a valid policy that shows the same" {
	itsm config show >"$BATS_TEST_TMPDIR/shown.yaml"
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/shown.yaml"
	assert_status 0
	assert_output "$BATS_TEST_TMPDIR/shown.yaml: ok"
	assert_stderr ""
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/shown.yaml" config show
	assert_status 0
	[ "${lines[0]}" = "# policy: $BATS_TEST_TMPDIR/shown.yaml" ]
	[ "$(printf '%s\n' "$output" | sed 1d)" = "$(sed 1d "$BATS_TEST_TMPDIR/shown.yaml")" ]
}

@test "config show of a custom 4 x 4 policy round-trips too" {
	write_policy_4x4 "$ITSM_CONFIG"
	itsm config show >"$BATS_TEST_TMPDIR/shown.yaml"
	[ "$(matrix_block "$(cat "$BATS_TEST_TMPDIR/shown.yaml")")" = "matrix:
  enterprise: {critical: Crit, high: Crit, normal: High, low: Med}
  site: {critical: Crit, high: High, normal: Med, low: Med}
  department: {critical: High, high: Med, normal: Med, low: Low}
  user: {critical: Med, high: Med, normal: Low, low: Low}" ]
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/shown.yaml"
	assert_status 0
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/shown.yaml" config show
	assert_status 0
	[ "$(printf '%s\n' "$output" | sed 1d)" = "$(sed 1d "$BATS_TEST_TMPDIR/shown.yaml")" ]
	# And it means the same: the same priorities and targets.
	open_ticket "x" --caller a
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/shown.yaml" \
	    prioritize 1 --impact site --urgency normal --json
	jq_is '[.priority, .response_due, .resolution_due]' \
	    '["Med","2026-11-28T13:00:00Z","2026-11-30T09:00:00Z"]'
}

@test "config check [FILE]: 0 and 'FILE: ok' for a valid policy" {
	run --separate-stderr itsm config check "$TOP/lib/default.yaml"
	assert_status 0
	assert_output "$TOP/lib/default.yaml: ok"
	assert_stderr ""
	# Without FILE it checks the effective policy.
	write_policy_4x4 "$ITSM_CONFIG"
	run --separate-stderr itsm config check
	assert_status 0
	assert_output "$ITSM_CONFIG: ok"
	run --separate-stderr itsm config check -q
	assert_status 0
	assert_output ""
}

@test "config check FILE ignores a broken effective policy" {
	printf 'impact: [\n' >"$ITSM_CONFIG"
	run --separate-stderr itsm config check "$TOP/lib/default.yaml"
	assert_status 0
	assert_output "$TOP/lib/default.yaml: ok"
	run --separate-stderr itsm config check
	assert_status 78
	assert_output ""
	assert_one_line_error "$ITSM_CONFIG:2:1: "
}

@test "config check of a missing file: 74 (cannot read)" {
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/nope.yaml"
	assert_status 74
	assert_output ""
	assert_one_line_error "nope.yaml"
}

@test "a non-monotonic matrix is a warning, not an error" {
	sed 's/^  low:    { high: P3, medium: P4, low: P5 }/  low:    { high: P1, medium: P4, low: P5 }/' \
	    "$TOP/lib/default.yaml" >"$BATS_TEST_TMPDIR/nm.yaml"
	grep -q 'low:    { high: P1' "$BATS_TEST_TMPDIR/nm.yaml"
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/nm.yaml"
	assert_status 0
	assert_output "$BATS_TEST_TMPDIR/nm.yaml: ok"
	assert_one_line_error "warning: .*nm.yaml:[0-9]+:[0-9]+: matrix is not monotonic"
	# And the policy works, with the same warning.
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/nm.yaml" open x \
	    --caller a --impact low --urgency high
	assert_status 0
	assert_output "INC-1"
	assert_one_line_error "warning: .*matrix is not monotonic"
}

@test "search order: --config beats ITSM_CONFIG" {
	marked_policy "$BATS_TEST_TMPDIR/flag.yaml" from-flag
	marked_policy "$ITSM_CONFIG" from-env
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/flag.yaml" config show
	assert_status 0
	[ "${lines[0]}" = "# policy: $BATS_TEST_TMPDIR/flag.yaml" ]
	printf '%s\n' "$output" | grep -q '^  request: from-flag$'
	run --separate-stderr itsm --config="$BATS_TEST_TMPDIR/flag.yaml" config show
	[ "${lines[0]}" = "# policy: $BATS_TEST_TMPDIR/flag.yaml" ]
	# The commands use it too.
	open_ticket "req" --caller a
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/flag.yaml" categorize 1 --type request
	assert_output "REQ-1 redirected to from-flag"
}

@test "search order: ITSM_CONFIG beats XDG_CONFIG_HOME" {
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/xdg"
	marked_policy "$XDG_CONFIG_HOME/itsm/config.yaml" from-xdg
	marked_policy "$ITSM_CONFIG" from-env
	run --separate-stderr itsm config show
	[ "${lines[0]}" = "# policy: $ITSM_CONFIG" ]
	printf '%s\n' "$output" | grep -q '^  request: from-env$'
	open_ticket "req" --caller a
	run --separate-stderr itsm categorize 1 --type request
	assert_output "REQ-1 redirected to from-env"
}

@test "search order: XDG_CONFIG_HOME/itsm/config.yaml beats the default" {
	unset ITSM_CONFIG
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/xdg"
	marked_policy "$XDG_CONFIG_HOME/itsm/config.yaml" from-xdg
	marked_policy "$HOME/.config/itsm/config.yaml" from-home
	run --separate-stderr itsm config show
	assert_status 0
	[ "${lines[0]}" = "# policy: $XDG_CONFIG_HOME/itsm/config.yaml" ]
	open_ticket "req" --caller a
	run --separate-stderr itsm categorize 1 --type request
	assert_output "REQ-1 redirected to from-xdg"
}

@test "search order: without XDG_CONFIG_HOME, ~/.config/itsm/config.yaml" {
	unset ITSM_CONFIG
	marked_policy "$HOME/.config/itsm/config.yaml" from-home
	run --separate-stderr itsm config show
	assert_status 0
	[ "${lines[0]}" = "# policy: $HOME/.config/itsm/config.yaml" ]
	printf '%s\n' "$output" | grep -q '^  request: from-home$'
}

@test "search order: an empty XDG_CONFIG_HOME directory falls to the default" {
	[ ! -e /etc/itsm/config.yaml ] || skip "/etc/itsm/config.yaml exists here"
	unset ITSM_CONFIG
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/xdg"
	mkdir -p "$XDG_CONFIG_HOME"
	run --separate-stderr itsm config show
	assert_status 0
	[ "${lines[0]}" = "# policy: (default)" ]
	open_ticket "req" --caller a
	run --separate-stderr itsm categorize 1 --type request
	assert_output "REQ-1 redirected to service request management"
}

@test "config usage errors: 64" {
	run --separate-stderr itsm config
	assert_status 64
	assert_one_line_error "show|check"
	run --separate-stderr itsm config edit
	assert_status 64
	assert_one_line_error "unknown config command 'edit'"
	run --separate-stderr itsm config show extra
	assert_status 64
	assert_one_line_error "unexpected argument 'extra'"
	run --separate-stderr itsm config check a.yaml b.yaml
	assert_status 64
	assert_one_line_error "unexpected argument 'b.yaml'"
}

# --- Trust of the policy file (issue 11): the rule of the hooks
# (itsm-hooks(5), Security), as a warning. ---

# policy_warns WANT: config check and a command that reads the policy both
# work (exit 0), with the one line "itsm: warning: ..." WANT on stderr.
policy_warns() {
	run --separate-stderr itsm config check
	assert_status 0
	assert_output "$ITSM_CONFIG: ok"
	assert_stderr "$1"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	[[ $output == INC-* ]]
	assert_stderr "$1"
}

@test "a policy file writable by others, or owned by another user, is used with one warning" {
	chmod 646 "$ITSM_CONFIG"
	policy_warns "itsm: warning: policy '$ITSM_CONFIG' can be changed by others: '$ITSM_CONFIG' is writable by others"
	chmod 664 "$ITSM_CONFIG"
	policy_warns "itsm: warning: policy '$ITSM_CONFIG' can be changed by others: '$ITSM_CONFIG' is writable by its group"
	chmod 644 "$ITSM_CONFIG"
	chown nobody "$ITSM_CONFIG"
	policy_warns "itsm: warning: policy '$ITSM_CONFIG' can be changed by others: '$ITSM_CONFIG' is owned by another user (uid $(id -u nobody))"
}

@test "a policy in a directory writable by others, sticky or not, is used with one warning; under a sticky one it is not" {
	dir="$BATS_TEST_TMPDIR/open"
	mkdir "$dir"
	mv "$ITSM_CONFIG" "$dir/policy.yaml"
	export ITSM_CONFIG="$dir/policy.yaml"
	for m in 777 1777 775; do
		chmod "$m" "$dir"
		what="others"
		[ "$m" = 775 ] && what="its group"
		policy_warns "itsm: warning: policy '$ITSM_CONFIG' can be changed by others: '$dir' is writable by $what"
	done
	# Sticky, above the policy's own directory (as /tmp above every test's):
	# no warning.
	chmod 1777 "$dir"
	mkdir -m 755 "$dir/mine"
	mv "$ITSM_CONFIG" "$dir/mine/policy.yaml"
	export ITSM_CONFIG="$dir/mine/policy.yaml"
	run --separate-stderr itsm config check
	assert_status 0
	assert_stderr ""
	# A set-group-ID team directory, group-writable: no warning either.
	chmod 2775 "$dir/mine"
	run --separate-stderr itsm config check
	assert_status 0
	assert_stderr ""
	# Not sticky any more: the directory above is writable by others.
	chmod 777 "$dir"
	run --separate-stderr itsm config check
	assert_status 0
	assert_stderr "itsm: warning: policy '$ITSM_CONFIG' can be changed by others: '$dir' is writable by others"
}

@test "a policy reached through a link is checked where the link leads" {
	dir="$BATS_TEST_TMPDIR/open"
	mkdir -m 777 "$dir"
	mv "$ITSM_CONFIG" "$dir/policy.yaml"
	ln -s "$dir/policy.yaml" "$BATS_TEST_TMPDIR/policy.yaml"
	policy_warns "itsm: warning: policy '$ITSM_CONFIG' can be changed by others: '$dir' is writable by others"
}

# --- config show reports the hooks (issue 11). ---

@test "config show ends with the hooks that would run and why the others would not, and still round-trips" {
	use_hooks
	write_hook post-open 'exit 0'
	write_hook post-note 'exit 0'
	chmod 775 "$ITSM_HOOKS_DIR/post-note"
	write_hook post-close 'exit 0'
	chmod 644 "$ITSM_HOOKS_DIR/post-close"
	other="$BATS_TEST_TMPDIR/other"
	mkdir -m 777 "$other"
	printf '#!/bin/sh\n' >"$other/hook"
	chmod 755 "$other/hook"
	ln -s "$other/hook" "$ITSM_HOOKS_DIR/post-major-end"
	run --separate-stderr itsm config show
	assert_status 0
	assert_stderr ""
	[ "$(printf '%s\n' "$output" | sed -n '/^# hooks/,$p')" = "# hooks in '$ITSM_HOOKS_DIR':
#   post-open: runs
#   post-note: not run: '$ITSM_HOOKS_DIR/post-note' is writable by its group
#   post-close: not run: not an executable file
#   post-major-end: not run: '$other' is writable by others" ]
	# Still a policy that shows the same.
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/shown.yaml"
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/shown.yaml"
	assert_status 0
	assert_stderr ""
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/shown.yaml" config show
	[ "$(printf '%s\n' "$output" | sed 1d)" = "$(sed 1d "$BATS_TEST_TMPDIR/shown.yaml")" ]
	# An empty directory, --no-hooks.
	rm "$ITSM_HOOKS_DIR"/*
	run --separate-stderr itsm config show
	[ "${lines[-1]}" = "# hooks in '$ITSM_HOOKS_DIR': none" ]
	run --separate-stderr itsm --no-hooks config show
	[ "${lines[-1]}" = "# hooks: none of yours run (--no-hooks)" ]
}

@test "a policy read from a pipe (/dev/stdin) gives no trust warning; a file redirected to it is checked" {
	run --separate-stderr bash -c 'cat "$ITSM_CONFIG" | "$ITSM" config check /dev/stdin'
	assert_status 0
	assert_stderr ""
	chmod 646 "$ITSM_CONFIG"
	run --separate-stderr bash -c '"$ITSM" config check /dev/stdin <"$ITSM_CONFIG"'
	assert_status 0
	assert_stderr "itsm: warning: policy '/dev/stdin' can be changed by others: '$ITSM_CONFIG' is writable by others"
}
