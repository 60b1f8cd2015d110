/* mail_in.c - one email into a ticket: parse, thread, store (mail.h). */
#include "base/common.h"

#include "app/mail_int.h"
#include "base/log.h"
#include "channels/mail/thread.h"
#include "core/validate.h"
#include "store/files.h"

_Thread_local const struct mail_import_ctx *mail_importing;

const char *mail_outcome_name(enum mail_outcome o)
{
    static const char *const names[] = {"ticket", "comment", "agent_reply", "duplicate",
                                        "noise", "unverified", "rejected"};
    return o < ARRAY_SIZE(names) ? names[o] : "?";
}

struct import_job {
    struct app *app;
    const struct mail_msg *m;
    char *const *sha256;      /* of m's parts stored by mail_prepare */
    const struct mail_source *src;
    struct arena *a;
    struct mail_result *out;
    const char *outcome;      /* for the map */
};

/* The ticket a reply belongs to, by the Message-IDs it refers to (newest
 * first): opora's own notifications and earlier messages of the
 * conversation. A valid reply token also names the agent. */
static op_rc thread_by_ids(struct store_tx *tx, const struct mail_msg *m, const uint8_t *key,
                           struct arena *a, int64_t *ticket_id, int64_t *token_agent)
{
    *ticket_id = 0;
    *token_agent = 0;
    for (size_t k = m->references.n; k-- > 0;) {
        const char *id = m->references.v[k];
        int64_t t, ag;
        if (key && mail_agent_token_check(key, id, &t, &ag)) {
            *ticket_id = t;
            *token_agent = ag;
            return OP_OK;
        }
        struct mail_seen s;
        op_rc rc = tx->ops->mail->seen_get(tx, id, a, &s);
        if (rc == OP_ERR_NOTFOUND)
            continue;
        if (rc)
            return rc;
        if (s.ticket_id && !*ticket_id)
            *ticket_id = s.ticket_id;
    }
    return OP_OK;
}

/* The ticket a merged ticket went into, followed to its end. */
static op_rc follow_merges(struct store_tx *tx, int64_t id, struct arena *a, struct ticket *t)
{
    for (int hops = 0; hops < 8; hops++) {
        op_rc rc = tx->ops->ticket_get(tx, id, a, t);
        if (rc)
            return rc;
        if (!t->merged_into)
            return OP_OK;
        id = t->merged_into;
    }
    return OP_ERR_NOTFOUND;
}

/* The text a ticket or comment gets: the body, or a placeholder, with a
 * note when it was cut. */
static const char *body_text(const struct mail_msg *m, enum lang lang, const char *extra,
                             struct arena *a)
{
    const char *t = *m->text ? m->text : i18n_text(lang, MSG_MAIL_EMPTY);
    if (m->text_cut) {
        char n[24], note[256];
        const char *args[] = {n};
        snprintf(n, sizeof(n), "%zu", strlen(m->text));
        i18n_format(lang, MSG_MAIL_TEXT_CUT, args, 1, note, sizeof(note));
        t = arena_printf(a, "%s\n\n%s", t, note);
    }
    if (t && extra && *extra)
        t = arena_printf(a, "%s\n\n%s", t, extra);
    return t;
}

/* Records the attachments of m as uploaded by who; the ids into ids, notes
 * about those left out (too big) into *notes. Their files were written by
 * mail_prepare, under sha256[i]. */
static op_rc store_parts(struct app *sub, const struct actor *who, const struct mail_msg *m,
                         char *const *sha256, enum lang lang, struct arena *a,
                         struct id_list *ids, char **notes)
{
    ids->v = m->n_parts ? arena_alloc(a, m->n_parts * sizeof(int64_t)) : NULL;
    ids->n = 0;
    *notes = "";
    if (m->n_parts && !ids->v)
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < m->n_parts && ids->n < 20; i++) {
        const struct mail_part *p = &m->parts[i];
        struct attachment at;
        struct op_err err = {0};
        op_rc rc = attachment_add(sub, who, p->filename, p->content_type, p->data, p->size,
                                  sha256 ? sha256[i] : NULL, a, &at, &err);
        if (rc == OP_ERR_TOOBIG || rc == OP_ERR_INVALID) {
            char sz[24], note[512];
            snprintf(sz, sizeof(sz), "%zu", p->size);
            const char *args[] = {p->filename, sz};
            i18n_format(lang, MSG_MAIL_ATTACHMENT_LEFT_OUT, args, 2, note, sizeof(note));
            *notes = arena_printf(a, "%s%s%s", *notes, **notes ? "\n" : "", note);
            continue;
        }
        if (rc)
            return rc;
        ids->v[ids->n++] = at.id;
    }
    return OP_OK;
}

static op_rc import_fn(struct store_tx *tx, void *arg)
{
    struct import_job *j = arg;
    const struct mail_msg *m = j->m;
    struct arena *a = j->a;
    struct mail_result *out = j->out;
    op_time now = app_now(j->app);
    op_rc rc;
    struct mail_seen seen;
    const struct mail_source *src = j->src;

    /* nested use cases run in this transaction */
    struct app sub = *j->app;
    sub.batch_tx = tx;

    memset(out, 0, sizeof(*out));
    out->reason = "";
    if (src->mailbox_id) {
        rc = tx->ops->mail->seen_get_uid(tx, src->mailbox_id, src->uidvalidity, src->uid, a, &seen);
        if (rc == OP_OK) {
            out->outcome = MAIL_DUPLICATE;
            out->ticket_id = seen.ticket_id;
            return OP_OK;
        }
        if (rc != OP_ERR_NOTFOUND)
            return rc;
    }
    rc = tx->ops->mail->seen_get(tx, m->message_id, a, &seen);
    if (rc == OP_OK) {
        out->outcome = MAIL_DUPLICATE;
        out->ticket_id = seen.ticket_id;
        goto record_uid;
    }
    if (rc != OP_ERR_NOTFOUND)
        return rc;

    struct mail_seen rec = {.message_id = m->message_id, .mailbox_id = src->mailbox_id,
                            .uidvalidity = src->uidvalidity, .uid = src->uid, .created_at = now};
    if (m->noise != MAIL_NOISE_NONE) {
        out->outcome = MAIL_NOISE;
        out->reason = mail_noise_name(m->noise);
        rec.outcome = (char *)out->reason;
        if ((rc = tx->ops->mail->seen_insert(tx, &rec)))
            return rc;
        goto record_uid;
    }

    uint8_t key[32];
    bool have_key = tx->ops->mail->key_get(tx, key) == OP_OK;
    int64_t ticket_id = 0, token_agent = 0;
    if ((rc = thread_by_ids(tx, m, have_key ? key : NULL, a, &ticket_id, &token_agent)))
        return rc;
    if (!ticket_id)
        ticket_id = mail_subject_ticket(m->subject);

    struct user sender;
    rc = tx->ops->user_get_by_email(tx, m->from.addr, a, &sender);
    if (rc && rc != OP_ERR_NOTFOUND)
        return rc;
    bool known = rc == OP_OK;
    struct op_err err = {0};
    struct actor who;
    struct mail_import_ctx ctx = {m->message_id, ""};
    {
        struct buf refs = BUF_INIT(16384);
        for (size_t k = 0; k < m->references.n; k++)
            buf_printf(&refs, "%s<%s>", k ? " " : "", m->references.v[k]);
        buf_printf(&refs, "%s<%s>", refs.len ? " " : "", m->message_id);
        ctx.references = arena_strdup(a, buf_str(&refs));
        buf_release(&refs);
    }

    if (known && sender.role != ROLE_CUSTOMER) {
        /* staff: only with a valid token of this very agent */
        if (!token_agent || token_agent != sender.id || !sender.active) {
            out->outcome = MAIL_UNVERIFIED;
            out->reason = "staff_sender_without_token";
            rec.outcome = "unverified";
            struct mail_rejection r = {.source = (char *)src->name, .message_id = m->message_id,
                                       .sender = m->from.addr, .reason = (char *)out->reason,
                                       .created_at = now};
            if ((rc = tx->ops->mail->seen_insert(tx, &rec)) ||
                (rc = tx->ops->mail->rejection_insert(tx, &r)))
                return rc;
            log_warn("msg=\"mail from a staff address without a valid reply token dropped\" "
                     "source=\"%s\" from=\"%s\"", src->name, m->from.addr);
            goto record_uid;
        }
    } else if (!known) {
        struct actor sys;
        actor_system(&sys, VIA_EMAIL);
        rc = app_customer_find_or_create(&sub, &sys, m->from.addr, m->from.name, a, &sender, &err);
        if (rc == OP_ERR_INVALID) {
            out->outcome = MAIL_UNVERIFIED;
            out->reason = "bad_sender";
            rec.outcome = "bad_sender";
            struct mail_rejection r = {.source = (char *)src->name, .message_id = m->message_id,
                                       .sender = m->from.addr, .reason = (char *)out->reason,
                                       .created_at = now};
            if ((rc = tx->ops->mail->seen_insert(tx, &rec)) ||
                (rc = tx->ops->mail->rejection_insert(tx, &r)))
                return rc;
            goto record_uid;
        }
        if (rc)
            return rc;
    }
    if ((rc = app_actor_for_user(&sub, sender.id, VIA_EMAIL, a, &who, &err)))
        return rc == OP_ERR_AUTH ? OP_ERR_FORBIDDEN : rc;
    enum lang lang = who.lang;

    struct id_list att_ids;
    char *notes;
    if ((rc = store_parts(&sub, &who, m, j->sha256, lang, a, &att_ids, &notes)))
        return rc;

    mail_importing = &ctx;
    if (ticket_id) {
        struct ticket t;
        rc = follow_merges(tx, ticket_id, a, &t);
        if (rc && rc != OP_ERR_NOTFOUND)
            goto done;
        /* a closed ticket is not reopened by mail: a follow-up is a new one */
        if (rc == OP_OK && t.status != STATUS_CLOSED) {
            struct comment_input ci = {.body = body_text(m, lang, notes, a), .public = true,
                                       .attachment_ids = att_ids};
            struct comment c;
            rc = app_comment_add(&sub, &who, t.id, &ci, a, &c, &err);
            if (rc == OP_OK) {
                out->outcome = known && sender.role != ROLE_CUSTOMER ? MAIL_AGENT_REPLY
                                                                     : MAIL_COMMENT;
                out->ticket_id = t.id;
                out->comment_id = c.id;
                goto stored;
            }
            /* the sender may not see that ticket (a guessed [#n], a CC'd
             * colleague): a new ticket, never someone else's thread */
            if (rc != OP_ERR_NOTFOUND && rc != OP_ERR_CONFLICT && rc != OP_ERR_FORBIDDEN)
                goto done;
            if (sender.role != ROLE_CUSTOMER) {
                out->outcome = MAIL_UNVERIFIED;
                out->reason = "agent_cannot_reply";
                rec.outcome = "unverified";
                rc = tx->ops->mail->seen_insert(tx, &rec);
                goto done_uid;
            }
            err = (struct op_err){0};
        }
    }
    if (sender.role != ROLE_CUSTOMER) {
        out->outcome = MAIL_UNVERIFIED;
        out->reason = "agent_ticket_gone";
        rec.outcome = "unverified";
        rc = tx->ops->mail->seen_insert(tx, &rec);
        goto done_uid;
    }
    {
        const char *subject = *m->subject ? m->subject : i18n_text(lang, MSG_MAIL_NO_SUBJECT);
        char *subj = arena_strdup(a, subject);
        if (!subj) {
            rc = OP_ERR_NOMEM;
            goto done;
        }
        /* subjects are at most LIMIT_SUBJECT characters */
        {
            size_t chars = 0, i = 0;
            for (; subj[i]; i++)
                if (((unsigned char)subj[i] & 0xC0) != 0x80 && ++chars > LIMIT_SUBJECT)
                    break;
            subj[i] = '\0';
        }
        struct comment_input first = {.body = i18n_text(lang, MSG_MAIL_ATTACHMENTS),
                                      .public = true, .attachment_ids = att_ids};
        struct ticket_create tc = {.in = {.set = TF_SUBJECT | TF_DESCRIPTION,
                                          .subject = subj,
                                          .description = (char *)body_text(m, lang, notes, a)},
                                   .comment = att_ids.n ? &first : NULL};
        struct ticket t;
        if ((rc = app_ticket_create(&sub, &who, &tc, a, &t, &err)))
            goto done;
        out->outcome = MAIL_NEW_TICKET;
        out->ticket_id = t.id;
    }
stored:
    rec.ticket_id = out->ticket_id;
    rec.comment_id = out->comment_id;
    rec.outcome = (char *)mail_outcome_name(out->outcome);
    rc = tx->ops->mail->seen_insert(tx, &rec);
done_uid:
    mail_importing = NULL;
    if (rc)
        return rc;
    goto record_uid;
done:
    mail_importing = NULL;
    if (rc == OP_ERR_INVALID || rc == OP_ERR_FORBIDDEN) {
        log_warn("msg=\"mail import refused by a rule\" field=\"%s\" rc=%s", err.field,
                 op_rc_name(rc));
        out->reason = "refused";
    }
    return rc;

record_uid:
    if (src->mailbox_id) {
        struct mailbox mb;
        if ((rc = tx->ops->mail->mailbox_get(tx, src->mailbox_id, a, &mb)))
            return rc;
        int64_t last = mb.uidvalidity == src->uidvalidity ? MAX(mb.last_uid, src->uid) : src->uid;
        if ((rc = tx->ops->mail->mailbox_set_state(tx, src->mailbox_id, src->uidvalidity, last,
                                                   now, "")))
            return rc;
    }
    return OP_OK;
}

struct reject_job {
    struct mail_rejection r;
    const struct mail_source *src;
    struct app *app;
};

static op_rc reject_fn(struct store_tx *tx, void *arg)
{
    struct reject_job *j = arg;
    op_rc rc = tx->ops->mail->rejection_insert(tx, &j->r);
    if (rc || !j->src->mailbox_id)
        return rc;
    /* a rejected message of a mailbox is done with too */
    struct mail_seen s = {.message_id = j->r.message_id, .outcome = "rejected",
                          .mailbox_id = j->src->mailbox_id, .uidvalidity = j->src->uidvalidity,
                          .uid = j->src->uid, .created_at = j->r.created_at};
    if (*s.message_id) {
        rc = tx->ops->mail->seen_insert(tx, &s);
        if (rc == OP_ERR_CONFLICT)
            rc = OP_OK;
    }
    return rc;
}

/* Runs a write of one message: in its own transaction, or inside the
 * batch's (app->batch_tx) in a savepoint of its own, so that one message
 * failing leaves the others of the batch alone. */
static op_rc mail_write(struct app *app, store_fn fn, void *arg)
{
    if (app->batch_tx)
        return app->batch_tx->ops->mail->run_alone(app->batch_tx, fn, arg);
    return app_run(app, false, fn, arg);
}

op_rc app_mail_reject(struct app *app, const struct mail_source *src, const char *reason,
                      size_t size, struct arena *a)
{
    op_time now = app_now(app);
    /* the uid of a mailbox message stands in for its id */
    char *mid = src->mailbox_id ? arena_printf(a, "uid-%" PRId64 ".%" PRId64 ".%" PRId64
                                                  "@opora.invalid",
                                               src->mailbox_id, src->uidvalidity, src->uid)
                                : "";
    struct reject_job j = {.r = {.source = (char *)src->name, .message_id = mid ? mid : "",
                                 .sender = "", .reason = (char *)reason, .size = (int64_t)size,
                                 .created_at = now},
                           .src = src, .app = app};
    log_warn("msg=\"mail rejected\" source=\"%s\" reason=%s size=%zu", src->name, reason, size);
    return mail_write(app, reject_fn, &j);
}

/* The attachments store_parts will upload: the first 20 of a size it takes. */
static bool part_wanted(const struct app *app, const struct mail_part *p)
{
    return p->size && p->size <= app->cfg.attachment_max;
}

/* Writes the files before the transaction: inside it, every connection's
 * file writes and fsyncs would queue behind the one writer. Files of a
 * message that is then a duplicate, dropped or rolled back stay in the
 * store unreferenced, as those of a failed upload do: harmless, since the
 * store is content-addressed and a later message with the same bytes uses
 * them. Nothing collects unreferenced files today; a collector would have
 * to spare files younger than the longest import, which writes its files
 * before the rows that refer to them commit. */
op_rc mail_prepare(struct app *app, const void *raw, size_t size, struct arena *a,
                   struct mail_prepared *out)
{
    struct mail_limits lim;
    memset(out, 0, sizeof(*out));
    out->why = "";
    out->size = size;
    mail_limits_default(&lim);
    op_rc rc = mail_parse(raw, size, app_now(app), &lim, a, &out->m, &out->why);
    if (rc == OP_ERR_TOOBIG || rc == OP_ERR_INVALID) {
        out->parse_rc = rc;
        return OP_OK;
    }
    if (rc)
        return rc;
    if (out->m.n_parts && !(out->sha256 = arena_alloc(a, out->m.n_parts * sizeof(char *))))
        return OP_ERR_NOMEM;
    for (size_t i = 0, n = 0; i < out->m.n_parts && n < 20; i++) {
        const struct mail_part *p = &out->m.parts[i];
        char sha[65];
        if (!part_wanted(app, p))
            continue;
        if ((rc = filestore_put(app->files, p->data, p->size, sha)))
            return rc;
        if (!(out->sha256[i] = arena_strdup(a, sha)))
            return OP_ERR_NOMEM;
        n++;
    }
    return OP_OK;
}

op_rc mail_import_prepared(struct app *app, const struct mail_prepared *p,
                           const struct mail_source *src, struct arena *a,
                           struct mail_result *out)
{
    memset(out, 0, sizeof(*out));
    out->reason = "";
    if (p->parse_rc) {
        out->outcome = MAIL_REJECTED;
        out->reason = p->why;
        op_rc wrc = app_mail_reject(app, src, p->why, p->size, a);
        return wrc ? wrc : p->parse_rc;
    }
    struct import_job j = {app, &p->m, p->sha256, src, a, out, NULL};
    op_rc rc = mail_write(app, import_fn, &j);
    if (rc == OP_ERR_CONFLICT) {
        /* the same Message-ID committed by another importer meanwhile */
        out->outcome = MAIL_DUPLICATE;
        return OP_OK;
    }
    if (!rc)
        log_info("msg=\"mail imported\" source=\"%s\" outcome=%s ticket=%" PRId64
                 " from=\"%s\"%s%s",
                 src->name, mail_outcome_name(out->outcome), out->ticket_id, p->m.from.addr,
                 *out->reason ? " reason=" : "", out->reason);
    return rc;
}

op_rc app_mail_import(struct app *app, const void *raw, size_t size,
                      const struct mail_source *src, struct arena *a, struct mail_result *out)
{
    struct mail_prepared p;
    memset(out, 0, sizeof(*out));
    out->reason = "";
    op_rc rc = mail_prepare(app, raw, size, a, &p);
    if (rc)
        return rc;
    return mail_import_prepared(app, &p, src, a, out);
}
