/*
 * Whether a file can be changed only by this user and root: the rule that
 * hooks must pass to run and the policy to be read without a warning
 * (itsm-hooks(5), Security).
 */
#ifndef ITSM_TRUST_INT_H
#define ITSM_TRUST_INT_H

#include <stddef.h>

/*
 * Walks path from / down, following its links: every directory met, every
 * link and the file it ends at must be owned by the effective user or root
 * and not writable by group or others; a directory may be writable by
 * others or its group when it is sticky (as /tmp: nobody else can rename
 * or remove what is ours in it), and by its group when it is set-group-ID
 * (a team's directory).  Returns 0 when so; 1 when not, with the reason in
 * why ("'/x' is writable by others"); -1 when the walk failed (a part
 * missing, a loop of links), with the reason in why.
 */
int trust_path(const char *path, char *why, size_t len);

#endif
