#!/usr/bin/env bats
# Hooks through the outbox (issues 15, 18): each hook is a row of the
# outbox (kind hook, its file, its input), queued in the transaction of
# its event and run after the commit; one that fails stays queued and is
# retried with the outbox's backoff by itsm notify; itsm outbox lists it.
# The team's hooks (ITSM_SYSTEM_HOOKS_DIR here, /etc/itsm/hooks by
# default) run for every user, before the user's own.

load helper

# flaky_hook NAME N [DIR]: hook NAME fails (exit 75) while
# $BATS_TEST_TMPDIR/fails holds a number above 0, counting it down; then
# it succeeds, saving its input to NAME.json and appending
# "EVENT REF" to $BATS_TEST_TMPDIR/ran.
flaky_hook() {
	write_hook "$1" 'n=$(cat "'"$BATS_TEST_TMPDIR"'/fails")
if [ "$n" -gt 0 ]; then
	echo $((n - 1)) >"'"$BATS_TEST_TMPDIR"'/fails"
	exit 75
fi
cat >"'"$BATS_TEST_TMPDIR"'/$ITSM_EVENT.json"
echo "$ITSM_EVENT $ITSM_REF" >>"'"$BATS_TEST_TMPDIR"'/ran"' "${3:-}"
	echo "$2" >"$BATS_TEST_TMPDIR/fails"
}

ran() {
	cat "$BATS_TEST_TMPDIR/ran" 2>/dev/null || true
}

@test "a hook that fails three times then succeeds: retried with backoff by itsm notify, run once successfully, then gone" {
	use_hooks
	flaky_hook post-open 3
	run --separate-stderr itsm open "Flaky" --caller ann
	assert_status 0
	assert_output "INC-1"
	assert_stderr "itsm: hook 'post-open' failed for INC-1: exit status 75; itsm notify retries it"
	# Queued with its event: kind, name, its file, one attempt.
	[ "$(db_sql "SELECT kind || ' ' || name || ' ' || recipients || ' ' || state || ' ' || attempts || ' ' || CASE WHEN event = (SELECT max(id) FROM events) THEN 'last' ELSE 'other' END FROM outbox")" = \
	    "hook post-open $ITSM_HOOKS_DIR/post-open pending 1 last" ]
	# Not due before its backoff: silent, nothing tried; then retried.
	backoff_walk
	assert_output ""
	assert_stderr "itsm: hook 'post-open' failed for INC-1 (attempt 3): exit status 75; itsm notify retries it"
	run --separate-stderr itsm outbox --json
	jq_is '.[] | [.kind, .name, .state, .attempts, .next_attempt_at, .last_error, .message_id]' \
	    '["hook","post-open","pending",3,"2026-11-28T09:07:00Z","exit status 75",null]'
	ITSM_NOW=2026-11-28T09:07:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_output ""
	assert_stderr ""
	[ "$(ran)" = "post-open INC-1" ]
	# Its input is the event and the ticket as they were at the commit.
	output=$(cat "$BATS_TEST_TMPDIR/post-open.json")
	jq_is '[.event.name, .event.ref, .event.changes[0].kind, .ticket.summary, .ticket.status]' \
	    '["post-open","INC-1","open","Flaky","new"]'
	[ "$output" = "$(db_sql "SELECT payload FROM outbox")" ]
	# Done: gone from the outbox; itsm notify silent when idle.
	ITSM_NOW=2026-11-28T10:00:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_output ""
	assert_stderr ""
	[ "$(ran)" = "post-open INC-1" ]
	[ "$(db_sql "SELECT state || ' ' || attempts FROM outbox")" = "sent 4" ]
	run --separate-stderr itsm outbox
	assert_status 0
	assert_output ""
}

@test "a hook's input is the same after the commit and from itsm notify" {
	use_hooks
	flaky_hook post-note 0
	open_ticket "Mail down" --caller ann
	itsm note 1 -m "looking" >/dev/null
	first=$(cat "$BATS_TEST_TMPDIR/post-note.json")
	echo 1 >"$BATS_TEST_TMPDIR/fails"
	itsm note 1 -m "still looking" 2>/dev/null >/dev/null
	ITSM_NOW=2026-11-28T09:05:00Z run --separate-stderr itsm notify
	assert_stderr ""
	output=$(cat "$BATS_TEST_TMPDIR/post-note.json")
	jq_is '.event.message' '"still looking"'
	# The same members, the second note's event and not the first's.
	[ "$(jq -c 'paths | map(tostring) | join(".")' <<<"$first" | grep -v '^ticket\.\|changes\.' | sort)" = \
	    "$(jq -c 'paths | map(tostring) | join(".")' <<<"$output" | grep -v '^ticket\.\|changes\.' | sort)" ]
	jq_is '[.event.changes[] | .message] | map(select(. != null))' '["still looking"]'
	[ "$(ran)" = "post-note INC-1
post-note INC-1" ]
}

@test "a hook run by itsm notify has SIGPIPE as usual, as after the commit" {
	use_hooks
	# Ignored, SIGPIPE would make yes(1) complain of a broken pipe.
	write_hook post-note 'yes | head -n 1 >/dev/null
[ -e "'"$BATS_TEST_TMPDIR"'/fail" ] && exit 1
exit 0'
	open_ticket "Mail down" --caller ann
	run --separate-stderr itsm note 1 -m x
	assert_stderr ""
	touch "$BATS_TEST_TMPDIR/fail"
	run --separate-stderr itsm note 1 -m y
	assert_stderr "itsm: hook 'post-note' failed for INC-1: exit status 1; itsm notify retries it"
	rm "$BATS_TEST_TMPDIR/fail"
	ITSM_NOW=2026-11-28T09:05:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr ""
}

@test "itsm outbox shows a failed hook, its file and why; after the retry limit it is failed for good" {
	use_hooks
	cat >>"$ITSM_CONFIG" <<'EOF'
mail:
  from: {address: desk@example.org}
  retry: {attempts: 2, backoff: 1m, max_backoff: 1h}
EOF
	write_hook post-open 'exit 3'
	itsm open "Mail down" --caller ann >/dev/null 2>&1
	run --separate-stderr itsm outbox --format csv
	assert_status 0
	assert_output "ID,STATE,TRIES,NEXT,REF,KIND,NAME,TO,ERROR
1,pending,1,2026-11-28T09:01:00Z,INC-1,hook,post-open,$ITSM_HOOKS_DIR/post-open,exit status 3
2,failed,0,-,INC-1,mail,opened,-,no mail address for the caller"
	ITSM_NOW=2026-11-28T09:05:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr "itsm: hook 'post-open' failed for INC-1 (attempt 2): exit status 3; given up"
	ITSM_NOW=2026-11-29T09:00:00Z run --separate-stderr itsm notify
	assert_stderr ""
	run --separate-stderr itsm outbox
	assert_output $'1\tfailed\t2\t-\tINC-1\thook\tpost-open\t'"$ITSM_HOOKS_DIR/post-open"$'\texit status 3
2\tfailed\t0\t-\tINC-1\tmail\topened\t-\tno mail address for the caller'
}

@test "a hook removed or disabled before its retry is given up at once, saying why" {
	use_hooks
	write_hook post-open 'exit 3'
	write_hook post-note 'exit 3'
	open_ticket "Mail down" --caller ann 2>/dev/null
	itsm note 1 -m x >/dev/null 2>&1
	rm "$ITSM_HOOKS_DIR/post-open"
	chmod 644 "$ITSM_HOOKS_DIR/post-note"
	ITSM_NOW=2026-11-28T09:05:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr "itsm: hook 'post-open' not run for INC-1: '$ITSM_HOOKS_DIR/post-open' is no longer an executable file; given up
itsm: hook 'post-note' not run for INC-1: '$ITSM_HOOKS_DIR/post-note' is no longer an executable file; given up"
	[ "$(db_sql "SELECT state || ' ' || attempts FROM outbox ORDER BY id")" = "failed 2
failed 2" ]
}

@test "a hook refused by the trust rules stays queued, and runs once they are mended" {
	use_hooks
	flaky_hook post-open 0
	chmod 777 "$ITSM_HOOKS_DIR"
	run --separate-stderr itsm open "Mail down" --caller ann
	assert_status 0
	assert_stderr "itsm: hook 'post-open' not run: '$ITSM_HOOKS_DIR' is writable by others; itsm notify retries it"
	[ -z "$(ran)" ]
	run --separate-stderr itsm outbox --json
	jq_is '.[] | [.state, .attempts, .last_error]' \
	    "[\"pending\",1,\"'$ITSM_HOOKS_DIR' is writable by others\"]"
	chmod 755 "$ITSM_HOOKS_DIR"
	ITSM_NOW=2026-11-28T09:05:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr ""
	[ "$(ran)" = "post-open INC-1" ]
}

@test "itsm killed during a hook: nothing lost, the hook runs again once the claim is over" {
	use_hooks
	# The first run kills itsm (its parent) and fails; the next ones record.
	write_hook post-open 'if [ ! -e "'"$BATS_TEST_TMPDIR"'/killed" ]; then
	echo "$ITSM_OUTBOX_ID" >"'"$BATS_TEST_TMPDIR"'/killed"
	kill -9 $PPID
	exit 1
fi
echo "$ITSM_EVENT $ITSM_REF $ITSM_OUTBOX_ID" >>"'"$BATS_TEST_TMPDIR"'/ran"'
	run --separate-stderr itsm open "Crash" --caller ann
	assert_status 137
	[ -e "$BATS_TEST_TMPDIR/killed" ]
	# The ticket is committed, the hook's row claimed.
	ticket_is 1 '.summary' '"Crash"'
	[ "$(db_sql "SELECT state || ' ' || attempts FROM outbox")" = "pending 1" ]
	# Not run again before the claim is over (hook_timeout, 30s, + 1m).
	run --separate-stderr itsm notify
	assert_stderr ""
	[ -z "$(ran)" ]
	ITSM_NOW=2026-11-28T09:01:31Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr ""
	# The same row, the same ITSM_OUTBOX_ID at each attempt.
	[ "$(ran)" = "post-open INC-1 1" ]
	[ "$(cat "$BATS_TEST_TMPDIR/killed")" = 1 ]
	ITSM_NOW=2026-11-28T10:00:00Z itsm notify
	[ "$(ran)" = "post-open INC-1 1" ]
	[ "$(db_sql "SELECT state || ' ' || attempts FROM outbox")" = "sent 2" ]
}

@test "a refused command queues no hook: the outbox is unchanged" {
	use_hooks
	use_team_hooks
	write_hook post-close 'exit 0'
	write_hook post-close 'exit 0' "$ITSM_SYSTEM_HOOKS_DIR"
	open_ticket "Mail down" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm close 1 --confirmed
	assert_status 1
	assert_output ""
	assert_unchanged "$before"
	[ "$(db_sql "SELECT count(*) FROM outbox")" = 0 ]
}

# --- The team's hooks (issue 18). ---

@test "the team's hook runs for the user, before the user's own, each through the outbox" {
	use_hooks
	use_team_hooks
	write_hook post-open 'cat >"'"$BATS_TEST_TMPDIR"'/team.json"
echo "team $ITSM_EVENT $ITSM_REF" >>"'"$BATS_TEST_TMPDIR"'/ran"' "$ITSM_SYSTEM_HOOKS_DIR"
	write_hook post-open 'cat >"'"$BATS_TEST_TMPDIR"'/user.json"
echo "user $ITSM_EVENT $ITSM_REF" >>"'"$BATS_TEST_TMPDIR"'/ran"'
	run --separate-stderr itsm open "Mail down" --caller ann
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	[ "$(ran)" = "team post-open INC-1
user post-open INC-1" ]
	# Both get the same input.
	cmp "$BATS_TEST_TMPDIR/team.json" "$BATS_TEST_TMPDIR/user.json"
	[ "$(db_sql "SELECT id || ' ' || recipients || ' ' || state FROM outbox ORDER BY id")" = \
	    "1 $ITSM_SYSTEM_HOOKS_DIR/post-open sent
2 $ITSM_HOOKS_DIR/post-open sent" ]
}

@test "the team's hook runs without a hook of the user's, and with --no-hooks: a user cannot opt out" {
	use_team_hooks
	write_hook post-open 'echo "team $ITSM_REF" >>"'"$BATS_TEST_TMPDIR"'/ran"' "$ITSM_SYSTEM_HOOKS_DIR"
	use_hooks
	write_hook post-open 'echo "user $ITSM_REF" >>"'"$BATS_TEST_TMPDIR"'/ran"'
	run --separate-stderr itsm --no-hooks open "Mail down" --caller ann
	assert_status 0
	assert_stderr ""
	[ "$(ran)" = "team INC-1" ]
	rm "$ITSM_HOOKS_DIR/post-open"
	itsm open "DNS down" --caller ann >/dev/null
	[ "$(ran)" = "team INC-1
team INC-2" ]
}

@test "a user whose hooks directory is the team's runs each hook once" {
	use_team_hooks
	export ITSM_HOOKS_DIR=$ITSM_SYSTEM_HOOKS_DIR
	write_hook post-open 'echo "$ITSM_REF" >>"'"$BATS_TEST_TMPDIR"'/ran"'
	run --separate-stderr itsm open "Mail down" --caller ann
	assert_status 0
	assert_stderr ""
	[ "$(ran)" = INC-1 ]
	[ "$(db_sql "SELECT count(*) FROM outbox")" = 1 ]
}

@test "a team's hook that fails is retried by itsm notify like the user's" {
	use_team_hooks
	flaky_hook post-open 1 "$ITSM_SYSTEM_HOOKS_DIR"
	run --separate-stderr itsm open "Mail down" --caller ann
	assert_status 0
	assert_stderr "itsm: hook 'post-open' failed for INC-1: exit status 75; itsm notify retries it"
	run --separate-stderr itsm outbox
	assert_output $'1\tpending\t1\t2026-11-28T09:01:00Z\tINC-1\thook\tpost-open\t'"$ITSM_SYSTEM_HOOKS_DIR/post-open"$'\texit status 75'
	ITSM_NOW=2026-11-28T09:01:00Z run --separate-stderr itsm notify
	assert_stderr ""
	[ "$(ran)" = "post-open INC-1" ]
}

@test "an untrusted team's directory is refused with the reason the trust rules give; the user's hook still runs" {
	use_team_hooks
	write_hook post-open 'echo team >>"'"$BATS_TEST_TMPDIR"'/ran"' "$ITSM_SYSTEM_HOOKS_DIR"
	use_hooks
	write_hook post-open 'echo user >>"'"$BATS_TEST_TMPDIR"'/ran"'
	chmod 775 "$ITSM_SYSTEM_HOOKS_DIR"
	run --separate-stderr itsm open "Mail down" --caller ann
	assert_status 0
	assert_output "INC-1"
	assert_stderr "itsm: hook 'post-open' not run: '$ITSM_SYSTEM_HOOKS_DIR' is writable by its group; itsm notify retries it"
	[ "$(ran)" = user ]
	chmod 755 "$ITSM_SYSTEM_HOOKS_DIR"
	chown nobody "$ITSM_SYSTEM_HOOKS_DIR/post-open"
	run --separate-stderr itsm open "DNS down" --caller ann
	assert_status 0
	assert_stderr "itsm: hook 'post-open' not run: '$ITSM_SYSTEM_HOOKS_DIR/post-open' is owned by another user (uid $(id -u nobody)); itsm notify retries it"
	[ "$(ran)" = "user
user" ]
}

@test "config show lists the team's hooks before the user's" {
	use_team_hooks
	write_hook post-open 'exit 0' "$ITSM_SYSTEM_HOOKS_DIR"
	use_hooks
	write_hook post-note 'exit 0'
	run --separate-stderr itsm config show
	assert_status 0
	[ "$(printf '%s\n' "$output" | sed -n "/^# team's hooks/,\$p")" = "# team's hooks in '$ITSM_SYSTEM_HOOKS_DIR':
#   post-open: runs
# hooks in '$ITSM_HOOKS_DIR':
#   post-note: runs" ]
	run --separate-stderr itsm --no-hooks config show
	[ "$(printf '%s\n' "$output" | sed -n "/^# team's hooks/,\$p")" = "# team's hooks in '$ITSM_SYSTEM_HOOKS_DIR':
#   post-open: runs
# hooks: none of yours run (--no-hooks)" ]
}
