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
 * written) in rounds of up to IMPORT_BATCH by up to imap_connections
 * workers, each on its own connection, taking the next UID in order (so a
 * round is always a prefix of what is left). While the poll's thread
 * commits one round and flags it on the server (on its own connection),
 * the workers fetch the next: the server's round trips, the parsing and
 * the commit overlap instead of adding up. */

#define FETCHERS_MAX 16

struct fetch_round {
    pthread_mutex_t mu;
    struct app *app;
    const int64_t *uids;
    struct fetched v[IMPORT_BATCH]; /* v[i - start] for uids[i] */
    struct arena arenas[FETCHERS_MAX]; /* what each worker fetched in this round */
    size_t start, end, next;
    size_t bytes;
    size_t failed_at;  /* the first UID index that could not be fetched (or end) */
    op_rc rc;
    char error[256];
};

struct fetcher {
    struct fetch_round *r; /* the round it works on */
    struct arena *a;       /* r->arenas[its number] */
    struct imap *im;       /* its own connection */
    struct buf raw;
    pthread_t th;
    bool running;
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
    if (!(f->raw = arena_alloc(w->a, w->raw.len + 1)))
        return OP_ERR_NOMEM;
    memcpy(f->raw, w->raw.p, w->raw.len);
    /* parsed and its files written now, outside the batch's transaction */
    return mail_prepare(r->app, f->raw, f->size, w->a, &f->prep);
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

/* Starts round r on the workers: uids[start..todo) until IMPORT_BATCH of
 * them, IMPORT_BATCH_BYTES, or the first failure. A worker that cannot be
 * started leaves its share to the others; with none, the caller's thread
 * does the round (round_wait returns at once). */
static void round_start(struct fetch_round *r, const int64_t *uids, size_t start, size_t todo,
                        struct fetcher *w, size_t nw)
{
    r->uids = uids;
    r->start = r->next = start;
    r->end = MIN(todo, start + IMPORT_BATCH);
    r->failed_at = r->end;
    r->bytes = 0;
    r->rc = OP_OK;
    r->error[0] = '\0';
    bool any = false;
    for (size_t k = 0; k < nw; k++) {
        w[k].r = r;
        w[k].a = &r->arenas[k];
        w[k].running = k < r->end - start &&
                       pthread_create(&w[k].th, NULL, fetch_worker, &w[k]) == 0;
        any |= w[k].running;
    }
    if (!any) {
        w[0].r = r;
        w[0].a = &r->arenas[0];
        fetch_worker(&w[0]);
    }
}

/* Waits for the round started last on w; returns how many of its messages
 * are there in order (r->failed_at < r->end: the next one failed). */
static size_t round_wait(struct fetch_round *r, struct fetcher *w, size_t nw)
{
    for (size_t k = 0; k < nw; k++)
        if (w[k].running) {
            pthread_join(w[k].th, NULL);
            w[k].running = false;
        }
    return MIN(r->next, r->failed_at) - r->start;
}

static void round_release(struct fetch_round *r)
{
    for (size_t k = 0; k < FETCHERS_MAX; k++)
        arena_release(&r->arenas[k]);
}

/* Opens up to want fetch connections for acct into w; a server that
 * refuses more (most cap them per user) leaves fewer. Returns how many. */
static size_t fetchers_open(const struct imap_account *acct, const char *name, struct fetcher *w,
                            size_t want)
{
    size_t nw = 0;
    for (size_t k = 0; k < want && k < FETCHERS_MAX; k++) {
        struct imap *c = NULL;
        int64_t validity;
        if (imap_open(acct, &c) || imap_uidvalidity(c, &validity)) {
            log_warn("msg=\"extra IMAP connection refused; fetching on fewer\" mailbox=\"%s\" "
                     "connections=%zu error=\"%s\"", name, nw, c ? imap_error(c) : "open");
            imap_close(c);
            break;
        }
        w[nw++] = (struct fetcher){.im = c, .raw = BUF_INIT(26u << 20)};
    }
    return nw;
}

static void fetchers_close(struct fetcher *w, size_t nw)
{
    for (size_t k = 0; k < nw; k++) {
        imap_close(w[k].im);
        buf_release(&w[k].raw);
    }
}

/* Commits the first got messages of round r and flags them on the server
 * (im, the poll's own connection). */
static op_rc round_commit(struct app *app, struct mailbox *mb, int64_t validity,
                          struct fetch_round *r, size_t got, struct imap *im, struct arena *a,
                          struct mb_job *st, size_t *imported)
{
    /* one transaction, one fsync for the batch; each message in its own
     * savepoint; flagged on the server only once committed */
    struct batch_job bj = {app, mb, validity, r->v, got, 0, OP_OK};
    op_rc rc = app_run(app, false, batch_fn, &bj);
    if (rc) {
        st->error = "import failed";
        return rc;
    }
    int64_t *done_uids = arena_alloc(a, (bj.done + 1) * sizeof(int64_t));
    size_t nd = 0;
    for (size_t k = 0; k < bj.done && done_uids; k++) {
        if (r->v[k].uid > st->last_uid)
            st->last_uid = r->v[k].uid;
        if (!r->v[k].gone) {
            done_uids[nd++] = r->v[k].uid;
            ++*imported;
        }
    }
    if (done_uids && nd && imap_done_many(im, done_uids, nd, mb->move_to) != OP_OK)
        log_warn("msg=\"could not flag or move imported messages\" mailbox=\"%s\" "
                 "n=%zu error=\"%s\"",
                 mb->name, nd, imap_error(im));
    if (bj.stop_rc) {
        st->error = "import failed";
        return bj.stop_rc;
    }
    return OP_OK;
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
    struct fetcher w[FETCHERS_MAX];
    /* two rounds: one being committed, the next being fetched (big: heap) */
    struct fetch_round *r = calloc(2, sizeof(*r));
    for (int k = 0; r && k < 2; k++) {
        pthread_mutex_init(&r[k].mu, NULL);
        r[k].app = app;
    }
    op_rc rc = r ? imap_open(&acct, &im) : OP_ERR_NOMEM;
    if (rc) {
        st.error = r ? "bad mailbox URL" : "out of memory";
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
    if (!todo)
        goto end;
    /* small polls fetch on one connection */
    nw = fetchers_open(&acct, mb->name, w, MIN(mail_config()->imap_connections, 1 + todo / 16));
    if (!nw) {
        rc = OP_ERR_UNAVAILABLE;
        st.error = "cannot open a fetch connection";
        goto end;
    }
    int b = 0;
    round_start(&r[b], uids, 0, todo, w, nw);
    for (;;) {
        size_t got = round_wait(&r[b], w, nw);
        size_t next = r[b].start + got;
        bool failed = r[b].failed_at < r[b].end;
        bool more = !failed && next < todo;
        if (more)
            round_start(&r[b ^ 1], uids, next, todo, w, nw); /* fetched while this commits */
        if (got)
            rc = round_commit(app, mb, validity, &r[b], got, im, &a, &st, imported);
        round_release(&r[b]);
        if (!rc && failed) {
            rc = r[b].rc;
            st.error = arena_strdup(&a, r[b].error);
        }
        if (more && rc) {
            round_wait(&r[b ^ 1], w, nw); /* its files stay, unreferenced and harmless */
            round_release(&r[b ^ 1]);
        }
        if (rc || !more)
            break;
        b ^= 1;
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
    if (r)
        for (int k = 0; k < 2; k++)
            pthread_mutex_destroy(&r[k].mu);
    free(r);
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
