/*
 * Incoming mail: one RFC 5322 message parsed into what the mail gateway
 * decides on (lib/mail.c, with GMime), and the text rules it applies
 * (lib/mail_text.c: HTML rendered as text, quoted history and signatures
 * stripped, strings made valid UTF-8).  The rules are written at the top
 * of lib/mail.c.
 *
 * Not part of the public API.
 */
#ifndef ITSM_MAIL_INT_H
#define ITSM_MAIL_INT_H

#include <stddef.h>
#include <stdint.h>

/* What kind of message it is, for the loop and noise rules. */
enum mail_kind {
	MAIL_NORMAL,
	MAIL_AUTOREPLY,		/* an auto-responder or other automatic mail */
	MAIL_BULK,		/* a mailing list, bulk or junk */
	MAIL_BOUNCE,		/* a delivery status notification */
	MAIL_OWN		/* one itsm sent itself */
};

/* One attachment or inline resource, its content decoded. */
struct mail_attachment {
	char *name;		/* the file name, decoded, no directory; "" */
	char *type;		/* "image/png", lowercase */
	unsigned char *data;	/* the decoded bytes (size of them) */
	size_t size;
	int is_inline;		/* shown in the body (a signature logo) */
	char *content_id;	/* without angle brackets; "" */
	char sha256[65];	/* of data, lowercase hex */
};

/*
 * A parsed message.  Every string is valid UTF-8 without NUL, "" when
 * the message has none; the caller frees the whole with mail_free().
 */
struct mail {
	char *from_name, *from_addr;
	char *reply_to;		/* the first address of Reply-To: */
	char **to, **cc;	/* addresses, groups flattened */
	size_t nto, ncc;
	char *subject;		/* decoded */
	int64_t date;		/* epoch seconds; 0: none or unreadable */
	char *message_id;	/* without angle brackets */
	char *in_reply_to;
	char **references;	/* in order, oldest first */
	size_t nreferences;
	char *body;		/* the text, or the HTML rendered as text */
	char *reply;		/* body without quoted history, signature */
	struct mail_attachment *attachments;
	size_t nattachments;
	enum mail_kind kind;
	char *kind_why;		/* the header that decided, "" for normal */
	int64_t tag;		/* the ticket id tagged in the subject, or 0 */
};

/* How to parse: limits and our own marks.  Zeroed: defaults. */
struct mail_options {
	size_t max_size;	/* refuse larger input; 0: no limit */
	const char *own_domain;	/* domain of our Message-IDs; NULL: none */
	const char *tag_open;	/* before the tag; NULL: "[" */
	const char *tag_close;	/* after it; NULL: "]" */
	const char *tag_prefix;	/* between open and ref, e.g. "ACME "; NULL */
};

/*
 * Parses len bytes into *out.  A refusal (not a mail, too big) is
 * ITSM_E_INVALID with a one-line reason for the sender; ITSM_E_IO when
 * GMime cannot be loaded; ITSM_E_NOMEM.
 */
int mail_parse(struct mail **out, const char *buf, size_t len,
    const struct mail_options *opt);
void mail_free(struct mail *m);

/* "normal", "auto-reply", "bulk", "bounce", "own". */
const char *mail_kind_name(enum mail_kind kind);

/*
 * The text rules, GMime-free.  Each returns a new string (NULL when out
 * of memory) that the caller frees.
 */
/* len bytes as valid UTF-8: bad bytes and NUL become U+FFFD. */
char *mail_utf8(const char *s, size_t len);
/*
 * Text sent format=flowed (RFC 3676) with its soft line breaks joined:
 * each paragraph on one line, quotes marked ">" then a space.
 */
char *mail_unflow(const char *text, int delsp);
/* Text rendered from HTML (UTF-8 in, UTF-8 out). */
char *mail_html_text(const char *html);
/* The text above the reply marker, without signature or quoted tail. */
char *mail_strip_reply(const char *text);

#endif
