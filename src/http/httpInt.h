/* httpInt.h - the insides of the HTTP server, shared by server.c (the
 * libmicrohttpd glue and request lifecycle), request.c (reading a request)
 * and reply.c (building the answer). Nothing outside src/http includes it.
 *
 * Every connection owns one struct http_conn for its whole life; the request
 * under way on it (HTTP/1.1 requests on a connection come one after another)
 * is embedded in it and reset for the next one, so a request costs no heap
 * allocation beyond its arena's first chunk, its body buffer and what MHD
 * allocates for the response. */
#ifndef OPORA_HTTP_INT_H
#define OPORA_HTTP_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include <microhttpd.h>

#include "base/buf.h"
#include "http/http.h"
#include "http/router.h"

#define HTTP_URI_MAX 8192                 /* longer request targets get 414 */
#define HTTP_ARENA_CAP ((size_t)64 << 20) /* what one request may allocate */
/* MHD's memory pool per connection: caps the request line and headers */
#define HTTP_CONN_MEMORY ((size_t)64 << 10)
#define HTTP_JSON_TYPE "application/json"

/* Why the server answers a request itself, found on the first call. */
enum http_reject {
    HTTP_REJECT_NONE,
    HTTP_REJECT_BAD_PATH,    /* 400 */
    HTTP_REJECT_BAD_QUERY,   /* 400 */
    HTTP_REJECT_URI_TOO_LONG /* 414 */
};

struct http_hdr {
    struct http_hdr *next;
    const char *name, *value;
};

struct http_req_priv {
    struct http_server *srv;
    struct MHD_Connection *mhd;

    /* lifecycle */
    bool active;   /* between the URI callback and request_end */
    bool started;  /* the access handler has been called */
    bool queued;   /* a response is queued with MHD */
    int64_t t0_us; /* the first access handler call, monotonic */

    /* what the first call found */
    enum http_reject reject;
    enum router_result match;
    const struct http_route *route; /* on ROUTER_MATCH */
    unsigned allow;                 /* methods the path has */
    const char *query;              /* raw, after '?'; NULL if none */
    size_t body_cap;
    uint64_t received; /* body bytes seen, kept or not */
    bool too_big;

    /* the reply */
    bool replied;
    int status;
    const char *ctype;
    const char *body;
    size_t body_len;
    int fd; /* >= 0: send fd_size bytes of it */
    uint64_t fd_size;
    uint64_t bytes; /* the body length queued, for the log */
    struct http_hdr *hdrs, **hdrs_tail;
    bool has_cache_control;
    struct http_stream *stream; /* a held-open reply (http_reply_stream) */

    /* http_query's parsed pairs, made on first use */
    bool query_parsed;
    size_t nquery;
    const char **qkeys, **qvals;

    char fallback[512]; /* a reply body for when the arena is full */
};

struct http_conn {
    struct http_req req;
    struct http_req_priv priv;
    struct arena arena;
    struct buf body;
    char ip[64];
};

struct http_server {
    struct MHD_Daemon *daemon;
    struct router router;
    http_before_fn before;
    void *ctx;
    struct http_server_config cfg; /* defaults filled in; cfg.listen points at listen */
    char listen[256];
    uint16_t port;
    atomic_long inflight; /* requests between their first call and their end */

    /* the held-open streams, so that stopping can end them (MHD must not
     * be stopped with suspended connections) */
    pthread_mutex_t streams_mu;
    struct http_stream *streams;
    bool stopping;
};

/* One held-open reply (http_reply_stream). Its connection is suspended
 * while read has nothing to send; mu orders that against wake-ups from
 * other threads. */
struct http_stream {
    struct http_stream *next, *prev; /* srv->streams */
    struct http_server *srv;
    struct MHD_Connection *mhd;
    http_stream_read_fn read;
    http_stream_done_fn done;
    void *cls;
    pthread_mutex_t mu;
    bool suspended; /* MHD_suspend_connection was called and no resume yet */
    bool woken;     /* a wake-up came while read was running */
    bool ending;    /* the server is stopping: finish at the next read */
};

/* ---- request.c ---- */

/* True if the raw query string has only well-formed %-escapes, no %00 and no
 * control characters. */
bool http_query_valid(const char *q);

/* ---- reply.c ---- */

/* Replies {"error":{"code":code,"message_id":..,"message":..,"field":..}} with
 * msg formatted in r->lang with args (invalid UTF-8 in an arg becomes "?"). */
void http_reply_error_code(struct http_req *r, int status, const char *code, enum msg_id msg,
                           const char *field, const char *const *args, size_t nargs);

/* Copies in[0..len) into out (cap bytes, NUL-terminated) for a key=value log
 * line: bytes outside printable ASCII, spaces and quotes become %XX, and a
 * long value is cut with "...". Returns out. */
char *http_log_clean(char *out, size_t cap, const char *in, size_t len);

#endif
