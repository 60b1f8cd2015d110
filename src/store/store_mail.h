/* store_mail.h - what the email channel keeps: mailboxes polled by IMAP,
 * the map of Message-IDs (threading, duplicates and the import ledger in
 * one table), the outbox of notifications, rejected messages, and the key
 * that signs reply tokens.
 *
 * Reached as tx->ops->mail->...; the SQLite backend is sqlite_mail.c. The
 * contract of store.h holds (strings from the caller's arena, 0 ids and
 * times as "none", OP_ERR_CONFLICT on a unique key, OP_ERR_NOTFOUND for an
 * update of a missing row). */
#ifndef OPORA_STORE_MAIL_H
#define OPORA_STORE_MAIL_H

#include "store/store.h"

struct mailbox {
    int64_t id;
    char *name;
    char *url;          /* imap://host:port/MAILBOX or imaps://host:port/MAILBOX */
    char *username;
    char *password;
    bool starttls;      /* imap:// with STARTTLS required */
    char *move_to;      /* "" = flag \Seen after import; else move to this mailbox */
    bool active;
    int64_t uidvalidity;
    int64_t last_uid;   /* the highest UID imported under uidvalidity */
    op_time polled_at;
    char *last_error;   /* "" when the last poll went well */
    op_time created_at;
};

/* One row of the Message-ID map. */
struct mail_seen {
    char *message_id;
    bool outgoing;
    int64_t ticket_id;  /* 0 when the message made none (noise, duplicate) */
    int64_t comment_id;
    char *outcome;      /* "ticket", "comment", "autoreply", "bounce", "bulk", "sent", ... */
    int64_t mailbox_id; /* the IMAP source, 0 for mail-in and outgoing mail */
    int64_t uidvalidity, uid;
    op_time created_at;
};

struct outbox_msg {
    int64_t id;
    int64_t ticket_id;
    char *kind;         /* received, reply, solved, assigned, escalated */
    char *to_addr;
    char *subject;
    char *body;
    char *message_id;   /* without <> */
    char *headers;      /* further header lines (In-Reply-To, References, ...), CRLF-ended */
    int attempts;
    op_time next_attempt_at, sent_at, failed_at;
    char *last_error;
    op_time created_at;
};

struct mail_rejection {
    int64_t id;
    char *source;       /* "mail-in" or a mailbox name */
    char *message_id;
    char *sender;
    char *reason;
    int64_t size;
    op_time created_at;
};

struct outbox_counts {
    int64_t pending, sent, failed;
};

struct store_mail_ops {
    /* mailboxes; insert sets ->id, CONFLICT when the name is taken */
    op_rc (*mailbox_insert)(struct store_tx *tx, struct mailbox *m);
    op_rc (*mailbox_get)(struct store_tx *tx, int64_t id, struct arena *a, struct mailbox *out);
    op_rc (*mailbox_list)(struct store_tx *tx, struct arena *a, struct mailbox **out, size_t *n);
    op_rc (*mailbox_delete)(struct store_tx *tx, int64_t id);
    /* Records a poll: where it got to and how it went. */
    op_rc (*mailbox_set_state)(struct store_tx *tx, int64_t id, int64_t uidvalidity,
                               int64_t last_uid, op_time polled_at, const char *last_error);
    /* Takes mailbox id for owner until `until` when no other owner holds it
     * (or its hold ended by now); *got says whether owner holds it. */
    op_rc (*mailbox_lease)(struct store_tx *tx, int64_t id, const char *owner, op_time now,
                           op_time until, bool *got);

    /* The Message-ID map. insert: CONFLICT when the id is there already
     * (a duplicate). get: NOTFOUND when unknown. get_uid: the row imported
     * from that mailbox UID, NOTFOUND when none. */
    op_rc (*seen_insert)(struct store_tx *tx, const struct mail_seen *s);
    op_rc (*seen_get)(struct store_tx *tx, const char *message_id, struct arena *a,
                      struct mail_seen *out);
    op_rc (*seen_get_uid)(struct store_tx *tx, int64_t mailbox_id, int64_t uidvalidity,
                          int64_t uid, struct arena *a, struct mail_seen *out);
    /* The newest Message-ID of a ticket's conversation (in or out), for
     * References of the next notification; NOTFOUND when none. */
    op_rc (*seen_last)(struct store_tx *tx, int64_t ticket_id, struct arena *a, char **out);

    /* the outbox; insert sets ->id */
    op_rc (*outbox_insert)(struct store_tx *tx, struct outbox_msg *m);
    /* Claims up to limit messages due by now (not sent, not given up, not
     * held by another owner's live claim) for owner until `until`. */
    op_rc (*outbox_claim)(struct store_tx *tx, const char *owner, op_time now, op_time until,
                          size_t limit, struct arena *a, struct outbox_msg **out, size_t *n);
    /* The outcome of an attempt by owner (NOTFOUND when owner lost the
     * claim): sent, or failed with error and the next attempt (give_up:
     * failed for good). Either releases the claim. */
    op_rc (*outbox_sent)(struct store_tx *tx, int64_t id, const char *owner, op_time at);
    op_rc (*outbox_failed)(struct store_tx *tx, int64_t id, const char *owner, const char *error,
                           op_time next_attempt_at, bool give_up, op_time at);
    /* Newest first, ids below before_id (0: from the newest); state: NULL any,
     * "pending", "sent", "failed". */
    op_rc (*outbox_list)(struct store_tx *tx, const char *state, int64_t before_id, size_t limit,
                         struct arena *a, struct outbox_msg **out, size_t *n);
    op_rc (*outbox_counts)(struct store_tx *tx, struct outbox_counts *out);

    /* rejected messages; insert sets ->id; list newest first */
    op_rc (*rejection_insert)(struct store_tx *tx, struct mail_rejection *r);
    op_rc (*rejection_list)(struct store_tx *tx, int64_t before_id, size_t limit, struct arena *a,
                            struct mail_rejection **out, size_t *n);

    /* The 32-byte key that signs reply tokens (made by the migration). */
    op_rc (*key_get)(struct store_tx *tx, uint8_t key[32]);

    /* Runs fn(tx, arg) in a savepoint of tx, so that many messages share one
     * transaction (one fsync) yet each is all-or-nothing: when fn fails, its
     * writes alone are undone and tx goes on; returns fn's result. OP_ERR_IO
     * when tx itself was lost (I/O error, full disk): the caller must fail. */
    op_rc (*run_alone)(struct store_tx *tx, store_fn fn, void *arg);
};

extern const struct store_mail_ops sqlite_mail_ops;

#endif
