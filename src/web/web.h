/* web.h - opora's web UI: server-rendered pages (templates in
 * src/web/templates), their assets, and live updates, served by the same
 * HTTP server as the API (docs/web.md).
 *
 * The server is started with ctx = the struct app * of the process and a
 * route table holding api_routes and web_routes. Web routes are
 * HTTP_ROUTE_PUBLIC to the API's before-hook: each page authenticates by
 * the session cookie itself, so that a visitor without one is sent to the
 * sign-in page rather than given a JSON 401, and forms carry their CSRF
 * token in a hidden field. */
#ifndef OPORA_WEB_H
#define OPORA_WEB_H

#include <stddef.h>

#include "base/rc.h"
#include "core/types.h"
#include "http/http.h"

/* Every route of the web UI ("/", "/login", "/queue/...", "/tickets/...",
 * "/assets/...", "/live"). */
extern const struct http_route web_routes[];
extern const size_t web_routes_count;

/* Parses the built-in templates; call once at start-up, before the server
 * takes requests. Returns OP_ERR_INVALID when a template is malformed (err
 * names it; the detail with its line goes to the operator log). Later calls
 * do nothing and return OP_OK. */
op_rc web_init(struct op_err *err);

/* GET /survey/{token} (routed by the API's table, src/http/h_surveys.c):
 * the page behind a survey mail's signed link, rendered from
 * templates/survey.html in the customer's language; ?score=N records the
 * rating. 404 for a wrong or forged link, 409 when the survey closed, 422
 * for a score off the scale. */
void web_survey_page(struct http_req *r);

/* The most live-update streams (/live) this node holds open at once (the
 * setting live_streams; 1000 unless set); past it a page polls instead.
 * Call before the server takes requests. */
void web_live_streams_set(unsigned max);

/* Frees what web_init made (at shutdown, after the server stopped). */
void web_release(void);

#endif
