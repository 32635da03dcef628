#!/usr/bin/env bats
# Mail through a real MTA (issue 15): itsm's notifications go out
# through exim's sendmail interface, are delivered into local mailboxes,
# and are read back from them; the user's replies go in through exim too,
# to the desk's mailbox, and from there to itsm mail.  A private exim:
# its own configuration, spool and log (nothing of the system's mail set-
# up is read or changed), the domain example.org delivered locally, every
# other domain refused, no daemon and no network (-odi: each message is
# delivered by the exim process that takes it, before that ends).
#
# How exim runs (exim -C FILE): exim is setuid root; given -C, it keeps
# root only when the caller is root already or the file is in its
# TRUSTED_CONFIG_LIST (/etc/exim4/trusted_configs on Debian, which this
# test leaves alone).  Run as root (the suite's usual case), exim keeps
# root: exim_user is root, the spool and log are root's, under
# $BATS_FILE_TMPDIR; a delivery never runs as root (uid 0 is compiled
# into exim's fixed never_users), so it runs as nobody, into a mailbox
# directory nobody may write: one made with mktemp under /tmp and given
# to nobody (bats's directories are root's, mode 0700, out of nobody's
# reach), removed by teardown_file.  Run as another user, exim gives up
# root and runs as that user throughout: it is exim_user, the deliveries
# are its own, the mailboxes are under $BATS_FILE_TMPDIR, and its log
# goes to its standard error (see MTA_EXIM).

load helper
lsan_beside_gmime

# Exim's binary (Debian's exim4-daemon-light, from make deps).
find_exim() {
	local e
	for e in "$(command -v exim4)" "$(command -v exim)" /usr/sbin/exim4 \
	    /usr/sbin/exim; do
		if [ -n "$e" ] && [ -x "$e" ]; then
			printf '%s\n' "$e"
			return 0
		fi
	done
	return 1
}

setup_file() {
	local user group duser dgroup
	if ! EXIM=$(find_exim); then
		export MTA_SKIP="no exim4 or exim (make deps installs exim4-daemon-light)"
		return 0
	fi
	MTA="$BATS_FILE_TMPDIR/mta"
	mkdir -p "$MTA/spool" "$MTA/log"
	user=$(id -un)
	group=$(id -gn)
	if [ "$(id -u)" = 0 ]; then
		duser=nobody
		dgroup=$(id -gn nobody)
		MBOX=$(mktemp -d /tmp/itsm-mta.XXXXXX)
		chown "$duser:$dgroup" "$MBOX"
		chmod 700 "$MBOX"
	else
		duser=$user
		dgroup=$group
		MBOX="$MTA/mail"
		mkdir -p "$MBOX"
	fi
	# The local parts that have a mailbox; any other is refused.
	printf '%s: %s\n' ann ann anne anne desk desk "$user" "$user" \
	    >"$MTA/users"
	# Every file and directory exim uses is named here: the spool, the
	# logs, the mailboxes.  The message's own headers are kept (no
	# rewriting); exim adds Received.  An mbox a user, each message
	# after a "From " line, a "From " at the start of a body line
	# escaped.
	cat >"$MTA/exim.conf" <<EOF
primary_hostname = mta.test
qualify_domain = example.org
domainlist local_domains = example.org
spool_directory = $MTA/spool
log_file_path = $MTA/log/%slog
exim_user = $user
exim_group = $group
trusted_users = $user
keep_environment =
never_users =

begin routers

local:
  driver = accept
  domains = +local_domains
  local_parts = lsearch;$MTA/users
  transport = mbox

refuse:
  driver = redirect
  allow_fail
  data = :fail: no such mailbox here (a test MTA)

begin transports

mbox:
  driver = appendfile
  file = $MBOX/\$local_part_data
  user = $duser
  group = $dgroup
  mode = 0600
  check_string = "From "
  escape_string = ">From "
EOF
	# The same exim refusing every message (its non-SMTP ACL denies it;
	# exim exits with 1).  Not a configuration file that is missing:
	# exim would say so in the system's log, having no log_file_path.
	cat >"$MTA/refuse.conf" <<EOF
acl_not_smtp = refuse
.include $MTA/exim.conf
begin acl
refuse:
  deny message = this test MTA refuses all mail
EOF
	# Without root, exim writes its log to its standard error, which
	# itsm passes on: a script sends it to the log file instead.
	MTA_EXIM=$EXIM
	if [ "$(id -u)" != 0 ]; then
		MTA_EXIM="$MTA/exim"
		printf '#!/bin/sh\nexec %s "$@" 2>>%s\n' "$EXIM" \
		    "$MTA/log/mainlog" >"$MTA_EXIM"
		chmod 755 "$MTA_EXIM"
	fi
	MTA_SENDMAIL="$MTA_EXIM -C $MTA/exim.conf -odi -t -i"
	# What the system's exim has, to show it unchanged at the end.
	touch "$MTA/stamp"
	export EXIM MTA MBOX MTA_EXIM MTA_SENDMAIL
}

eval "base_$(declare -f teardown_file)"
teardown_file() {
	base_teardown_file
	if [ -n "${MBOX-}" ] && [ "$MBOX" != "$MTA/mail" ]; then
		rm -rf "$MBOX"
	fi
}

eval "base_$(declare -f setup)"
setup() {
	if [ -n "${MTA_SKIP-}" ]; then
		skip "$MTA_SKIP"
	fi
	base_setup
	# Each test starts with empty mailboxes.
	rm -f "$MBOX"/*
	unset ITSM_SENDMAIL
	cat >>"$ITSM_CONFIG" <<EOF
mail:
  from: {address: desk@example.org, name: Service desk}
  domain: itsm.example.org
  sendmail: $MTA_SENDMAIL
  confirm: ["yes", oui]
EOF
}

# count USER: how many messages USER's mailbox holds.
count() {
	if [ -f "$MBOX/$1" ]; then
		grep -c '^From ' "$MBOX/$1" || true
	else
		echo 0
	fi
}

# message USER N: message N (from 1) of USER's mailbox as it was
# delivered, without the mbox's "From " line and the blank line exim
# ends each message with.
message() {
	awk -v n="$2" '
		/^From / { k++; next }
		k == n { line[m++] = $0 }
		END {
			if (m > 0 && line[m - 1] == "") m--
			for (i = 0; i < m; i++) print line[i]
		}' "$MBOX/$1"
}

# hdr USER N NAME: the value of header NAME of message N of USER.
hdr() {
	message "$1" "$2" | sed -n "/^\$/q; s/^$3: //p"
}

# body USER N: the body of message N of USER.
body() {
	message "$1" "$2" | sed '1,/^$/d'
}

# send FROM SUBJECT [HEADER...]: msg's message (helper.bash) to
# desk@example.org through the MTA.
send() {
	msg "$@" | $MTA_SENDMAIL
}

# take N: message N of the desk's mailbox handed to itsm mail, as an
# MTA alias or a fetchmail would.
take() {
	message desk "$1" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/in"
}

@test "mta: the acknowledgement of itsm open is delivered into the caller's mailbox: From, To, the tag, our Message-ID, Auto-Submitted, the body" {
	run --separate-stderr itsm open "Printer down" --caller "Ann Lee" \
	    --contact "Ann Lee <ann@example.org>" --impact low --urgency low
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	[ "$(count ann)" = 1 ]
	[ "$(count desk)" = 0 ]
	# It went through exim.
	[[ $(hdr ann 1 Received) == "from "*" by mta.test with local (Exim "* ]]
	[ "$(hdr ann 1 From)" = "Service desk <desk@example.org>" ]
	[ "$(hdr ann 1 To)" = "ann@example.org" ]
	[ "$(hdr ann 1 Subject)" = "[INC-1] Printer down" ]
	id=$(hdr ann 1 Message-Id)
	[[ $id =~ ^\<[^@]+@itsm\.example\.org\>$ ]]
	[ "$(hdr ann 1 Auto-Submitted)" = auto-generated ]
	[ "$(hdr ann 1 X-Itsm-Ref)" = INC-1 ]
	[ -z "$(hdr ann 1 In-Reply-To)" ]
	body ann 1 | grep -q "^Your call is logged as INC-1: Printer down$"
	body ann 1 | grep -q "^Priority: P5$"
	[ "$(db_sql "SELECT state || ' ' || attempts || ' ' || message_id FROM outbox")" = "sent 1 $id" ]
	grep -q "=> ann <ann@example.org> R=local T=mbox" "$MTA/log/mainlog"
}

@test "mta: itsm resolve's please confirm arrives threaded to the acknowledgement: In-Reply-To, References" {
	itsm open "VPN down" --caller "Ann Lee" --contact ann@example.org \
	    --impact high --urgency high >/dev/null
	run --separate-stderr itsm resolve INC-1 --permanent --code solved -m "token renewed"
	assert_status 0
	assert_stderr ""
	[ "$(count ann)" = 2 ]
	ack=$(hdr ann 1 Message-Id)
	[ "$(hdr ann 2 In-Reply-To)" = "$ack" ]
	[ "$(hdr ann 2 References)" = "$ack" ]
	[ "$(hdr ann 2 Message-Id)" != "$ack" ]
	[ "$(hdr ann 2 Subject)" = "[INC-1] Resolved: VPN down" ]
	[ "$(hdr ann 2 Auto-Submitted)" = auto-generated ]
	body ann 2 | grep -q '^token renewed$'
	body ann 2 | grep -q 'replying "yes" or "oui"'
}

@test "mta: the full loop through exim: a mail opens a ticket, the acknowledgement, an out-of-office creates nothing, resolve, 'oui, ça marche' closes it" {
	BODY="L'imprimante ne répond plus." send 'Anne Martin <anne@example.org>' \
	    'Imprimante en panne'
	[ "$(count desk)" = 1 ]
	take 1
	assert_status 0
	assert_output "opened INC-1"
	assert_stderr ""
	[ "$(count anne)" = 1 ]
	[ "$(hdr anne 1 To)" = anne@example.org ]
	[ "$(hdr anne 1 In-Reply-To)" = "<m1@example.com>" ]
	[[ $(hdr anne 1 Subject) == "[INC-1] "* ]]
	ack=$(hdr anne 1 Message-Id)
	# The caller's out-of-office answers the acknowledgement: nothing
	# opened, nothing sent.
	BODY="Je suis absente." ID=ooo send 'Anne Martin <anne@example.org>' \
	    'Absent: [INC-1] Imprimante en panne' "In-Reply-To: $ack" \
	    "Auto-Submitted: auto-replied"
	[ "$(count desk)" = 2 ]
	take 2
	assert_status 0
	assert_output "noted automatic mail on INC-1"
	assert_stderr ""
	[ "$(count anne)" = 1 ]
	[ "$(count desk)" = 2 ]
	[ "$(db_sql "SELECT count(*) FROM tickets")" = 1 ]
	[ "$(db_sql "SELECT count(*) FROM outbox")" = 1 ]
	itsm prioritize INC-1 --impact low --urgency medium >/dev/null
	itsm resolve INC-1 --permanent -m "Pilote réinstallé" >/dev/null
	[ "$(count anne)" = 2 ]
	[ "$(hdr anne 2 In-Reply-To)" = "<m1@example.com>" ]
	# The user answers the acknowledgement she got: its Message-ID
	# from her mailbox.
	BODY=$'oui, ça marche\n\nLe ven. 27 nov. 2026, Service desk a écrit :\n> Votre demande' \
	    ID=yes send 'Anne Martin <anne@example.org>' 'Re: Imprimante en panne' \
	    "In-Reply-To: $ack"
	[ "$(count desk)" = 3 ]
	take 3
	assert_status 0
	assert_output "closed, confirmed by the caller: INC-1"
	assert_stderr ""
	run --separate-stderr itsm show INC-1 --json
	assert_status 0
	jq_is '[.status, (.events[] | select(.field == "confirmed_by") | .to)]' \
	    '["closed","Anne Martin"]'
	jq_is '[.events[] | select(.kind == "close" and .field == "status") | .message]' \
	    '["oui, ça marche"]'
	# The closing notification, delivered and threaded.
	[ "$(count anne)" = 3 ]
	[[ $(hdr anne 3 Subject) == "[INC-1] Closed: "* ]]
	[ "$(hdr anne 3 In-Reply-To)" = "<m1@example.com>" ]
}

@test "mta: exim refusing the message leaves the message in the outbox; itsm notify delivers it once exim works again" {
	export ITSM_SENDMAIL="$MTA_EXIM -C $MTA/refuse.conf -odi -t -i"
	run --separate-stderr itsm open "Printer down" --caller ann --contact ann@example.org
	assert_status 0
	assert_output "INC-1"
	assert_one_line_error "mail 'opened' to ann@example.org not sent \(attempt 1\): .*exim.* exited with status 1; itsm notify retries it"
	[ "$(count ann)" = 0 ]
	run --separate-stderr itsm outbox
	assert_status 0
	grep -q "rejected by non-SMTP ACL: this test MTA refuses all mail" "$MTA/log/mainlog"
	[[ $output == 1$'\t'pending$'\t'1$'\t'2026-11-28T09:01:00Z$'\t'INC-1$'\t'mail$'\t'opened$'\t'ann@example.org$'\t'*exim*" exited with status 1" ]]
	unset ITSM_SENDMAIL
	ITSM_NOW=2026-11-28T09:01:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_output ""
	assert_stderr ""
	[ "$(count ann)" = 1 ]
	[ "$(hdr ann 1 Subject)" = "[INC-1] Printer down" ]
	[ "$(hdr ann 1 Message-Id)" = "$(db_sql "SELECT message_id FROM outbox")" ]
	# Sent: not again.
	ITSM_NOW=2026-11-28T10:00:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr ""
	[ "$(count ann)" = 1 ]
	run --separate-stderr itsm outbox
	assert_output ""
}

@test "mta: the system's exim was not used: nothing new in its spool or log" {
	local d
	itsm open "Printer down" --caller ann --contact ann@example.org >/dev/null
	[ "$(count ann)" = 1 ]
	for d in /var/spool/exim4 /var/log/exim4 /var/spool/exim /var/log/exim; do
		if [ -d "$d" ] && [ -r "$d" ] && [ -x "$d" ]; then
			[ -z "$(find "$d" -newer "$MTA/stamp" -print -quit)" ]
		fi
	done
	# Ours logged the delivery.
	grep -q "=> ann <ann@example.org>" "$MTA/log/mainlog"
}
