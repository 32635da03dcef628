/*
 * The command layer: descriptors, parsed arguments, the application state
 * handed to each command, and the output helpers.
 *
 * Every command is one file exporting one `const struct cmd`; main.c lists
 * them in one table.  Usage text, unknown-option errors and shell
 * completion all come from these descriptors.
 */
#ifndef ITSM_CMD_H
#define ITSM_CMD_H

#include <stdint.h>
#include <stdio.h>

#include "itsm/itsm.h"

/*
 * Exit statuses (itsm(1), EXIT STATUS).  EX_KEPT_: the command changed
 * the database, but its output could not be written; not to be run again.
 */
enum {
	EX_OK_ = 0, EX_REFUSED = 1, EX_USAGE_ = 64, EX_DATAERR_ = 65,
	EX_NOINPUT_ = 66, EX_SOFTWARE_ = 70, EX_KEPT_ = 73, EX_IOERR_ = 74,
	EX_TEMPFAIL_ = 75, EX_NOPERM_ = 77, EX_CONFIG_ = 78
};

/* What an option's value or an operand completes to. */
enum compl {
	C_NONE, C_REF, C_IMPACT, C_URGENCY, C_PRIORITY, C_TYPE, C_CHANNEL,
	C_CATEGORY, C_SUBCATEGORY, C_GROUP, C_STATUS, C_FORMAT, C_FIELDS,
	C_FILE, C_COMMAND, C_WORD, C_HOLD_REASON, C_ESC_REASON, C_CODE, C_ROLE,
	C_AUDIENCE, C_IMPORT_FORMAT, C_REPORT_FORMAT
};

enum opt_flags {
	OPT_REQUIRED = 1 << 0,	/* shown without brackets; checked */
	OPT_PAIR = 1 << 1,	/* shares its brackets with the next option */
	OPT_REPEAT = 1 << 2,	/* may be given more than once (list) */
	OPT_STDIN = 1 << 3,	/* "-" reads the value from standard input */
	OPT_MANY = 1 << 4,	/* shown as "[--opt X]..." in usage */
	OPT_EITHER = 1 << 5,	/* "[--this X | --next]" in usage */
	OPT_ALONE = 1 << 6	/* global, not in the usage line (--version) */
};

struct opt {
	const char *lng;	/* long name, without "--" */
	char shrt;		/* short letter, or 0 */
	const char *arg;	/* value's name in usage, NULL for a flag */
	const char *help;
	enum compl compl;
	int flags;
};

enum cmd_flags {
	NEEDS_POLICY = 1 << 0,	/* load the policy before running */
	NEEDS_DB = 1 << 1,	/* open the database (implies the policy) */
	HIDDEN = 1 << 2,	/* not listed in help */
	RAW_ARGS = 1 << 3	/* operands are passed untouched */
};

#define MAX_OPTS 32
#define MAX_OPERANDS 64

enum fmt { FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON, FMT_JSONL };

struct app;

struct args {
	const char *val[MAX_OPTS];	/* last value, or "" for a set flag */
	const char **list[MAX_OPTS];	/* OPT_REPEAT values, NULL-terminated */
	int count[MAX_OPTS];
	const char *operand[MAX_OPERANDS];
	int noperands;
};

struct cmd {
	const char *name;
	const char *summary;		/* one line, for "itsm help" */
	const char *operands;		/* in usage: "SUMMARY", "[CMD]", ... */
	const struct opt *opts;		/* terminated by { NULL } */
	enum compl operand_compl;
	int min_operands, max_operands;
	int flags;
	int (*run)(struct app *, const struct args *);
	const char *const *usage;	/* explicit usage lines, or NULL */
	const struct cmd *const *subs;	/* verbs ("major declare"), or NULL */
};

/*
 * Verbs (main.c).  A RAW_ARGS command (major) hands the words after the
 * verb to run_verb, which parses them with the verb's options; a command
 * that parses its own options around the verb (config, so that "config
 * -q check" works) hands its parsed arguments to run_parsed_verb, which
 * gives the verb the operands after its word.
 */
int run_verb(struct app *app, const struct cmd *verb, int argc, char **argv);
int run_parsed_verb(struct app *app, const struct cmd *verb,
    const struct args *a);
/* A verb's word ("declare" for "major declare"); c's verb of that word. */
const char *verb_word(const struct cmd *v);
const struct cmd *find_verb(const struct cmd *c, const char *word);

struct app {
	const char *db_path, *config_path;
	enum fmt fmt;
	int quiet, color, tty, no_hooks;
	int utc;			/* --utc: the display zone is UTC */
	int zoned;			/* zone is chosen (app_open) */
	itsm_tz *zone;			/* the display zone; NULL: UTC */
	int write_errno;		/* stdout could not be written */
	int cols;			/* the terminal's width, 0 until asked */
	itsm_policy *policy;
	itsm_store *store;
	itsm_ctx *ctx;
	FILE *out;
	const struct cmd *cmd;
};

/* The command table, NULL-terminated (main.c). */
extern const struct cmd *const commands[];
const struct cmd *find_command(const char *name);

/*
 * The command line (args.c).  global_opts: the options before the
 * command, NULL-terminated; its tail, output_opts, the output options
 * every command accepts after its name too.
 */
extern const struct opt global_opts[];
extern const struct opt *const output_opts;

/* The output options given, before apply_output() checks them. */
struct outopts {
	const char *format;
	int json, quiet, nocolor, nohooks, utc;
};

/*
 * Parses the global options of argv up to the command (*cmd_at) or to
 * one that is answered alone (--version, -h: *alone, else NULL).  0 or
 * an exit status.
 */
int parse_globals(struct app *app, struct outopts *oo, int argc, char **argv,
    int *cmd_at, const struct opt **alone);
/* Parses a command's argv; *help for -h.  0 or an exit status. */
int parse_args(const struct cmd *c, int argc, char **argv, struct args *a,
    struct outopts *oo, int *help);
/* Checks required options and the operand count; 0 or an exit status. */
int check_args(const struct cmd *c, const struct args *a);
void free_args(struct args *a);
/* Finds a long option in opts, then in output_opts; 0 or -1. */
int find_long(const struct opt *opts, const char *name, size_t len,
    const struct opt **which, int *idx);

/* Usage and help (usage.c). */
void print_global_usage(FILE *f, int all);
/* Answers --version or -h (an OPT_ALONE global option); 0 or 74. */
int answer_alone(const struct opt *o);
/* Prints the usage lines of a command ("usage: itsm open ...") to f. */
void print_usage(FILE *f, const struct cmd *c);
/* Prints a command's -h. */
void print_help(FILE *f, const struct cmd *c);

/* Errors (errors.c). */
/* Reports a usage error and returns 64. */
int usage_error(const struct cmd *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reports a libitsm error on stderr and returns its exit status. */
int fail(int code);

/* Prints "itsm: message" on stderr, escaping control characters. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Maps a libitsm code to an exit status. */
int exit_status(int code);

/* The ref last typed, for fail() to name a missing ticket as typed. */
void note_ref(const char *typed, int64_t id);

/* The exit status of a failed system call: 77 for a permission, else 74. */
int errno_status(int e);

/* Says "cannot write 'path': reason" and returns errno_status(e). */
int cannot_write(const char *path, int e);

/* 0 when standard output was flushed, else 74 (said). */
int flushed(void);

/*
 * The exit status once the output is ended: rc, or 73 when a committed
 * change lost its output, or 74 when only the output failed (said).
 */
int output_lost(int rc, int write_errno, int committed);

/* The application (app.c). */
/* The output's defaults, from whether it is a terminal. */
void app_init(struct app *app);
/* Applies the output options; 0 or an exit status. */
int apply_output(struct app *app, const struct cmd *c,
    const struct outopts *oo);
/* Opens the policy, the database and the context as the flags ask. */
int app_open(struct app *a, int flags);
/* Closes the context and the store (not the policy): app_open reopens. */
void app_close_store(struct app *a);
/*
 * Running a command again after a transient failure (errors.c): armed,
 * fail() holds the message of a transient error back and asks for a new
 * attempt; give_up shows the message held.
 */
void retry_arm(int on);
int retry_asked(void);
void retry_give_up(void);
/*
 * The database the command names: --db, else ITSM_DB (NULL: the store
 * reads it), else the policy's database: {url: ...} once it is loaded,
 * else NULL (the default file).
 */
const char *app_db(const struct app *a);
/* After the command ran: flushes its output, runs the hooks. */
void app_finish(struct app *app);
/* Closes all; the exit status from rc and the output's fate. */
int app_close(struct app *app, int rc);

/*
 * Values (input.c).  The convention of every parse_* and read_* function
 * of cmd/: 0, or an exit status with the error already said on stderr
 * (the caller returns it as it is).
 */
/* The context refs are also looked up in (imported numbers). */
void set_ref_ctx(itsm_ctx *ctx);

/*
 * Reads an option value that may be "-" (standard input) into *out,
 * which the caller frees.
 */
int read_text(const char *val, char **out);

/*
 * Parses the value s of a numeric option: decimal digits only (no sign,
 * blank or leading zero), from lo to hi.  Else reports "invalid WHAT"
 * and returns 65.
 */
int parse_number(const char *what, const char *s, long long lo, long long hi,
    long long *out);

/*
 * Parses a --at value against the context clock (never 0: "now"); a time
 * without an offset is read in the display zone.
 */
int parse_at(struct app *a, const char *s, int64_t *out);

/* Parses a time given on the command line as parse_at() does (0 allowed). */
int parse_time(struct app *a, const char *s, int64_t *out);

/* Parses REF, or a number a ticket had where it was imported from. */
int parse_ref(const char *s, int64_t *id);

/*
 * An output file (outfile.c): never the database or one of its files;
 * a regular file is written to a temporary (mode 0600 less the umask)
 * renamed over it once complete, anything else (a fifo, /dev/stdout) is
 * written directly.
 */
struct outfile {
	FILE *f;		/* write here */
	const char *path;	/* as given, for messages */
	char *final;		/* where it goes, resolved */
	char *tmp;		/* the temporary, NULL when written directly */
};

/* Opens path for writing; 0 or an exit status, said on stderr. */
int outfile_open(struct app *a, const char *path, struct outfile *o);

/*
 * Ends the output: with rc 0, puts the file in place (a write error gives
 * 74 or 77, said); else removes the temporary and returns rc.
 */
int outfile_close(struct outfile *o, int rc);

/*
 * Markdown md (len bytes) as a self-contained HTML page entitled title,
 * written to o (html.c, by cmark-gfm); 0 or an exit status (said).
 */
int html_page(FILE *o, const char *title, const char *md, size_t len);

/* Text in each format (escape.c): calls nothing else of cmd/. */
void out_escaped(FILE *f, const char *s, enum fmt mode);
/*
 * A csv cell: quoted when it holds a comma, a quote or a line break, and
 * prefixed with "'" when a spreadsheet would read it as a formula.
 */
void out_csv(FILE *f, const char *s);
int out_char_len(const char *s, int *unsafe);
void out_cell(FILE *f, const char *s, int width, int last);
void out_json(FILE *f, const char *json);
void out_json_string(FILE *f, const char *s);
/* An attachment as a JSON object (attachment.c; show --json too). */
struct itsm_attachment;
void out_attachment_json(FILE *f, const struct itsm_attachment *a);
/* One cell of a tsv or csv line, after its separator unless first. */
void out_field(FILE *f, const char *s, enum fmt fmt, int first);

/*
 * One history event (event.c): the cells of a tsv or csv line (after a
 * separator unless first), or a line of text after indent, its message
 * in quotes when quote.
 */
void out_event_cells(FILE *o, const itsm_event *e, enum fmt fmt, int first);
void out_event_line(struct app *a, FILE *o, const itsm_event *e,
    const char *indent, int quote);

/* Output (output.c). */
uint64_t out_row_fields(const struct app *a, const int *fields, int nfields);
int out_ticket_row(struct app *a, const itsm_ticket *t, const int *fields,
    int nfields, int first);
void out_table_header(struct app *a, const int *fields, int nfields);
void out_csv_header(struct app *a, const int *fields, int nfields);
int term_width(void);

/*
 * The one way a command prints its result after an action on ticket id:
 * the ticket object (json, jsonl), the ref (-q, or when text is NULL),
 * else text with "%r" replaced by the ref and, when value is not NULL,
 * "%s" by value (escaped).  0 or an exit status.
 */
int print_result(struct app *a, int64_t id, const char *text,
    const char *value);

/* Prints one item of a cron sweep; *n counts the items printed. */
void print_sweep_item(struct app *a, const struct itsm_sweep_item *it,
    const char *done, const char *dry_verb, int dry, int *n);
/* Ends the output of a sweep (closes the JSON array). */
void print_sweep_end(struct app *a, int n);

const char *color(struct app *a, const char *code);

/*
 * t for people: in the display zone with its offset
 * ("2026-06-15T08:35:00+02:00"), "...Z" in UTC; buf holds ITSM_TIMEBUF
 * bytes and is returned.  Machine formats write itsm_time_format().
 */
const char *time_text(const struct app *a, int64_t t, char *buf);

/* Commands. */
extern const struct cmd cmd_open, cmd_categorize, cmd_prioritize, cmd_list,
    cmd_show, cmd_config, cmd_help, cmd_complete, cmd_note, cmd_assign,
    cmd_escalate, cmd_hold, cmd_resolve, cmd_close, cmd_reopen, cmd_cancel,
    cmd_next, cmd_major, cmd_export, cmd_import, cmd_stats, cmd_db,
    cmd_notify, cmd_outbox, cmd_mail,
    cmd_attachment;

#endif
