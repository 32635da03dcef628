#!/bin/sh
# The real-data figures of the import issue: importing the whole ServiceNow
# event log of shared/data, and stats over it, each beside a baseline
# measured in the same run (sqlite3 .import of the same CSV; a sqlite3
# query counting the same tickets).  Writes a Markdown section to $1.
#
# Environment: ITSM (the binary), DIR (a scratch directory).
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
log=$top/../shared/data/incident_event_log.csv.gz
policy=$top/examples/servicenow.yaml
if [ ! -f "$log" ]; then
	printf '## The ServiceNow log\n\nSkipped: %s is not there.\n' "$log" >"$out"
	exit 0
fi
d=$DIR/servicenow
rm -rf "$d"
mkdir -p "$d"
zcat "$log" >"$d/log.csv"
export ITSM_CONFIG="$policy" ITSM_DB="$d/itsm.db" HOME="$d"
hyperfine --style none --warmup 0 --runs 3 \
    --prepare "rm -f $d/itsm.db $d/itsm.db-wal $d/itsm.db-shm $d/raw.db" \
    --export-json "$d/import.json" \
    "$ITSM import $log" \
    "sqlite3 $d/raw.db '.import --csv $d/log.csv events'" >/dev/null
rm -f "$d/itsm.db" "$d/itsm.db-wal" "$d/itsm.db-shm"
"$ITSM" import "$log" >/dev/null 2>&1
hyperfine --style none --warmup 1 --runs 10 --export-json "$d/stats.json" \
    "$ITSM stats --format tsv" \
    "sqlite3 $d/itsm.db 'SELECT count(*), count(resolved_at), count(closed_at) FROM tickets'" \
    >/dev/null
med() { jq -r ".results[$2].median" "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
ii=$(med "$d/import.json" 0); ib=$(med "$d/import.json" 1)
si=$(med "$d/stats.json" 0); sb=$(med "$d/stats.json" 1)
{
	echo "## The ServiceNow log (issue: real data)"
	echo
	echo "The whole event log of shared/data (141,712 rows, 24,918"
	echo "incidents, gzip) with examples/servicenow.yaml; medians of 3"
	echo "imports and of 10 stats runs."
	echo
	echo "| figure | itsm | baseline | ratio |"
	echo "| --- | ---: | ---: | ---: |"
	echo "| import of the whole log | $(ms "$ii") | $(ms "$ib") sqlite3 .import of the CSV, unzipped | $(ratio "$ii" "$ib") |"
	echo "| stats over it | $(ms "$si") | $(ms "$sb") sqlite3 count | $(ratio "$si" "$sb") |"
	echo
	echo "The import builds every ticket, its events and its SLA due times;"
	echo "the baseline only loads the rows into one table."
} >"$out"
