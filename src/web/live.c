/* live.c - live updates: /live, a Server-Sent Events endpoint that open
 * pages listen to.
 *
 * What moved is read from the event log: the newest event id of all, and of
 * the ticket a page shows. The log is shared by every node on one database,
 * so a change made through any node reaches pages open on any other.
 *
 * The HTTP server answers each request in one piece (no held-open
 * streams yet), so /live answers at once with what changed since the
 * client's Last-Event-ID and a "retry" hint: EventSource reconnects by
 * itself and sends the last id back, which makes each page a cheap
 * listener that learns of a change within the retry time. */
#include "base/common.h"

#include "web/webInt.h"

#define LIVE_RETRY_MS 3000

void w_live(struct http_req *r)
{
    struct web_ctx c;
    struct buf b = BUF_INIT(64 << 10);
    op_rc rc = OP_OK;
    if (!web_begin(r, &c)) return;
    const char *last = http_header(r, "Last-Event-ID");
    char *e = NULL;
    unsigned long long seen = last ? strtoull(last, &e, 10) : 0;
    if (last && (!*last || *e)) seen = 0;
    const char *tq = http_query(r, "ticket");
    long long ticket_id = tq ? strtoll(tq, &e, 10) : 0;
    if (tq && (*e || ticket_id < 0)) ticket_id = 0;
    int64_t now_all = 0, now_ticket = 0;
    struct op_err lerr = {0};
    if (app_event_last(c.app, &c.who, ticket_id, &now_all, &now_ticket, &lerr)) {
        http_reply_status(r, 503);
        return;
    }
    uint64_t now_gen = (uint64_t)now_all;

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
        if (!rc && ticket_id > 0 && (uint64_t)now_ticket > seen)
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
