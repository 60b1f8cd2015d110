/* notify.h - the notifications opora sends by email: their text in the
 * recipient's language (templates in messages.def) and the message on the
 * wire (RFC 5322 + MIME, UTF-8, threading headers).
 *
 * Every notification is marked "Auto-Submitted: auto-generated" (RFC 3834),
 * so that well-behaved autoresponders do not answer it, and opora's own
 * intake drops it if it ever comes back. */
#ifndef OPORA_CHANNELS_MAIL_NOTIFY_H
#define OPORA_CHANNELS_MAIL_NOTIFY_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/rc.h"
#include "core/types.h"
#include "i18n/i18n.h"

enum mail_kind {
    MAIL_KIND_RECEIVED,  /* to the customer: we have your request */
    MAIL_KIND_REPLY,     /* to the customer: an agent's public reply */
    MAIL_KIND_SOLVED,    /* to the customer: solved (with the CSAT link, issue 4) */
    MAIL_KIND_ASSIGNED,  /* to an agent: a ticket is yours */
    MAIL_KIND_ESCALATED, /* to an agent: a ticket came up to your group */
    MAIL_KIND_SLA,       /* to an agent or lead: an SLA warning or breach (text: what) */
    MAIL_KIND__COUNT
};
const char *mail_kind_name(enum mail_kind k);

/* What a template fills in. */
struct mail_vars {
    int64_t ticket_id;
    const char *subject;   /* the ticket's */
    const char *name;      /* the recipient's */
    const char *author;    /* who wrote the reply / did the action */
    const char *text;      /* the reply, or the reason of an escalation */
    const char *group;     /* the group escalated to */
    const char *csat_link; /* the satisfaction survey link; "" until issue 4 */
};

/* The subject and body of a notification of kind in lang, from a. OP_ERR_NOMEM. */
op_rc mail_render(enum mail_kind kind, enum lang lang, const struct mail_vars *v,
                  struct arena *a, char **subject, char **body);

/* The message on the wire into out (CRLF lines): From, To, Subject
 * (RFC 2047 when not ASCII), Date (date, ms), Message-ID, the extra header
 * lines (each "Name: value\r\n", e.g. In-Reply-To and References), MIME
 * headers and the body in base64 UTF-8. OP_ERR_TOOBIG when out's cap is
 * passed. */
op_rc mail_compose(struct buf *out, const char *from, const char *to, const char *subject,
                   const char *message_id, const char *extra_headers, const char *body,
                   op_time date);

#endif
