/*
 * The PostgreSQL engine's identities and permissions (issue 13): the
 * three group roles, what each may do to the tables, and the triggers
 * that hold the rules of itsm(1)'s role table against any connection,
 * itsm's or a raw psql's.  pg_permissions() is run by itsm db init and
 * again by itsm db upgrade, in their transaction; it is idempotent.
 *
 * - Roles (NOLOGIN, cluster-wide: every itsm database of a server
 *   shares them): itsm_technician; itsm_manager, a member of it;
 *   itsm_admin, a member of itsm_manager.  Made when missing (the user
 *   needs CREATEROLE then); the user running init is made a member of
 *   itsm_admin unless it is one already.  A superuser and the owner of
 *   the database count as admins.
 * - Grants: every role reads every itsm table; itsm_technician inserts
 *   tickets, events, majors and their roster, findings and actions,
 *   settings, the outbox's rows, the Message-IDs of mail_messages, and
 *   the attachments of incoming mail with their blobs;
 *   updates the columns the workflow writes (a ticket's
 *   but its id, opening time and external reference; a major's but its
 *   ticket; a roster's role; an action's done time; a setting's value;
 *   an outbox row's delivery state, attempts, next attempt, error and
 *   sending time; the count of writes of itsm_schema), and takes names off a
 *   roster.  No role may update or delete events, nor delete tickets;
 *   no role but the tables' owner (who ran init) has DDL.
 * - Triggers (rows checked against the role of session_user, the user
 *   who logged in, whatever SET ROLE did), raising insufficient_privilege
 *   (42501, which pg_fail makes ITSM_E_PERM):
 *   events: no UPDATE, DELETE or TRUNCATE, even by the owner; below
 *   admin, an inserted event's actor is session_user and its recorded
 *   time the server's clock (set here, whatever was given).
 *   tickets: below admin, an inserted ticket is a new one (status new,
 *   no counts, no major, no times but opened and updated, no external
 *   reference, parent or escalation); below manager, no cancelling,
 *   nothing out of closed or cancelled, no change of the major flag.
 *   majors: below manager, only proposing (a new major in state
 *   proposed), and no change of state, declaration or end but ending an
 *   active major whose ticket is resolved by the same transaction
 *   (itsm resolve ends it), which is checked at the commit.
 *   Hierarchical escalation is not the server's to refuse (the sweeps a
 *   technician runs record it too): itsm refuses it below manager.
 */
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/store.h"
#include "pg_int.h"

/* Whether session_user is a member (direct or inherited) of role. */
#define MEMBER(role) \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_roles r" \
	" WHERE r.rolname = '" role "'" \
	" AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'))"

/*
 * The role level of session_user: 3 admin (a superuser, a member of
 * the database's owner, or of itsm_admin), 2 manager, 1 technician, 0
 * none.  An expression, so that it works before the schema exists.
 */
#define ROLE_LEVEL \
	"CASE WHEN (SELECT r.rolsuper FROM pg_catalog.pg_roles r" \
	"  WHERE r.rolname = session_user)" \
	" OR pg_catalog.pg_has_role(session_user, (SELECT d.datdba" \
	"  FROM pg_catalog.pg_database d" \
	"  WHERE d.datname = pg_catalog.current_database()), 'MEMBER')" \
	" OR " MEMBER("itsm_admin") " THEN 3" \
	" WHEN " MEMBER("itsm_manager") " THEN 2" \
	" WHEN " MEMBER("itsm_technician") " THEN 1 ELSE 0 END"

/* The roles, made when missing; the user running init an admin. */
static const char roles_sql[] =
    "DO $do$ DECLARE r text; BEGIN"
    " FOREACH r IN ARRAY ARRAY['itsm_technician', 'itsm_manager',"
    "  'itsm_admin'] LOOP"
    "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles"
    "   WHERE rolname = r) THEN"
    "   BEGIN"
    "    EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);"
    "   EXCEPTION WHEN duplicate_object OR unique_violation THEN"
    "    NULL;"	/* another init made it meanwhile */
    "   END;"
    "  END IF;"
    " END LOOP;"
    " IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m"
    "  WHERE m.roleid = 'itsm_technician'::regrole"
    "  AND m.member = 'itsm_manager'::regrole) THEN"
    "  GRANT itsm_technician TO itsm_manager;"
    " END IF;"
    " IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m"
    "  WHERE m.roleid = 'itsm_manager'::regrole"
    "  AND m.member = 'itsm_admin'::regrole) THEN"
    "  GRANT itsm_manager TO itsm_admin;"
    " END IF;"
    " IF NOT pg_catalog.pg_has_role(session_user, 'itsm_admin', 'MEMBER')"
    " THEN"
    "  EXECUTE pg_catalog.format('GRANT itsm_admin TO %I', session_user);"
    " END IF;"
    " EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC',"
    "  pg_catalog.current_schema());"
    "END $do$";

/*
 * The grants.  The columns of tickets a technician may update: all but
 * id, opened_at and ext_ref, read from the catalog so that a column a
 * migration adds is granted by the next upgrade.
 */
static const char *const grants_sql[] = {
	"GRANT SELECT ON itsm_schema, tickets, events, meta, majors,"
	" major_roster, major_findings, major_actions, outbox, mail_messages,"
	" blobs, attachments TO itsm_technician",
	"GRANT INSERT ON tickets, events, meta, majors, major_roster,"
	" major_findings, major_actions, outbox, mail_messages, blobs,"
	" attachments TO itsm_technician",
	"GRANT UPDATE (state, attempts, next_attempt_at, last_error, sent_at)"
	" ON outbox TO itsm_technician",
	"GRANT UPDATE (writes) ON itsm_schema TO itsm_technician",
	"GRANT UPDATE (value) ON meta TO itsm_technician",
	"GRANT UPDATE (state, proposed_at, proposal, declared_at, declared_by,"
	" ended_at, bridge, root_cause) ON majors TO itsm_technician",
	"GRANT UPDATE (role, since), DELETE ON major_roster TO itsm_technician",
	"GRANT UPDATE (done_at) ON major_actions TO itsm_technician",
	"DO $do$ BEGIN EXECUTE pg_catalog.format("
	" 'GRANT UPDATE (%s) ON tickets TO itsm_technician',"
	" (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname),"
	"  ', ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a"
	"  WHERE a.attrelid = 'tickets'::regclass AND a.attnum > 0"
	"  AND NOT a.attisdropped"
	"  AND a.attname NOT IN ('id', 'opened_at', 'ext_ref'))); END $do$",
	"DO $do$ BEGIN EXECUTE pg_catalog.format("
	" 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO itsm_technician',"
	" pg_catalog.current_schema()); END $do$",
	NULL
};

/*
 * The functions, then the triggers.  "$SP" in a function is replaced by
 * its search_path: the schema of the tables, then the catalog, so that
 * no object a user makes elsewhere stands in for one of them.
 */
static const char *const functions_sql[] = {
	"CREATE OR REPLACE FUNCTION itsm_role_level() RETURNS integer"
	" LANGUAGE sql STABLE SET search_path = $SP AS $fn$ SELECT "
	ROLE_LEVEL " $fn$",

	/* The refusal of m1's triggers, now a permission's. */
	"CREATE OR REPLACE FUNCTION itsm_refuse() RETURNS trigger"
	" LANGUAGE plpgsql SET search_path = $SP AS $fn$ BEGIN"
	" RAISE EXCEPTION '%', TG_ARGV[0]"
	"  USING ERRCODE = 'insufficient_privilege'; END $fn$",

	"CREATE OR REPLACE FUNCTION itsm_event_guard() RETURNS trigger"
	" LANGUAGE plpgsql SET search_path = $SP AS $fn$ BEGIN"
	" IF itsm_role_level() < 3 THEN"
	"  IF NEW.actor IS DISTINCT FROM session_user::text THEN"
	"   RAISE EXCEPTION 'only an itsm_admin may record an event as"
	" someone else (%, not %)', NEW.actor, session_user"
	"    USING ERRCODE = 'insufficient_privilege';"
	"  END IF;"
	"  NEW.recorded_at := pg_catalog.floor(pg_catalog.date_part('epoch',"
	"   pg_catalog.now()))::bigint;"
	" END IF;"
	" RETURN NEW; END $fn$",

	"CREATE OR REPLACE FUNCTION itsm_ticket_guard() RETURNS trigger"
	" LANGUAGE plpgsql SET search_path = $SP AS $fn$"
	" DECLARE lvl integer := itsm_role_level(); BEGIN"
	" IF TG_OP = 'INSERT' THEN"
	"  IF lvl < 3 AND (NEW.status <> 'new' OR NEW.major <> 0"
	"   OR NEW.reopen_count <> 0 OR NEW.reassignment_count <> 0"
	"   OR NEW.responded_at IS NOT NULL OR NEW.resolved_at IS NOT NULL"
	"   OR NEW.closed_at IS NOT NULL OR NEW.ext_ref IS NOT NULL"
	"   OR NEW.parent IS NOT NULL OR NEW.auto_closed <> 0"
	"   OR NEW.stagnant_escalated_at IS NOT NULL"
	"   OR NEW.breach_escalated_at IS NOT NULL) THEN"
	"   RAISE EXCEPTION 'only an itsm_admin may insert a ticket that is"
	" not a new one' USING ERRCODE = 'insufficient_privilege';"
	"  END IF;"
	" ELSIF lvl < 2 THEN"
	"  IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN"
	"   RAISE EXCEPTION 'cancelling a ticket needs itsm_manager'"
	"    USING ERRCODE = 'insufficient_privilege';"
	"  END IF;"
	"  IF OLD.status IN ('closed', 'cancelled')"
	"   AND NEW.status <> OLD.status THEN"
	"   RAISE EXCEPTION 'reopening a % ticket needs itsm_manager',"
	"    OLD.status USING ERRCODE = 'insufficient_privilege';"
	"  END IF;"
	"  IF NEW.major <> OLD.major THEN"
	"   RAISE EXCEPTION 'declaring a major incident needs itsm_manager'"
	"    USING ERRCODE = 'insufficient_privilege';"
	"  END IF;"
	" END IF;"
	" RETURN NEW; END $fn$",

	"CREATE OR REPLACE FUNCTION itsm_major_guard() RETURNS trigger"
	" LANGUAGE plpgsql SET search_path = $SP AS $fn$ BEGIN"
	" IF itsm_role_level() >= 2 THEN RETURN NEW; END IF;"
	" IF TG_OP = 'INSERT' THEN"
	"  IF NEW.state <> 'proposed' OR NEW.declared_at IS NOT NULL"
	"   OR NEW.declared_by IS NOT NULL OR NEW.ended_at IS NOT NULL THEN"
	"   RAISE EXCEPTION 'a major incident in state % needs itsm_manager"
	" (a technician proposes)', NEW.state"
	"    USING ERRCODE = 'insufficient_privilege';"
	"  END IF;"
	" ELSIF (NEW.state IS DISTINCT FROM OLD.state"
	"   AND NOT (OLD.state = 'active' AND NEW.state = 'ended'))"
	"  OR NEW.declared_at IS DISTINCT FROM OLD.declared_at"
	"  OR NEW.declared_by IS DISTINCT FROM OLD.declared_by THEN"
	"  RAISE EXCEPTION 'making a % major incident % needs itsm_manager',"
	"   OLD.state, NEW.state USING ERRCODE = 'insufficient_privilege';"
	" END IF;"
	" RETURN NEW; END $fn$",

	/* Ending an active major below manager: its ticket was resolved. */
	"CREATE OR REPLACE FUNCTION itsm_major_end_check() RETURNS trigger"
	" LANGUAGE plpgsql SET search_path = $SP AS $fn$ BEGIN"
	" IF itsm_role_level() < 2 AND NOT EXISTS (SELECT 1 FROM tickets t"
	"  WHERE t.id = NEW.ticket AND t.status = 'resolved') THEN"
	"  RAISE EXCEPTION 'ending a major incident needs itsm_manager"
	" (resolving its ticket ends it)'"
	"   USING ERRCODE = 'insufficient_privilege';"
	" END IF;"
	" RETURN NULL; END $fn$",

	"DROP TRIGGER IF EXISTS events_guard ON events",
	"CREATE TRIGGER events_guard BEFORE INSERT ON events"
	" FOR EACH ROW EXECUTE FUNCTION itsm_event_guard()",
	"DROP TRIGGER IF EXISTS tickets_guard ON tickets",
	"CREATE TRIGGER tickets_guard BEFORE INSERT OR UPDATE ON tickets"
	" FOR EACH ROW EXECUTE FUNCTION itsm_ticket_guard()",
	"DROP TRIGGER IF EXISTS majors_guard ON majors",
	"CREATE TRIGGER majors_guard BEFORE INSERT OR UPDATE ON majors"
	" FOR EACH ROW EXECUTE FUNCTION itsm_major_guard()",
	"DROP TRIGGER IF EXISTS majors_end_check ON majors",
	"CREATE CONSTRAINT TRIGGER majors_end_check AFTER UPDATE ON majors"
	" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
	" WHEN (OLD.state = 'active' AND NEW.state = 'ended')"
	" EXECUTE FUNCTION itsm_major_end_check()",
	NULL
};

/* sql with "$SP" made sp; the caller's to free. */
static char *
with_path(const char *sql, const char *sp)
{
	const char *at = strstr(sql, "$SP");
	size_t n;
	char *out;

	if (at == NULL)
		return strdup(sql);
	n = strlen(sql) - 3 + strlen(sp) + 1;
	if ((out = malloc(n)) == NULL)
		return NULL;
	memcpy(out, sql, (size_t)(at - sql));
	strcpy(out + (at - sql), sp);
	strcat(out, at + 3);
	return out;
}

int
pg_permissions(itsm_store *s)
{
	const char *const *q;
	PGresult *r = NULL;
	char *schema = NULL, *sp = NULL, *sql;
	size_t n;
	int rc;

	if ((rc = pg_exec(s, roles_sql, 0, NULL, "cannot create the roles",
	    NULL)) != 0)
		goto done;
	for (q = grants_sql; *q != NULL; q++)
		if ((rc = pg_exec(s, *q, 0, NULL, "cannot grant the roles' "
		    "permissions", NULL)) != 0)
			goto done;
	if ((rc = pg_exec(s, "SELECT pg_catalog.current_schema()", 0, NULL,
	    "cannot read the schema", &r)) != 0)
		goto done;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0) ||
	    (schema = PQescapeIdentifier(PG(s)->conn, PQgetvalue(r, 0, 0),
	    strlen(PQgetvalue(r, 0, 0)))) == NULL) {
		rc = itsm_error(ITSM_E_INTERNAL, "cannot read the schema");
		goto done;
	}
	n = strlen(schema) + sizeof(", pg_catalog, pg_temp");
	if ((sp = malloc(n)) == NULL) {
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
		goto done;
	}
	snprintf(sp, n, "%s, pg_catalog, pg_temp", schema);
	for (q = functions_sql; *q != NULL; q++) {
		if ((sql = with_path(*q, sp)) == NULL) {
			rc = itsm_error(ITSM_E_NOMEM, "out of memory");
			goto done;
		}
		rc = pg_exec(s, sql, 0, NULL, "cannot create the permission "
		    "checks", NULL);
		free(sql);
		if (rc != 0)
			goto done;
	}
done:
	PQclear(r);
	if (schema != NULL)
		PQfreemem(schema);
	free(sp);
	return rc;
}

/* Who the connection is: see whoami in engine.h. */
int
pg_whoami(itsm_store *s, struct itsm_who *w)
{
	PGresult *r = NULL;
	int rc;

	if ((rc = pg_exec(s, "SELECT session_user, " ROLE_LEVEL ","
	    " pg_catalog.floor(pg_catalog.date_part('epoch',"
	    " pg_catalog.now()))::bigint, 'PostgreSQL ' ||"
	    " pg_catalog.current_setting('server_version'),"
	    " pg_catalog.current_database()", 0, NULL, "cannot read who you "
	    "are", &r)) != 0)
		return rc;
	if (PQntuples(r) != 1) {
		rc = itsm_error(ITSM_E_INTERNAL, "cannot read who you are");
		goto done;
	}
	w->role = (enum itsm_role)atoi(PQgetvalue(r, 0, 1));
	w->now = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
	if ((w->user = strdup(PQgetvalue(r, 0, 0))) == NULL ||
	    (w->server = strdup(PQgetvalue(r, 0, 3))) == NULL ||
	    (w->database = strdup(PQgetvalue(r, 0, 4))) == NULL) {
		itsm_who_free(w);
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
	}
done:
	PQclear(r);
	return rc;
}

/*
 * Whether session_user may upgrade: a member of the role owning the
 * schema (who ran init), or a superuser.  *owner: that role's name.
 */
int
pg_is_owner(itsm_store *s, int *yes, char **owner)
{
	PGresult *r = NULL;
	int rc;

	*yes = 0;
	*owner = NULL;
	if ((rc = pg_exec(s, "SELECT pg_catalog.pg_get_userbyid(c.relowner),"
	    " pg_catalog.pg_has_role(session_user, c.relowner, 'MEMBER')"
	    " FROM pg_catalog.pg_class c WHERE c.oid = 'itsm_schema'::regclass",
	    0, NULL, "cannot read the schema's owner", &r)) != 0)
		return rc;
	if (PQntuples(r) != 1) {
		rc = itsm_error(ITSM_E_INTERNAL, "cannot read the schema's "
		    "owner");
		goto done;
	}
	*yes = *PQgetvalue(r, 0, 1) == 't';
	if ((*owner = strdup(PQgetvalue(r, 0, 0))) == NULL)
		rc = itsm_error(ITSM_E_NOMEM, "out of memory");
done:
	PQclear(r);
	return rc;
}
