#!/usr/bin/env bats
# itsm show: every field of one ticket and its full history.

load helper

# A ticket with most fields set and a history by two actors.
make_ticket() {
	ITSM_ACTOR=tech1 itsm open "Mail down" --caller bob --affected carol \
	    --channel email --contact "ext 12" --service mail \
	    -m $'no mail\nsince 8am' --at 2026-11-28T08:00:00Z >/dev/null
	ITSM_ACTOR=tech1 itsm categorize 1 --type incident --category software \
	    --subcategory email -m "mail client" >/dev/null
	ITSM_ACTOR=tech2 itsm prioritize 1 --impact medium --urgency high \
	    -m "one team" >/dev/null
}

@test "show --format table: every set field, the SLA clocks, the description, the history" {
	make_ticket
	run --separate-stderr itsm show INC-1 --format table
	assert_status 0
	assert_stderr ""
	assert_output "INC-1  Mail down
  id                  1
  type                incident
  status              new
  caller              bob
  affected            carol
  channel             email
  contact             ext 12
  service             mail
  category            software
  subcategory         email
  impact              medium
  urgency             high
  priority            P2
  major               false
  tier                N1
  group               service-desk
  opened_at           2026-11-28T08:00:00Z (1h ago)
  updated_at          2026-11-28T09:00:00Z (just now)
  response_due        2026-11-28T08:30:00Z (30m ago)
  resolution_due      2026-11-28T16:00:00Z (in 7h)
  reopen_count        0
  reassignment_count  0

sla
  response            due 2026-11-28T08:30:00Z (30m over)
  resolution          due 2026-11-28T16:00:00Z (7h left)
  clock ran           1h, stopped 0s
  calendar            24x7

  no mail
  since 8am

history
  2026-11-28T08:00:00Z  tech1  open  status: - -> new  \"no mail\\nsince 8am\"
  2026-11-28T09:00:00Z  tech1  categorize  category: - -> software  \"mail client\"
  2026-11-28T09:00:00Z  tech1  categorize  subcategory: - -> email  \"mail client\"
  2026-11-28T09:00:00Z  tech2  prioritize  impact: - -> medium  \"one team\"
  2026-11-28T09:00:00Z  tech2  prioritize  urgency: - -> high  \"one team\"
  2026-11-28T09:00:00Z  tech2  prioritize  priority: - -> P2  \"one team\""
}

@test "show as tsv: one field a line (every field, in order), then the events" {
	make_ticket
	run --separate-stderr itsm show 1
	assert_status 0
	assert_stderr ""
	assert_output "$(printf '%s\n' \
	    $'id\t1' $'ref\tINC-1' $'type\tincident' $'status\tnew' \
	    $'summary\tMail down' $'description\tno mail\\nsince 8am' \
	    $'caller\tbob' $'affected\tcarol' $'channel\temail' \
	    $'contact\text 12' $'service\tmail' $'category\tsoftware' \
	    $'subcategory\temail' $'impact\tmedium' $'urgency\thigh' \
	    $'priority\tP2' $'major\tfalse' $'tier\tN1' \
	    $'group\tservice-desk' $'assignee\t' \
	    $'opened_at\t2026-11-28T08:00:00Z' \
	    $'updated_at\t2026-11-28T09:00:00Z' $'responded_at\t' \
	    $'resolved_at\t' $'closed_at\t' \
	    $'response_due\t2026-11-28T08:30:00Z' \
	    $'resolution_due\t2026-11-28T16:00:00Z' $'resolution.type\t' \
	    $'resolution.code\t' $'resolution.notes\t' $'satisfaction\t' \
	    $'reopen_count\t0' $'reassignment_count\t0' $'parent\t' \
	    $'event\t2026-11-28T08:00:00Z\ttech1\topen\tstatus\t\tnew\tno mail\\nsince 8am' \
	    $'event\t2026-11-28T09:00:00Z\ttech1\tcategorize\tcategory\t\tsoftware\tmail client' \
	    $'event\t2026-11-28T09:00:00Z\ttech1\tcategorize\tsubcategory\t\temail\tmail client' \
	    $'event\t2026-11-28T09:00:00Z\ttech2\tprioritize\timpact\t\tmedium\tone team' \
	    $'event\t2026-11-28T09:00:00Z\ttech2\tprioritize\turgency\t\thigh\tone team' \
	    $'event\t2026-11-28T09:00:00Z\ttech2\tprioritize\tpriority\t\tP2\tone team')"
}

@test "show --json: the ticket object plus its events" {
	make_ticket
	run --separate-stderr itsm show 1 --json
	assert_status 0
	assert_stderr ""
	jq_is 'keys_unsorted' "${TICKET_KEYS%]},\"events\",\"sla\"]"
	jq_is '[.events[] | keys_unsorted] | unique' "[$EVENT_KEYS]"
	jq_is '.events | length' '6'
	login=$(itsm_login)
	jq_is '.events[0]' '{"at":"2026-11-28T08:00:00Z","recorded_at":"2026-11-28T09:00:00Z","actor":"tech1","login":"'"$login"'","kind":"open","field":"status","from":null,"to":"new","message":"no mail\nsince 8am"}'
	jq_is '.events[5]' '{"at":"2026-11-28T09:00:00Z","recorded_at":"2026-11-28T09:00:00Z","actor":"tech2","login":"'"$login"'","kind":"prioritize","field":"priority","from":null,"to":"P2","message":"one team"}'
	jq_is '[.events[] | .kind]' '["open","categorize","categorize","prioritize","prioritize","prioritize"]'
	jq_is '[.summary, .description, .caller, .affected, .channel, .contact, .service]' \
	    '["Mail down","no mail\nsince 8am","bob","carol","email","ext 12","mail"]'
	jq_is '[.category, .subcategory, .impact, .urgency, .priority, .major, .tier, .group, .assignee]' \
	    '["software","email","medium","high","P2",false,"N1","service-desk",null]'
	jq_is '[.opened_at, .updated_at, .responded_at, .resolved_at, .closed_at, .response_due, .resolution_due]' \
	    '["2026-11-28T08:00:00Z","2026-11-28T09:00:00Z",null,null,null,"2026-11-28T08:30:00Z","2026-11-28T16:00:00Z"]'
	jq_is '[.resolution, .satisfaction, .reopen_count, .reassignment_count, .parent]' \
	    '[null,null,0,0,null]'
}

@test "show --format jsonl: the same object on one line" {
	make_ticket
	run --separate-stderr itsm show 1 --format jsonl
	assert_status 0
	[ "${#lines[@]}" = 1 ]
	jq_is '[.ref, (.events | length)]' '["INC-1",6]'
	json=$(itsm show 1 --json | jq -cS .)
	[ "$(printf '%s\n' "$output" | jq -cS .)" = "$json" ]
}

@test "show --format csv: a header and one row, embedded newlines quoted" {
	make_ticket
	run --separate-stderr itsm show 1 --format csv
	assert_status 0
	assert_output 'id,ref,type,status,summary,description,caller,affected,channel,contact,service,category,subcategory,impact,urgency,priority,major,tier,group,assignee,opened_at,updated_at,responded_at,resolved_at,closed_at,response_due,resolution_due,resolution.type,resolution.code,resolution.notes,satisfaction,reopen_count,reassignment_count,parent
1,INC-1,incident,new,Mail down,"no mail
since 8am",bob,carol,email,ext 12,mail,software,email,medium,high,P2,false,N1,service-desk,,2026-11-28T08:00:00Z,2026-11-28T09:00:00Z,,,,2026-11-28T08:30:00Z,2026-11-28T16:00:00Z,,,,,0,0,'
}

@test "show -q prints the ref only" {
	make_ticket
	run --separate-stderr itsm show inc-1 -q
	assert_status 0
	assert_output "INC-1"
}

@test "ITSM_ACTOR=bob: the events' actor is bob, and show --json gives the login beside it" {
	open_ticket "Actor" --caller x
	ITSM_ACTOR=bob itsm prioritize 1 --impact low --urgency low >/dev/null
	run --separate-stderr itsm show 1 --json
	login=$(itsm_login)
	jq_is '[.events[] | [.actor, .login]]' "[[\"$login\",\"$login\"],[\"bob\",\"$login\"],[\"bob\",\"$login\"],[\"bob\",\"$login\"]]"
	[ "$(db_sql "SELECT DISTINCT login FROM events")" = "$login" ]
}

@test "without ITSM_ACTOR the actor is the login name" {
	ITSM_ACTOR= itsm open "Login" --caller x >/dev/null
	run --separate-stderr itsm show 1 --json
	jq_is '.events[0].actor' "\"$(itsm_login)\""
}

@test "show a ticket by 42, INC-42 and inc-42" {
	for i in $(seq 42); do itsm open "t$i" --caller x >/dev/null; done
	for ref in 42 INC-42 inc-42; do
		run --separate-stderr itsm show "$ref" --json
		assert_status 0
		jq_is '[.id, .ref, .summary]' '[42,"INC-42","t42"]'
	done
}

@test "show an unknown ticket: 66" {
	open_ticket "Only" --caller x
	before=$(db_digest)
	run --separate-stderr itsm show INC-2
	assert_status 66
	assert_output ""
	assert_one_line_error "no such ticket.*[^0-9]2'?$"
	run --separate-stderr itsm show 999999999999
	assert_status 66
	assert_one_line_error "no such ticket"
	assert_unchanged "$before"
}

@test "show without a ref or with two is a usage error (64)" {
	open_ticket "Only" --caller x
	run --separate-stderr itsm show
	assert_status 64
	assert_one_line_error "REF"
	run --separate-stderr itsm show 1 1
	assert_status 64
	assert_one_line_error "unexpected argument"
}
