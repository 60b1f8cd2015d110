/* mail_int.h - what the mail*.c files of the app share. Internal. */
#ifndef OPORA_APP_MAIL_INT_H
#define OPORA_APP_MAIL_INT_H

#include "app/internal.h"
#include "app/mail.h"
#include "channels/mail/net.h"

struct mail_config {
    bool notify;            /* SMTP is configured */
    struct smtp_account smtp;
    const char *from;
    const char *domain;
    int64_t poll_ms;
    int64_t retry_ms;
    size_t imap_connections; /* fetching at once per mailbox (1-16) */
};

/* The settings from the environment, read once. */
const struct mail_config *mail_config(void);

/* The message being imported on this thread, while its ticket action runs:
 * the notifications of that action answer it (In-Reply-To, References). */
struct mail_import_ctx {
    const char *message_id;
    const char *references; /* "<a> <b>" of the incoming message, "" when none */
};
extern _Thread_local const struct mail_import_ctx *mail_importing;

/* ---- intake in two steps (mail_in.c) ----
 * app_mail_import is mail_prepare then mail_import_prepared. The IMAP poll
 * prepares each fetched message before its batch's transaction, so that
 * the writer never waits on a file's fsync; mail-in and LMTP go through
 * app_mail_import. */

/* A message read before its import's transaction. */
struct mail_prepared {
    op_rc parse_rc;    /* OP_OK, or OP_ERR_TOOBIG / OP_ERR_INVALID: refused as bad input */
    const char *why;   /* the reason of a refusal ("" otherwise) */
    size_t size;       /* of the raw message */
    struct mail_msg m; /* parsed, when parse_rc is OP_OK */
    char **sha256;     /* [i]: part i's file in the files store, NULL if not stored */
};

/* Parses raw[0..size) into *out and writes the files of its attachments
 * into the files store (content-addressed, fsynced), outside any
 * transaction: the import's transaction then finds them there. Touches no
 * database. Returns OP_OK (also for a message refused as bad input: see
 * out->parse_rc), or OP_ERR_IO / OP_ERR_NOMEM (worth retrying). *out points
 * into a and into raw: both must outlive mail_import_prepared. */
op_rc mail_prepare(struct app *app, const void *raw, size_t size, struct arena *a,
                   struct mail_prepared *out);

/* The rest of app_mail_import for a prepared message: the rejection, or the
 * transaction (a savepoint inside app->batch_tx) that records the ticket or
 * comment and its attachment rows. Same results as app_mail_import. */
op_rc mail_import_prepared(struct app *app, const struct mail_prepared *p,
                           const struct mail_source *src, struct arena *a,
                           struct mail_result *out);

#endif
