/* server.c - the HTTP server on libmicrohttpd: listening, the request
 * lifecycle, dispatch, the response and the request log.
 *
 * MHD calls the access handler several times per request. Keep-alive only
 * survives if nothing is queued on the first call (MHD then answers with
 * "Connection: close"), so:
 *   first call      set up the request (method, path, route, caps) and return;
 *                   only a Content-Length over the cap is answered here (413,
 *                   the connection closes, the body is never read);
 *   data calls      append the body (capped; past the cap it is dropped);
 *   the last call   (*upload_data_size == 0) run the hook and the handler,
 *                   queue the one response.
 * The request ends in MHD's completed callback: one log line, the arena freed.
 *
 * A held-open stream (http_reply_stream) is a response whose content
 * reader suspends its connection when there is nothing to send; another
 * thread resumes it (http_stream_wake). No pool thread ever waits. */
#include "base/common.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "http/httpInt.h"

/* ---- listening ---- */

/* Splits "host:port", "[v6]:port" or ":port" into host ("" for every
 * address) and port. */
static op_rc parse_listen(const char *addr, char *host, size_t hostcap, char port[8],
                          struct op_err *err)
{
    const char *colon, *h = addr;
    size_t hlen;
    if (!addr) return op_fail(err, OP_ERR_INVALID, "listen", MSG_HTTP_LISTEN_BAD, "");
    if (addr[0] == '[') {
        const char *close_br = strchr(addr, ']');
        if (!close_br || close_br[1] != ':') goto bad;
        h = addr + 1;
        hlen = (size_t)(close_br - h);
        colon = close_br + 1;
    } else {
        colon = strrchr(addr, ':');
        if (!colon || memchr(addr, ':', (size_t)(colon - addr)))
            goto bad; /* an IPv6 address needs brackets */
        hlen = (size_t)(colon - addr);
    }
    const char *ps = colon + 1;
    size_t plen = strlen(ps);
    if (hlen >= hostcap || plen == 0 || plen > 5 || strspn(ps, "0123456789") != plen ||
        strtol(ps, NULL, 10) > 65535)
        goto bad;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    memcpy(port, ps, plen + 1);
    return OP_OK;
bad:
    return op_fail(err, OP_ERR_INVALID, "listen", MSG_HTTP_LISTEN_BAD, addr);
}

/* Opens a non-blocking listening socket on addr; *fd and *port on OP_OK. */
static op_rc open_listener(const char *addr, int *fd, uint16_t *port, struct op_err *err)
{
    char host[256], portstr[8];
    struct addrinfo hints, *res = NULL;
    op_rc rc = parse_listen(addr, host, sizeof(host), portstr, err);
    int s = -1, last_errno = 0;
    if (rc) return rc;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int g = getaddrinfo(host[0] ? host : NULL, portstr, &hints, &res);
    if (g != 0) {
        rc = op_fail(err, OP_ERR_INVALID, "listen", MSG_HTTP_LISTEN_FAIL, addr, gai_strerror(g));
        goto end;
    }
    /* ":port" means every address: prefer one dual-stack IPv6 socket, and
     * fall back to IPv4 where IPv6 is off */
    for (int pass = 0; pass < 2 && s < 0; pass++) {
        for (struct addrinfo *ai = res; ai && s < 0; ai = ai->ai_next) {
            if (!host[0] && (pass == 0) != (ai->ai_family == AF_INET6)) continue;
            if (host[0] && pass == 1) break;
            s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                       ai->ai_protocol);
            if (s < 0) {
                last_errno = errno;
                continue;
            }
            int one = 1, v6only = host[0] ? 1 : 0;
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (ai->ai_family == AF_INET6)
                setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
            if (bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s, SOMAXCONN) != 0) {
                last_errno = errno;
                close(s);
                s = -1;
            }
        }
    }
    if (s < 0) {
        rc = op_fail(err, OP_ERR_IO, "listen", MSG_HTTP_LISTEN_FAIL, addr,
                     strerror(last_errno ? last_errno : EADDRNOTAVAIL));
        goto end;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(s, (struct sockaddr *)&ss, &sl) != 0) {
        rc = op_fail(err, OP_ERR_IO, "listen", MSG_HTTP_LISTEN_FAIL, addr, strerror(errno));
        close(s);
        goto end;
    }
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port);
    *fd = s;
end:
    if (res) freeaddrinfo(res);
    return rc;
}

/* ---- connections ---- */

static void stream_free(void *cls);

static void format_ip(const struct sockaddr *sa, char *out, size_t cap)
{
    snprintf(out, cap, "-");
    if (!sa) return;
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) /* a dual-stack socket's IPv4 client */
            inet_ntop(AF_INET, &a->s6_addr[12], out, (socklen_t)cap);
        else
            inet_ntop(AF_INET6, a, out, (socklen_t)cap);
    }
}

static const char *end_reason(enum MHD_RequestTerminationCode toe)
{
    switch (toe) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK:
        return NULL;
    case MHD_REQUEST_TERMINATED_WITH_ERROR:
        return "error";
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
        return "timeout";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
        return "shutdown";
    case MHD_REQUEST_TERMINATED_READ_ERROR:
        return "read_error";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
        return "client_abort";
    }
    return "unknown";
}

/* Ends the request on c, if one is under way: the log line, then everything
 * the request allocated is freed. Safe to call more than once. */
static void request_end(struct http_conn *c, enum MHD_RequestTerminationCode toe)
{
    struct http_req *r = &c->req;
    struct http_req_priv *p = &c->priv;
    if (!p->active) return;
    p->active = false;
    if (p->started) {
        struct http_server *srv = p->srv;
        atomic_fetch_sub_explicit(&srv->inflight, 1, memory_order_release);
        if (!srv->cfg.quiet) {
            char path[300], method[40];
            const char *why = end_reason(toe);
            uint64_t bytes = r->method == HTTP_HEAD ? 0 : p->bytes;
            const char *ps = r->path ? r->path : "-";
            const char *ms = r->method_name ? r->method_name : "-";
            log_info("method=%s path=%s status=%d bytes=%" PRIu64 " us=%" PRId64 " ip=%s%s%s",
                     http_log_clean(method, sizeof(method), ms, strlen(ms)),
                     http_log_clean(path, sizeof(path), ps, strlen(ps)), p->queued ? p->status : 0,
                     bytes, time_mono_us() - p->t0_us, c->ip, why ? " end=" : "", why ? why : "");
        }
    }
    if (p->fd >= 0) /* replied with a file that never reached MHD */
        close(p->fd);
    p->fd = -1;
    if (p->stream) stream_free(p->stream); /* the same for a stream */
    p->stream = NULL;
    buf_release(&c->body);
    arena_release(&c->arena);
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    UNUSED(cls);
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        struct http_conn *c = calloc(1, sizeof(*c));
        if (!c) return; /* the access handler refuses requests without one */
        arena_init(&c->arena, HTTP_ARENA_CAP);
        buf_init(&c->body, 0);
        c->priv.fd = -1;
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        format_ip(ci ? ci->client_addr : NULL, c->ip, sizeof(c->ip));
        *socket_context = c;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct http_conn *c = *socket_context;
        if (!c) return;
        request_end(c, MHD_REQUEST_TERMINATED_WITH_ERROR);
        free(c);
        *socket_context = NULL;
    }
}

/* MHD's URI callback: the start of every request, with the raw request
 * target (MHD's url argument is already decoded as a whole, which would
 * make "%2F" a separator). Returns the connection as the request context. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
    struct http_server *srv = cls;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct http_conn *c = ci ? ci->socket_context : NULL;
    if (!c) return NULL;
    request_end(c, MHD_REQUEST_TERMINATED_WITH_ERROR); /* a request MHD never reported ended */
    memset(&c->req, 0, sizeof(c->req));
    memset(&c->priv, 0, offsetof(struct http_req_priv, fallback));
    struct http_req *r = &c->req;
    struct http_req_priv *p = &c->priv;
    p->srv = srv;
    p->mhd = mc;
    p->active = true;
    p->fd = -1;
    p->hdrs_tail = &p->hdrs;
    r->priv = p;
    r->arena = &c->arena;
    r->ctx = srv->ctx;
    r->client_ip = c->ip;
    r->body = "";
    r->lang = LANG_EN;
    size_t len = strlen(uri);
    if (len > HTTP_URI_MAX) {
        p->reject = HTTP_REJECT_URI_TOO_LONG;
        r->path = arena_strndup(r->arena, uri, 200);
        return c;
    }
    /* absolute-form ("http://host/path") is legal in a request line */
    const char *path = uri;
    if (strncasecmp(path, "http://", 7) == 0 || strncasecmp(path, "https://", 8) == 0) {
        path = strchr(strstr(path, "//") + 2, '/');
        if (!path) path = "/";
    }
    const char *q = strchr(path, '?');
    size_t plen = q ? (size_t)(q - path) : strlen(path);
    r->path = arena_strndup(r->arena, path, plen);
    p->query = q ? arena_strdup(r->arena, q + 1) : NULL;
    if (!r->path || (q && !p->query))
        p->reject = HTTP_REJECT_URI_TOO_LONG; /* cannot happen below the arena cap */
    return c;
}

/* ---- held-open streams ---- */

/* Unlinks s from its server; the caller holds srv->streams_mu. */
static void stream_unlink(struct http_stream *s)
{
    struct http_server *srv = s->srv;
    if (s->prev)
        s->prev->next = s->next;
    else if (srv->streams == s)
        srv->streams = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/* MHD's content reader: runs on the connection's pool thread. */
static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    UNUSED(pos);
    struct http_stream *s = cls;
    pthread_mutex_lock(&s->mu);
    bool ending = s->ending;
    s->woken = false;
    pthread_mutex_unlock(&s->mu);
    if (ending) return MHD_CONTENT_READER_END_OF_STREAM;
    ssize_t n = s->read(s->cls, buf, max);
    if (n > 0) return n;
    if (n < 0) return MHD_CONTENT_READER_END_OF_STREAM;
    /* nothing to send: sleep until woken, unless a wake-up came meanwhile
     * (then MHD simply calls again) */
    pthread_mutex_lock(&s->mu);
    if (!s->woken && !s->ending) {
        s->suspended = true;
        MHD_suspend_connection(s->mhd);
    }
    pthread_mutex_unlock(&s->mu);
    return 0;
}

/* MHD's end of the response: the stream is over. */
static void stream_free(void *cls)
{
    struct http_stream *s = cls;
    struct http_server *srv = s->srv;
    pthread_mutex_lock(&srv->streams_mu);
    stream_unlink(s);
    pthread_mutex_unlock(&srv->streams_mu);
    s->done(s->cls);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

op_rc http_reply_stream(struct http_req *r, int status, const char *content_type,
                        http_stream_read_fn read, http_stream_done_fn done, void *cls,
                        struct http_stream **out)
{
    struct http_req_priv *p = r->priv;
    struct http_server *srv = p->srv;
    *out = NULL;
    if (p->replied) return OP_ERR_CONFLICT;
    const char *ctype = content_type ? arena_strdup(r->arena, content_type) : NULL;
    struct http_stream *s = calloc(1, sizeof(*s));
    if (!s || (content_type && !ctype)) {
        free(s);
        return OP_ERR_NOMEM;
    }
    s->srv = srv;
    s->mhd = p->mhd;
    s->read = read;
    s->done = done;
    s->cls = cls;
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_lock(&srv->streams_mu);
    bool stopping = srv->stopping;
    if (!stopping) {
        s->next = srv->streams;
        if (s->next) s->next->prev = s;
        srv->streams = s;
    }
    pthread_mutex_unlock(&srv->streams_mu);
    if (stopping) {
        pthread_mutex_destroy(&s->mu);
        free(s);
        return OP_ERR_UNAVAILABLE;
    }
    p->replied = true;
    p->status = status;
    p->ctype = ctype;
    p->stream = s;
    *out = s;
    return OP_OK;
}

void http_stream_wake(struct http_stream *s)
{
    pthread_mutex_lock(&s->mu);
    s->woken = true;
    if (s->suspended) {
        s->suspended = false;
        MHD_resume_connection(s->mhd);
    }
    pthread_mutex_unlock(&s->mu);
}

/* Ends every stream: each finishes at its next read, and the sleeping ones
 * are woken for it. New streams are refused from here on. */
static void streams_end(struct http_server *srv)
{
    pthread_mutex_lock(&srv->streams_mu);
    srv->stopping = true;
    for (struct http_stream *s = srv->streams; s; s = s->next) {
        pthread_mutex_lock(&s->mu);
        s->ending = true;
        if (s->suspended) {
            s->suspended = false;
            MHD_resume_connection(s->mhd);
        }
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_unlock(&srv->streams_mu);
}

/* ---- the response ---- */

static enum MHD_Result queue_reply(struct http_conn *c)
{
    struct http_req_priv *p = &c->priv;
    struct MHD_Response *resp;
    p->bytes = p->fd >= 0 ? p->fd_size : p->body_len;
    if (p->stream) {
        /* small blocks: an event is sent as soon as it is read */
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_reader, p->stream,
                                                 stream_free);
        if (!resp) stream_free(p->stream);
        p->stream = NULL; /* MHD owns it now */
    } else if (p->fd >= 0) {
        resp = MHD_create_response_from_fd64(p->fd_size, p->fd);
        if (!resp) close(p->fd);
        p->fd = -1; /* MHD owns it now */
    } else {
        /* the body lives in the arena: MHD reads it only while sending,
         * which is over before the completed callback frees the arena */
        resp =
            MHD_create_response_from_buffer(p->body_len, (void *)p->body, MHD_RESPMEM_PERSISTENT);
    }
    if (!resp) {
        log_error("component=http msg=\"cannot create a response\" status=%d", p->status);
        return MHD_NO;
    }
    bool ok = true;
    if (p->ctype)
        ok &= MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, p->ctype) == MHD_YES;
    ok &= MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES;
    ok &= MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_YES;
    ok &= MHD_add_response_header(resp, "X-Frame-Options", "DENY") == MHD_YES;
    if (!p->has_cache_control)
        ok &= MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES;
    for (struct http_hdr *h = p->hdrs; h; h = h->next)
        if (MHD_add_response_header(resp, h->name, h->value) != MHD_YES)
            log_warn("component=http msg=\"response header refused by MHD\" header=%s", h->name);
    if (!ok) log_warn("component=http msg=\"default response header refused by MHD\"");
    enum MHD_Result ret = MHD_queue_response(p->mhd, (unsigned)p->status, resp);
    MHD_destroy_response(resp);
    p->queued = true;
    return ret;
}

/* ---- dispatch ---- */

static void reply_too_big(struct http_req *r)
{
    char cap[32];
    snprintf(cap, sizeof(cap), "%zu", r->priv->body_cap);
    const char *args[] = {cap};
    http_reply_error_code(r, 413, op_rc_name(OP_ERR_TOOBIG), MSG_HTTP_BODY_TOO_BIG, NULL, args, 1);
}

/* The last call: answer whatever the first call found, or run the route. */
static enum MHD_Result dispatch(struct http_conn *c)
{
    struct http_req *r = &c->req;
    struct http_req_priv *p = &c->priv;
    struct http_server *srv = p->srv;
    char allow[96];
    if (p->too_big) {
        reply_too_big(r);
    } else if (p->reject == HTTP_REJECT_URI_TOO_LONG) {
        char max[16];
        snprintf(max, sizeof(max), "%d", HTTP_URI_MAX);
        const char *args[] = {max};
        http_reply_error_code(r, 414, "uri_too_long", MSG_HTTP_URI_TOO_LONG, NULL, args, 1);
    } else if (p->reject) {
        enum msg_id msg =
            p->reject == HTTP_REJECT_BAD_QUERY ? MSG_HTTP_BAD_QUERY : MSG_HTTP_BAD_PATH;
        http_reply_error_code(r, 400, "bad_request", msg, NULL, NULL, 0);
    } else if (p->match == ROUTER_NO_PATH) {
        http_reply_error_code(r, 404, op_rc_name(OP_ERR_NOTFOUND), MSG_ERR_ROUTE_NOT_FOUND, NULL,
                              NULL, 0);
    } else if (p->match == ROUTER_NO_METHOD) {
        /* OPTIONS on a path without its own OPTIONS route just lists the methods */
        router_allow_string(p->allow | (1u << HTTP_OPTIONS), allow, sizeof(allow));
        http_set_header(r, "Allow", allow);
        if (r->method == HTTP_OPTIONS) {
            http_reply_status(r, 204);
        } else {
            const char *args[] = {r->method_name};
            http_reply_error_code(r, 405, "method_not_allowed", MSG_ERR_METHOD, NULL, args, 1);
        }
    } else {
        r->body = c->body.p ? c->body.p : "";
        r->body_len = c->body.len;
        bool go = !srv->before || srv->before(r, p->route);
        if (go) p->route->fn(r);
        if (!p->replied) {
            char path[200];
            log_error("component=http msg=\"%s returned without replying\" method=%s path=%s",
                      go ? "handler" : "before-hook", r->method_name,
                      http_log_clean(path, sizeof(path), r->path, strlen(r->path)));
            http_reply_error_code(r, 500, "internal_error", MSG_HTTP_INTERNAL, NULL, NULL, 0);
        }
    }
    return queue_reply(c);
}

/* The first call: everything that needs only the request line and headers. */
static enum MHD_Result request_start(struct http_conn *c, const char *method)
{
    struct http_req *r = &c->req;
    struct http_req_priv *p = &c->priv;
    struct http_server *srv = p->srv;
    p->started = true;
    p->t0_us = time_mono_us();
    atomic_fetch_add_explicit(&srv->inflight, 1, memory_order_relaxed);

    r->method = router_method(method);
    r->method_name = r->method != HTTP_OTHER ? router_method_name(r->method)
                                             : arena_strndup(r->arena, method, 32);
    if (!r->method_name) r->method_name = "OTHER";
    r->lang = i18n_accept_language(http_header(r, "Accept-Language"), LANG_EN);
    p->body_cap = srv->cfg.body_max;

    if (!p->reject && p->query && !http_query_valid(p->query)) p->reject = HTTP_REJECT_BAD_QUERY;
    if (!p->reject) {
        char **segs;
        size_t nsegs;
        if (router_split_path(r->arena, r->path, strlen(r->path), &segs, &nsegs) != OP_OK) {
            p->reject = HTTP_REJECT_BAD_PATH;
        } else {
            p->match = router_match(&srv->router, r->method, segs, nsegs, &p->route, r->params,
                                    &r->nparams, &p->allow);
            if (p->match == ROUTER_MATCH && (p->route->flags & HTTP_ROUTE_UPLOAD))
                p->body_cap = srv->cfg.upload_max;
        }
    }
    buf_init(&c->body, p->body_cap);

    /* the one answer given on the first call: it closes the connection, so
     * a body we would refuse is never read */
    const char *cl = http_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (end != cl && errno == 0 && n > p->body_cap) {
            p->too_big = true;
            return dispatch(c);
        }
    }
    return MHD_YES;
}

/* A piece of the body. Returns false to drop the connection. */
static bool request_data(struct http_conn *c, const char *data, size_t n)
{
    struct http_req_priv *p = &c->priv;
    p->received += n;
    if (p->too_big || p->reject || p->match != ROUTER_MATCH) {
        /* dropped, but a client may not stream without end */
        if (p->received > (uint64_t)p->body_cap * 2 + ((uint64_t)1 << 20)) {
            log_warn("component=http msg=\"endless request body; connection dropped\" ip=%s",
                     c->ip);
            return false;
        }
        return true;
    }
    op_rc rc = buf_append(&c->body, data, n);
    if (rc) {
        p->too_big = true; /* for NOMEM as well: the client sent more than we can take */
        buf_release(&c->body);
    }
    return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    UNUSED(cls);
    UNUSED(mc);
    UNUSED(url);
    UNUSED(version);
    struct http_conn *c = *con_cls;
    if (!c || !c->priv.active) return MHD_NO; /* no memory for the connection: drop it */
    struct http_req_priv *p = &c->priv;
    if (!p->started) return request_start(c, method);
    if (*upload_data_size) {
        bool ok = request_data(c, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return ok ? MHD_YES : MHD_NO;
    }
    if (p->queued) return MHD_YES;
    return dispatch(c);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    UNUSED(cls);
    UNUSED(mc);
    struct http_conn *c = *con_cls;
    if (c) request_end(c, toe);
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    UNUSED(cls);
    char msg[512];
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(msg) - 1);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    msg[len] = '\0';
    /* MHD's text goes inside quotes: keep it on one line and unquoted */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)msg[i];
        if (c < 0x20 || c == 0x7f)
            msg[i] = ' ';
        else if (c == '"' || c == '\\')
            msg[i] = '\'';
    }
    log_warn("component=http src=mhd msg=\"%s\"", msg);
}

/* ---- start and stop ---- */

op_rc http_server_start(const struct http_server_config *cfg, const struct http_route *routes,
                        size_t nroutes, http_before_fn before, void *ctx, struct http_server **out,
                        struct op_err *err)
{
    op_rc rc = OP_OK;
    int fd = -1;
    struct http_server *s = calloc(1, sizeof(*s));
    *out = NULL;
    if (!s) return op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
    s->cfg = *cfg;
    snprintf(s->listen, sizeof(s->listen), "%s", cfg->listen ? cfg->listen : "");
    s->cfg.listen = s->listen;
    if (!s->cfg.threads) s->cfg.threads = 1;
    if (!s->cfg.body_max) s->cfg.body_max = (size_t)1 << 20;
    if (!s->cfg.upload_max) s->cfg.upload_max = s->cfg.body_max;
    if (!s->cfg.conn_timeout)
        s->cfg.conn_timeout = 30; /* never 0: MHD would keep idle (slowloris) connections forever */
    if (!s->cfg.max_connections) s->cfg.max_connections = 1024;
    if (!s->cfg.drain_timeout) s->cfg.drain_timeout = 10;
    s->before = before;
    s->ctx = ctx;
    atomic_init(&s->inflight, 0);
    pthread_mutex_init(&s->streams_mu, NULL);

    rc = router_init(&s->router, routes, nroutes, err);
    if (rc) goto end;
    rc = open_listener(cfg->listen, &fd, &s->port, err);
    if (rc) goto end;

    struct MHD_OptionItem pool[] = {
        {s->cfg.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
         (intptr_t)s->cfg.threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
                                 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
                                 on_mhd_log, s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
                                 MHD_OPTION_ARRAY, pool, MHD_OPTION_CONNECTION_LIMIT,
                                 (unsigned)s->cfg.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned)s->cfg.conn_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                                 (size_t)HTTP_CONN_MEMORY, MHD_OPTION_NOTIFY_CONNECTION,
                                 on_connection, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        /* MHD may or may not have closed fd; leaking one descriptor on a
         * failed start beats closing someone else's */
        rc = op_fail(err, OP_ERR_IO, "listen", MSG_HTTP_START_FAIL, s->listen);
        goto end;
    }
    log_info("component=http msg=\"listening\" listen=%s port=%u threads=%u", s->listen, s->port,
             s->cfg.threads);
    *out = s;
end:
    if (rc) {
        router_release(&s->router);
        pthread_mutex_destroy(&s->streams_mu);
        free(s);
    }
    return rc;
}

uint16_t http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server *s)
{
    if (!s) return;
    MHD_socket lfd = MHD_quiesce_daemon(s->daemon);
    if (lfd != MHD_INVALID_SOCKET) close(lfd);
    streams_end(s);
    int64_t deadline = time_mono_us() + (int64_t)s->cfg.drain_timeout * 1000000;
    while (atomic_load_explicit(&s->inflight, memory_order_acquire) > 0 &&
           time_mono_us() < deadline) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (atomic_load(&s->inflight) > 0)
        log_warn("component=http msg=\"stopping with requests under way\" n=%ld",
                 atomic_load(&s->inflight));
    MHD_stop_daemon(s->daemon);
    router_release(&s->router);
    pthread_mutex_destroy(&s->streams_mu);
    log_info("component=http msg=\"stopped\" listen=%s", s->listen);
    free(s);
}
