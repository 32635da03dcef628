/*
 * The PostgreSQL engine's attachments (struct engine_attachments of
 * lib/engine.h): the same work as lib/sqlite/sqlite_attach.c.  The bytes
 * travel as hexadecimal text (decode/encode on the server), so that every
 * parameter stays text; ids are max(id) + 1 under the writers' lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "pg_int.h"

static int
nomem(void)
{
	return itsm_error(ITSM_E_NOMEM, "out of memory");
}

static char *
to_hex(const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *h;
	size_t i;

	if ((h = malloc(2 * n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		h[2 * i] = digits[b[i] >> 4];
		h[2 * i + 1] = digits[b[i] & 15];
	}
	h[2 * n] = '\0';
	return h;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
pg_attachment_add(itsm_store *s, const struct store_attachment_new *a,
    int64_t *id, int *blob_added)
{
	char sz[24], tk[24], ev[24], at[24], *hex;
	const char *p[10];
	PGresult *r;
	int rc;

	*id = 0;
	*blob_added = 0;
	if ((hex = to_hex(a->data, a->size)) == NULL)
		return nomem();
	snprintf(sz, sizeof(sz), "%lld", (long long)a->size);
	p[0] = a->sha256;
	p[1] = sz;
	p[2] = hex;
	rc = pg_exec(s, "INSERT INTO blobs (sha256, size, data) VALUES "
	    "($1::text, $2::bigint, decode($3::text, 'hex')) "
	    "ON CONFLICT (sha256) DO NOTHING", 3, p,
	    "cannot store the attachment", &r);
	free(hex);
	if (rc != 0)
		return rc;
	*blob_added = atoi(PQcmdTuples(r)) > 0;
	PQclear(r);
	snprintf(tk, sizeof(tk), "%lld", (long long)a->ticket);
	snprintf(ev, sizeof(ev), "%lld", (long long)a->event);
	snprintf(at, sizeof(at), "%lld", (long long)a->at);
	p[0] = tk;
	p[1] = a->event > 0 ? ev : NULL;
	p[2] = a->message_id;
	p[3] = a->name != NULL ? a->name : "";
	p[4] = a->type;
	p[5] = sz;
	p[6] = a->sha256;
	p[7] = a->is_inline ? "true" : "false";
	p[8] = at;
	if ((rc = pg_exec(s, "INSERT INTO attachments (id, ticket, event, "
	    "message_id, name, type, size, sha256, is_inline, at) VALUES ("
	    PG_NEXT_ID("attachments") ", $1::bigint, $2::bigint, $3::text, "
	    "$4::text, $5::text, $6::bigint, $7::text, $8::boolean, "
	    "$9::bigint) RETURNING id", 9, p, "cannot store the attachment",
	    &r)) != 0)
		return rc;
	if (PQntuples(r) == 1)
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return 0;
}

static int
pg_attachment_list(itsm_store *s, int64_t ticket, struct store_rows **out)
{
	char tk[24];
	const char *p[1] = { tk };

	snprintf(tk, sizeof(tk), "%lld", (long long)ticket);
	return pg_rows(s, "SELECT id, name, type, size, sha256, is_inline, "
	    "at, message_id, event FROM attachments WHERE ticket = $1::bigint "
	    "ORDER BY id", 1, p, "cannot read the attachments", out);
}

static int
pg_blob(itsm_store *s, const char *sha256, unsigned char **data,
    size_t *size)
{
	const char *p[1] = { sha256 };
	const char *h;
	PGresult *r;
	size_t n, i;
	int rc, hi, lo;

	*data = NULL;
	*size = 0;
	if ((rc = pg_exec(s, "SELECT encode(data, 'hex') FROM blobs "
	    "WHERE sha256 = $1::text", 1, p, "cannot read the attachment",
	    &r)) != 0)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return itsm_error(ITSM_E_NOTFOUND, "no content %.64s is stored",
		    sha256);
	}
	h = PQgetvalue(r, 0, 0);
	n = strlen(h) / 2;
	if ((*data = malloc(n > 0 ? n : 1)) == NULL) {
		PQclear(r);
		return nomem();
	}
	for (i = 0; i < n; i++) {
		hi = hex_digit(h[2 * i]);
		lo = hex_digit(h[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			PQclear(r);
			free(*data);
			*data = NULL;
			return itsm_error(ITSM_E_INTERNAL, "the server sent "
			    "an attachment that is not hexadecimal");
		}
		(*data)[i] = (unsigned char)(hi << 4 | lo);
	}
	*size = n;
	PQclear(r);
	return 0;
}

const struct engine_attachments pg_attachments = {
	.add = pg_attachment_add,
	.list = pg_attachment_list,
	.blob = pg_blob,
};
