#!/usr/bin/env bats
# Attachments of incoming mail (issue 15): itsm mail stores them with the
# ticket or note, their bytes once per content (blobs, by SHA-256); the
# policy's limits leave some out and the description or note says which;
# inline images below a size are ignored; automatic mail stores none;
# itsm show lists them, itsm attachment lists them and writes one out.

load helper
lsan_beside_gmime

CORPUS="$TOP/tests/mail"

# att_msg SUBJECT [NAME FILE DISPOSITION TYPE]...: a multipart/mixed
# message from Ann, its text "Hello", then each file base64-encoded;
# Message-ID <$ID@example.com> (ID default m1); extra headers in $HDRS.
att_msg() {
	local subject=$1
	shift
	printf 'From: Ann <ann@example.org>\nTo: desk@example.org\n'
	printf 'Subject: %s\nDate: Fri, 27 Nov 2026 10:00:00 +0000\n' "$subject"
	printf 'Message-ID: <%s@example.com>\n' "${ID:-m1}"
	[ -z "${HDRS-}" ] || printf '%s\n' "$HDRS"
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b0"\n\n'
	printf -- '--b0\nContent-Type: text/plain; charset=utf-8\n\nHello\n'
	while [ $# -ge 4 ]; do
		printf -- '--b0\nContent-Type: %s; name="%s"\n' "$4" "$1"
		printf 'Content-Disposition: %s; filename="%s"\n' "$3" "$1"
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 "$2"
		shift 4
	done
	printf -- '--b0--\n'
}

# bytes FILE N SEED: N bytes, the same for the same SEED.
bytes() {
	head -c "$2" < <(yes "$3" | tr -d '\n') >"$1"
}

count() {
	db_sql "SELECT count(*) FROM $1"
}

@test "attachment: the corpus's PDF is stored: show lists it, its bytes come back identical (the parser's SHA-256)" {
	use_mail
	run --separate-stderr itsm mail <"$CORPUS/attachment-pdf.eml"
	assert_status 0
	assert_output "opened INC-1"
	sha=$(sed -n 's/^attachment=.*|//p' "$CORPUS/attachment-pdf.expect")
	[ ${#sha} = 64 ]
	[ "$(count blobs)" = 1 ]
	[ "$(db_sql "SELECT ticket, name, type, size, sha256 FROM attachments")" = "1|Facture été.pdf|application/pdf|148|$sha" ]
	run --separate-stderr itsm show INC-1 --json
	assert_status 0
	jq_is '.attachments' '[{"name":"Facture été.pdf","type":"application/pdf","size":148,"sha256":"'"$sha"'","inline":false,"at":"2026-11-28T09:00:00Z"}]'
	run --separate-stderr itsm show INC-1 --format table
	assert_status 0
	line="  Facture été.pdf  application/pdf  148 bytes  ${sha:0:12}  2026-11-28T09:00:00Z"
	[ "$(printf '%s\n' "$output" | grep -A1 -x attachments)" = "attachments
$line" ]
	run --separate-stderr itsm attachment INC-1
	assert_status 0
	assert_output "Facture été.pdf	application/pdf	148	$sha	2026-11-28T09:00:00Z"
	run --separate-stderr itsm attachment INC-1 --json
	assert_status 0
	jq_is '.[0].sha256' "\"$sha\""
	# To standard output (not a terminal), and to a file.
	[ "$(itsm attachment INC-1 'Facture été.pdf' | sha256sum)" = "$sha  -" ]
	[ "$(itsm attachment INC-1 'Facture été.pdf' -o - | sha256sum)" = "$sha  -" ]
	run --separate-stderr itsm attachment INC-1 'Facture été.pdf' -o "$BATS_TEST_TMPDIR/f.pdf"
	assert_status 0
	assert_output ""
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/f.pdf")" = "$sha  -" ]
	# A ticket without attachments: none listed, no section, no member.
	open_ticket "no mail" --caller bob
	run --separate-stderr itsm attachment INC-2
	assert_status 0
	assert_output ""
	ticket_is INC-2 'has("attachments")' false
}

@test "attachment: the same content in two mails is stored once; a name twice: the last, or by --sha256" {
	use_mail
	bytes "$BATS_TEST_TMPDIR/a" 3000 alpha
	bytes "$BATS_TEST_TMPDIR/b" 2000 beta
	sa=$(sha256sum <"$BATS_TEST_TMPDIR/a" | cut -c1-64)
	sb=$(sha256sum <"$BATS_TEST_TMPDIR/b" | cut -c1-64)
	att_msg "Scanner" log.txt "$BATS_TEST_TMPDIR/a" attachment text/plain \
	    >"$BATS_TEST_TMPDIR/1"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/1"
	assert_output "opened INC-1"
	# A reply with the same file, and a changed one of the same name.
	ID=m2 att_msg "Re: [INC-1] Scanner" copy.txt "$BATS_TEST_TMPDIR/a" attachment text/plain \
	    log.txt "$BATS_TEST_TMPDIR/b" attachment text/plain >"$BATS_TEST_TMPDIR/2"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/2"
	assert_output "noted on INC-1"
	# Another ticket with the same content: still one blob of it.
	ID=m3 att_msg "Other" again.txt "$BATS_TEST_TMPDIR/a" attachment text/plain \
	    >"$BATS_TEST_TMPDIR/3"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/3"
	assert_output "opened INC-2"
	[ "$(count blobs)" = 2 ]
	[ "$(db_sql "SELECT count(*) FROM blobs WHERE sha256 = '$sa'")" = 1 ]
	[ "$(count attachments)" = 4 ]
	[ "$(db_sql "SELECT string_agg(name, ' ' ORDER BY id) FROM attachments WHERE ticket = 1" 2>/dev/null ||
	    db_sql "SELECT group_concat(name, ' ') FROM (SELECT name FROM attachments WHERE ticket = 1 ORDER BY id)")" = "log.txt copy.txt log.txt" ]
	run --separate-stderr itsm attachment INC-1 -q
	assert_output $'log.txt\ncopy.txt\nlog.txt'
	[ "$(itsm attachment INC-1 log.txt | sha256sum | cut -c1-64)" = "$sb" ]
	[ "$(itsm attachment INC-1 log.txt --sha256 "${sa:0:6}" | sha256sum | cut -c1-64)" = "$sa" ]
	[ "$(itsm attachment INC-1 log.txt --sha256 "${sb^^}" | sha256sum | cut -c1-64)" = "$sb" ]
	cmp <(itsm attachment INC-2 again.txt) "$BATS_TEST_TMPDIR/a"
	# The note says nothing of attachments: none was left out.
	ticket_is INC-1 '[.events[] | select(.kind == "note") | .message | contains("left out")]' '[false]'
}

@test "attachment: an inline image below ignore_inline_images_below is not stored; without the rule it is, inline" {
	use_mail "  ignore_inline_images_below: 1K"
	run --separate-stderr itsm mail <"$CORPUS/inline-image.eml"
	assert_status 0
	assert_output "opened INC-1"
	[ "$(count attachments)" = 0 ]
	[ "$(count blobs)" = 0 ]
	ticket_is INC-1 '[(.description | contains("left out")), has("attachments")]' '[false,false]'
	# A larger inline image is kept; an attachment (not inline) as small too.
	bytes "$BATS_TEST_TMPDIR/big" 1500 png
	bytes "$BATS_TEST_TMPDIR/small" 100 txt
	ID=m2 att_msg "Logo" logo.png "$BATS_TEST_TMPDIR/big" inline image/png \
	    sig.png "$BATS_TEST_TMPDIR/small" inline image/png \
	    small.png "$BATS_TEST_TMPDIR/small" attachment image/png >"$BATS_TEST_TMPDIR/2"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/2"
	assert_output "opened INC-2"
	ticket_is INC-2 '[.attachments[] | [.name, .inline]]' '[["logo.png",true],["small.png",false]]'
}

@test "attachment: without the rule the corpus's inline logo is stored, marked inline" {
	use_mail
	run --separate-stderr itsm mail <"$CORPUS/inline-image.eml"
	assert_output "opened INC-1"
	sha=$(sed -n 's/^attachment=.*|//p' "$CORPUS/inline-image.expect")
	ticket_is INC-1 '.attachments' '[{"name":"image001.png","type":"image/png","size":70,"sha256":"'"$sha"'","inline":true,"at":"2026-11-28T09:00:00Z"}]'
	[ "$(itsm attachment INC-1 image001.png | sha256sum | cut -c1-64)" = "$sha" ]
}

@test "attachment: one past max_attachment, or past max_attachments in all, is left out and said; the mail is still taken" {
	use_mail $'  max_attachment: 2K\n  max_attachments: 3K'
	bytes "$BATS_TEST_TMPDIR/big" 2049 big
	bytes "$BATS_TEST_TMPDIR/a" 2000 aaa
	bytes "$BATS_TEST_TMPDIR/b" 1100 bbb
	bytes "$BATS_TEST_TMPDIR/c" 1000 ccc
	att_msg "Files" big.bin "$BATS_TEST_TMPDIR/big" attachment application/octet-stream \
	    a.txt "$BATS_TEST_TMPDIR/a" attachment text/plain \
	    b.txt "$BATS_TEST_TMPDIR/b" attachment text/plain \
	    c.txt "$BATS_TEST_TMPDIR/c" attachment text/plain >"$BATS_TEST_TMPDIR/1"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/1"
	assert_status 0
	assert_output "opened INC-1"
	ticket_is INC-1 '[.attachments[].name]' '["a.txt","c.txt"]'
	ticket_is INC-1 .description '"Hello\n\nAttachments left out:\n- big.bin (application/octet-stream, 2049 bytes): larger than max_attachment\n- b.txt (text/plain, 1100 bytes): past max_attachments for one message\n"'
	[ "$(count blobs)" = 2 ]
	# A reply: the note says it.
	ID=m2 att_msg "Re: [INC-1] Files" big.bin "$BATS_TEST_TMPDIR/big" attachment application/octet-stream \
	    >"$BATS_TEST_TMPDIR/2"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/2"
	assert_status 0
	assert_output "noted on INC-1"
	ticket_is INC-1 '[.events[] | select(.kind == "note") | .message]' '["Hello\n\nAttachments left out:\n- big.bin (application/octet-stream, 2049 bytes): larger than max_attachment\n"]'
	[ "$(count attachments)" = 2 ]
}

@test "attachment: automatic mail stores none, even noted on its ticket" {
	use_mail
	bytes "$BATS_TEST_TMPDIR/a" 500 auto
	att_msg "Printer" >"$BATS_TEST_TMPDIR/1"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/1"
	assert_output "opened INC-1"
	ID=m2 HDRS="Auto-Submitted: auto-replied" att_msg "Re: [INC-1] Printer" \
	    ooo.txt "$BATS_TEST_TMPDIR/a" attachment text/plain >"$BATS_TEST_TMPDIR/2"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/2"
	assert_status 0
	assert_output "noted automatic mail on INC-1"
	[ "$(count attachments)" = 0 ]
	[ "$(count blobs)" = 0 ]
}

@test "attachment: --dry-run stores no attachment" {
	use_mail
	before=$(db_digest)
	run --separate-stderr itsm mail --dry-run <"$CORPUS/attachment-pdf.eml"
	assert_status 0
	assert_output "dry run: would be opened INC-1"
	assert_unchanged "$before"
}

@test "attachment: an unknown ticket or name is 66; -o or --sha256 without NAME 64; a --sha256 not hexadecimal 65; unchanged" {
	use_mail
	itsm mail <"$CORPUS/attachment-pdf.eml" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm attachment INC-9
	assert_rejected 66 "no such ticket: 'INC-9'" "$before"
	run --separate-stderr itsm attachment INC-9 x.pdf
	assert_rejected 66 "no such ticket: 'INC-9'" "$before"
	run --separate-stderr itsm attachment INC-1 nothing.pdf -o "$BATS_TEST_TMPDIR/out"
	assert_rejected 66 "INC-1: no attachment named 'nothing.pdf'" "$before"
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
	run --separate-stderr itsm attachment INC-1 'Facture été.pdf' --sha256 0000
	assert_rejected 66 "INC-1: no attachment named 'Facture été.pdf' has a SHA-256 beginning with 0000" "$before"
	run --separate-stderr itsm attachment INC-1 'Facture été.pdf' --sha256 xyz
	assert_rejected 65 "not hexadecimal" "$before"
	run --separate-stderr itsm attachment INC-1 -o "$BATS_TEST_TMPDIR/out"
	assert_rejected 64 "-o needs a NAME \(see 'itsm attachment -h'\)" "$before"
	run --separate-stderr itsm attachment INC-1 --sha256 ab
	assert_rejected 64 "--sha256 needs a NAME" "$before"
	run --separate-stderr itsm attachment INC-1 a b c
	assert_status 64
	assert_unchanged "$before"
	run --separate-stderr itsm attachment
	assert_status 64
	assert_unchanged "$before"
	# A name with a control character is said escaped.
	run --separate-stderr itsm attachment INC-1 $'a\033[31mb'
	assert_status 66
	[[ $stderr != *$'\033'* ]]
}

@test "attachment: the content is never written to a terminal (64), a list is" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	use_mail
	itsm mail <"$CORPUS/attachment-pdf.eml" >/dev/null
	before=$(db_digest)
	for o in "" "-o -"; do
		cmd=$(printf '%q ' "$ITSM" attachment INC-1 'Facture été.pdf' $o)
		out=$(script -qec "$cmd" /dev/null </dev/null | tr -d '\r'
		    exit "${PIPESTATUS[0]}") && st=0 || st=$?
		[ "$st" = 64 ]
		[ "$out" = "itsm: will not write an attachment to a terminal: give -o FILE, or send standard output to a file or a pipe" ]
		[[ $out != *PDF* ]]
	done
	cmd=$(printf '%q ' "$ITSM" attachment INC-1)
	out=$(script -qec "$cmd" /dev/null </dev/null | tr -d '\r')
	[[ $out == "NAME "*"Facture été.pdf"* ]]
	assert_unchanged "$before"
}

@test "attachment: the policy's keys are checked when it loads and shown by config show" {
	use_mail $'  max_attachment: 1M\n  max_attachments: 5M\n  ignore_inline_images_below: 20K'
	run --separate-stderr itsm config show
	assert_status 0
	[ "$(printf '%s\n' "$output" | grep -A2 -x '  max_attachment: 1M')" = "  max_attachment: 1M
  max_attachments: 5M
  ignore_inline_images_below: 20K" ]
	for bad in "max_attachment: 10" "max_attachments: lots" "ignore_inline_images_below: -1" "max_attachment: 2G"; do
		cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
		use_mail "  $bad"
		run --separate-stderr itsm list
		assert_status 78
		[[ $stderr == *"${bad%%:*} must be a size from 1K to 1024M"* ]]
	done
	[ ! -e "$ITSM_DB" ] || on_pg
}
