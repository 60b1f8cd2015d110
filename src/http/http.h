/* http.h - opora's HTTP server: requests, replies, routes (on libmicrohttpd).
 *
 * A handler gets a struct http_req, reads what it needs through the http_*
 * accessors, and answers exactly once with one of the http_reply* functions.
 * Everything of a request (strings, arrays, the body) lives in r->arena and is
 * freed in one go when the request ends; handlers never free piece by piece.
 *
 * Handlers run on the server's worker threads: several at once, so whatever
 * they share through r->ctx must be thread-safe. */
#ifndef OPORA_HTTP_H
#define OPORA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h> /* ssize_t */

#include <jansson.h>

#include "base/arena.h"
#include "base/jsonw.h"
#include "base/rc.h"
#include "i18n/i18n.h"

enum http_method {
    HTTP_GET,
    HTTP_HEAD,
    HTTP_POST,
    HTTP_PUT,
    HTTP_PATCH,
    HTTP_DELETE,
    HTTP_OPTIONS,
    HTTP_OTHER
};

#define HTTP_MAX_PARAMS 6

struct http_req_priv;

struct http_req {
    enum http_method method;
    const char *method_name;
    const char *path; /* the path without the query string, as sent (still percent-encoded) */
    /* the values of the route's {name} segments, in order, percent-decoded */
    const char *params[HTTP_MAX_PARAMS];
    size_t nparams;
    const char *body; /* NUL-terminated copy of the request body ("" if none) */
    size_t body_len;
    const char *client_ip;
    enum lang lang;      /* from Accept-Language, default English; handlers may change it */
    struct arena *arena; /* lives until the request ends; everything of the request goes here */
    void *ctx;           /* the context given to http_server_start (the application) */
    void *auth;          /* for the before-hook to store who is calling */
    struct http_req_priv *priv; /* connection and response under construction */
};

/* ---- reading the request ---- */

/* The value of the query parameter name, URL-decoded ('+' is a space), owned by
 * r->arena; the first one if it is repeated. NULL if absent ("" if given empty).
 * Never contains NUL (such requests get 400) but may be any other bytes: check
 * UTF-8 where it matters. */
const char *http_query(struct http_req *r, const char *name);

/* The value of the request header name (case-insensitive), owned by the
 * request; the first one if repeated. NULL if absent. */
const char *http_header(struct http_req *r, const char *name);

/* The value of the cookie name, owned by the request. NULL if absent. */
const char *http_cookie(struct http_req *r, const char *name);

/* params[i] as a positive int64 id (decimal digits only), or 0 when it is not one. */
int64_t http_param_id(struct http_req *r, size_t i);

/* Parses the body as a JSON object (jansson, JSON_REJECT_DUPLICATES; \u0000 rejected).
 * The Content-Type must be application/json (else it replies 415). On any failure
 * it has replied (400 with code "invalid_json" and a translated message giving line
 * and column) and returns NULL. You own the result (json_decref). */
json_t *http_json_body(struct http_req *r);

/* ---- answering ---- */

/* Adds a header to the response; name and value are copied. Names that are not
 * HTTP tokens and values with control characters are dropped (and logged), so
 * that no header can be injected. Set Content-Type through http_reply instead. */
void http_set_header(struct http_req *r, const char *name, const char *value);

/* Exactly one reply per request; a second one is ignored and logged. The body
 * is copied (content_type may be NULL for none). */
void http_reply(struct http_req *r, int status, const char *content_type, const void *body,
                size_t len);

/* Replies with j serialised compactly as application/json. Steals the
 * reference (j may be NULL, which replies 500, so json_pack results can be
 * passed straight in). */
void http_reply_json(struct http_req *r, int status, json_t *j);

/* The most bytes a JSON reply made with http_jsonw_init may have; a bigger
 * one fails its writer (OP_ERR_TOOBIG) and the request gets a 500. */
#define HTTP_REPLY_JSON_MAX ((size_t)16 << 20)

/* Starts w, a writer for the reply to r: its text lives in r->arena, so
 * http_reply_jsonw sends it without a copy. Cannot fail (nothing is
 * allocated before the first value). */
void http_jsonw_init(struct http_req *r, struct jsonw *w);

/* Replies with the JSON w holds, as application/json. A writer from
 * http_jsonw_init is sent as it is; any other (a struct buf, another arena)
 * is copied once. If w failed or its value is unfinished (jsonw_finish is
 * not OP_OK), replies 500 instead and logs why. */
void http_reply_jsonw(struct http_req *r, int status, struct jsonw *w);

/* Replies with an empty body, e.g. 204. */
void http_reply_status(struct http_req *r, int status);

/* Maps err->rc to a status: INVALID 422, NOTFOUND 404, FORBIDDEN 403, CONFLICT 409,
 * TOOBIG 413, AUTH 401, RATELIMIT 429, IO 500, UNAVAILABLE/NOMEM 503; the body is
 *     {"error":{"code":op_rc_name(rc),"message_id":i18n_key(msg),
 *               "message":<msg with its args, in r->lang>,"field":<if any>}}
 * (NOMEM's code is "unavailable"). For IO (and anything unexpected) the message is
 * generic, so that internals never leak; the detail goes to the operator log. A
 * MSG_NONE message is replaced by a generic one for the status. */
void http_reply_error(struct http_req *r, const struct op_err *err);

/* Shorthand: builds the op_err (the variadic arguments are the message's
 * string arguments, as for op_fail) and replies with http_reply_error. */
void http_fail(struct http_req *r, op_rc rc, const char *field, enum msg_id msg, ...);

/* Sends size bytes from the start of the file fd, which it now owns and closes
 * (also when the reply is refused because one was already made). */
void http_reply_fd(struct http_req *r, int status, const char *content_type, int fd, uint64_t size);

/* True once the request has been answered. */
bool http_replied(struct http_req *r);

/* ---- held-open streams (Server-Sent Events) ----
 *
 * A handler may answer with a stream instead of a body: the response stays
 * open and its bytes come from read, called on a server thread whenever the
 * connection can take more. read must never wait: when it has nothing to
 * send it returns 0, and the connection is then suspended (it costs no
 * thread) until someone calls http_stream_wake. */

#define HTTP_STREAM_END ((ssize_t)-1)

/* Copies up to cap bytes into out and returns their count; 0 when there is
 * nothing to send now; HTTP_STREAM_END to finish the response. */
typedef ssize_t (*http_stream_read_fn)(void *cls, char *out, size_t cap);

/* The stream is over (finished, the client went away, or the server is
 * stopping): free cls. Called once, on a server thread; the stream's
 * handle is invalid once it returns. */
typedef void (*http_stream_done_fn)(void *cls);

struct http_stream;

/* Replies to r with status and content_type and a body read from read(cls)
 * as it comes. On OP_OK *out is the handle for http_stream_wake, and done
 * will be called exactly once. OP_ERR_CONFLICT when r has been answered
 * already, OP_ERR_UNAVAILABLE when the server is stopping, OP_ERR_NOMEM:
 * then nothing was replied, done is never called and cls stays yours. */
op_rc http_reply_stream(struct http_req *r, int status, const char *content_type,
                        http_stream_read_fn read, http_stream_done_fn done, void *cls,
                        struct http_stream **out);

/* Makes the server call s's read again soon, from any thread; cheap when
 * the stream is not asleep. The caller must make sure that s's done has
 * not returned yet (e.g. by holding the lock its done takes). */
void http_stream_wake(struct http_stream *s);

/* ---- routes ---- */

typedef void (*http_handler_fn)(struct http_req *r);

#define HTTP_ROUTE_UPLOAD 1u /* the body cap is upload_max instead of body_max */
#define HTTP_ROUTE_PUBLIC 2u /* no authentication needed (the before-hook sees the flag) */

struct http_route {
    enum http_method method; /* not HEAD (GET routes serve HEAD) and not OTHER */
    const char *pattern;     /* "/api/v1/tickets/{id}/comments": {x} matches one non-empty segment;
                                a literal segment wins over {x} when both match */
    http_handler_fn fn;
    unsigned flags; /* HTTP_ROUTE_* */
};

/* Runs before the handler, after the body has arrived; returns false after
 * replying itself (e.g. 401), true to let the handler run. Not called for
 * 404/405/413 and other answers the server gives itself. */
typedef bool (*http_before_fn)(struct http_req *r, const struct http_route *route);

/* ---- the server ---- */

/* Zero fields get the default in parentheses. */
struct http_server_config {
    /* "127.0.0.1:8080", "[::1]:0", ":8080" (every address); port 0 picks a free one */
    const char *listen;
    unsigned threads;         /* MHD thread pool size (0 or 1: one thread) */
    size_t body_max;          /* bytes; larger bodies get 413 (1 MiB) */
    size_t upload_max;        /* the same for HTTP_ROUTE_UPLOAD routes (body_max) */
    unsigned conn_timeout;    /* seconds of idleness before a connection is closed (30) */
    bool quiet;               /* no request log lines */
    unsigned max_connections; /* open connections at most; more are refused (1024) */
    unsigned drain_timeout;   /* seconds http_server_stop waits for running requests (10) */
};

struct http_server;

/* Compiles the routes (copied: the table need not outlive the call), binds
 * cfg->listen and starts serving on worker threads. ctx is given to every
 * request as r->ctx; before may be NULL. On success *out is the server, which
 * the caller stops with http_server_stop. Returns OP_ERR_INVALID for a bad
 * listen address or route pattern and OP_ERR_IO when the address cannot be
 * bound or the server does not start (err says which). */
op_rc http_server_start(const struct http_server_config *cfg, const struct http_route *routes,
                        size_t nroutes, http_before_fn before, void *ctx, struct http_server **out,
                        struct op_err *err);

/* The bound port (useful with port 0). */
uint16_t http_server_port(const struct http_server *s);

/* Stops accepting connections, ends every held-open stream, waits up to
 * drain_timeout for requests under way to finish, closes every connection
 * and frees s. NULL is a no-op. */
void http_server_stop(struct http_server *s);

#endif
