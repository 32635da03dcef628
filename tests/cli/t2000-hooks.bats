#!/usr/bin/env bats
# Hooks (DESIGN.md section 8): executables in the hooks directory named
# after the event, run after the commit with the event and the ticket as
# JSON on stdin and ITSM_EVENT set; a failing or hanging hook is reported
# and changes nothing committed; a directory writable by others is refused.

load helper

# The hook every test installs: it saves its input and its environment.
RECORDER='cat >"$ITSM_HOOKS_DIR/../$ITSM_EVENT.json"
echo "$ITSM_EVENT $ITSM_REF" >>"$ITSM_HOOKS_DIR/../ran"'

@test "a hook in \$XDG_CONFIG_HOME/itsm/hooks receives the event and the ticket as JSON" {
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	mkdir -p "$XDG_CONFIG_HOME/itsm/hooks"
	chmod 755 "$XDG_CONFIG_HOME/itsm/hooks"
	cat >"$XDG_CONFIG_HOME/itsm/hooks/post-open" <<'EOF'
#!/bin/sh
cat >"$XDG_CONFIG_HOME/input.json"
printf '%s\n' "$ITSM_EVENT" >"$XDG_CONFIG_HOME/event"
EOF
	chmod 755 "$XDG_CONFIG_HOME/itsm/hooks/post-open"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	[ "$(cat "$XDG_CONFIG_HOME/event")" = post-open ]
	output=$(cat "$XDG_CONFIG_HOME/input.json")
	jq_is 'keys_unsorted' '["event","ticket"]'
	jq_is '[.event.name, .event.ref, .ticket.status, .ticket.summary]' \
	    '["post-open","INC-1","new","Mail down"]'
	jq_is '.event | keys_unsorted' '["name","ref","reason","message","managers","changes"]'
	jq_is '.ticket | keys_unsorted' "$TICKET_KEYS"
	jq_is '[.event.changes[] | [.kind, .field, .from, .to]]' '[["open","status",null,"new"]]'
}

@test "every command runs its hook, named after the event, with ITSM_EVENT and ITSM_REF" {
	use_hooks
	for h in post-open post-categorize post-prioritize post-note post-assign \
	    post-escalate post-hold post-resolve post-close post-reopen post-cancel; do
		write_hook "$h" "$RECORDER"
	done
	itsm open "Mail down" --caller alice >/dev/null
	itsm categorize 1 --type incident --category software --subcategory email >/dev/null
	itsm prioritize 1 --impact medium --urgency medium >/dev/null
	itsm note 1 -m "looking" >/dev/null
	itsm assign 1 --to bob >/dev/null
	itsm escalate 1 >/dev/null
	itsm hold 1 --reason vendor -m "patch" >/dev/null
	itsm hold 1 --release >/dev/null
	itsm resolve 1 --permanent -m "patched" >/dev/null
	itsm close 1 --confirmed >/dev/null
	itsm reopen 1 -m "again" >/dev/null
	itsm cancel 1 -m "duplicate after all" >/dev/null
	run cat "$BATS_TEST_TMPDIR/ran"
	assert_output "post-open INC-1
post-categorize INC-1
post-prioritize INC-1
post-note INC-1
post-assign INC-1
post-escalate INC-1
post-hold INC-1
post-hold INC-1
post-resolve INC-1
post-close INC-1
post-reopen INC-1
post-cancel INC-1"
	output=$(cat "$BATS_TEST_TMPDIR/post-cancel.json")
	jq_is '[.event.name, .event.message, .ticket.status]' '["post-cancel","duplicate after all","cancelled"]'
	output=$(cat "$BATS_TEST_TMPDIR/post-close.json")
	jq_is '[.event.name, .event.reason, .ticket.status]' '["post-close","confirmed","closed"]'
	output=$(cat "$BATS_TEST_TMPDIR/post-resolve.json")
	jq_is '[.event.reason, .event.message, .ticket.status, .ticket.resolution.type]' \
	    '["permanent","patched","resolved","permanent"]'
	output=$(cat "$BATS_TEST_TMPDIR/post-hold.json")
	jq_is '[.event.reason, .ticket.status]' '["release","in_progress"]'
}

@test "the hook runs after the commit: it sees the change through itsm" {
	use_hooks
	export ITSM
	write_hook post-resolve '"$ITSM" show "$ITSM_REF" --json >"$ITSM_HOOKS_DIR/../seen.json"'
	open_ticket "Mail down" --caller alice --impact low --urgency low
	run --separate-stderr itsm resolve 1 --workaround -m "restarted"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	output=$(cat "$BATS_TEST_TMPDIR/seen.json")
	jq_is '[.status, .resolution.notes]' '["resolved","restarted"]'
}

@test "a failing hook: exit 0, output intact, one line naming the hook, the change committed" {
	use_hooks
	write_hook post-note 'cat >/dev/null; exit 3'
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm note 1 -m "looking"
	assert_status 0
	assert_output "INC-1"
	assert_stderr "itsm: hook 'post-note' failed for INC-1: exit status 3; itsm notify retries it"
	ticket_is 1 '[.status, .events[-2].message]' '["in_progress","looking"]'
}

@test "a failing hook's JSON output is intact too" {
	use_hooks
	write_hook post-assign 'exit 1'
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm assign 1 --to bob --json
	assert_status 0
	jq_is '[.ref, .assignee]' '["INC-1","bob"]'
	assert_stderr "itsm: hook 'post-assign' failed for INC-1: exit status 1; itsm notify retries it"
}

@test "a hanging hook is killed at the policy's hook_timeout and reported" {
	use_hooks
	policy_set hook_timeout 1s
	write_hook post-note 'sleep 60 &
echo $! >"$ITSM_HOOKS_DIR/../sleep.pid"
wait'
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm note 1 -m "looking"
	assert_status 0
	assert_output "INC-1"
	assert_stderr "itsm: hook 'post-note' failed for INC-1: timed out; itsm notify retries it"
	ticket_is 1 '.events[-2].message' '"looking"'
	# Its process group is gone (or a zombie about to be reaped).
	pid=$(cat "$BATS_TEST_TMPDIR/sleep.pid")
	state=$(ps -o stat= -p "$pid" || true)
	[[ -z $state || $state == Z* ]] || { echo "sleep $pid still runs: $state" >&2; false; }
}

@test "a hooks directory writable by others: the hook does not run, a warning says why" {
	use_hooks
	write_hook post-open "$RECORDER"
	chmod 777 "$ITSM_HOOKS_DIR"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_output "INC-1"
	assert_stderr "itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR' is writable by others; itsm notify retries it"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	ticket_is 1 '.status' '"new"'
}

@test "a hook file writable by others does not run either" {
	use_hooks
	write_hook post-open "$RECORDER"
	chmod 757 "$ITSM_HOOKS_DIR/post-open"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_output "INC-1"
	assert_stderr "itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR/post-open' is writable by others; itsm notify retries it"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "--no-hooks skips them, before or after the command" {
	use_hooks
	write_hook post-open "$RECORDER"
	write_hook post-note "$RECORDER"
	run --separate-stderr itsm --no-hooks open "Mail down" --caller alice
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	run --separate-stderr itsm note 1 -m "looking" --no-hooks
	assert_status 0
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	itsm note 1 -m "with hooks" >/dev/null
	[ "$(cat "$BATS_TEST_TMPDIR/ran")" = "post-note INC-1" ]
}

@test "a hook's standard output does not reach itsm's standard output" {
	use_hooks
	write_hook post-open 'echo "hook says hello"; echo "hook complains" >&2'
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_output "INC-1"
	assert_stderr "hook says hello
hook complains"
	run --separate-stderr itsm open "DNS down" --caller alice --json
	assert_status 0
	jq_is '.ref' '"INC-2"'
}

@test "a hook that does not read its input is no failure" {
	use_hooks
	write_hook post-note 'exit 0'
	open_ticket "Mail down" --caller alice
	head -c 60000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/long"
	run --separate-stderr itsm note 1 -m - <"$BATS_TEST_TMPDIR/long"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
}

@test "a refused or failed command runs no hook" {
	use_hooks
	write_hook post-close "$RECORDER"
	write_hook post-note "$RECORDER"
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm close 1 --confirmed
	assert_status 1
	run --separate-stderr itsm note 1 -m ""
	assert_status 65
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "a hook that is not executable is skipped without a word" {
	use_hooks
	write_hook post-open "$RECORDER"
	chmod 644 "$ITSM_HOOKS_DIR/post-open"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_stderr ""
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

# --- Trust (issue 11): the hooks directory, every directory above it, the
# file and the links on the way must be owned by this user or root and not
# writable by group or others (itsm-hooks(5), Security). ---

# refused_once CMD...: runs itsm CMD; exit 0, the hook did not run, and
# stderr is the one line $want.
refused_once() {
	run --separate-stderr itsm "$@"
	assert_status 0
	assert_stderr "$want"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "a hook owned by another user does not run: one line names the owner" {
	use_hooks
	write_hook post-open "$RECORDER"
	chown nobody "$ITSM_HOOKS_DIR/post-open"
	uid=$(id -u nobody)
	want="itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR/post-open' is owned by another user (uid $uid); itsm notify retries it"
	refused_once open "Mail down" --caller alice
	assert_output "INC-1"
	ticket_is 1 '.status' '"new"'
	# A hooks directory owned by another user, likewise.
	chown root "$ITSM_HOOKS_DIR/post-open"
	chown nobody "$ITSM_HOOKS_DIR"
	want="itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR' is owned by another user (uid $uid); itsm notify retries it"
	refused_once open "DNS down" --caller alice
	assert_output "INC-2"
}

@test "a hook that is a link into a directory writable by others does not run, sticky or not" {
	use_hooks
	shared="$BATS_TEST_TMPDIR/shared"
	mkdir "$shared"
	printf '#!/bin/sh\n%s\n' "$RECORDER" >"$shared/post-open"
	chmod 755 "$shared/post-open"
	ln -s "$shared/post-open" "$ITSM_HOOKS_DIR/post-open"
	for m in 777 1777; do
		chmod "$m" "$shared"
		want="itsm: hook 'post-open' not run: '$shared' is writable by others; itsm notify retries it"
		refused_once open "Mail down" --caller alice
	done
	# A link owned by another user is refused too, in a trusted directory.
	chmod 755 "$shared"
	chown -h nobody "$ITSM_HOOKS_DIR/post-open"
	want="itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR/post-open' is owned by another user (uid $(id -u nobody)); itsm notify retries it"
	refused_once open "Mail down" --caller alice
	# Owned by root, into a trusted directory, the link runs the hook.
	chown -h root "$ITSM_HOOKS_DIR/post-open"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_stderr ""
	[ "$(cat "$BATS_TEST_TMPDIR/ran")" = "post-open INC-4" ]
}

@test "a hooks directory under a directory writable by others does not run; under a sticky one (like /tmp) it does" {
	open="$BATS_TEST_TMPDIR/open"
	export ITSM_HOOKS_DIR="$open/hooks"
	mkdir -p "$ITSM_HOOKS_DIR"
	chmod 755 "$ITSM_HOOKS_DIR"
	write_hook post-open "echo ran >>\"$BATS_TEST_TMPDIR/ran\""
	chmod 777 "$open"
	want="itsm: hook 'post-open' not run: '$open' is writable by others; itsm notify retries it"
	refused_once open "Mail down" --caller alice
	assert_output "INC-1"
	# Sticky: nobody else may rename or remove what is ours in it.
	chmod 1777 "$open"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_stderr ""
	[ "$(cat "$BATS_TEST_TMPDIR/ran")" = ran ]
}

@test "a group-writable hooks directory runs only when set-group-ID (a team's); a group-writable hook never" {
	use_hooks
	write_hook post-open "echo ran >>\"$BATS_TEST_TMPDIR/ran\""
	chmod 775 "$ITSM_HOOKS_DIR"
	want="itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR' is writable by its group; itsm notify retries it"
	refused_once open "Mail down" --caller alice
	chmod 2775 "$ITSM_HOOKS_DIR"
	chmod 775 "$ITSM_HOOKS_DIR/post-open"
	want="itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR/post-open' is writable by its group; itsm notify retries it"
	refused_once open "Mail down" --caller alice
	chmod 755 "$ITSM_HOOKS_DIR/post-open"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_stderr ""
	[ "$(cat "$BATS_TEST_TMPDIR/ran")" = ran ]
}

@test "a hook refused for many tickets at once is reported once" {
	use_hooks
	write_hook post-escalate "$RECORDER"
	chmod 777 "$ITSM_HOOKS_DIR"
	for i in 1 2 3; do
		open_ticket "Mail down $i" --caller alice --impact high --urgency high
	done
	ITSM_NOW=2026-12-28T09:00:00Z run --separate-stderr itsm escalate --stagnant
	assert_status 0
	[ "$(grep -c INC- <<<"$output")" -ge 2 ]
	assert_stderr "itsm: hook 'post-escalate' not run: '$ITSM_HOOKS_DIR' is writable by others; itsm notify retries it"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "a trusted hook still runs, through a link to a trusted script as itsm-hooks(5) shows" {
	use_hooks
	write_hook log-event "$RECORDER"
	ln -s log-event "$ITSM_HOOKS_DIR/post-open"
	ln -s log-event "$ITSM_HOOKS_DIR/post-note"
	run --separate-stderr itsm open "Mail down" --caller alice
	assert_status 0
	assert_stderr ""
	itsm note 1 -m looking >/dev/null
	run cat "$BATS_TEST_TMPDIR/ran"
	assert_output "post-open INC-1
post-note INC-1"
}
