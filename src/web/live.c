/* live.c - live updates: /live, a Server-Sent Events stream that open pages
 * listen to.
 *
 * What moved is read from the event log, which every node on one database
 * shares: the newest event id of all, and of the ticket a page shows. The
 * node's watcher (app/notify.h) learns of each new event as it is committed
 * (PostgreSQL: LISTEN/NOTIFY; SQLite: this process's writes at once, other
 * processes' within a poll), and calls hub_tick; each stream whose client
 * is behind is then woken and, on a server thread, reads what it needs:
 *   staff      "counts" (the queue views) and "ticket" (the open ticket);
 *   customers  "ticket" only, for a ticket they may see (the portal).
 * A stream computes at most once per LIVE_COALESCE_MS however many events
 * come in a burst, so its cost is bounded by time, not by writes; between
 * changes it sleeps (its connection suspended, no thread held) and sends a
 * comment every LIVE_KEEPALIVE_MS so that proxies keep it and a client
 * that went away is noticed.
 *
 * Over LIVE_MAX_STREAMS open streams per node (or without a watcher, as in
 * tools), /live answers at once with what changed since Last-Event-ID and a
 * "retry" hint: EventSource then re-polls every LIVE_RETRY_MS. */
#include "base/common.h"

#include <pthread.h>
#include <stdatomic.h>

#include "app/notify.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "web/webInt.h"

#define LIVE_RETRY_MS 3000
#define LIVE_KEEPALIVE_MS 25000
#define LIVE_COALESCE_MS 500
#define LIVE_MAX_STREAMS 1000 /* the default; the setting live_streams sets it */

struct live_stream {
    struct live_stream *next, *prev; /* hub.list, under hub.mu */
    struct http_stream *hs;
    struct app *app;
    struct arena arena; /* who's strings and groups: the request's arena is not ours */
    struct actor who;
    int64_t ticket_id;
    /* the reader's (one server thread at a time) */
    int64_t sent_ticket; /* the ticket's newest event the client has been told of */
    char out[1024];
    size_t len, off;
    /* shared with hub_tick */
    _Atomic int64_t sent_all;   /* the log's newest event id the client has (its SSE id) */
    _Atomic int64_t next_ok_ms; /* not before: coalescing a burst */
    _Atomic int64_t wrote_ms;   /* the last byte sent, for the keep-alive */
};

static struct {
    pthread_mutex_t mu;
    struct live_stream *list;
    atomic_long n; /* open streams */
    long max;
} hub = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

static pthread_once_t hub_once = PTHREAD_ONCE_INIT;
static long live_max = LIVE_MAX_STREAMS; /* set before the server starts */

void web_live_streams_set(unsigned max)
{
    live_max = (long)max;
}

static int64_t now_ms(void)
{
    return time_mono_us() / 1000;
}

/* The watcher's tick: wakes the streams that have something to send. */
static void hub_tick(void *cls, int64_t last)
{
    UNUSED(cls);
    int64_t now = now_ms();
    pthread_mutex_lock(&hub.mu);
    for (struct live_stream *s = hub.list; s; s = s->next) {
        bool behind = last > atomic_load(&s->sent_all) && now >= atomic_load(&s->next_ok_ms);
        if (behind || now - atomic_load(&s->wrote_ms) >= LIVE_KEEPALIVE_MS) http_stream_wake(s->hs);
    }
    pthread_mutex_unlock(&hub.mu);
}

static void hub_init(void)
{
    hub.max = live_max;
    if (notify_listen(hub_tick, NULL))
        log_error("component=live msg=\"cannot listen to the watcher\"");
}

/* ---- what a client is told ---- */

/* Appends the "counts" event (staff): the number of tickets in every view. */
static op_rc put_counts(struct app *app, const struct actor *who, struct buf *b)
{
    struct web_ctx c = {.app = app, .who = *who, .view = -1};
    op_rc rc = buf_puts(b, "event: counts\ndata: {");
    for (int v = 0; v < WV__COUNT && !rc; v++) {
        struct ticket_filter f;
        struct op_err err = {0};
        int64_t n = 0;
        web_view_filter(&c, (enum web_view)v, &f);
        if ((rc = app_ticket_count(app, who, &f, &n, &err))) break;
        rc = buf_printf(b, "%s\"%s\":%" PRId64, v ? "," : "", web_view_name((enum web_view)v), n);
    }
    return rc ? rc : buf_puts(b, "}\n\n");
}

/* Appends what moved since the client's ids (all, ticket): counts for
 * staff, the ticket event when the ticket has newer events, and the new
 * SSE id. *all and *ticket become the new ids. */
static op_rc put_changes(struct app *app, const struct actor *who, int64_t ticket_id, int64_t *all,
                         int64_t *ticket, struct buf *b)
{
    int64_t now_all = 0, now_ticket = 0;
    struct op_err err = {0};
    op_rc rc = app_live_last(app, who, ticket_id, &now_all, &now_ticket, &err);
    if (rc) return rc;
    if (now_all > *all) {
        if (actor_is_staff(who)) rc = put_counts(app, who, b);
        if (!rc && ticket_id > 0 && now_ticket > *ticket)
            rc = buf_printf(b, "event: ticket\ndata: %" PRId64 "\n\n", ticket_id);
    }
    /* an id line alone moves the client's Last-Event-ID */
    if (!rc) rc = buf_printf(b, "id: %" PRId64 "\n\n", MAX(now_all, *all));
    if (!rc) {
        *all = MAX(now_all, *all);
        *ticket = MAX(now_ticket, *ticket);
    }
    return rc;
}

/* ---- the held-open stream ---- */

/* Fills s->out with what is due now, if anything. */
static void produce(struct live_stream *s)
{
    int64_t now = now_ms();
    int64_t all = atomic_load(&s->sent_all);
    struct buf b = BUF_INIT(sizeof(s->out));
    s->off = s->len = 0;
    if (notify_event_last() > all && now >= atomic_load(&s->next_ok_ms)) {
        int64_t ticket = s->sent_ticket;
        atomic_store(&s->next_ok_ms, now + LIVE_COALESCE_MS);
        if (put_changes(s->app, &s->who, s->ticket_id, &all, &ticket, &b) == OP_OK) {
            /* a hint ahead of the log (a rolled-back NOTIFY) must not wake us forever */
            atomic_store(&s->sent_all, MAX(all, notify_event_last()));
            s->sent_ticket = ticket;
        } else {
            log_warn("component=live msg=\"cannot read what changed\" user=%" PRId64, s->who.id);
            buf_clear(&b); /* tried again after the coalescing pause */
        }
    }
    if (b.len == 0 && now - atomic_load(&s->wrote_ms) >= LIVE_KEEPALIVE_MS)
        buf_puts(&b, ": keep-alive\n\n");
    if (b.len && b.len <= sizeof(s->out)) {
        memcpy(s->out, b.p, b.len);
        s->len = b.len;
    }
    buf_release(&b);
}

static ssize_t live_read(void *cls, char *out, size_t cap)
{
    struct live_stream *s = cls;
    if (s->off == s->len) produce(s);
    size_t n = MIN(cap, s->len - s->off);
    memcpy(out, s->out + s->off, n);
    s->off += n;
    if (n) atomic_store(&s->wrote_ms, now_ms());
    return (ssize_t)n;
}

static void live_done(void *cls)
{
    struct live_stream *s = cls;
    pthread_mutex_lock(&hub.mu);
    if (s->prev)
        s->prev->next = s->next;
    else if (hub.list == s)
        hub.list = s->next;
    if (s->next) s->next->prev = s->prev;
    pthread_mutex_unlock(&hub.mu);
    atomic_fetch_sub(&hub.n, 1);
    arena_release(&s->arena);
    free(s);
}

/* Copies who into s's own arena (the request's is freed before the stream ends). */
static op_rc copy_actor(struct live_stream *s, const struct actor *who)
{
    s->who = *who;
    s->who.name = arena_strdup(&s->arena, who->name ? who->name : "");
    s->who.email = arena_strdup(&s->arena, who->email ? who->email : "");
    s->who.csrf = NULL;
    s->who.groups.v = NULL;
    if (who->groups.n) {
        s->who.groups.v = arena_alloc(&s->arena, who->groups.n * sizeof(int64_t));
        if (s->who.groups.v)
            memcpy(s->who.groups.v, who->groups.v, who->groups.n * sizeof(int64_t));
    }
    return s->who.name && s->who.email && (!who->groups.n || s->who.groups.v) ? OP_OK
                                                                              : OP_ERR_NOMEM;
}

/* Starts a held-open stream; false when there is no room (the caller
 * answers at once instead). */
static bool stream_start(struct http_req *r, struct app *app, const struct actor *who,
                         int64_t ticket_id, int64_t all, int64_t ticket)
{
    if (atomic_fetch_add(&hub.n, 1) >= hub.max) {
        atomic_fetch_sub(&hub.n, 1);
        return false;
    }
    struct live_stream *s = calloc(1, sizeof(*s));
    if (!s) goto fail;
    arena_init(&s->arena, 64 << 10);
    s->app = app;
    s->ticket_id = ticket_id;
    s->sent_ticket = ticket;
    atomic_init(&s->sent_all, all);
    atomic_init(&s->next_ok_ms, 0);
    atomic_init(&s->wrote_ms, now_ms());
    int n = snprintf(s->out, sizeof(s->out), "retry: %d\nid: %" PRId64 "\n\n", LIVE_RETRY_MS, all);
    s->len = (size_t)n;
    if (copy_actor(s, who)) goto fail;
    http_set_header(r, "Cache-Control", "no-store");
    http_set_header(r, "X-Accel-Buffering", "no"); /* a proxy must not hold events back */
    /* in the list before the first read can run (that is after this handler returns) */
    if (http_reply_stream(r, 200, "text/event-stream; charset=utf-8", live_read, live_done, s,
                          &s->hs))
        goto fail;
    pthread_mutex_lock(&hub.mu);
    s->next = hub.list;
    if (s->next) s->next->prev = s;
    hub.list = s;
    pthread_mutex_unlock(&hub.mu);
    return true;
fail:
    if (s) arena_release(&s->arena);
    free(s);
    atomic_fetch_sub(&hub.n, 1);
    return false;
}

/* ---- the handler ---- */

void w_live(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    /* staff and customers alike (401 without a session); what each may
     * have is decided below */
    if (!web_begin_any(r, &c)) return;
    struct app *app = c.app;
    const struct actor who = c.who;
    pthread_once(&hub_once, hub_init);

    const char *last = http_header(r, "Last-Event-ID");
    char *e = NULL;
    long long seen = last ? strtoll(last, &e, 10) : 0;
    if (last && (!*last || *e || seen < 0)) seen = 0;
    const char *tq = http_query(r, "ticket");
    long long ticket_id = tq ? strtoll(tq, &e, 10) : 0;
    if (tq && (*e || ticket_id < 0)) ticket_id = 0;

    int64_t now_all = 0, now_ticket = 0;
    if (app_live_last(app, &who, ticket_id, &now_all, &now_ticket, &err)) {
        http_reply_status(r, 503);
        return;
    }
    /* a client coming back (Last-Event-ID) first hears what it missed; a
     * new one starts from now */
    int64_t all = seen && seen < now_all ? seen : now_all;
    int64_t ticket = seen && seen < now_all ? seen : now_ticket;
    if (notify_running() && stream_start(r, app, &who, ticket_id, all, ticket)) return;

    /* no stream: answer at once; EventSource comes back after the retry */
    struct buf b = BUF_INIT(64 << 10);
    op_rc rc = buf_printf(&b, "retry: %d\n", LIVE_RETRY_MS);
    if (!rc && seen && seen < now_all)
        rc = put_changes(app, &who, ticket_id, &all, &ticket, &b);
    else if (!rc)
        rc = buf_printf(&b, "id: %" PRId64 "\n\n", now_all);
    if (rc) {
        buf_release(&b);
        http_reply_status(r, 503);
        return;
    }
    http_set_header(r, "Cache-Control", "no-store");
    http_reply(r, 200, "text/event-stream; charset=utf-8", buf_str(&b), b.len);
    buf_release(&b);
}
