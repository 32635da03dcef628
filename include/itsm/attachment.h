/*
 * The attachments of incoming mail kept on a ticket (itsm-mail(1) stores
 * them; itsm show lists them; itsm-attachment(1) gives them back).  The
 * bytes are kept once per content, by SHA-256.
 */
#ifndef ITSM_ATTACHMENT_H
#define ITSM_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "itsm/ticket.h"

struct itsm_attachment {
	int64_t id;
	char *name;		/* the file name, "" when it had none */
	char *type;		/* "application/pdf" */
	int64_t size;		/* bytes */
	char sha256[65];	/* lowercase hex */
	int is_inline;		/* shown in the mail's body */
	int64_t at;		/* when it was received */
	char *message_id;	/* the mail's "<...>", NULL: none */
};

/*
 * The attachments of ticket id, in the order they came, into *out (*n
 * of them; freed with itsm_attachments_free).  ITSM_E_NOTFOUND when
 * there is no such ticket.
 */
int itsm_attachments(itsm_ctx *c, int64_t id, struct itsm_attachment **out,
    size_t *n);
void itsm_attachments_free(struct itsm_attachment *a, size_t n);

/*
 * Which of a[0..n) NAME means (bytewise equal), *i its index: when
 * several have that name, the one whose SHA-256 begins with prefix
 * (lowercase or not; NULL or "": any), the last of those that came.
 * ITSM_E_NOTFOUND with a message when none, ITSM_E_INVALID when prefix
 * is not hexadecimal.
 */
int itsm_attachment_pick(const struct itsm_attachment *a, size_t n,
    const char *name, const char *prefix, size_t *i);

/* The bytes of attachment a into *data (*size, the caller's to free). */
int itsm_attachment_data(itsm_ctx *c, const struct itsm_attachment *a,
    unsigned char **data, size_t *size);

#endif
