/*
 * Writes a policy back as YAML with libyaml's emitter, in the order and
 * shape of the default policy file, so that "itsm config show" output
 * is itself a valid policy.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

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
		for (j = 0; j < itsm_policy_priority_count(p); j++)
			if (itsm_policy_audience_cadence_of(p, i, j) != 0) {
				str(m, itsm_policy_priority_name(p, j));
				dur(m, itsm_policy_audience_cadence_of(p, i, j));
			}
		if (itsm_policy_audience_cadence_other(p, i) != 0) {
			str(m, "other");
			dur(m, itsm_policy_audience_cadence_other(p, i));
		}
		map_end(m);
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
		dur(m, itsm_policy_priority_response(p, i));
		str(m, "resolution");
		dur(m, itsm_policy_priority_resolution(p, i));
		str(m, "stagnation");
		dur(m, itsm_policy_priority_stagnation(p, i));
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
	dur(m, itsm_policy_auto_close(p));
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
	major(m, p);
	managers(m, p);
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
