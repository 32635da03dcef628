#!/bin/bash
# tests/golden/scenario.sh DIR: builds the golden database in DIR (a new,
# empty directory) through the real command line, with $ITSM the binary
# (build/itsm by default).  See tests/golden/README.
#
# Everything is deterministic: the clock is ITSM_NOW, stepped by "at", the
# actor ITSM_ACTOR; the database, the policy and the hooks directory are
# named by paths relative to DIR (itsm.db, policy.yaml, hooks), so that no
# output names the machine's directories.  DIR gets:
#   itsm.db       the database
#   policy.yaml   tests/golden/policy.yaml, the frozen policy
#   hooks/        one hook for every hook name itsm runs, each appending
#                 its name, its ticket and its standard input to hooks.log
#   transcript    every command run, its standard output, its standard
#                 error and its exit status
# The only value that depends on the machine is the login recorded beside
# each event (the name of the user id running itsm): see record.sh.
set -eu

GOLDEN=$(cd "$(dirname "$0")" && pwd)
: "${ITSM:=$GOLDEN/../../build/itsm}"
DIR=$1
cd "$DIR"

export ITSM ITSM_DB=itsm.db ITSM_CONFIG=policy.yaml ITSM_HOOKS_DIR=hooks
export LC_ALL=C.UTF-8 TZ=UTC
unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR COLUMNS ITSM_ACTOR
# A home of its own: a value that came from it would name DIR, and differ
# from one recording to the next.
mkdir -p home
export HOME=$PWD/home
cp "$GOLDEN/policy.yaml" policy.yaml

# Every hook name of itsm-hooks(5) (lib/hooks.c, itsm_hook_names).
HOOKS="post-open post-categorize post-prioritize post-note post-assign
post-escalate post-hold post-resolve post-close post-reopen post-cancel
post-major-propose post-major-declare post-major-reject post-major-roster
post-major-update post-major-comms post-major-link post-major-end
post-major-review post-major-action"
mkdir -p hooks
chmod 755 hooks
for h in $HOOKS; do
	# The payload is one line without a final line feed: one is added.
	printf '%s\n' '#!/bin/sh' \
	    'printf "%s %s\n" "$ITSM_EVENT" "$ITSM_REF" >>hooks.log' \
	    'cat >>hooks.log' 'echo >>hooks.log' >"hooks/$h"
	chmod 755 "hooks/$h"
done
: >hooks.log
: >transcript

# at TIME: the clock reads TIME (2026-MM-DDTHH:MM, UTC).
at() {
	export ITSM_NOW="$1:00Z"
}

# as ACTOR: who is working.
as() {
	export ITSM_ACTOR=$1
}

# t ARGS...: itsm ARGS, written to the transcript with its outputs and
# exit status (the arguments shell-quoted, awkward bytes included).
t() {
	local rc=0
	{
		printf '$ %s itsm' "$ITSM_NOW"
		printf ' %q' "$@"
		printf '\n'
	} >>transcript
	"$ITSM" "$@" >>transcript 2>transcript.err || rc=$?
	if [ -s transcript.err ]; then
		printf -- '--- stderr\n' >>transcript
		cat transcript.err >>transcript
	fi
	printf -- '--- exit %d\n' "$rc" >>transcript
	rm -f transcript.err
}

# Awkward text, so that every escaping is recorded.
QUOTES='He said "it\works" \n not a newline'
NEWLINE=$'first line\nsecond line\twith a tab'
UTF8='café, 中文, emoji 🚀 and ü'
FORMULA='=HYPERLINK("http://x.example","click"), and a comma'
ESC=$'colour \e[31mred\e[0m and a bell \a'

as alice

# --- INC-1: every option of open, a whole life, SLA met, closed. ---
at 2026-11-02T09:00
t open "VPN drops every hour" --caller ann --affected "$UTF8" --channel phone \
    --contact "$QUOTES" --service vpn -m "$NEWLINE" --type incident \
    --category network --subcategory vpn --impact medium --urgency high \
    --at 2026-11-02T08:55:00Z
at 2026-11-02T09:05
t categorize 1 --type incident --category network --subcategory connectivity -m "not the VPN client"
t prioritize 1 --impact high --urgency medium -m "$UTF8"
at 2026-11-02T09:10
t note 1 -m "reproduced: drops at :00, $FORMULA"
t assign 1 --to bob --group service-desk -m "bob knows VPNs"
at 2026-11-02T09:20
t escalate 1 -m "needs the network team"
at 2026-11-02T09:25
as bob
t assign 1
t escalate 1 --hierarchical --reason blocked -m "$QUOTES"
at 2026-11-02T10:00
t hold 1 --reason vendor -m "firmware bug, vendor case 4711"
at 2026-11-02T12:00
t hold 1 --release -m "vendor sent a workaround"
at 2026-11-02T12:30
t resolve 1 --workaround -m "rolled the firmware back" --code workaround
at 2026-11-02T13:00
as alice
t close 1 --rejected -m "$NEWLINE"
at 2026-11-02T14:00
as bob
t resolve 1 --permanent -m "vendor firmware 2.1 installed" --code solved
at 2026-11-03T09:00
t close 1 --confirmed --by "$UTF8" --satisfaction 4 -m "works now"

# --- INC-2: awkward summary; left new, its response and resolution
# breached (swept by cron later). ---
as alice
at 2026-11-02T09:30
t open "$FORMULA" --caller "$FORMULA" --channel email -m "$ESC" \
    --impact high --urgency high --category software --subcategory email

# --- INC-3: a request at once (redirected). REQ-4: categorized as a
# change later. ---
at 2026-11-02T09:40
t open "New laptop for é" --caller carl --type request --channel portal
t open "Upgrade the core switch" --caller dan --channel chat
at 2026-11-02T09:45
t categorize 4 --type change -m "a change, not an incident"

# --- INC-5: a duplicate of INC-1, cancelled; INC-6 cancelled, then
# reopened. ---
at 2026-11-02T09:50
t open "VPN down too" --caller eve --channel walk-in
t cancel 5 -m "same as INC-1" --duplicate-of 1
t open "$QUOTES" --caller fay --contact "$ESC"
t cancel 6 -m "opened by mistake"
at 2026-11-02T10:00
t reopen 6 -m "it was not a mistake"

# --- INC-7: the major incident, its whole life, with children INC-8 and
# INC-9; INC-10 a child of nothing. ---
at 2026-11-04T08:00
t open "Payroll run fails" --caller gus --service payroll --impact high \
    --urgency high -m "the monthly run stops at 40%"
at 2026-11-04T08:05
t open "Payroll error" --caller hal --service payroll
t open "Cannot see payslip" --caller ida --service payroll --channel email
at 2026-11-04T08:10
t major declare 7 -m "payroll stopped for the whole company" \
    --commander alice --bridge "$QUOTES"
at 2026-11-04T08:12
t major roster 7 --add frank --role engineer
t major roster 7 --add gina --role communications
t major roster 7 --add joe --role scribe
at 2026-11-04T08:14
t major roster 7 --remove joe
t major comms 7 --audience executives --channel email -m "$UTF8"
t major comms 7 --audience users --channel portal -m "$NEWLINE"
at 2026-11-04T08:20
t major link 7 --child 8 9
t major update 7 -m "database primary out of disk space; $ESC"
at 2026-11-04T08:30
t major roster 7 --handover frank
as frank
at 2026-11-04T08:40
t major update 7 -m "standby promoted" --at 2026-11-04T08:35:00Z
t major comms 7 --audience service-desk -m "$FORMULA"
at 2026-11-04T09:00
t major status 7
t major status 7 --json
at 2026-11-04T09:10
t major end 7 -m "service restored by failover"
at 2026-11-04T09:20
t prioritize 8 --impact low --urgency medium
t resolve 8 --workaround -m "payslip cache cleared"
at 2026-11-04T09:30
t resolve 7 --permanent --code solved -m "disk freed, log rotation on"
at 2026-11-04T10:00
t close 7 --confirmed --by gus --satisfaction 5
at 2026-11-05T10:00
t major review 7 --root-cause "$QUOTES" --factor "no disk space alert" \
    --factor "$UTF8" --went-well "the failover worked" \
    --went-wrong "$NEWLINE" --lucky "3 days before payday"
at 2026-11-05T10:30
t major action 7 --add "alert on disk space above 80%" --owner frank --due 2026-11-12
t major action 7 --add "$FORMULA" --owner gina --due 2026-11-06
t major action 7 --add "re-enable log rotation" --owner frank --due 2026-11-09
at 2026-11-06T09:00
t major action 7 --done 3

# --- INC-10: P1 mail outage proposed by detection's rules, rejected;
# INC-11: P2, in progress by a note. ---
as alice
at 2026-11-06T10:00
t open "Mail slow for one user" --caller kim --service mail --impact high --urgency high
t major detect --dry-run
at 2026-11-06T10:01
t major detect
at 2026-11-06T10:02
t major reject 10 -m "one user only"
t open "Printer offline, 2nd floor" --caller lee --impact medium --urgency high \
    --category hardware --subcategory printer
at 2026-11-06T10:10
t note 11 -m "$ESC"
t assign 11 --to "$UTF8" --group engineering

# --- INC-12: on hold for the user; INC-13: resolved early, closed by
# cron; INC-14: resolved late, still waiting for the user. ---
at 2026-11-06T11:00
t open "Badge refused" --caller may --category access --subcategory account \
    --impact low --urgency medium
t hold 12 --reason user -m "waiting for the badge number"
t open "Keyboard dead" --caller ned --channel walk-in --impact low --urgency low
at 2026-11-06T11:05
t resolve 13 --permanent -m "new keyboard" --code user-error
at 2026-11-08T09:00
t open "Screen flickers" --caller oz --impact low --urgency low
at 2026-11-08T09:05
t resolve 14 --workaround -m "cable reseated" --code not-reproducible

# --- The sweeps of cron. ---
at 2026-11-12T08:00
t escalate --stagnant --dry-run
t escalate --stagnant
t escalate --stagnant --breached
t close --auto --dry-run
t close --auto
t major detect

# --- INC-15: imported from itsm's own JSON Lines, closed. ---
cat >import.jsonl <<'EOF'
{"id":15,"ref":"INC-15","type":"incident","status":"closed","summary":"Imported: \"disk\" full \\ again","description":"line one\nline two","caller":"pat","affected":"pat","channel":"monitoring","contact":null,"service":"erp","category":"hardware","subcategory":"desktop","impact":"low","urgency":"high","priority":"P3","major":false,"tier":"N1","group":"service-desk","assignee":"quinn","opened_at":"2026-10-01T08:00:00Z","updated_at":"2026-10-01T12:00:00Z","responded_at":"2026-10-01T08:30:00Z","resolved_at":"2026-10-01T11:00:00Z","closed_at":"2026-10-01T12:00:00Z","response_due":"2026-10-01T10:00:00Z","resolution_due":"2026-10-02T08:00:00Z","resolution":{"type":"permanent","code":"solved","notes":"purged, é"},"satisfaction":3,"reopen_count":0,"reassignment_count":0,"parent":null,"events":[{"at":"2026-10-01T08:00:00Z","recorded_at":"2026-10-01T08:00:00Z","actor":"quinn","login":"legacy","kind":"open","field":"status","from":null,"to":"new","message":"line one\nline two"},{"at":"2026-10-01T08:30:00Z","recorded_at":"2026-10-01T08:31:00Z","actor":"quinn","login":"legacy","kind":"start","field":"status","from":"new","to":"in_progress","message":null},{"at":"2026-10-01T11:00:00Z","recorded_at":"2026-10-01T11:00:00Z","actor":"quinn","login":"legacy","kind":"resolve","field":"status","from":"in_progress","to":"resolved","message":"purged, é"},{"at":"2026-10-01T12:00:00Z","recorded_at":"2026-10-01T12:00:00Z","actor":"quinn","login":"legacy","kind":"close","field":"status","from":"resolved","to":"closed","message":null}],"store":{"ext_ref":"MON-77","priority_rank":3,"stagnant_escalated_at":null,"breach_escalated_at":null,"auto_closed":false,"hold_reason":null},"crisis":null}
EOF
at 2026-11-12T09:00
t import import.jsonl

# --- INC-16: opened last, a change of priority left to do (no impact,
# no urgency), assigned to alice for "next --mine". ---
at 2026-11-12T09:30
t open "Share a calendar" --caller rob --channel phone
t assign 16 --to alice

# --- INC-17 .. INC-21: a storm of calls on erp, proposed by detection;
# INC-18 escalated to a named group. ---
at 2026-11-12T09:40
t open "ERP login fails" --caller sam --service erp
at 2026-11-12T09:45
t open "ERP slow" --caller tia --service erp --channel chat
t escalate 18 --to engineering -m "straight to the developers"
at 2026-11-12T09:50
t open "ERP timeout" --caller uma --service erp
t open "ERP error 500" --caller vic --service erp --channel portal
at 2026-11-12T09:55
t open "ERP down?" --caller wes --service erp --channel email
t major detect
