/* net.h - the mail protocols opora speaks as a client, through libcurl:
 * IMAP to take mail in (imap.c), SMTP to send it (smtp.c).
 *
 * Plain imap:// and smtp:// URLs may require STARTTLS (starttls = true);
 * imaps:// and smtps:// are TLS from the start. Certificates are verified
 * unless OPORA_MAIL_TLS_INSECURE=1 (test servers with self-signed ones). */
#ifndef OPORA_CHANNELS_MAIL_NET_H
#define OPORA_CHANNELS_MAIL_NET_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/rc.h"

#define MAIL_NET_ERR 256

/* ---- IMAP (imap.c) ---- */

struct imap_account {
    const char *url;      /* imap://host:port/MAILBOX (the mailbox name URL-encoded) */
    const char *username;
    const char *password;
    bool starttls;
};

/* One connection to one mailbox, reused by every call until imap_close. */
struct imap;

/* Makes a session (no connection yet: the first call connects). You own
 * *out; release with imap_close. OP_ERR_INVALID for a URL that is not
 * imap:// or imaps://, OP_ERR_NOMEM. */
op_rc imap_open(const struct imap_account *acct, struct imap **out);
void imap_close(struct imap *im);

/* What went wrong in the last call, for the log ("" after a success). */
const char *imap_error(const struct imap *im);

/* The UIDVALIDITY of the mailbox. OP_ERR_UNAVAILABLE when the server
 * cannot be reached or refuses (imap_error says why). */
op_rc imap_uidvalidity(struct imap *im, int64_t *out);

/* The UIDs in the mailbox greater than after (after 0: every message),
 * ascending, at most max, from a. OP_ERR_UNAVAILABLE as above. */
op_rc imap_search(struct imap *im, int64_t after, size_t max, struct arena *a, int64_t **uids,
                  size_t *n);

/* The whole message uid into out (whose cap bounds its size: past it,
 * OP_ERR_TOOBIG). OP_ERR_NOTFOUND when the server has no such UID any more. */
op_rc imap_fetch(struct imap *im, int64_t uid, struct buf *out);

/* After an import: flag uid \Seen, or move it to folder (when not NULL or ""). */
op_rc imap_done(struct imap *im, int64_t uid, const char *folder);
/* The same for uids[0..n) in one command (a batch just imported). */
op_rc imap_done_many(struct imap *im, const int64_t *uids, size_t n, const char *folder);

/* ---- SMTP (smtp.c) ---- */

struct smtp_account {
    const char *url;      /* smtp://host:port or smtps://host:port */
    const char *username; /* NULL or "": no AUTH */
    const char *password;
    bool starttls;
};

/* Sends data (a whole RFC 5322 message, CRLF lines) from `from` to `to`.
 * OP_OK when the server took it; else OP_ERR_UNAVAILABLE with err filled
 * and *permanent true when the server refused for good (5xx). */
op_rc smtp_send(const struct smtp_account *acct, const char *from, const char *to,
                const char *data, size_t n, char err[MAIL_NET_ERR], bool *permanent);

#endif
