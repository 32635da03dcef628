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

/* Turns hooks on (the default) or off (--no-hooks) for a context. */
void itsm_ctx_set_hooks(itsm_ctx *c, int on);

/*
 * Runs the hooks queued by the operations committed since the last call.
 * Each hook that is missing is skipped; each that fails, hangs past the
 * policy's hook_timeout or may not be run (a directory or file writable
 * by others) is reported through report(arg, message).  Returns the
 * number of such failures; what was committed stays committed.
 */
int itsm_hooks_run(itsm_ctx *c, void (*report)(void *, const char *),
    void *arg);

#endif
