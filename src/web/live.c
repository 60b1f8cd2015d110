/* live.c - live updates: an in-process broadcaster fed by every ticket
 * write, and /live, a Server-Sent Events endpoint that open pages listen to.
 *
 * The HTTP server answers each request in one piece (no held-open
 * streams yet), so /live answers at once with what changed since the
 * client's Last-Event-ID and a "retry" hint: EventSource reconnects by
 * itself and sends the last id back, which makes each page a cheap
 * listener that learns of a change within the retry time. */
#include "base/common.h"

#include <stdatomic.h>

#include "web/webInt.h"

#define LIVE_RETRY_MS 3000
#define LIVE_SLOTS 4096 /* tickets written recently; a collision only costs a refresh */

static _Atomic uint64_t gen = 1;
static _Atomic uint64_t slot_gen[LIVE_SLOTS];

void web_live_ticket_written(const struct ticket *t)
{
    uint64_t g = atomic_fetch_add(&gen, 1) + 1;
    atomic_store(&slot_gen[(uint64_t)t->id % LIVE_SLOTS], g);
}

uint64_t web_live_gen(void)
{
    return atomic_load(&gen);
}

uint64_t web_live_ticket_gen(int64_t ticket_id)
{
    return ticket_id > 0 ? atomic_load(&slot_gen[(uint64_t)ticket_id % LIVE_SLOTS]) : 0;
}

void w_live(struct http_req *r)
{
    struct web_ctx c;
    struct buf b = BUF_INIT(64 << 10);
    op_rc rc = OP_OK;
    if (!web_begin(r, &c)) return;
    uint64_t now_gen = web_live_gen();
    const char *last = http_header(r, "Last-Event-ID");
    char *e = NULL;
    unsigned long long seen = last ? strtoull(last, &e, 10) : 0;
    if (last && (!*last || *e)) seen = 0;
    const char *tq = http_query(r, "ticket");
    long long ticket_id = tq ? strtoll(tq, &e, 10) : 0;
    if (tq && (*e || ticket_id < 0)) ticket_id = 0;

    rc = buf_printf(&b, "retry: %d\nid: %" PRIu64 "\n\n", LIVE_RETRY_MS, now_gen);
    /* the first visit only learns the generation; later ones what moved */
    if (!rc && seen && seen < now_gen) {
        rc = buf_puts(&b, "event: counts\ndata: {");
        for (int v = 0; v < WV__COUNT && !rc; v++) {
            struct ticket_filter f;
            struct op_err err = {0};
            int64_t n = 0;
            web_view_filter(&c, (enum web_view)v, &f);
            if ((rc = app_ticket_count(c.app, &c.who, &f, &n, &err))) break;
            rc = buf_printf(&b, "%s\"%s\":%" PRId64, v ? "," : "", web_view_name((enum web_view)v),
                            n);
        }
        if (!rc) rc = buf_puts(&b, "}\n\n");
        if (!rc && ticket_id > 0 && web_live_ticket_gen(ticket_id) > seen)
            rc = buf_printf(&b, "event: ticket\ndata: %lld\n\n", ticket_id);
    }
    if (rc) {
        buf_release(&b);
        http_reply_status(r, 503);
        return;
    }
    http_set_header(r, "Cache-Control", "no-store");
    http_reply(r, 200, "text/event-stream; charset=utf-8", buf_str(&b), b.len);
    buf_release(&b);
}
