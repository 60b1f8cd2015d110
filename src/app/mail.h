/* mail.h - the email channel's use cases: importing a message (from
 * `opora mail-in` or an IMAP poll) into a ticket, the notifications that
 * follow ticket actions, the outbox that sends them, and the administration
 * of mailboxes.
 *
 * Settings come from the environment (read once per process):
 *   OPORA_SMTP_URL       smtp://host:port or smtps://...; unset: no notifications
 *   OPORA_SMTP_USER, OPORA_SMTP_PASSWORD, OPORA_SMTP_STARTTLS=1
 *   OPORA_MAIL_CA_FILE   PEM file of the CAs that IMAP and SMTP servers' certificates
 *                        are verified against (default: the system's)
 *   OPORA_MAIL_FROM      the sender of notifications (default support@localhost)
 *   OPORA_MAIL_DOMAIN    the right side of Message-IDs (default: MAIL_FROM's domain)
 *   OPORA_MAIL_POLL_MS   between two IMAP polls of a mailbox (default 30000)
 *   OPORA_MAIL_RETRY_MS  the first retry delay of the outbox, doubled per
 *                        attempt up to an hour (default 30000) */
#ifndef OPORA_APP_MAIL_H
#define OPORA_APP_MAIL_H

#include "app/app.h"
#include "channels/mail/parse.h"
#include "store/store_mail.h"

/* ---- intake (mail_in.c) ---- */

/* Where a message came from. */
struct mail_source {
    const char *name;     /* "mail-in" or the mailbox's name (for the rejections log) */
    int64_t mailbox_id;   /* 0 for mail-in */
    int64_t uidvalidity;  /* with mailbox_id: the message's place, recorded with it */
    int64_t uid;
};

enum mail_outcome {
    MAIL_NEW_TICKET,   /* a ticket was made */
    MAIL_COMMENT,      /* added to a ticket as the customer's reply */
    MAIL_AGENT_REPLY,  /* added as an agent's public reply (valid reply token) */
    MAIL_DUPLICATE,    /* seen already (Message-ID or mailbox UID): nothing done */
    MAIL_NOISE,        /* an auto-reply, bounce or bulk mail: recorded, dropped */
    MAIL_UNVERIFIED,   /* from a staff address without a valid token: dropped, logged */
    MAIL_REJECTED      /* over a cap or not a message: logged in the rejections */
};
const char *mail_outcome_name(enum mail_outcome o);

struct mail_result {
    enum mail_outcome outcome;
    int64_t ticket_id;
    int64_t comment_id;
    const char *reason;   /* why rejected or dropped; "" otherwise */
};

/* Imports raw[0..size) in one transaction (inside app->batch_tx: in a
 * savepoint of it, so that a batch shares one commit): the ticket or comment, its
 * attachments, the sender as a customer when new, the Message-ID in the
 * map (and, for a mailbox, its UID and the mailbox's last UID), and the
 * notifications of the action. Returns OP_OK with out filled for every
 * outcome but rejection; OP_ERR_TOOBIG or OP_ERR_INVALID for a rejected
 * message (recorded in the rejections, out->reason says why); OP_ERR_IO,
 * OP_ERR_UNAVAILABLE or OP_ERR_NOMEM for a failure worth retrying (nothing
 * is stored then). Strings of out are from a. */
op_rc app_mail_import(struct app *app, const void *raw, size_t size,
                      const struct mail_source *src, struct arena *a, struct mail_result *out);

/* Records a message that is refused before it is read whole (over the size
 * cap: an IMAP fetch or an MTA pipe past 25 MiB) in the rejections, with
 * reason ("too_big"), and, for a mailbox, as done with. Returns OP_OK when
 * recorded, else the store's error (worth retrying). Inside app->batch_tx
 * it writes in a savepoint of that transaction. */
op_rc app_mail_reject(struct app *app, const struct mail_source *src, const char *reason,
                      size_t size, struct arena *a);

/* ---- notifications and the outbox (mail_out.c) ---- */

/* The ticket hook: queues the notifications of an action (see
 * ticket_hooks.c) in its transaction. Nothing when SMTP is not configured. */
op_rc mail_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                       const struct ticket *old, const struct ticket *t,
                       const struct event_list *l, int64_t action_id, struct arena *a);

/* Mails an SLA warning or breach (text: the notification, in the user's
 * language) to a staff member about t; nothing when mail is off. */
op_rc mail_notify_staff(struct app *app, struct store_tx *tx, const struct ticket *t,
                        int64_t user_id, const char *text, struct arena *a);

/* Jobs (jobs.c): send what is due in the outbox; poll the mailboxes. */
op_rc mail_outbox_job(struct app *app, op_time now, op_time *next_at);
op_rc mail_poll_job(struct app *app, op_time now, op_time *next_at);

/* One poll of one mailbox now (the job's work, for the CLI and tests):
 * imports every new message. *imported counts them. OP_ERR_UNAVAILABLE
 * when the server cannot be reached (recorded as the mailbox's last_error). */
op_rc app_mailbox_poll(struct app *app, int64_t mailbox_id, size_t *imported);

/* ---- administration (mail_admin.c); admins only ---- */

struct mailbox_input {
    const char *name, *url, *username, *password, *move_to;
    bool starttls;
};
op_rc app_mailbox_add(struct app *app, const struct actor *who, const struct mailbox_input *in,
                      struct arena *a, struct mailbox *out, struct op_err *err);
op_rc app_mailbox_list(struct app *app, const struct actor *who, struct arena *a,
                       struct mailbox **out, size_t *n, struct op_err *err);
op_rc app_mailbox_remove(struct app *app, const struct actor *who, int64_t id,
                         struct op_err *err);
/* The outbox, newest first (state: NULL, "pending", "sent", "failed"), and its counts. */
op_rc app_outbox_list(struct app *app, const struct actor *who, const char *state,
                      int64_t before_id, size_t limit, struct arena *a, struct outbox_msg **out,
                      size_t *n, struct outbox_counts *counts, struct op_err *err);
op_rc app_mail_rejections(struct app *app, const struct actor *who, int64_t before_id,
                          size_t limit, struct arena *a, struct mail_rejection **out, size_t *n,
                          struct op_err *err);

#endif
