/* notify.c - the node's change watcher (notify.h).
 *
 * State is per process (one watcher per node), so the write path can poke
 * it without a handle. The watcher thread owns every database call; the
 * listeners only see a number. */
#include "base/common.h"

#include <pthread.h>
#include <stdatomic.h>

#include "app/internal.h"
#include "app/notify.h"
#include "base/log.h"
#include "base/timeutil.h"

static struct {
    pthread_mutex_t mu; /* everything below but the atomics */
    pthread_cond_t cv;  /* a poke, or stop */
    pthread_t thread;
    bool running, stop, poked;
    struct app *app;
    struct {
        notify_fn *fn;
        void *cls;
    } listeners[NOTIFY_LISTENERS_MAX];
} w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static _Atomic int64_t w_last; /* the newest event id known */
static atomic_bool w_alive;    /* a watcher runs: pokes are worth a signal */

/* ---- reading the log ---- */

struct last_job {
    struct app *app;
    const struct actor *who; /* NULL: the whole log only */
    int64_t ticket_id, *all, *ticket;
};

static op_rc last_fn(struct store_tx *tx, void *arg)
{
    struct last_job *j = arg;
    return tx_event_last(tx, j->app, j->who, j->ticket_id, j->all, j->ticket);
}

op_rc app_live_last(struct app *app, const struct actor *who, int64_t ticket_id, int64_t *all,
                    int64_t *ticket, struct op_err *err)
{
    struct last_job j = {app, who, ticket_id, all, ticket};
    op_rc rc = store_read(app->store, last_fn, &j);
    return rc ? op_fail(err, rc, NULL, MSG_NONE) : OP_OK;
}

/* Moves the known id forward to id (never back); true when it moved. */
static bool advance(int64_t id)
{
    int64_t cur = atomic_load(&w_last);
    while (id > cur)
        if (atomic_compare_exchange_weak(&w_last, &cur, id)) return true;
    return false;
}

/* Re-reads the newest event id; true when it moved. */
static bool look(struct app *app)
{
    int64_t all = 0, ticket = 0;
    struct last_job j = {app, NULL, 0, &all, &ticket};
    op_rc rc = store_read(app->store, last_fn, &j);
    if (rc) {
        log_warn("component=notify msg=\"cannot read the event log\" rc=%s", op_rc_name(rc));
        return false;
    }
    return advance(all);
}

/* ---- the thread ---- */

static void call_listeners(int64_t last)
{
    pthread_mutex_lock(&w.mu);
    for (size_t i = 0; i < NOTIFY_LISTENERS_MAX; i++)
        if (w.listeners[i].fn) w.listeners[i].fn(w.listeners[i].cls, last);
    pthread_mutex_unlock(&w.mu);
}

static void *watch(void *arg)
{
    struct app *app = arg;
    int64_t next_poll = 0;
    bool push = true; /* the store pushes changes (PostgreSQL) until it says it cannot */
    for (;;) {
        pthread_mutex_lock(&w.mu);
        bool stop = w.stop;
        pthread_mutex_unlock(&w.mu);
        if (stop) break;
        bool poll_now = false;
        struct store_change ch;
        op_rc rc = push ? store_wait_change(app->store, NOTIFY_TICK_MS, &ch) : OP_ERR_UNAVAILABLE;
        if (rc == OP_ERR_UNAVAILABLE) {
            push = false; /* SQLite: wait for a poke or the tick */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += (long)NOTIFY_TICK_MS * 1000000L;
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_mutex_lock(&w.mu);
            if (!w.poked && !w.stop) pthread_cond_timedwait(&w.cv, &w.mu, &until);
            poll_now = w.poked;
            w.poked = false;
            pthread_mutex_unlock(&w.mu);
        } else if (rc == OP_OK) {
            if (ch.resync) {
                poll_now = true;
                auth_changed(app);
            }
            if (ch.auth) auth_changed(app);
            advance(ch.event_id);
        }
        /* SQLite always, PostgreSQL while its listener is down */
        int64_t now = time_mono_us() / 1000;
        if (rc != OP_OK && now >= next_poll) poll_now = true;
        if (poll_now) {
            look(app);
            next_poll = now + NOTIFY_POLL_MS;
        }
        call_listeners(atomic_load(&w_last));
    }
    return NULL;
}

op_rc notify_start(struct app *app)
{
    pthread_mutex_lock(&w.mu);
    if (w.running) {
        pthread_mutex_unlock(&w.mu);
        return OP_ERR_CONFLICT;
    }
    w.app = app;
    w.stop = w.poked = false;
    pthread_mutex_unlock(&w.mu);
    look(app); /* a known id before the first page asks */
    pthread_mutex_lock(&w.mu);
    int e = pthread_create(&w.thread, NULL, watch, app);
    w.running = e == 0;
    atomic_store(&w_alive, w.running);
    pthread_mutex_unlock(&w.mu);
    if (e) {
        log_error("component=notify msg=\"cannot start the watcher\" err=\"%s\"", strerror(e));
        return OP_ERR_IO;
    }
    return OP_OK;
}

void notify_stop(void)
{
    pthread_mutex_lock(&w.mu);
    bool running = w.running;
    w.stop = true;
    pthread_cond_broadcast(&w.cv);
    pthread_mutex_unlock(&w.mu);
    if (!running) return;
    pthread_join(w.thread, NULL);
    pthread_mutex_lock(&w.mu);
    w.running = false;
    w.app = NULL;
    atomic_store(&w_alive, false);
    pthread_mutex_unlock(&w.mu);
}

void notify_poke(void)
{
    if (!atomic_load(&w_alive)) return;
    pthread_mutex_lock(&w.mu);
    w.poked = true;
    pthread_cond_signal(&w.cv);
    pthread_mutex_unlock(&w.mu);
}

bool notify_running(void)
{
    return atomic_load(&w_alive);
}

int64_t notify_event_last(void)
{
    return atomic_load(&w_last);
}

op_rc notify_listen(notify_fn *fn, void *cls)
{
    op_rc rc = OP_ERR_TOOBIG;
    pthread_mutex_lock(&w.mu);
    for (size_t i = 0; i < NOTIFY_LISTENERS_MAX && rc; i++) {
        if (w.listeners[i].fn) continue;
        w.listeners[i].fn = fn;
        w.listeners[i].cls = cls;
        rc = OP_OK;
    }
    pthread_mutex_unlock(&w.mu);
    return rc;
}

void notify_unlisten(notify_fn *fn, void *cls)
{
    pthread_mutex_lock(&w.mu);
    for (size_t i = 0; i < NOTIFY_LISTENERS_MAX; i++)
        if (w.listeners[i].fn == fn && w.listeners[i].cls == cls) w.listeners[i].fn = NULL;
    pthread_mutex_unlock(&w.mu);
}
