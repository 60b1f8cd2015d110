/* mail_poll.c - the IMAP poller (mail.h): mailboxes polled under a lease,
 * their new messages fetched on several connections and imported in
 * batches, flagged or moved on the server once committed. */
#include "base/common.h"

#include <pthread.h>

#include "app/mail_int.h"
#include "base/log.h"

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
    bool gone;   /* expunged meanwhile: nothing to import */
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
        if (f->gone)
            continue;
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

/* ---- fetching on several connections ----
 * A poll's messages are fetched and prepared (parsed, attachment files
 * written) by up to imap_connections workers at once, each on its own
 * connection, while the poll's thread commits: the round trips to the
 * server and the parsing overlap instead of adding up. Workers take the
 * next UID in order, so a round is always a prefix of what is left. */

#define FETCHERS_MAX 16

struct fetch_round {
    pthread_mutex_t mu;
    struct app *app;
    const int64_t *uids;
    struct fetched *v; /* v[i - start] for uids[i] */
    size_t start, end, next;
    size_t bytes;
    size_t failed_at;  /* the first UID index that could not be fetched (or end) */
    op_rc rc;
    char error[256];
};

struct fetcher {
    struct fetch_round *r;
    struct imap *im;
    struct arena a;  /* the round's messages this worker fetched */
    struct buf raw;
};

/* Fetches and prepares uids[i] into r->v. */
static op_rc fetch_one(struct fetcher *w, size_t i, size_t *size)
{
    struct fetch_round *r = w->r;
    struct fetched *f = &r->v[i - r->start];
    *f = (struct fetched){.uid = r->uids[i]};
    op_rc rc = imap_fetch(w->im, f->uid, &w->raw);
    *size = w->raw.len;
    f->size = w->raw.len;
    if (rc == OP_ERR_NOTFOUND) {
        f->gone = true;
        return OP_OK;
    }
    if (rc == OP_ERR_TOOBIG)
        return OP_OK; /* raw stays NULL: refused as too_big */
    if (rc)
        return rc;
    if (!(f->raw = arena_alloc(&w->a, w->raw.len + 1)))
        return OP_ERR_NOMEM;
    memcpy(f->raw, w->raw.p, w->raw.len);
    /* parsed and its files written now, outside the batch's transaction */
    return mail_prepare(r->app, f->raw, f->size, &w->a, &f->prep);
}

static void *fetch_worker(void *arg)
{
    struct fetcher *w = arg;
    struct fetch_round *r = w->r;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        bool stop = r->next >= r->end || r->bytes >= IMPORT_BATCH_BYTES ||
                    r->failed_at < r->end;
        size_t i = r->next;
        if (!stop)
            r->next++;
        pthread_mutex_unlock(&r->mu);
        if (stop)
            return NULL;
        size_t size = 0;
        op_rc rc = fetch_one(w, i, &size);
        pthread_mutex_lock(&r->mu);
        r->bytes += size;
        if (rc && i < r->failed_at) {
            r->failed_at = i;
            r->rc = rc;
            snprintf(r->error, sizeof(r->error), "%s",
                     rc == OP_ERR_IO ? "cannot store an attachment"
                     : rc == OP_ERR_NOMEM ? "out of memory" : imap_error(w->im));
        }
        pthread_mutex_unlock(&r->mu);
    }
}

/* Runs one round on the workers: uids[start..] until IMPORT_BATCH of them,
 * IMPORT_BATCH_BYTES, or the first failure. The caller's thread is worker 0. */
static void fetch_round_run(struct fetch_round *r, struct fetcher *w, size_t nw)
{
    pthread_t th[FETCHERS_MAX];
    bool started[FETCHERS_MAX] = {false};
    size_t want = r->end - r->start;
    for (size_t k = 1; k < nw && k < want; k++)
        started[k] = pthread_create(&th[k], NULL, fetch_worker, &w[k]) == 0;
    fetch_worker(&w[0]);
    for (size_t k = 1; k < nw && k < want; k++)
        if (started[k])
            pthread_join(th[k], NULL);
}

/* Opens up to want connections besides im for acct into w[1..]; a server
 * that refuses more connections (most cap them per user) leaves fewer.
 * Returns how many workers there are, im's included. */
static size_t fetchers_open(const struct imap_account *acct, const char *name, struct imap *im,
                            struct fetch_round *r, struct fetcher *w, size_t want)
{
    size_t nw = 0;
    w[nw++] = (struct fetcher){r, im, ARENA_INIT(0), BUF_INIT(26u << 20)};
    for (size_t k = 1; k < want && k < FETCHERS_MAX; k++) {
        struct imap *c = NULL;
        int64_t validity;
        if (imap_open(acct, &c) || imap_uidvalidity(c, &validity)) {
            log_warn("msg=\"extra IMAP connection refused; fetching on fewer\" mailbox=\"%s\" "
                     "connections=%zu error=\"%s\"", name, nw, c ? imap_error(c) : "open");
            imap_close(c);
            break;
        }
        w[nw++] = (struct fetcher){r, c, ARENA_INIT(0), BUF_INIT(26u << 20)};
    }
    return nw;
}

static void fetchers_close(struct fetcher *w, size_t nw)
{
    for (size_t k = 0; k < nw; k++) {
        if (k > 0)
            imap_close(w[k].im);
        arena_release(&w[k].a);
        buf_release(&w[k].raw);
    }
}

/* Polls mailbox mb (leased by this node). */
static op_rc poll_one(struct app *app, struct mailbox *mb, size_t *imported)
{
    struct imap_account acct = {mb->url, mb->username, mb->password, mb->starttls};
    struct imap *im = NULL;
    struct arena a = ARENA_INIT(0);
    struct mb_job st = {.app = app, .id = mb->id, .uidvalidity = mb->uidvalidity,
                        .last_uid = mb->last_uid};
    int64_t *uids = NULL;
    size_t n = 0, nw = 0;
    struct fetched batch[IMPORT_BATCH];
    struct fetch_round r = {.mu = PTHREAD_MUTEX_INITIALIZER, .app = app, .v = batch};
    struct fetcher w[FETCHERS_MAX];
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
    /* imported before (moving mailboxes list everything)? flag or move those
     * again; the rest, todo, is fetched */
    size_t todo = 0;
    for (size_t i = 0; i < n; i++) {
        if (uids[i] <= st.last_uid) {
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
        uids[todo++] = uids[i];
    }
    /* small polls stay on one connection */
    size_t want = MIN(mail_config()->imap_connections, 1 + todo / 16);
    nw = fetchers_open(&acct, mb->name, im, &r, w, want);
    r.uids = uids;
    for (size_t start = 0; start < todo;) {
        r.start = r.next = start;
        r.end = MIN(todo, start + IMPORT_BATCH);
        r.failed_at = r.end;
        r.bytes = 0;
        fetch_round_run(&r, w, nw);
        size_t got = MIN(r.next, r.failed_at) - start;
        if (got) {
            /* one transaction, one fsync for the batch; each message in its
             * own savepoint; flagged on the server only once committed */
            struct batch_job bj = {app, mb, validity, batch, got, 0, OP_OK};
            if ((rc = app_run(app, false, batch_fn, &bj))) {
                st.error = "import failed";
                goto end;
            }
            int64_t *done_uids = arena_alloc(&a, (bj.done + 1) * sizeof(int64_t));
            size_t nd = 0;
            for (size_t k = 0; k < bj.done && done_uids; k++) {
                if (batch[k].uid > st.last_uid)
                    st.last_uid = batch[k].uid;
                if (!batch[k].gone) {
                    done_uids[nd++] = batch[k].uid;
                    ++*imported;
                }
            }
            if (done_uids && nd && imap_done_many(im, done_uids, nd, mb->move_to) != OP_OK)
                log_warn("msg=\"could not flag or move imported messages\" mailbox=\"%s\" "
                         "n=%zu error=\"%s\"",
                         mb->name, nd, imap_error(im));
            if (bj.stop_rc) {
                rc = bj.stop_rc;
                st.error = "import failed";
                goto end;
            }
        }
        if (r.failed_at < r.end) {
            rc = r.rc;
            st.error = arena_strdup(&a, r.error);
            goto end;
        }
        for (size_t k = 0; k < nw; k++)
            arena_release(&w[k].a);
        start += got;
    }
end:
    if (*imported)
        log_info("msg=\"mailbox polled\" mailbox=\"%s\" imported=%zu connections=%zu", mb->name,
                 *imported, nw);
    if (st.error)
        log_warn("msg=\"mailbox poll failed\" mailbox=\"%s\" error=\"%s\"", mb->name, st.error);
    st.now = app_now(app);
    app_run(app, false, mb_state_fn, &st);
    fetchers_close(w, nw);
    imap_close(im);
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
