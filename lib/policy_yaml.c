/*
 * Writes a policy back as YAML with libyaml's emitter, in the order and
 * shape of the default policy file, so that "itsm config show" output
 * is itself a valid policy.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "itsm/calendar.h"
#include "itsm/error.h"
#include "itsm/policy.h"
#include "itsm/time.h"

struct out {
	char *buf;
	size_t len, cap;
	int failed;
};

static int
write_cb(void *data, unsigned char *buf, size_t size)
{
	struct out *o = data;
	char *nb;

	if (o->len + size + 1 > o->cap) {
		size_t cap = (o->len + size + 1) * 2;

		if ((nb = realloc(o->buf, cap)) == NULL) {
			o->failed = 1;
			return 0;
		}
		o->buf = nb;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, buf, size);
	o->len += size;
	o->buf[o->len] = '\0';
	return 1;
}

struct em {
	yaml_emitter_t e;
	yaml_event_t ev;
	int ok;
};

static void
emit(struct em *m)
{
	if (m->ok && !yaml_emitter_emit(&m->e, &m->ev))
		m->ok = 0;
}

static void
str(struct em *m, const char *s)
{
	if (!m->ok)
		return;
	yaml_scalar_event_initialize(&m->ev, NULL, NULL,
	    (yaml_char_t *)(s ? s : ""), -1, 1, 1, YAML_ANY_SCALAR_STYLE);
	emit(m);
}

static void
num(struct em *m, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	str(m, buf);
}

static void
dur(struct em *m, int64_t v)
{
	char buf[64];

	itsm_duration_format(v, buf, sizeof(buf));
	str(m, buf);
}

/* A duration as it was written: 24h stays 24h, which is not 1d. */
static void
span(struct em *m, struct itsm_span sp)
{
	char buf[64];

	itsm_span_format(&sp, buf, sizeof(buf));
	str(m, buf);
}

static void
map_start(struct em *m, int flow)
{
	if (!m->ok)
		return;
	yaml_mapping_start_event_initialize(&m->ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	emit(m);
}

static void
map_end(struct em *m)
{
	if (!m->ok)
		return;
	yaml_mapping_end_event_initialize(&m->ev);
	emit(m);
}

static void
seq_start(struct em *m, int flow)
{
	if (!m->ok)
		return;
	yaml_sequence_start_event_initialize(&m->ev, NULL, NULL, 1,
	    flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	emit(m);
}

static void
seq_end(struct em *m)
{
	if (!m->ok)
		return;
	yaml_sequence_end_event_initialize(&m->ev);
	emit(m);
}

static void
levels(struct em *m, const itsm_policy *p, enum itsm_axis axis)
{
	size_t i;

	str(m, axis == ITSM_IMPACT ? "impact" : "urgency");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_level_count(p, axis); i++) {
		map_start(m, 0);
		str(m, "name");
		str(m, itsm_policy_level_name(p, axis, i));
		str(m, "rank");
		num(m, itsm_policy_level_rank(p, axis, i));
		if (itsm_policy_level_description(p, axis, i) != NULL) {
			str(m, "description");
			str(m, itsm_policy_level_description(p, axis, i));
		}
		map_end(m);
	}
	seq_end(m);
}

static void
name_list(struct em *m, const char *key, const char *const *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	str(m, key);
	seq_start(m, 1);
	for (i = 0; i < n; i++)
		str(m, list[i]);
	seq_end(m);
}

static void
major(struct em *m, const itsm_policy *p)
{
	static const char *const what[] = { "priority", "impact",
	    "criticality" };
	const char *const *list;
	size_t i, j, n;
	int k;

	str(m, "major");
	map_start(m, 0);
	str(m, "rules");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_major_rule_count(p); i++) {
		map_start(m, 0);
		for (k = 0; k < 3; k++) {
			n = itsm_policy_major_rule_list(p, i, k, &list);
			name_list(m, what[k], list, n);
		}
		map_end(m);
	}
	seq_end(m);
	if (itsm_policy_storm_count(p) > 0) {
		str(m, "storm");
		map_start(m, 0);
		str(m, "count");
		num(m, (long long)itsm_policy_storm_count(p));
		str(m, "window");
		dur(m, itsm_policy_storm_window(p));
		map_end(m);
	}
	str(m, "services");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_service_count(p); i++) {
		map_start(m, 0);
		str(m, "name");
		str(m, itsm_policy_service(p, i));
		str(m, "criticality");
		str(m, itsm_policy_service_criticality(p,
		    itsm_policy_service(p, i)));
		map_end(m);
	}
	seq_end(m);
	str(m, "roles");
	seq_start(m, 1);
	for (i = 0; i < itsm_policy_role_count(p); i++)
		str(m, itsm_policy_role(p, i));
	seq_end(m);
	str(m, "audiences");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_audience_count(p); i++) {
		map_start(m, 0);
		str(m, "name");
		str(m, itsm_policy_audience(p, i));
		str(m, "cadence");
		map_start(m, 1);
		n = itsm_policy_priority_count(p);
		for (j = 0; j < n; j++)
			if (itsm_policy_audience_cadence_of(p, i, j) != 0) {
				str(m, itsm_policy_priority_name(p, j));
				span(m, itsm_policy_audience_cadence_span(p, i,
				    j));
			}
		if (itsm_policy_audience_cadence_other(p, i) != 0) {
			str(m, "other");
			span(m, itsm_policy_audience_cadence_span(p, i, n));
		}
		map_end(m);
		if (itsm_policy_audience_address_count(p, i) > 0) {
			str(m, "addresses");
			seq_start(m, 1);
			for (j = 0; j < itsm_policy_audience_address_count(p,
			    i); j++)
				str(m, itsm_policy_audience_address(p, i, j));
			seq_end(m);
		}
		map_end(m);
	}
	seq_end(m);
	str(m, "checklist");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_checklist_count(p); i++)
		str(m, itsm_policy_checklist(p, i));
	seq_end(m);
	map_end(m);
}

/* priorities: name, label, response, resolution, stagnation. */
static void
priorities(struct em *m, const itsm_policy *p)
{
	size_t i;

	str(m, "priorities");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_priority_count(p); i++) {
		map_start(m, 0);
		str(m, "name");
		str(m, itsm_policy_priority_name(p, i));
		if (itsm_policy_priority_label(p, i) != NULL) {
			str(m, "label");
			str(m, itsm_policy_priority_label(p, i));
		}
		str(m, "response");
		span(m, itsm_policy_target_span(p, i, ITSM_TARGET_RESPONSE));
		str(m, "resolution");
		span(m, itsm_policy_target_span(p, i,
		    ITSM_TARGET_RESOLUTION));
		str(m, "stagnation");
		span(m, itsm_policy_target_span(p, i,
		    ITSM_TARGET_STAGNATION));
		map_end(m);
	}
	seq_end(m);
}

/* matrix: impact to urgency to priority. */
static void
matrix(struct em *m, const itsm_policy *p)
{
	size_t i, j;

	str(m, "matrix");
	map_start(m, 0);
	for (i = 0; i < itsm_policy_level_count(p, ITSM_IMPACT); i++) {
		str(m, itsm_policy_level_name(p, ITSM_IMPACT, i));
		map_start(m, 1);
		for (j = 0; j < itsm_policy_level_count(p, ITSM_URGENCY); j++) {
			str(m, itsm_policy_level_name(p, ITSM_URGENCY, j));
			str(m, itsm_policy_priority_name(p,
			    itsm_policy_matrix(p, i, j)));
		}
		map_end(m);
	}
	map_end(m);
}

/* channels, categories (with their subcategories) and practices. */
static void
intake(struct em *m, const itsm_policy *p)
{
	size_t i, j, n;

	str(m, "channels");
	seq_start(m, 1);
	for (i = 0; i < itsm_policy_channel_count(p); i++)
		str(m, itsm_policy_channel(p, i));
	seq_end(m);
	str(m, "categories");
	map_start(m, 0);
	for (i = 0; i < itsm_policy_category_count(p); i++) {
		str(m, itsm_policy_category(p, i));
		seq_start(m, 1);
		n = itsm_policy_subcategory_count(p, i);
		for (j = 0; j < n; j++)
			str(m, itsm_policy_subcategory(p, i, j));
		seq_end(m);
	}
	map_end(m);
	str(m, "practices");
	map_start(m, 0);
	str(m, "request");
	str(m, itsm_policy_practice(p, ITSM_REQUEST));
	str(m, "change");
	str(m, itsm_policy_practice(p, ITSM_CHANGE));
	map_end(m);
}

/* tiers, and groups with their tier. */
static void
teams(struct em *m, const itsm_policy *p)
{
	size_t i;

	str(m, "tiers");
	seq_start(m, 1);
	for (i = 0; i < itsm_policy_tier_count(p); i++)
		str(m, itsm_policy_tier(p, i));
	seq_end(m);
	str(m, "groups");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_group_count(p); i++) {
		map_start(m, 0);
		str(m, "name");
		str(m, itsm_policy_group(p, i));
		str(m, "tier");
		str(m, itsm_policy_group_tier(p, i));
		map_end(m);
	}
	seq_end(m);
}

/* resolution_codes, auto_close, hook_timeout and database. */
static void
settings(struct em *m, const itsm_policy *p)
{
	size_t i;

	str(m, "resolution_codes");
	seq_start(m, 1);
	for (i = 0; i < itsm_policy_resolution_code_count(p); i++)
		str(m, itsm_policy_resolution_code(p, i));
	seq_end(m);
	str(m, "auto_close");
	span(m, itsm_policy_auto_close_span(p));
	str(m, "hook_timeout");
	dur(m, itsm_policy_hook_timeout(p));
	str(m, "database");
	map_start(m, 1);
	str(m, "share");
	str(m, itsm_policy_share_group(p) ? "group" : "owner");
	str(m, "busy_timeout");
	dur(m, itsm_policy_busy_timeout(p));
	map_end(m);
}

/* A list of names under key, when there are any. */
static void
names(struct em *m, const char *key, size_t n,
    const char *(*name)(const itsm_policy *, size_t, size_t),
    const itsm_policy *p, size_t i)
{
	size_t j;

	if (n == 0)
		return;
	str(m, key);
	seq_start(m, 1);
	for (j = 0; j < n; j++)
		str(m, name(p, i, j));
	seq_end(m);
}

/* managers: name, contact, groups and priorities. */
static void
managers(struct em *m, const itsm_policy *p)
{
	size_t i;

	str(m, "managers");
	seq_start(m, 0);
	for (i = 0; i < itsm_policy_manager_count(p); i++) {
		map_start(m, 0);
		str(m, "name");
		str(m, itsm_policy_manager(p, i));
		if (itsm_policy_manager_contact(p, i) != NULL) {
			str(m, "contact");
			str(m, itsm_policy_manager_contact(p, i));
		}
		names(m, "groups", itsm_policy_manager_group_count(p, i),
		    itsm_policy_manager_group, p, i);
		names(m, "priorities", itsm_policy_manager_priority_count(p, i),
		    itsm_policy_manager_priority, p, i);
		map_end(m);
	}
	seq_end(m);
}

/* key: a size as the policy writes it (10M, 20K, or bytes). */
static void
size_key(struct em *m, const char *key, size_t v)
{
	char size[32];

	if (v != 0 && v % (1024 * 1024) == 0)
		snprintf(size, sizeof(size), "%zuM", v >> 20);
	else if (v != 0 && v % 1024 == 0)
		snprintf(size, sizeof(size), "%zuK", v >> 10);
	else
		snprintf(size, sizeof(size), "%zu", v);
	str(m, key);
	str(m, size);
}

/* The keys of mail: that itsm mail reads. */
static void
mail_in(struct em *m, const struct itsm_mail_policy *ml)
{
	static const char *const rk[] = { "to", "subject", "type",
	    "category", "group", "service" };
	const struct itsm_mail_route *r;
	const char *rv[6];
	size_t i, j;

	size_key(m, "max_size", ml->max_size);
	size_key(m, "max_attachment", ml->max_attachment);
	size_key(m, "max_attachments", ml->max_attachments);
	size_key(m, "ignore_inline_images_below", ml->ignore_inline_below);
	str(m, "rate_limit");
	map_start(m, 1);
	str(m, "messages");
	num(m, ml->rate_messages);
	str(m, "per");
	dur(m, ml->rate_period);
	map_end(m);
	str(m, "reopen_age");
	dur(m, ml->reopen_age);
	if (ml->nroutes == 0)
		return;
	str(m, "routes");
	seq_start(m, 0);
	for (i = 0; i < ml->nroutes; i++) {
		r = &ml->routes[i];
		rv[0] = r->to;
		rv[1] = r->subject;
		rv[2] = r->type;
		rv[3] = r->category;
		rv[4] = r->group;
		rv[5] = r->service;
		map_start(m, 1);
		for (j = 0; j < 6; j++)
			if (rv[j] != NULL) {
				str(m, rk[j]);
				str(m, rv[j]);
			}
		map_end(m);
	}
	seq_end(m);
}

/* mail and notifications, when the policy has them. */
static void
mail(struct em *m, const itsm_policy *p)
{
	const struct itsm_mail_policy *ml = itsm_policy_mail(p);
	const struct itsm_notification *t;
	size_t i, n = 0;
	int e;

	if (ml != NULL) {
		str(m, "mail");
		map_start(m, 0);
		str(m, "from");
		map_start(m, 0);
		str(m, "address");
		str(m, ml->from_address);
		if (ml->from_name != NULL) {
			str(m, "name");
			str(m, ml->from_name);
		}
		map_end(m);
		str(m, "sendmail");
		str(m, ml->sendmail);
		if (ml->domain != NULL) {
			str(m, "domain");
			str(m, ml->domain);
		}
		str(m, "subject_tag");
		str(m, ml->subject_tag);
		str(m, "retry");
		map_start(m, 1);
		str(m, "attempts");
		num(m, ml->attempts);
		str(m, "backoff");
		dur(m, ml->backoff);
		str(m, "max_backoff");
		dur(m, ml->max_backoff);
		map_end(m);
		str(m, "timeout");
		dur(m, ml->timeout);
		if (ml->nconfirm > 0) {
			str(m, "confirm");
			seq_start(m, 1);
			for (i = 0; i < ml->nconfirm; i++)
				str(m, ml->confirm[i]);
			seq_end(m);
		}
		mail_in(m, ml);
		map_end(m);
	}
	for (e = 0; e < ITSM_NNOTIFY; e++)
		n += itsm_policy_notification(p, e) != NULL;
	if (n == 0)
		return;
	str(m, "notifications");
	map_start(m, 0);
	for (e = 0; e < ITSM_NNOTIFY; e++) {
		if ((t = itsm_policy_notification(p, e)) == NULL)
			continue;
		str(m, itsm_notify_names[e]);
		map_start(m, 0);
		str(m, "to");
		if (t->nto == 1 && strchr(t->to[0], '@') == NULL) {
			str(m, t->to[0]);
		} else {
			seq_start(m, 1);
			for (i = 0; i < t->nto; i++)
				str(m, t->to[i]);
			seq_end(m);
		}
		str(m, "subject");
		str(m, t->subject);
		str(m, "body");
		str(m, t->body);
		map_end(m);
	}
	map_end(m);
}

/* A calendar's week: each day with its ranges. */
static void
week(struct em *m, const itsm_calendar *c)
{
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri",
	    "sat", "sun" };
	char buf[64];
	size_t i;
	int d, a, b;

	str(m, "week");
	map_start(m, 0);
	for (d = 0; d < 7; d++) {
		if (itsm_calendar_range_count(c, d) == 0)
			continue;
		str(m, days[d]);
		seq_start(m, 1);
		for (i = 0; i < itsm_calendar_range_count(c, d); i++) {
			itsm_calendar_range(c, d, i, &a, &b);
			snprintf(buf, sizeof(buf), "%02d:%02d-%02d:%02d",
			    a / 3600, a / 60 % 60, b / 3600, b / 60 % 60);
			str(m, buf);
		}
		seq_end(m);
	}
	map_end(m);
}

/* calendars (the policy's, not 24x7) and the display zone. */
static void
calendars(struct em *m, const itsm_policy *p)
{
	const itsm_calendar *c;
	char buf[64];
	size_t i, j, n;
	int y, mo, d;

	if (itsm_policy_timezone(p) != NULL) {
		str(m, "timezone");
		str(m, itsm_policy_timezone(p));
	}
	if (itsm_policy_calendar_count(p) <= 1)
		return;
	str(m, "calendars");
	seq_start(m, 0);
	for (i = 1; i < itsm_policy_calendar_count(p); i++) {
		c = itsm_policy_calendar(p, i);
		map_start(m, 0);
		str(m, "name");
		str(m, itsm_calendar_name(c));
		str(m, "zone");
		str(m, itsm_calendar_zone(c));
		week(m, c);
		if ((n = itsm_calendar_holiday_count(c)) > 0) {
			str(m, "holidays");
			seq_start(m, 1);
			for (j = 0; j < n; j++) {
				itsm_calendar_holiday(c, j, &y, &mo, &d);
				if (y != 0)
					snprintf(buf, sizeof(buf),
					    "%04d-%02d-%02d", y, mo, d);
				else
					snprintf(buf, sizeof(buf), "%02d-%02d",
					    mo, d);
				str(m, buf);
			}
			seq_end(m);
		}
		if ((n = itsm_calendar_holiday_file_count(c)) > 0) {
			str(m, "holiday_files");
			seq_start(m, 0);
			for (j = 0; j < n; j++)
				str(m, itsm_calendar_holiday_file(c, j));
			seq_end(m);
		}
		map_end(m);
	}
	seq_end(m);
}

/* sla: which calendar counts, when the policy says. */
static void
sla(struct em *m, const itsm_policy *p)
{
	static const char *const rules[] = { "stagnation", "auto_close",
	    "cadence" };
	const char *cal;
	size_t i, n = 0;
	int k;

	if (!itsm_policy_has_sla(p))
		return;
	str(m, "sla");
	map_start(m, 0);
	str(m, "calendar");
	str(m, itsm_policy_sla_calendar(p));
	for (i = 0; i < itsm_policy_priority_count(p); i++)
		n += itsm_policy_priority_calendar(p, i) != NULL;
	if (n > 0) {
		str(m, "priorities");
		map_start(m, 1);
		for (i = 0; i < itsm_policy_priority_count(p); i++)
			if ((cal = itsm_policy_priority_calendar(p, i)) !=
			    NULL) {
				str(m, itsm_policy_priority_name(p, i));
				str(m, cal);
			}
		map_end(m);
	}
	for (k = 0; k < 2; k++) {
		if ((n = itsm_policy_sla_override_count(p, k)) == 0)
			continue;
		str(m, k ? "services" : "groups");
		map_start(m, 1);
		for (i = 0; i < n; i++) {
			str(m, itsm_policy_sla_override(p, k, i, &cal));
			str(m, cal);
		}
		map_end(m);
	}
	for (k = 0; k < ITSM_NRULES; k++) {
		str(m, rules[k]);
		str(m, itsm_policy_rule(p, k));
	}
	map_end(m);
}

/* The policy's sections, in the order a policy file has them. */
static void
body(struct em *m, const itsm_policy *p)
{
	levels(m, p, ITSM_IMPACT);
	levels(m, p, ITSM_URGENCY);
	priorities(m, p);
	matrix(m, p);
	intake(m, p);
	teams(m, p);
	settings(m, p);
	calendars(m, p);
	sla(m, p);
	major(m, p);
	managers(m, p);
	mail(m, p);
}

int
itsm_policy_to_yaml(const itsm_policy *p, char **out, size_t *len)
{
	struct out o = { 0 };
	struct em m = { .ok = 1 };

	*out = NULL;
	if (!yaml_emitter_initialize(&m.e))
		return itsm_error(ITSM_E_NOMEM, "out of memory");
	yaml_emitter_set_output(&m.e, write_cb, &o);
	yaml_emitter_set_unicode(&m.e, 1);
	yaml_emitter_set_width(&m.e, 1000);
	yaml_stream_start_event_initialize(&m.ev, YAML_UTF8_ENCODING);
	emit(&m);
	if (m.ok) {
		yaml_document_start_event_initialize(&m.ev, NULL, NULL, NULL, 1);
		emit(&m);
	}
	map_start(&m, 0);
	body(&m, p);
	map_end(&m);
	if (m.ok) {
		yaml_document_end_event_initialize(&m.ev, 1);
		emit(&m);
	}
	if (m.ok) {
		yaml_stream_end_event_initialize(&m.ev);
		emit(&m);
	}
	yaml_emitter_delete(&m.e);
	if (!m.ok || o.failed) {
		free(o.buf);
		return itsm_error(ITSM_E_INTERNAL, "cannot write the policy as "
		    "YAML");
	}
	*out = o.buf;
	if (len != NULL)
		*len = o.len;
	return 0;
}
