/*
 * Hooks: executables in the team's hooks directory and the user's, named
 * after the event ("post-open", "post-escalate", ...), queued in the
 * outbox in the transaction of their event and run after it commits
 * with the event and the ticket as JSON on standard input, ITSM_EVENT and
 * ITSM_REF set, their output sent to standard error, and a time limit;
 * one that fails is retried by itsm notify (itsm-hooks(5)).
 */
#ifndef ITSM_HOOKS_H
#define ITSM_HOOKS_H

#include "itsm/ticket.h"

/*
 * The hooks directory: ITSM_HOOKS_DIR, else $XDG_CONFIG_HOME/itsm/hooks
 * (~/.config/itsm/hooks).  *out is the caller's to free().
 */
int itsm_hooks_dir(char **out);

/*
 * The team's hooks directory, whose hooks run for every user before the
 * user's own: ITSM_SYSTEM_HOOKS_DIR, else /etc/itsm/hooks.  *out is the
 * caller's to free().
 */
int itsm_hooks_system_dir(char **out);

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

/*
 * Turns the user's own hooks on (the default) or off (--no-hooks) for a
 * context; the team's run either way.
 */
void itsm_ctx_set_hooks(itsm_ctx *c, int on);

/*
 * Runs the hooks queued by the operations committed since the last call
 * (their outbox rows, each claimed first).  Each that fails, hangs past
 * the policy's hook_timeout or may not be run (itsm_hook_check) is
 * reported through report(arg, message), a hook that may not run once
 * however many times it was queued, and stays in the outbox for itsm
 * notify.  Returns the number of such failures; what was committed stays
 * committed.
 */
int itsm_hooks_run(itsm_ctx *c, void (*report)(void *, const char *),
    void *arg);

#endif
