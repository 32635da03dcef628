/*
 * Hooks: executables in the hooks directory named after the event
 * ("post-open", "post-escalate", ...), run after the transaction commits
 * with the event and the ticket as JSON on standard input, ITSM_EVENT and
 * ITSM_REF set, their output sent to standard error, and a time limit.
 */
#ifndef ITSM_HOOKS_H
#define ITSM_HOOKS_H

#include "itsm/ticket.h"

/*
 * The hooks directory: ITSM_HOOKS_DIR, else $XDG_CONFIG_HOME/itsm/hooks
 * (~/.config/itsm/hooks).  *out is the caller's to free().
 */
int itsm_hooks_dir(char **out);

/* The name of every hook, NULL-terminated, in the order of itsm-hooks(5). */
extern const char *const itsm_hook_names[];

/*
 * Whether the hook name in dir would run: 1 when it would; 0 when there is
 * no such file; 2 when it is disabled (not a regular file this user may
 * execute); ITSM_E_PERM
 * when it may not run, with the reason as message ("'/x' is writable by
 * others"): the hooks directory, a directory above it, the file or a link
 * on the way can be changed by someone other than this user or root (see
 * itsm-hooks(5), Security).
 */
int itsm_hook_check(const char *dir, const char *name);

/* Turns hooks on (the default) or off (--no-hooks) for a context. */
void itsm_ctx_set_hooks(itsm_ctx *c, int on);

/*
 * Runs the hooks queued by the operations committed since the last call.
 * Each hook that is missing is skipped; each that fails, hangs past the
 * policy's hook_timeout or may not be run (itsm_hook_check) is reported
 * through report(arg, message), a hook that may not run once however many
 * times it was queued.  Returns the number of such failures; what was
 * committed stays committed.
 */
int itsm_hooks_run(itsm_ctx *c, void (*report)(void *, const char *),
    void *arg);

#endif
