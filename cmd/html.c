/*
 * Markdown to a self-contained HTML page, by cmark-gfm (its tables
 * extension): the reports are written once, in Markdown whose every user
 * text is escaped (cmd/major_report.c), and rendered here.  Raw HTML is
 * never passed through (cmark-gfm's safe default), so the page holds
 * only the markup the Markdown makes; its style is inline, with no
 * script and no external resource: a file to mail, print or archive.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "cmd.h"

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "max-width:60em;margin:2em auto;padding:0 1em;color:#1a1a1a;"
    "line-height:1.45}"
    "h1{font-size:1.6em;border-bottom:2px solid #444;padding-bottom:.2em}"
    "h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.5em 0;width:100%}"
    "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;"
    "vertical-align:top}"
    "th{background:#eee}"
    "tr:nth-child(even) td{background:#fafafa}"
    "td strong{white-space:nowrap}"
    "@media print{body{margin:0;max-width:none}"
    "h2{break-after:avoid}tr{break-inside:avoid}}";

/* Text for an HTML element's content or attribute value. */
static void
html_text(FILE *o, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '&': fputs("&amp;", o); break;
		case '"': fputs("&quot;", o); break;
		default: fputc(*s, o); break;
		}
}

int
html_page(FILE *o, const char *title, const char *md, size_t len)
{
	cmark_syntax_extension *table;
	cmark_parser *p;
	cmark_node *doc;
	char *body = NULL;

	cmark_gfm_core_extensions_ensure_registered();
	if ((p = cmark_parser_new(CMARK_OPT_DEFAULT)) == NULL)
		goto nomem;
	if ((table = cmark_find_syntax_extension("table")) == NULL ||
	    !cmark_parser_attach_syntax_extension(p, table)) {
		cmark_parser_free(p);
		warnx_("cmark-gfm has no table extension");
		return EX_SOFTWARE_;
	}
	cmark_parser_feed(p, md, len);
	if ((doc = cmark_parser_finish(p)) != NULL) {
		body = cmark_render_html(doc, CMARK_OPT_DEFAULT,
		    cmark_parser_get_syntax_extensions(p));
		cmark_node_free(doc);
	}
	cmark_parser_free(p);
	if (body == NULL)
		goto nomem;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>", o);
	html_text(o, title);
	fprintf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
	fputs(body, o);
	fputs("</body>\n</html>\n", o);
	free(body);
	return ferror(o) ? EX_IOERR_ : 0;
nomem:
	warnx_("out of memory");
	return EX_SOFTWARE_;
}
