/*
 * The store, whatever its engine: where the database is, which engine
 * opens it, and the public calls, each handed to the engine's ops
 * (lib/engine.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/store.h"
#include "engine.h"

#define BUSY_TIMEOUT_MS 10000

int
itsm_store_path(const char *path, char **out)
{
	const char *env, *home;
	size_t n;

	*out = NULL;
	/* An empty ITSM_DB is no path: usable_path refuses it. */
	if (path == NULL && (env = getenv("ITSM_DB")) != NULL)
		path = env;
	if (path != NULL) {
		if ((*out = strdup(path)) == NULL)
			return itsm_error(ITSM_E_NOMEM, "out of memory");
		return 0;
	}
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/') {
		n = strlen(env) + sizeof("/itsm/itsm.db");
		if ((*out = malloc(n)) != NULL)
			snprintf(*out, n, "%s/itsm/itsm.db", env);
	} else if ((home = getenv("HOME")) != NULL && *home != '\0') {
		n = strlen(home) + sizeof("/.local/share/itsm/itsm.db");
		if ((*out = malloc(n)) != NULL)
			snprintf(*out, n, "%s/.local/share/itsm/itsm.db", home);
	} else {
		return itsm_error(ITSM_E_IO, "no database: set ITSM_DB or HOME, "
		    "or give --db FILE");
	}
	if (*out == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	return 0;
}

/*
 * Whether path names a PostgreSQL database rather than a file: a
 * connection URI ("postgresql://..." or "postgres://...") or a libpq
 * keyword string, whose first '=' follows a bare keyword of letters and
 * underscores, spaces around it allowed ("service=itsm", "host=/run/
 * postgresql dbname=itsm").  Anything else is a file for SQLite: a file
 * whose name would read as a keyword string is given as "./name".
 */
static int
is_server(const char *path)
{
	const char *p = path;

	if (path == NULL)
		return 0;
	if (strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0)
		return 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || *p == '_')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '=';
}

/* The engine of the database path names. */
static const struct store_engine *
engine_for(const char *path)
{
	return is_server(path) ? &itsm_engine_pg : &itsm_engine_sqlite;
}

const char *
itsm_store_engine(const char *path)
{
	return is_server(path) ? "postgresql" : "sqlite";
}

const char *const *
itsm_store_files(const char *path)
{
	return engine_for(path != NULL ? path : getenv("ITSM_DB"))->core->files;
}

int
itsm_store_open(itsm_store **out, const char *path, int flags)
{
	return itsm_store_open_wait(out, path, flags, BUSY_TIMEOUT_MS);
}

int
itsm_store_open_wait(itsm_store **out, const char *path, int flags,
    int busy_ms)
{
	const struct store_engine *e;

	/* ITSM_DB names the database when path does not (even empty). */
	if (path == NULL)
		path = getenv("ITSM_DB");
	e = engine_for(path);
	return e->core->open(out, path, flags,
	    busy_ms > 0 ? busy_ms : BUSY_TIMEOUT_MS);
}

void
itsm_store_close(itsm_store *s)
{
	if (s != NULL)
		s->engine->core->close(s);
}

int
itsm_store_version(itsm_store *s)
{
	return s->engine->core->version(s);
}

int
itsm_store_whoami(itsm_store *s, struct itsm_who *w)
{
	memset(w, 0, sizeof(*w));
	return s->engine->core->whoami(s, w);
}

void
itsm_who_free(struct itsm_who *w)
{
	if (w == NULL)
		return;
	free(w->user);
	free(w->server);
	free(w->database);
	memset(w, 0, sizeof(*w));
}

const char *
itsm_role_name(enum itsm_role role)
{
	switch (role) {
	case ITSM_ROLE_TECHNICIAN: return "technician";
	case ITSM_ROLE_MANAGER: return "manager";
	case ITSM_ROLE_ADMIN: return "admin";
	default: return "none";
	}
}

int64_t
itsm_store_data_version(itsm_store *s)
{
	return s->engine->core->data_version(s);
}

int
itsm_store_wait(itsm_store *s, int64_t *version, int ms)
{
	return s->engine->core->wait(s, version, ms);
}

int
itsm_store_begin(itsm_store *s)
{
	return s->engine->core->begin(s);
}

int
itsm_store_commit(itsm_store *s)
{
	return s->engine->core->commit(s);
}

void
itsm_store_rollback(itsm_store *s)
{
	s->engine->core->rollback(s);
}

int
itsm_store_committed(const itsm_store *s)
{
	return s != NULL && s->engine->core->committed(s);
}

void
store_outbox_free(struct store_outbox_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows != NULL && i < n; i++) {
		free(rows[i].kind);
		free(rows[i].name);
		free(rows[i].recipients);
		free(rows[i].message_id);
		free(rows[i].payload);
	}
	free(rows);
}

static int
outbox_by_id(const void *a, const void *b)
{
	const struct store_outbox_row *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

void
store_outbox_sort(struct store_outbox_row *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), outbox_by_id);
}
