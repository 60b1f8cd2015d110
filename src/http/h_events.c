/* h_events.c - GET /api/v1/events: the whole event log, for leads and admins
 * (and for whatever computes KPIs from it). */
#include "base/common.h"

#include "http/apiInt.h"

void h_event_feed(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct event *v = NULL;
    size_t n = 0, limit = 1000;
    int64_t after = 0;
    op_rc rc = qs_after_id(&q, "after_id", &after, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 10000, &limit, &err);
    if (!rc) rc = app_event_feed(api_app(r), api_actor(r), after, limit, r->arena, &v, &n, &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    json_out_events(&w, "events", v, n);
    /* a full page says there may be more after its last event */
    jsonw_id(&w, "next_after_id", n == limit ? v[n - 1].id : 0);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}
