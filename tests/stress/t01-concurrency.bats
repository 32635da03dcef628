#!/usr/bin/env bats
# Concurrency, full (make stress): 8 technicians each open 200 tickets and
# note them (1,600 tickets) while cron's escalate --stagnant and close
# --auto and a list run in loops.  Afterwards: 1,600 tickets with unique
# refs, every opening, note and resolution recorded, no "database is
# locked" and nothing else on stderr, integrity_check ok.  The scenario is
# stress.bash; its small version is tests/cli/t6000-stress-small.bats.

load ../cli/helper
load stress

@test "8 x 200 tickets with notes while escalate --stagnant, close --auto and list loop: nothing lost" {
	stress_concurrency 8 200
}
