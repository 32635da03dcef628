/*
 * Ticket references.
 *
 * A ticket's identity is its integer id, shown with its type's prefix:
 * INC-42, REQ-43, CHG-44.  Input accepts "42", "INC-42" and "inc-42"; the
 * number is authoritative, so "INC-43" finds REQ-43.
 */
#ifndef ITSM_REF_H
#define ITSM_REF_H

#include <stdint.h>

#define ITSM_REFBUF 32

enum itsm_type { ITSM_INCIDENT, ITSM_REQUEST, ITSM_CHANGE, ITSM_NTYPES };

/* Parses a reference into a positive id; ITSM_E_INVALID when it is not one. */
int itsm_ref_parse(const char *s, int64_t *id);

/* Writes "INC-42" into buf (ITSM_REFBUF bytes). */
void itsm_ref_format(enum itsm_type type, int64_t id, char *buf);

/* "incident", "request", "change"; and back (case-insensitive, -1 if unknown). */
const char *itsm_type_name(enum itsm_type type);
int itsm_type_parse(const char *s);

#endif
