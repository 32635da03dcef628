/*
 * Shared by lib/major.c (actions, detect) and lib/major_read.c (the
 * dossier).  Not part of the public API.
 */
#ifndef ITSM_MAJOR_INT_H
#define ITSM_MAJOR_INT_H

/*
 * Whether names a and b are equal in ASCII case only (as audiences and
 * services are matched; other bytes as they are).
 */
int major_same_name(const char *a, const char *b);

#endif
