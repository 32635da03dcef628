/*
 * The attachments of a ticket: listed, picked by name, given back.  What
 * is stored and what is left out is lib/intake.c's (rule 11).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "itsm/attachment.h"
#include "itsm/error.h"
#include "store_attach.h"
#include "ticket_int.h"

static char *
dup_text(const struct store_value *v, int *oom)
{
	char *d;

	if (v->type != STORE_TEXT)
		return NULL;
	if ((d = strndup(v->s, v->len)) == NULL)
		*oom = 1;
	return d;
}

void
itsm_attachments_free(struct itsm_attachment *a, size_t n)
{
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		free(a[i].name);
		free(a[i].type);
		free(a[i].message_id);
	}
	free(a);
}

int
itsm_attachments(itsm_ctx *c, int64_t id, struct itsm_attachment **out,
    size_t *n)
{
	struct itsm_attachment *v = NULL, *g;
	const struct store_value *r;
	struct store_rows *rows;
	itsm_ticket *t = NULL;
	size_t cap = 0, k = 0, nv;
	int rc, oom = 0;

	*out = NULL;
	*n = 0;
	if ((rc = itsm_ticket_get(c, id, &t)) != 0)
		return rc;
	itsm_ticket_free(t);
	if ((rc = store_attachments(c->store, id, &rows)) != 0)
		return rc;
	while ((rc = store_rows_next(c->store, rows, &r, &nv)) == 1) {
		if (nv < 9) {
			rc = itsm_error(ITSM_E_INTERNAL, "an attachment row "
			    "of %zu values", nv);
			break;
		}
		if (k == cap) {
			cap = cap ? 2 * cap : 8;
			if ((g = realloc(v, cap * sizeof(*v))) == NULL) {
				oom = 1;
				break;
			}
			v = g;
		}
		v[k] = (struct itsm_attachment){ .id = r[0].i,
		    .size = r[3].i, .is_inline = r[5].i != 0, .at = r[6].i };
		v[k].name = dup_text(&r[1], &oom);
		v[k].type = dup_text(&r[2], &oom);
		v[k].message_id = dup_text(&r[7], &oom);
		if (r[4].type == STORE_TEXT)
			snprintf(v[k].sha256, sizeof(v[k].sha256), "%s",
			    r[4].s);
		k++;
		if (oom)
			break;
	}
	store_rows_free(c->store, rows);
	if (oom)
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
	if (rc != 0) {
		itsm_attachments_free(v, k);
		return rc;
	}
	*out = v;
	*n = k;
	return 0;
}

int
itsm_attachment_pick(const struct itsm_attachment *a, size_t n,
    const char *name, const char *prefix, size_t *i)
{
	size_t j, plen = prefix != NULL ? strlen(prefix) : 0, named = 0;
	int found = 0;

	for (j = 0; j < plen; j++)
		if (!isxdigit((unsigned char)prefix[j]))
			return itsm_error(ITSM_E_INVALID, "--sha256 '%.80s' is "
			    "not hexadecimal", prefix);
	if (plen > 64)
		return itsm_error(ITSM_E_INVALID, "--sha256 is longer than a "
		    "SHA-256 (64 hexadecimal digits)");
	for (j = 0; j < n; j++) {
		if (a[j].name == NULL || strcmp(a[j].name, name) != 0)
			continue;
		named++;
		if (plen > 0 && strncasecmp(a[j].sha256, prefix, plen) != 0)
			continue;
		*i = j;
		found = 1;
	}
	if (found)
		return 0;
	if (named > 0)
		return itsm_error(ITSM_E_NOTFOUND, "no attachment named "
		    "'%.200s' has a SHA-256 beginning with %.64s", name,
		    prefix);
	return itsm_error(ITSM_E_NOTFOUND, "no attachment named '%.200s'",
	    name);
}

int
itsm_attachment_data(itsm_ctx *c, const struct itsm_attachment *a,
    unsigned char **data, size_t *size)
{
	return store_blob(c->store, a->sha256, data, size);
}
