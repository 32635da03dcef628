/*
 * libical, loaded when a policy first names a holiday file, not when
 * itsm starts: linked in, libical and what it needs (ICU, libstdc++) cost
 * every itsm process some 3 ms to load, for a feature most policies do
 * not use (the way lib/pg/pq.h loads libpq).  Each libical function
 * lib/calendar.c calls is a pointer here, filled by ical_load() with
 * dlsym(); the names below make the code read as plain libical.  A
 * function it starts to use gets its line in ICAL_FUNCS and its #define.
 *
 * Not part of the public API.
 */
#ifndef ITSM_ICAL_H
#define ITSM_ICAL_H

#include <libical/ical.h>

/* X(return type, name, parameters) of each libical function used. */
#define ICAL_FUNCS(X) \
	X(icalcomponent *, icalcomponent_new_from_string, (const char *)) \
	X(void, icalcomponent_free, (icalcomponent *)) \
	X(icalcomponent_kind, icalcomponent_isa, (const icalcomponent *)) \
	X(icalcomponent *, icalcomponent_get_first_component, \
	    (icalcomponent *, icalcomponent_kind)) \
	X(icalcomponent *, icalcomponent_get_next_component, \
	    (icalcomponent *, icalcomponent_kind)) \
	X(icalproperty *, icalcomponent_get_first_property, \
	    (icalcomponent *, icalproperty_kind)) \
	X(icalproperty *, icalcomponent_get_next_property, \
	    (icalcomponent *, icalproperty_kind)) \
	X(struct icaltimetype, icalcomponent_get_dtstart, (icalcomponent *)) \
	X(struct icaltimetype, icalcomponent_get_dtend, (icalcomponent *)) \
	X(int, icaltime_is_null_time, (const struct icaltimetype)) \
	X(struct icaltimetype, icalproperty_get_exdate, (const icalproperty *)) \
	X(struct icalrecurrencetype, icalproperty_get_rrule, \
	    (const icalproperty *)) \
	X(const char *, icalproperty_get_summary, (const icalproperty *)) \
	X(icalrecur_iterator *, icalrecur_iterator_new, \
	    (struct icalrecurrencetype, struct icaltimetype)) \
	X(struct icaltimetype, icalrecur_iterator_next, (icalrecur_iterator *)) \
	X(void, icalrecur_iterator_free, (icalrecur_iterator *))

#define ICAL_POINTER_(ret, name, params) extern ret (*itsm_##name) params;
ICAL_FUNCS(ICAL_POINTER_)
#undef ICAL_POINTER_

/*
 * Loads libical once; 0, or ITSM_E_IO with a message when it cannot be
 * loaded.
 */
int ical_load(void);

#ifndef ICAL_NO_NAMES
#define icalcomponent_new_from_string itsm_icalcomponent_new_from_string
#define icalcomponent_free itsm_icalcomponent_free
#define icalcomponent_isa itsm_icalcomponent_isa
#define icalcomponent_get_first_component itsm_icalcomponent_get_first_component
#define icalcomponent_get_next_component itsm_icalcomponent_get_next_component
#define icalcomponent_get_first_property itsm_icalcomponent_get_first_property
#define icalcomponent_get_next_property itsm_icalcomponent_get_next_property
#define icalcomponent_get_dtstart itsm_icalcomponent_get_dtstart
#define icalcomponent_get_dtend itsm_icalcomponent_get_dtend
#define icaltime_is_null_time itsm_icaltime_is_null_time
#define icalproperty_get_exdate itsm_icalproperty_get_exdate
#define icalproperty_get_rrule itsm_icalproperty_get_rrule
#define icalproperty_get_summary itsm_icalproperty_get_summary
#define icalrecur_iterator_new itsm_icalrecur_iterator_new
#define icalrecur_iterator_next itsm_icalrecur_iterator_next
#define icalrecur_iterator_free itsm_icalrecur_iterator_free
#endif

#endif
