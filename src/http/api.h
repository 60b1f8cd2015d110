/* api.h - opora's REST API (docs/api.md): the route table and the
 * authentication hook that the server (opora serve) is started with.
 *
 * The server must be started with ctx = the struct app * of the process:
 *     http_server_start(&cfg, api_routes, api_routes_count, api_before, app, &srv, &err);
 * Handlers live in h_*.c, one file per resource; they translate HTTP and JSON
 * to app_* calls (src/app/app.h) and back, and nothing else. */
#ifndef OPORA_HTTP_API_H
#define OPORA_HTTP_API_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* Settings of the API that come from the configuration. Set them before the
 * server starts; handlers only read them. */
struct api_settings {
    bool cookie_secure;     /* add "; Secure" to the session cookie (behind HTTPS); default off */
    unsigned session_ttl_s; /* Max-Age of the session cookie; 0: the app's session_ttl_ms */
};
extern struct api_settings api_settings;

/* Every route of /api/v1 and /healthz. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* The authentication hook (an http_before_fn). Public routes pass. Otherwise
 * "Authorization: Bearer <token>" (changes recorded via api), else the
 * opora_session cookie (via web; unsafe methods must carry X-CSRF-Token equal
 * to the session's CSRF token, else 403). On success r->auth points at a
 * struct actor in r->arena and r->lang is the user's language; returns true.
 * Otherwise it has replied (401, 403, or 500/503 when the store fails) and
 * returns false. */
bool api_before(struct http_req *r, const struct http_route *route);

#endif
