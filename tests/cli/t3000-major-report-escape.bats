#!/usr/bin/env bats
# The Markdown report of a major incident (issue 11) shows ticket text as
# it was typed, never as markup: no raw HTML, no link or image (so no
# javascript: or data: link), no character reference, no heading or list
# of the text's own.

load helper

# The hostile texts: raw HTML, inline, reference, image and auto links,
# a character reference, a forged heading, a list, a rule, inline markup.
HTML='<script>alert(1)</script><img src=x onerror=alert(1)>'
LINK='[click](javascript:alert(1)) ![i](data:text/html;base64,PHNjcmlwdD4=)'
AUTO='<javascript:alert(2)> &#106;avascript:alert(3) [ref]'
DESC=$'first line\n## Root cause\n[ref]: javascript:alert(4)\n1. one\n- two\n* three\n---\n`<b>` *em* __strong__ \\<i>'

# hostile_major: a major whose every text is hostile; the report in $output.
hostile_major() {
	open_ticket --caller "$HTML" --impact high --urgency high \
	    -m "$DESC" -- "$HTML $LINK"
	itsm major declare 1 -m "$LINK" --commander "[me](javascript:x)" \
	    --bridge "$AUTO" >/dev/null
	itsm major update 1 -m "$AUTO" >/dev/null
	itsm major roster 1 --add "$HTML" --role scribe >/dev/null
	itsm major comms 1 --audience users -m "$DESC" >/dev/null
	itsm major end 1 -m "$LINK" >/dev/null
	itsm major review 1 --root-cause "$DESC" --factor "$LINK" \
	    --went-well "# $HTML" --went-wrong "$AUTO" --lucky "1) $LINK" >/dev/null
	itsm major action 1 --add "$LINK" --owner "$HTML" --due 2026-12-01 \
	    >/dev/null
	run --separate-stderr itsm major report 1
	assert_status 0
}

@test "report: no raw HTML, no character reference, no link or image markup" {
	hostile_major
	# No '<' at all: neither HTML nor an autolink can start.
	! grep -q '<' <<<"$output" || false
	# '&' only in the three entities it writes.
	[ -z "$(grep -o '&[^ ]*' <<<"$output" | grep -Ev '^&(lt|gt|amp);')" ]
	# Every '[' and ']' escaped: no link, image or link definition.
	! grep -qE '(^|[^\\])[][]' <<<"$output" || false
	# The text is all there, as typed, in its escaped form.
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;' <<<"$output"
	grep -qF '\[click\](javascript:alert(1)) !\[i\](data:text/html;base64,PHNjcmlwdD4=)' <<<"$output"
	grep -qF '&lt;javascript:alert(2)&gt; &amp;#106;avascript:alert(3) \[ref\]' <<<"$output"
	grep -qF '\[me\](javascript:x)' <<<"$output"
}

@test "report: the text makes no heading, list or rule of its own" {
	hostile_major
	hostile=$(grep -E '^ *(#|[-+*=]|[0-9]+[.)])' <<<"$output")
	# The same report from harmless text: the same block structure.
	ITSM_DB=$(db_new plain)
	open_ticket "plain" --caller ann --impact high --urgency high -m "text"
	itsm major declare 1 -m x --commander cmd --bridge b >/dev/null
	itsm major update 1 -m x >/dev/null
	itsm major roster 1 --add ann --role scribe >/dev/null
	itsm major comms 1 --audience users -m x >/dev/null
	itsm major end 1 -m x >/dev/null
	itsm major review 1 --root-cause x --factor x --went-well x \
	    --went-wrong x --lucky x >/dev/null
	itsm major action 1 --add x --owner ann --due 2026-12-01 >/dev/null
	run --separate-stderr itsm major report 1
	plain=$(grep -E '^ *(#|[-+*=]|[0-9]+[.)])' <<<"$output")
	# Only the bullets' text differs; their markers and the headings agree.
	[ "$(sed -E 's/^(- |#+ [^:]*).*/\1/' <<<"$hostile")" = \
	    "$(sed -E 's/^(- |#+ [^:]*).*/\1/' <<<"$plain")" ]
	# The forged lines are escaped.
	hostile_major_lines=$(printf '%s\n' "$hostile")
	! grep -qx '## Root cause' <<<"$hostile_major_lines" || false
}

@test "report -o FILE: the same escaping in the file" {
	hostile_major
	expected=$output
	itsm major report 1 -o "$BATS_TEST_TMPDIR/report.md"
	[ "$(cat "$BATS_TEST_TMPDIR/report.md")" = "$expected" ]
	! grep -q '<' "$BATS_TEST_TMPDIR/report.md" || false
	grep -qx '\\## Root cause' "$BATS_TEST_TMPDIR/report.md"
	grep -qx '\\\[ref\\\]: javascript:alert(4)' "$BATS_TEST_TMPDIR/report.md"
	grep -qx '1\\. one' "$BATS_TEST_TMPDIR/report.md"
	grep -qx '\\---' "$BATS_TEST_TMPDIR/report.md"
	grep -qx '\\\* three' "$BATS_TEST_TMPDIR/report.md"
}

@test "report: a text opens no code fence and draws no rule of its own (~~~, ___)" {
	# A fence left open would turn the rest of the report into code.
	open_ticket --caller ann --impact high --urgency high \
	    -m $'before\n~~~\n  ~~~ sh\n___\n _ _ _' -- "down"
	itsm major declare 1 -m x >/dev/null
	itsm major end 1 -m x >/dev/null
	itsm major review 1 --root-cause $'cause\n~~~' --went-well '~~~' \
	    --went-wrong '___' >/dev/null
	itsm resolve 1 --permanent -m $'fixed\n```\n~~~~' >/dev/null
	run --separate-stderr itsm major report 1
	assert_status 0
	# No line opens a fence or is a rule made of the text's '~' or '_'.
	! grep -En '^ {0,3}(~~~|```)|^ {0,3}(_ *){3,}$' <<<"$output" || false
	# What was typed is all there, escaped.
	grep -qx '\\~~~' <<<"$output"
	grep -qx '  \\~~~ sh' <<<"$output"
	grep -qx '\\___' <<<"$output"
	grep -qx '\\~~~~' <<<"$output"
	grep -qx -- '- \\~~~' <<<"$output"
	grep -qx -- '- \\___' <<<"$output"
}
