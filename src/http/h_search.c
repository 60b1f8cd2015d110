/* h_search.c - GET /api/v1/search: full-text search over visible tickets. */
#include "base/common.h"

#include "http/apiInt.h"

/* [{"score": s, "ticket": {...}}, ...]; the store's rank (opora_rank) is lower-is-better
 * and negative, so it is turned around: a higher score is a better match. */
static void results(struct jsonw *w, const struct ticket_page *page, const struct search_hit *hits)
{
    jsonw_array_begin(w, "results");
    for (size_t i = 0; i < page->n; i++) {
        jsonw_object_begin(w, NULL);
        jsonw_double(w, "score", hits ? -hits[i].score : 0.0);
        json_out_ticket(w, "ticket", &page->v[i]);
        jsonw_object_end(w);
    }
    jsonw_array_end(w);
}

void h_search(struct http_req *r)
{
    struct op_err err = {0};
    struct qs q = api_qs(r);
    struct ticket_filter f = {.limit = 25};
    struct ticket_page page = {0};
    struct search_hit *hits = NULL;
    size_t offset = 0;
    const char *text = http_query(r, "q");
    op_rc rc = qs_ticket_filter(&q, &f, &err);
    if (!rc) rc = qs_uint(&q, "limit", 1, 100, &f.limit, &err);
    if (!rc) rc = qs_uint(&q, "offset", 0, 10000, &offset, &err);
    if (!rc && !text) rc = op_fail(&err, OP_ERR_INVALID, "q", MSG_ERR_REQUIRED);
    if (!rc)
        rc = app_ticket_search(api_app(r), api_actor(r), text, &f, offset, r->arena, &page, &hits,
                               &err);
    if (rc) {
        api_reply_error(r, rc, &err);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    results(&w, &page, hits);
    jsonw_id(&w, "next_offset", page.more ? (int64_t)(offset + page.n) : 0);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}
