/*
 * The SQLite engine's attachments (struct engine_attachments of
 * lib/engine.h): blobs stored once by SHA-256, and each attachment's
 * row on its ticket.
 */
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "sqlite_int.h"

static int
sq_attachment_add(itsm_store *s, const struct store_attachment_new *a,
    int64_t *id, int *blob_added)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	*blob_added = 0;
	if ((rc = store_prepare(s, "INSERT INTO blobs (sha256, size, data) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (sha256) DO NOTHING", &st)) != 0)
		return rc;
	store_bind_text(st, 1, a->sha256);
	store_bind_int(st, 2, (int64_t)a->size);
	/* A zero-length blob is still a blob, not NULL. */
	sqlite3_bind_blob64(st, 3, a->data != NULL ? (const void *)a->data :
	    (const void *)"", (sqlite3_uint64)a->size, SQLITE_STATIC);
	if ((rc = store_exec_stmt(s, st, "cannot store the attachment")) != 0)
		return rc;
	*blob_added = sqlite3_changes(SQ(s)->db) > 0;
	if ((rc = store_prepare(s, "INSERT INTO attachments (id, ticket, "
	    "event, message_id, name, type, size, sha256, is_inline, at) "
	    "VALUES ((SELECT coalesce(max(id), 0) + 1 FROM attachments), "
	    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st)) != 0)
		return rc;
	store_bind_int(st, 1, a->ticket);
	if (a->event > 0)
		store_bind_int(st, 2, a->event);
	else
		sqlite3_bind_null(st, 2);
	store_bind_text(st, 3, a->message_id);
	store_bind_text(st, 4, a->name != NULL ? a->name : "");
	store_bind_text(st, 5, a->type);
	store_bind_int(st, 6, (int64_t)a->size);
	store_bind_text(st, 7, a->sha256);
	store_bind_int(st, 8, a->is_inline != 0);
	store_bind_int(st, 9, a->at);
	if ((rc = store_exec_stmt(s, st, "cannot store the attachment")) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(SQ(s)->db);
	return 0;
}

static int
sq_attachment_list(itsm_store *s, int64_t ticket, struct store_rows **out)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = store_prepare(s, "SELECT id, name, type, size, sha256, "
	    "is_inline, at, message_id, event FROM attachments "
	    "WHERE ticket = ?1 ORDER BY id", &st)) != 0)
		return rc;
	store_bind_int(st, 1, ticket);
	return sq_rows(s, st, 0, "cannot read the attachments", out);
}

static int
sq_blob(itsm_store *s, const char *sha256, unsigned char **data,
    size_t *size)
{
	sqlite3_stmt *st;
	const void *b;
	size_t n;
	int rc;

	*data = NULL;
	*size = 0;
	if ((rc = store_prepare(s, "SELECT data FROM blobs WHERE sha256 = ?1",
	    &st)) != 0)
		return rc;
	store_bind_text(st, 1, sha256);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		b = sqlite3_column_blob(st, 0);
		n = (size_t)sqlite3_column_bytes(st, 0);
		if ((*data = malloc(n > 0 ? n : 1)) == NULL) {
			sqlite3_finalize(st);
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		}
		if (n > 0)
			memcpy(*data, b, n);
		*size = n;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = itsm_error(ITSM_E_NOTFOUND, "no content %.64s is stored",
		    sha256);
	} else {
		rc = store_fail(s, "cannot read the attachment");
	}
	sqlite3_finalize(st);
	return rc;
}

const struct engine_attachments sq_attachments = {
	.add = sq_attachment_add,
	.list = sq_attachment_list,
	.blob = sq_blob,
};
