/* mail_out.c - notifications and the outbox sender (mail.h); the settings
 * of mail. The IMAP poller is mail_poll.c. */
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
    config.imap_connections = (size_t)MIN(env_ms("OPORA_IMAP_CONNECTIONS", 4), 16);
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
    enum lang lang = user_lang(&u);
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
