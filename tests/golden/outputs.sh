#!/bin/bash
# tests/golden/outputs.sh DIR OUT: reads the golden database that
# scenario.sh built in DIR with $ITSM (build/itsm by default) and writes
# every recorded output into the directory OUT, one file each, named as
# under tests/golden/expected/.  The clock is fixed; the database, the
# policy and the hooks are DIR's, by relative paths.
#
# Each file is the command's standard output only (to a file, not a
# terminal: NAME.txt is the default format there, NAME.table the table); its exit status and
# standard error are kept, for every command, in OUT/statuses.  The
# transcript and the hook log of the scenario are copied as they are.
set -eu

GOLDEN=$(cd "$(dirname "$0")" && pwd)
: "${ITSM:=$GOLDEN/../../build/itsm}"
DIR=$1
mkdir -p "$2"
OUT=$(cd "$2" && pwd)
cd "$DIR"

export ITSM_DB=itsm.db ITSM_CONFIG=policy.yaml ITSM_HOOKS_DIR=hooks
export LC_ALL=C.UTF-8 TZ=UTC ITSM_NOW=2026-11-12T10:00:00Z ITSM_ACTOR=alice
unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR COLUMNS
export HOME=$PWD/home

: >"$OUT/statuses"

# o FILE ARGS...: itsm ARGS, its standard output into OUT/FILE, its
# status and standard error into OUT/statuses.  Reading runs no hook:
# one that did would add to the hook log, copied last.
o() {
	local f=$1 rc=0
	shift
	"$ITSM" "$@" >"$OUT/$f" 2>"$OUT/.err" || rc=$?
	printf '%s: itsm %s: exit %d\n' "$f" "$*" "$rc" >>"$OUT/statuses"
	cat "$OUT/.err" >>"$OUT/statuses"
	rm -f "$OUT/.err"
}

# show: every ticket as JSON, two as the table.
for i in $(seq 1 21); do
	o "show-$(printf %02d "$i").json" show "$i" --json
done
for i in 1 7; do
	o "show-0$i.table" --no-color show "$i" --format table
	o "show-0$i.txt" show "$i"	# the default out of a terminal
done

# list: every ticket in every format; the queue; every field.
for f in table tsv csv json jsonl; do
	o "list-all.$f" list --all --format "$f"
done
o list-queue.txt list
o list-queue.table list --format table
o list-breached.tsv list --breached --format tsv
o list-stagnant.tsv list --stagnant --format tsv
FIELDS=id,ref,type,status,summary,description,caller,affected,channel,contact,service,category,subcategory,impact,urgency,priority,major,tier,group,assignee,opened_at,updated_at,responded_at,resolved_at,closed_at,response_due,resolution_due,resolution.type,resolution.code,resolution.notes,satisfaction,reopen_count,reassignment_count,parent
for f in table tsv csv json jsonl; do
	o "list-fields.$f" list --all --fields "$FIELDS" --format "$f"
done
o list-quiet.txt list --all -q

# export, whole; the login of each event is the machine's (record.sh).
o export.jsonl export

# major incidents: the report (Markdown, its only format), the
# dashboards.
o major-report-07.md major report 7
o major-report-02.md major report 2
o major-report-07-o.stdout major report 7 -o report-07.md	# a new file
cat report-07.md >"$OUT/major-report-07-o.md"	# mode: the umask
o major-status.txt major status
o major-status-07.txt major status 7
o major-status-07.json major status 7 --json
o major-status-02.json major status 2 --json

# stats: all of it, and by every grouping.
o stats.txt stats
o stats.json stats --json
o stats-period.json stats --since 2026-11-04T00:00:00Z --until 2026-11-07T00:00:00Z --json
for by in priority group category channel tier; do
	o "stats-by-$by.txt" stats --by "$by"
	o "stats-by-$by.json" stats --by "$by" --json
done

# next: the head of the queue, a group's, mine.
o next.txt next
o next.json next --json
o next-group.txt next --group engineering
o next-mine.txt next --mine

# The effective policy, and which hooks run.
o config-show.yaml config show

cp hooks.log "$OUT/hooks.log"
cp transcript "$OUT/transcript"
