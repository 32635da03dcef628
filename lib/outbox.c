/*
 * The outbox's delivery: after the commit that queued them, and again
 * by itsm notify for what failed.  A row is claimed in a transaction of
 * its own (one attempt more, not due again before a lease that outlasts
 * its delivery), then sent through sendmail -t -i with the message on
 * standard input and a deadline (a hook's row: its hook run, see
 * tk_hook_deliver), then marked sent, or due again after a backoff that
 * doubles up to the policy's cap, or failed for good after the policy's
 * number of attempts (a hook gone: at once).  A process killed between
 * the sending and the mark leaves the row claimed: it is sent again, with
 * the same Message-ID, once the lease is over (itsm-notify(1)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itsm/error.h"
#include "itsm/outbox.h"
#include "store_outbox.h"
#include "ticket_int.h"

/* What applies to rows queued under a policy that has no mail section now. */
static const struct itsm_mail_policy fallback = {
	.sendmail = "/usr/sbin/sendmail -t -i", .subject_tag = "[{ref}]",
	.attempts = 10, .backoff = 60, .max_backoff = 3600, .timeout = 30,
};

#define MAX_ARGS 32

static const struct itsm_mail_policy *
mail_policy(const itsm_ctx *c)
{
	const struct itsm_mail_policy *ml = itsm_policy_mail(c->policy);

	return ml != NULL ? ml : &fallback;
}

int
tk_outbox_add(itsm_ctx *c, int64_t id)
{
	int64_t *n = realloc(c->outbox, (c->noutbox + 1) * sizeof(*n));

	if (n == NULL)
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	c->outbox = n;
	c->outbox[c->noutbox++] = id;
	return 0;
}

/*
 * Sends a mail: the sendmail command (ITSM_SENDMAIL, else the
 * policy's), its words split at blanks, the message on its input.  0, or
 * -1 with why (len bytes).
 */
static int
send_mail(const struct itsm_mail_policy *ml, const char *message,
    char *why, size_t len)
{
	const char *env = getenv("ITSM_SENDMAIL"), *w = NULL;
	char cmd[1024], *argv[MAX_ARGS + 1], *tok, *save;
	int n = 0, status;

	snprintf(cmd, sizeof(cmd), "%s", env != NULL && *env != '\0' ? env :
	    ml->sendmail);
	for (tok = strtok_r(cmd, " \t", &save); tok != NULL && n < MAX_ARGS;
	    tok = strtok_r(NULL, " \t", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	if (n == 0 || argv[0][0] != '/') {
		snprintf(why, len, "sendmail '%.200s' is no absolute path",
		    n > 0 ? argv[0] : "");
		return -1;
	}
	status = tk_run(argv, NULL, message, ml->timeout, &w);
	if (status == 0)
		return 0;
	if (status < 0)
		snprintf(why, len, "%.200s %s", argv[0], w);
	else if (status == 126)
		snprintf(why, len, "%.200s could not be run", argv[0]);
	else
		snprintf(why, len, "%.200s exited with status %d", argv[0],
		    status);
	return -1;
}

/* The wait before attempt n + 1: backoff, doubling, up to the cap. */
static int64_t
backoff(const struct itsm_mail_policy *ml, int64_t attempts)
{
	int64_t d = ml->backoff;

	while (--attempts > 0 && d < ml->max_backoff)
		d *= 2;
	return d < ml->max_backoff ? d : ml->max_backoff;
}

/* Where failures are told: each line that names no row once a run. */
struct teller {
	void (*report)(void *, const char *);
	void *arg;
	char **said;
	size_t nsaid;
};

static void
tell(struct teller *t, const char *msg, int once)
{
	char **n;
	size_t i;

	for (i = 0; once && i < t->nsaid; i++)
		if (strcmp(t->said[i], msg) == 0)
			return;
	t->report(t->arg, msg);
	if (once && (n = realloc(t->said, (t->nsaid + 1) *
	    sizeof(*n))) != NULL) {
		t->said = n;
		if ((n[t->nsaid] = strdup(msg)) != NULL)
			t->nsaid++;
	}
}

static void
teller_free(struct teller *t)
{
	size_t i;

	for (i = 0; i < t->nsaid; i++)
		free(t->said[i]);
	free(t->said);
}

/*
 * Claims row id (0: the longest due), delivers it (a mail sent, a hook
 * run), marks it.  1 when one was claimed (*ok: whether it went), 0 when
 * none was due, or an ITSM_E code from the database.  The claim outlasts
 * the longer of the two time limits by a minute.
 */
static int
deliver_one(itsm_ctx *c, int64_t id, int *ok, struct teller *tl)
{
	const struct itsm_mail_policy *ml = mail_policy(c);
	int64_t limit = itsm_policy_hook_timeout(c->policy);
	struct store_outbox_row *r = NULL;
	char why[512], line[1800], msg[2048];
	size_t n = 0;
	int rc, give_up, final = 0, once = 0, hook;

	*ok = 0;
	if (limit < ml->timeout)
		limit = ml->timeout;
	if ((rc = itsm_store_begin(c->store)) != 0)
		return rc;
	rc = store_outbox_claim(c->store, id, c->now, c->now + limit + 60, 1,
	    &r, &n);
	if (rc != 0) {
		itsm_store_rollback(c->store);
		return rc;
	}
	if ((rc = itsm_store_commit(c->store)) != 0 || n == 0) {
		store_outbox_free(r, n);
		return rc;
	}
	hook = strcmp(r->kind, "hook") == 0;
	if (strcmp(r->kind, "mail") == 0)
		*ok = send_mail(ml, r->payload, why, sizeof(why)) == 0;
	else if (hook)
		*ok = tk_hook_deliver(c, r, why, sizeof(why), line,
		    sizeof(line), &final, &once) == 0;
	else
		snprintf(why, sizeof(why), "no delivery for a %s", r->kind);
	give_up = !*ok && (final || r->attempts >= ml->attempts);
	if ((rc = itsm_store_begin(c->store)) == 0) {
		rc = *ok ? store_outbox_sent(c->store, r->id, c->now) :
		    store_outbox_failed(c->store, r->id, why, c->now +
		    backoff(ml, r->attempts), give_up);
		if (rc == 0)
			rc = itsm_store_commit(c->store);
		else
			itsm_store_rollback(c->store);
	}
	if (!*ok && hook)
		snprintf(msg, sizeof(msg), "%s%s", line, give_up ?
		    "; given up" : "; itsm notify retries it");
	else if (!*ok)
		snprintf(msg, sizeof(msg), "%s '%s' to %s not sent (attempt "
		    "%lld): %s%s", r->kind, r->name, r->recipients != NULL ?
		    r->recipients : "-", (long long)r->attempts, why,
		    give_up ? "; given up" : "; itsm notify retries it");
	if (!*ok)
		tell(tl, msg, once);
	store_outbox_free(r, n);
	return rc != 0 ? rc : 1;
}

int
tk_outbox_deliver(itsm_ctx *c, const int64_t *ids, size_t n,
    void (*report)(void *, const char *), void *arg)
{
	struct teller tl = { report, arg, NULL, 0 };
	char msg[512];
	size_t i;
	int failures = 0, ok, rc;

	for (i = 0; i < n; i++) {
		rc = deliver_one(c, ids[i], &ok, &tl);
		if (rc < 0) {
			snprintf(msg, sizeof(msg), "delivery %lld not "
			    "recorded: %s; itsm notify retries it",
			    (long long)ids[i], itsm_errmsg());
			report(arg, msg);
		}
		failures += rc < 0 || (rc == 1 && !ok);
	}
	teller_free(&tl);
	return failures;
}

int
itsm_outbox_flush(itsm_ctx *c, void (*report)(void *, const char *),
    void *arg)
{
	int failures = tk_outbox_deliver(c, c->outbox, c->noutbox, report,
	    arg);

	free(c->outbox);
	c->outbox = NULL;
	c->noutbox = 0;
	return failures;
}

int
itsm_outbox_notify(itsm_ctx *c, void (*report)(void *, const char *),
    void *arg, int *sent, int *failed)
{
	struct teller tl = { report, arg, NULL, 0 };
	int rc, ok;

	*sent = *failed = 0;
	while ((rc = deliver_one(c, 0, &ok, &tl)) == 1) {
		if (ok)
			(*sent)++;
		else
			(*failed)++;
	}
	teller_free(&tl);
	return rc;
}

static const char *
text(const struct store_value *v)
{
	return v->type == STORE_TEXT ? v->s : NULL;
}

int
itsm_outbox_list(itsm_ctx *c, int all,
    int (*fn)(void *arg, const struct itsm_outbox_entry *e), void *arg)
{
	struct itsm_outbox_entry e;
	struct store_rows *r;
	const struct store_value *v;
	size_t n;
	int rc, stop = 0;

	if ((rc = store_outbox_list(c->store, all, &r)) != 0)
		return rc;
	while (!stop && (rc = store_rows_next(c->store, r, &v, &n)) == 1) {
		if (n < 14) {
			rc = itsm_error(ITSM_E_INTERNAL, "an outbox row of %zu "
			    "values", n);
			break;
		}
		e = (struct itsm_outbox_entry){ .id = v[0].i,
		    .created_at = v[1].i, .ticket = v[2].i, .event = v[3].i,
		    .kind = text(&v[4]), .name = text(&v[5]),
		    .recipients = text(&v[6]), .message_id = text(&v[7]),
		    .state = text(&v[8]), .attempts = v[9].i,
		    .next_attempt_at = v[10].i, .last_error = text(&v[11]),
		    .sent_at = v[12].i, .type = text(&v[13]) };
		stop = fn(arg, &e);
	}
	store_rows_free(c->store, r);
	return stop != 0 ? stop : rc;
}
