/* mail_out.c - notifications, the outbox sender, the IMAP poller (mail.h). */
#include "base/common.h"

#include <pthread.h>

#include "app/mail_int.h"
#include "app/surveys.h"
#include "base/log.h"
#include "channels/mail/notify.h"
#include "channels/mail/thread.h"

/* ---- settings ---- */

static struct mail_config config;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static int64_t env_ms(const char *name, int64_t def)
{
    const char *v = getenv(name);
    char *end;
    long long n = v ? strtoll(v, &end, 10) : 0;
    return v && *v && !*end && n > 0 ? n : def;
}

static void config_read(void)
{
    const char *url = getenv("OPORA_SMTP_URL");
    const char *tls = getenv("OPORA_SMTP_STARTTLS");
    config.notify = url && *url;
    config.smtp = (struct smtp_account){url, getenv("OPORA_SMTP_USER"),
                                        getenv("OPORA_SMTP_PASSWORD"), tls && *tls == '1'};
    const char *from = getenv("OPORA_MAIL_FROM");
    config.from = from && *from ? from : "support@localhost";
    const char *domain = getenv("OPORA_MAIL_DOMAIN");
    const char *at = strchr(config.from, '@');
    config.domain = domain && *domain ? domain : at ? at + 1 : "localhost";
    config.poll_ms = env_ms("OPORA_MAIL_POLL_MS", 30000);
    config.retry_ms = env_ms("OPORA_MAIL_RETRY_MS", 30000);
}

const struct mail_config *mail_config(void)
{
    pthread_once(&config_once, config_read);
    return &config;
}

/* ---- queueing notifications ---- */


/* Queues one notification of kind about t to user uid. */
static op_rc enqueue(struct app *app, struct store_tx *tx, enum mail_kind kind,
                     const struct ticket *t, int64_t uid, const struct actor *who,
                     const char *text, const char *group, struct arena *a)
{
    const struct mail_config *cfg = mail_config();
    struct user u;
    op_rc rc = tx->ops->user_get(tx, uid, a, &u);
    if (rc == OP_ERR_NOTFOUND)
        return OP_OK;
    if (rc)
        return rc;
    if (!u.active || !u.email || !*u.email)
        return OP_OK;
    int l = i18n_lang_parse(u.language);
    enum lang lang = l < 0 ? LANG_EN : (enum lang)l;
    char *csat = "";
    /* the solved mail carries the signed link of the ticket's CSAT survey */
    if (kind == MAIL_KIND_SOLVED && (rc = survey_link(app, tx, t, a, &csat)))
        return rc;
    struct mail_vars v = {.ticket_id = t->id, .subject = t->subject, .name = u.name,
                          .author = who && who->name ? who->name : "", .text = text,
                          .group = group, .csat_link = csat};
    struct outbox_msg m = {.ticket_id = t->id, .kind = (char *)mail_kind_name(kind),
                           .to_addr = u.email, .next_attempt_at = app_now(app),
                           .created_at = app_now(app)};
    if ((rc = mail_render(kind, lang, &v, a, &m.subject, &m.body)))
        return rc;
    bool to_staff = kind == MAIL_KIND_ASSIGNED || kind == MAIL_KIND_ESCALATED ||
                    kind == MAIL_KIND_SLA;
    if (to_staff) {
        uint8_t key[32];
        if ((rc = tx->ops->mail->key_get(tx, key)))
            return rc;
        m.message_id = mail_agent_message_id(a, key, cfg->domain, t->id, u.id);
    } else {
        m.message_id = mail_message_id(a, cfg->domain, t->id, mail_kind_name(kind));
    }
    if (!m.message_id)
        return OP_ERR_NOMEM;
    /* threading: answer the message being imported, else the newest of
     * the conversation */
    const char *irt = NULL, *refs = NULL;
    if (mail_importing) {
        irt = arena_printf(a, "<%s>", mail_importing->message_id);
        refs = mail_importing->references;
    } else {
        char *last;
        rc = tx->ops->mail->seen_last(tx, t->id, a, &last);
        if (rc == OP_OK)
            irt = refs = arena_printf(a, "<%s>", last);
        else if (rc != OP_ERR_NOTFOUND)
            return rc;
    }
    m.headers = irt ? arena_printf(a, "In-Reply-To: %s\r\nReferences: %s\r\n", irt, refs) : "";
    if (!m.headers)
        return OP_ERR_NOMEM;
    if ((rc = tx->ops->mail->outbox_insert(tx, &m)))
        return rc;
    /* agent tokens are not in the map: a reply to one is checked by its MAC */
    if (!to_staff) {
        struct mail_seen s = {.message_id = m.message_id, .outgoing = true, .ticket_id = t->id,
                              .outcome = "sent", .created_at = app_now(app)};
        if ((rc = tx->ops->mail->seen_insert(tx, &s)))
            return rc;
    }
    return OP_OK;
}

/* The customer and the further requesters of t. */
static op_rc to_requesters(struct app *app, struct store_tx *tx, enum mail_kind kind,
                           const struct ticket *t, const struct actor *who, const char *text,
                           struct arena *a)
{
    op_rc rc = enqueue(app, tx, kind, t, t->requester_id, who, text, NULL, a);
    for (size_t i = 0; !rc && i < t->requesters.n; i++)
        if (t->requesters.v[i] != t->requester_id)
            rc = enqueue(app, tx, kind, t, t->requesters.v[i], who, text, NULL, a);
    return rc;
}

op_rc mail_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                       const struct ticket *old, const struct ticket *t,
                       const struct event_list *l, int64_t action_id, struct arena *a)
{
    UNUSED(action_id);
    if (!mail_config()->notify)
        return OP_OK;
    op_rc rc = OP_OK;
    bool staff = actor_is_staff(who) && who->id;
    if (!old && !actor_is_staff(who))
        rc = to_requesters(app, tx, MAIL_KIND_RECEIVED, t, who, NULL, a);
    for (size_t i = 0; !rc && l && i < l->n; i++) {
        const struct event *e = &l->v[i];
        if (e->kind == EV_COMMENT && staff && strcmp(e->field, "public") == 0) {
            struct comment c;
            int64_t cid = strtoll(e->new_value, NULL, 10);
            if ((rc = tx->ops->comment_get(tx, cid, a, &c)))
                break;
            rc = to_requesters(app, tx, MAIL_KIND_REPLY, t, who, c.body, a);
        } else if (e->kind == EV_ESCALATED && t->group_id) {
            struct group g;
            if ((rc = tx->ops->group_get(tx, t->group_id, a, &g)))
                break;
            if (t->assignee_id) {
                if (t->assignee_id != who->id)
                    rc = enqueue(app, tx, MAIL_KIND_ESCALATED, t, t->assignee_id, who, e->data,
                                 g.name, a);
            } else {
                for (size_t k = 0; !rc && k < g.members.n && k < 50; k++)
                    if (g.members.v[k] != who->id)
                        rc = enqueue(app, tx, MAIL_KIND_ESCALATED, t, g.members.v[k], who,
                                     e->data, g.name, a);
            }
        }
    }
    if (!rc && old && old->status != STATUS_SOLVED && t->status == STATUS_SOLVED)
        rc = to_requesters(app, tx, MAIL_KIND_SOLVED, t, who, NULL, a);
    if (!rc && t->assignee_id && (!old || old->assignee_id != t->assignee_id) &&
        t->assignee_id != who->id) {
        bool escalated = false;
        for (size_t i = 0; l && i < l->n; i++)
            escalated |= l->v[i].kind == EV_ESCALATED;
        if (!escalated)
            rc = enqueue(app, tx, MAIL_KIND_ASSIGNED, t, t->assignee_id, who, NULL, NULL, a);
    }
    return rc;
}

op_rc mail_notify_staff(struct app *app, struct store_tx *tx, const struct ticket *t,
                        int64_t user_id, const char *text, struct arena *a)
{
    if (!mail_config()->notify)
        return OP_OK;
    return enqueue(app, tx, MAIL_KIND_SLA, t, user_id, NULL, text, NULL, a);
}

/* ---- the outbox sender ---- */

#define OUTBOX_BATCH 20
#define OUTBOX_CLAIM_MS (5 * 60 * 1000)

struct claim_job {
    struct app *app;
    op_time now;
    struct arena *a;
    struct outbox_msg *v;
    size_t n;
};

static op_rc claim_fn(struct store_tx *tx, void *arg)
{
    struct claim_job *j = arg;
    return tx->ops->mail->outbox_claim(tx, j->app->node_id, j->now, j->now + OUTBOX_CLAIM_MS,
                                       OUTBOX_BATCH, j->a, &j->v, &j->n);
}

struct result_job {
    struct app *app;
    const struct outbox_msg *m;
    bool ok, permanent;
    const char *error;
    op_time now;
};

static op_rc result_fn(struct store_tx *tx, void *arg)
{
    struct result_job *j = arg;
    if (j->ok)
        return tx->ops->mail->outbox_sent(tx, j->m->id, j->app->node_id, j->now);
    /* back-off: retry_ms, doubled per attempt, at most an hour */
    int64_t delay = mail_config()->retry_ms;
    for (int i = 0; i < j->m->attempts && delay < 3600000; i++)
        delay *= 2;
    delay = MIN(delay, (int64_t)3600000);
    return tx->ops->mail->outbox_failed(tx, j->m->id, j->app->node_id, j->error, j->now + delay,
                                        j->permanent, j->now);
}

op_rc mail_outbox_job(struct app *app, op_time now, op_time *next_at)
{
    const struct mail_config *cfg = mail_config();
    if (!cfg->notify) {
        *next_at = now + 60000;
        return OP_OK;
    }
    struct arena a = ARENA_INIT(64u << 20);
    struct claim_job cj = {app, now, &a, NULL, 0};
    op_rc rc = app_run(app, false, claim_fn, &cj);
    struct buf wire = BUF_INIT(4u << 20);
    for (size_t i = 0; !rc && i < cj.n; i++) {
        const struct outbox_msg *m = &cj.v[i];
        char err[MAIL_NET_ERR] = "";
        bool permanent = false;
        op_rc src = mail_compose(&wire, cfg->from, m->to_addr, m->subject, m->message_id,
                                 m->headers, m->body, m->created_at);
        if (src) {
            snprintf(err, sizeof(err), "message too large");
            permanent = true;
        } else {
            src = smtp_send(&cfg->smtp, cfg->from, m->to_addr, wire.p, wire.len, err, &permanent);
        }
        struct result_job rj = {app, m, src == OP_OK, permanent, err, app_now(app)};
        if (src)
            log_warn("msg=\"mail not sent\" outbox=%" PRId64 " to=\"%s\" attempt=%d%s error=\"%s\"",
                     m->id, m->to_addr, m->attempts + 1, permanent ? " permanent=1" : "", err);
        rc = app_run(app, false, result_fn, &rj);
        if (src && !permanent) {
            /* the server is down: the rest waits for the next round */
            break;
        }
    }
    buf_release(&wire);
    arena_release(&a);
    *next_at = cj.n == OUTBOX_BATCH ? 0 : now + 1000;
    return rc;
}

/* ---- the IMAP poller ---- */

#define POLL_LEASE_MS (10 * 60 * 1000)
#define POLL_BATCH 500

struct mb_job {
    struct app *app;
    int64_t id;
    op_time now;
    struct arena *a;
    struct mailbox *v;
    size_t n;
    bool got;
    const char *error;
    int64_t uidvalidity, last_uid;
    bool release;
};

static op_rc mb_list_fn(struct store_tx *tx, void *arg)
{
    struct mb_job *j = arg;
    return tx->ops->mail->mailbox_list(tx, j->a, &j->v, &j->n);
}

static op_rc mb_lease_fn(struct store_tx *tx, void *arg)
{
    struct mb_job *j = arg;
    op_time until = j->release ? j->now : j->now + POLL_LEASE_MS;
    op_rc rc = tx->ops->mail->mailbox_lease(tx, j->id, j->app->node_id, j->now, until, &j->got);
    if (rc || !j->got)
        return rc;
    j->v = arena_alloc(j->a, sizeof(*j->v));
    return j->v ? tx->ops->mail->mailbox_get(tx, j->id, j->a, j->v) : OP_ERR_NOMEM;
}

static op_rc mb_state_fn(struct store_tx *tx, void *arg)
{
    struct mb_job *j = arg;
    return tx->ops->mail->mailbox_set_state(tx, j->id, j->uidvalidity, j->last_uid, j->now,
                                            j->error ? j->error : "");
}

struct uid_job {
    int64_t mailbox_id, uidvalidity, uid;
    bool seen;
};

static op_rc uid_seen_fn(struct store_tx *tx, void *arg)
{
    struct uid_job *j = arg;
    struct mail_seen s;
    struct arena a = ARENA_INIT(1 << 16);
    op_rc rc = tx->ops->mail->seen_get_uid(tx, j->mailbox_id, j->uidvalidity, j->uid, &a, &s);
    arena_release(&a);
    j->seen = rc == OP_OK;
    return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
}

/* The messages of one poll are imported in batches of this many (or this
 * many bytes): one commit, one fsync per batch instead of per message. */
#define IMPORT_BATCH 100
#define IMPORT_BATCH_BYTES (32u << 20)

struct fetched {
    int64_t uid;
    char *raw;   /* NULL: over the size cap, never read whole */
    size_t size;
    struct mail_prepared prep; /* with raw: parsed, files stored (before the batch) */
};

struct batch_job {
    struct app *app;
    const struct mailbox *mb;
    int64_t validity;
    const struct fetched *v;
    size_t n;
    size_t done;     /* v[0..done) are imported (or refused and recorded) */
    op_rc stop_rc;   /* why v[done] was not: it and the rest wait for the next poll */
};

/* Imports a batch in the writer's transaction, each message in a savepoint
 * of its own (mail_import_prepared inside batch_tx). A message that fails ends
 * the batch there: those before it commit, it and the rest are retried. */
static op_rc batch_fn(struct store_tx *tx, void *arg)
{
    struct batch_job *j = arg;
    struct app sub = *j->app;
    sub.batch_tx = tx;
    for (; j->done < j->n; j->done++) {
        const struct fetched *f = &j->v[j->done];
        struct mail_source src = {j->mb->name, j->mb->id, j->validity, f->uid};
        struct arena ma = ARENA_INIT(0);
        struct mail_result res;
        op_rc rc = f->raw ? mail_import_prepared(&sub, &f->prep, &src, &ma, &res)
                          : app_mail_reject(&sub, &src, "too_big", f->size, &ma);
        arena_release(&ma);
        if (rc == OP_ERR_TOOBIG || rc == OP_ERR_INVALID)
            rc = OP_OK; /* refused and recorded: done with it */
        if (rc == OP_ERR_IO || rc == OP_ERR_NOMEM)
            return rc; /* the transaction may be gone: nothing of the batch stays */
        if (rc) {
            j->stop_rc = rc;
            break;
        }
    }
    return OP_OK;
}

/* Polls mailbox mb (leased by this node). */
static op_rc poll_one(struct app *app, struct mailbox *mb, size_t *imported)
{
    struct imap_account acct = {mb->url, mb->username, mb->password, mb->starttls};
    struct imap *im = NULL;
    struct arena a = ARENA_INIT(0);
    struct buf raw = BUF_INIT(26u << 20);
    struct mb_job st = {.app = app, .id = mb->id, .uidvalidity = mb->uidvalidity,
                        .last_uid = mb->last_uid};
    int64_t *uids = NULL;
    size_t n = 0;
    struct arena ba = ARENA_INIT(0); /* the fetched messages of the batch */
    struct fetched batch[IMPORT_BATCH];
    size_t nb = 0, bytes = 0;
    op_rc rc = imap_open(&acct, &im);
    if (rc) {
        st.error = "bad mailbox URL";
        goto end;
    }
    int64_t validity;
    if ((rc = imap_uidvalidity(im, &validity))) {
        st.error = arena_strdup(&a, imap_error(im));
        goto end;
    }
    if (validity != mb->uidvalidity) {
        /* the UIDs were renumbered: start over; Message-IDs keep duplicates out */
        if (mb->uidvalidity)
            log_warn("msg=\"UIDVALIDITY changed\" mailbox=\"%s\" old=%" PRId64 " new=%" PRId64,
                     mb->name, mb->uidvalidity, validity);
        st.uidvalidity = validity;
        st.last_uid = 0;
    }
    bool moving = mb->move_to && *mb->move_to;
    if ((rc = imap_search(im, moving ? 0 : st.last_uid, POLL_BATCH, &a, &uids, &n))) {
        st.error = arena_strdup(&a, imap_error(im));
        goto end;
    }
    for (size_t i = 0; i <= n; i++) {
        if (nb && (i == n || nb == IMPORT_BATCH || bytes >= IMPORT_BATCH_BYTES)) {
            /* one transaction, one fsync for the batch; each message in its
             * own savepoint; flagged on the server only once committed */
            struct batch_job bj = {app, mb, validity, batch, nb, 0, OP_OK};
            if ((rc = app_run(app, false, batch_fn, &bj))) {
                st.error = "import failed";
                goto end;
            }
            *imported += bj.done;
            int64_t *done_uids = arena_alloc(&a, (bj.done + 1) * sizeof(int64_t));
            for (size_t k = 0; k < bj.done && done_uids; k++) {
                done_uids[k] = batch[k].uid;
                if (batch[k].uid > st.last_uid)
                    st.last_uid = batch[k].uid;
            }
            if (done_uids && imap_done_many(im, done_uids, bj.done, mb->move_to) != OP_OK)
                log_warn("msg=\"could not flag or move imported messages\" mailbox=\"%s\" "
                         "n=%zu error=\"%s\"",
                         mb->name, bj.done, imap_error(im));
            if (bj.stop_rc) {
                rc = bj.stop_rc;
                st.error = "import failed";
                goto end;
            }
            nb = 0;
            bytes = 0;
            arena_release(&ba);
        }
        if (i == n)
            break;
        if (uids[i] <= st.last_uid) {
            /* imported before (moving mailboxes list everything): was it? */
            struct uid_job uj = {mb->id, validity, uids[i], false};
            if ((rc = app_run(app, true, uid_seen_fn, &uj)))
                goto end;
            if (uj.seen) {
                if (imap_done(im, uids[i], mb->move_to) != OP_OK)
                    log_warn("msg=\"could not flag or move an imported message\" "
                             "mailbox=\"%s\" uid=%" PRId64 " error=\"%s\"",
                             mb->name, uids[i], imap_error(im));
                continue;
            }
        }
        rc = imap_fetch(im, uids[i], &raw);
        if (rc == OP_ERR_NOTFOUND)
            continue; /* expunged meanwhile */
        struct fetched *f = &batch[nb];
        *f = (struct fetched){.uid = uids[i], .size = raw.len};
        if (rc == OP_ERR_TOOBIG) {
            f->raw = NULL; /* bigger than any message we take: refused as too_big */
        } else if (rc) {
            st.error = arena_strdup(&a, imap_error(im));
            goto end;
        } else if (!(f->raw = arena_alloc(&ba, raw.len + 1))) {
            rc = OP_ERR_NOMEM;
            st.error = "out of memory";
            goto end;
        } else {
            memcpy(f->raw, raw.p, raw.len);
            /* parsed and its files written now, outside the batch's transaction */
            if ((rc = mail_prepare(app, f->raw, f->size, &ba, &f->prep))) {
                st.error = "cannot store an attachment";
                goto end;
            }
        }
        rc = OP_OK;
        nb++;
        bytes += raw.len;
    }
end:
    if (st.error)
        log_warn("msg=\"mailbox poll failed\" mailbox=\"%s\" error=\"%s\"", mb->name, st.error);
    st.now = app_now(app);
    app_run(app, false, mb_state_fn, &st);
    imap_close(im);
    buf_release(&raw);
    arena_release(&ba);
    arena_release(&a);
    if (rc == OP_ERR_INVALID || (st.error && !rc))
        rc = OP_ERR_UNAVAILABLE;
    return rc;
}

op_rc app_mailbox_poll(struct app *app, int64_t mailbox_id, size_t *imported)
{
    struct arena a = ARENA_INIT(1 << 20);
    struct mb_job j = {.app = app, .id = mailbox_id, .now = app_now(app), .a = &a};
    *imported = 0;
    op_rc rc = app_run(app, false, mb_lease_fn, &j);
    if (!rc && j.got) {
        rc = poll_one(app, j.v, imported);
        j.release = true;
        j.now = app_now(app);
        app_run(app, false, mb_lease_fn, &j);
    }
    arena_release(&a);
    return rc;
}

op_rc mail_poll_job(struct app *app, op_time now, op_time *next_at)
{
    const struct mail_config *cfg = mail_config();
    struct arena a = ARENA_INIT(1 << 20);
    struct mb_job j = {.app = app, .now = now, .a = &a};
    op_rc rc = app_run(app, true, mb_list_fn, &j);
    *next_at = now + cfg->poll_ms;
    for (size_t i = 0; !rc && i < j.n; i++) {
        const struct mailbox *mb = &j.v[i];
        if (!mb->active || (mb->polled_at && mb->polled_at + cfg->poll_ms > now &&
                            mb->polled_at <= now)) {
            if (mb->active && mb->polled_at + cfg->poll_ms < *next_at)
                *next_at = mb->polled_at + cfg->poll_ms;
            continue;
        }
        size_t n = 0;
        op_rc prc = app_mailbox_poll(app, mb->id, &n);
        if (prc && prc != OP_ERR_UNAVAILABLE)
            rc = prc;
    }
    arena_release(&a);
    return rc;
}
