/* router.h - route tables and URL paths: the HTTP server's matching, with no
 * sockets in it (so that it can be tested on its own).
 *
 * A path is split at '/' and every segment percent-decoded on its own, so
 * "%2F" inside a segment is data, not a separator. Patterns are compiled once
 * at start-up; matching walks the table and prefers literal segments over
 * {x} placeholders, so "/tickets/search" beats "/tickets/{id}". */
#ifndef OPORA_HTTP_ROUTER_H
#define OPORA_HTTP_ROUTER_H

#include "base/arena.h"
#include "http/http.h"

struct router_seg {
    const char *text; /* NULL for a {x} placeholder */
    size_t len;
};

struct router_entry {
    struct http_route route; /* pattern points into the router's arena */
    struct router_seg *segs;
    size_t nsegs;
};

struct router {
    struct router_entry *entries;
    size_t n;
    struct arena mem; /* everything above */
};

/* What router_match found. */
enum router_result {
    ROUTER_MATCH,     /* *route and params are set */
    ROUTER_NO_METHOD, /* the path exists for other methods: *allow says which */
    ROUTER_NO_PATH    /* nothing has this path */
};

/* Compiles routes into rt (which owns copies of everything). Returns
 * OP_ERR_INVALID (err names the pattern) for a pattern that does not start
 * with '/', has an empty segment, a malformed or misplaced {x}, more than
 * HTTP_MAX_PARAMS placeholders, a NULL handler or a HEAD/OTHER method; OP_ERR_NOMEM. */
op_rc router_init(struct router *rt, const struct http_route *routes, size_t n, struct op_err *err);

/* Frees what router_init made. */
void router_release(struct router *rt);

/* The method for a request method name ("GET"...); HTTP_OTHER if unknown. */
enum http_method router_method(const char *name);

/* The canonical name of m ("GET"...; "OTHER"). */
const char *router_method_name(enum http_method m);

/* Splits the path (len bytes, starting with '/') into percent-decoded segments
 * allocated in a: "/" has none, "/a/b/" has "a", "b", "". Returns
 * OP_ERR_INVALID for a path that does not start with '/', a bad %-escape, a
 * NUL byte or control character, or a "." or ".." segment; OP_ERR_NOMEM when a
 * is full. */
op_rc router_split_path(struct arena *a, const char *path, size_t len, char ***segs, size_t *nsegs);

/* Finds the route for method m and the path segments. HEAD is served by GET
 * routes. On ROUTER_MATCH, *route is set and params[0..*nparams) point into
 * segs. *allow gets a bit (1u << method) for every method the path has,
 * HEAD included with GET, whatever the result. */
enum router_result router_match(const struct router *rt, enum http_method m, char *const *segs,
                                size_t nsegs, const struct http_route **route,
                                const char *params[HTTP_MAX_PARAMS], size_t *nparams,
                                unsigned *allow);

/* Writes the Allow header value for the mask ("GET, HEAD, POST") into out
 * (cap bytes, NUL-terminated). */
void router_allow_string(unsigned allow, char *out, size_t cap);

#endif
