#!/usr/bin/env bats
# Crashes, full (make stress): kill -9 at random moments during an import
# of 3,000 tickets, 50 times, and during bursts of writes by 4 processes,
# 50 times.  Every time: integrity_check ok, the import all or nothing,
# no ticket without its opening event, each ticket's status and priority
# those of its last events, and the next command works.  The scenarios
# are stress.bash; the small versions are tests/cli/t6100-crash.bats.

load ../cli/helper
load stress

@test "kill -9 during an import of 3,000 tickets, 50 times: all or nothing, the database sound" {
	crash_import 50 3000
}

@test "kill -9 during bursts of writes by 4 processes, 50 times: the database sound" {
	crash_burst 50 4
}
