/* reply.c - building the answer to a request.
 *
 * The reply functions only record status, headers and body (in the arena);
 * server.c turns them into one MHD response after the handler returns, so a
 * handler may set headers before or after replying. */
#include "base/common.h"

#include <strings.h>
#include <unistd.h>

#include "base/log.h"
#include "base/utf8.h"
#include "http/httpInt.h"

/* ---- log helpers ---- */

char *http_log_clean(char *out, size_t cap, const char *in, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (cap == 0) return out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        bool plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\';
        size_t need = plain ? 1 : 3;
        if (o + need + 4 > cap) { /* room for "..." and the NUL */
            if (o + 4 <= cap) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (plain) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

static void log_misuse(struct http_req *r, const char *what)
{
    char path[160];
    const char *p = r->path ? r->path : "-";
    log_error("component=http msg=\"%s\" method=%s path=%s", what,
              r->method_name ? r->method_name : "-",
              http_log_clean(path, sizeof(path), p, strlen(p)));
}

/* ---- recording the reply ---- */

/* Claims the one reply of r; false (and logged) if it was made already. */
static bool claim(struct http_req *r, int *status)
{
    struct http_req_priv *p = r->priv;
    if (p->replied) {
        log_misuse(r, "second reply ignored");
        return false;
    }
    if (*status < 100 || *status > 599) {
        log_misuse(r, "reply with an invalid status; sending 500");
        *status = 500;
    }
    p->replied = true;
    return true;
}

/* The reply when the arena cannot hold the real one: a 500 whose body lives
 * in the connection. */
static void reply_out_of_memory(struct http_req *r)
{
    struct http_req_priv *p = r->priv;
    log_misuse(r, "request arena full; sending 500");
    /* the catalogue text has no characters that need JSON escaping */
    int n = snprintf(
        p->fallback, sizeof(p->fallback),
        "{\"error\":{\"code\":\"internal_error\",\"message_id\":\"%s\",\"message\":\"%s\"}}",
        i18n_key(MSG_HTTP_INTERNAL), i18n_text(r->lang, MSG_HTTP_INTERNAL));
    p->status = 500;
    p->ctype = HTTP_JSON_TYPE;
    p->body = p->fallback;
    p->body_len = n < 0 ? 0 : MIN((size_t)n, sizeof(p->fallback) - 1);
}

void http_reply(struct http_req *r, int status, const char *content_type, const void *body,
                size_t len)
{
    struct http_req_priv *p = r->priv;
    if (!claim(r, &status)) return;
    char *copy = NULL;
    if (len) {
        copy = arena_alloc(r->arena, len);
        if (!copy) {
            reply_out_of_memory(r);
            return;
        }
        memcpy(copy, body, len);
    }
    p->status = status;
    p->ctype = content_type ? arena_strdup(r->arena, content_type) : NULL;
    p->body = copy;
    p->body_len = len;
}

void http_reply_status(struct http_req *r, int status)
{
    http_reply(r, status, NULL, NULL, 0);
}

void http_reply_json(struct http_req *r, int status, json_t *j)
{
    char small[4096];
    if (!j) {
        log_misuse(r, "http_reply_json given NULL; sending 500");
        http_reply_error_code(r, 500, "internal_error", MSG_HTTP_INTERNAL, NULL, NULL, 0);
        return;
    }
    /* most replies fit on the stack; bigger ones are serialised twice rather
     * than going through malloc */
    size_t n = json_dumpb(j, small, sizeof(small), JSON_COMPACT);
    if (n == 0) {
        json_decref(j);
        log_misuse(r, "JSON reply could not be serialised; sending 500");
        http_reply_error_code(r, 500, "internal_error", MSG_HTTP_INTERNAL, NULL, NULL, 0);
        return;
    }
    if (n <= sizeof(small)) {
        json_decref(j);
        http_reply(r, status, HTTP_JSON_TYPE, small, n);
        return;
    }
    char *big = arena_alloc(r->arena, n);
    size_t n2 = big ? json_dumpb(j, big, n, JSON_COMPACT) : 0;
    json_decref(j);
    if (!big || n2 != n) {
        if (claim(r, &status)) reply_out_of_memory(r);
        return;
    }
    /* already in the arena: record it without a second copy */
    if (!claim(r, &status)) return;
    r->priv->status = status;
    r->priv->ctype = HTTP_JSON_TYPE;
    r->priv->body = big;
    r->priv->body_len = n;
}

void http_jsonw_init(struct http_req *r, struct jsonw *w)
{
    jsonw_init_arena(w, r->arena, HTTP_REPLY_JSON_MAX);
}

void http_reply_jsonw(struct http_req *r, int status, struct jsonw *w)
{
    struct http_req_priv *p = r->priv;
    const char *text;
    size_t len;
    op_rc rc = jsonw_finish(w, &text, &len);
    if (rc) {
        char path[160];
        const char *rp = r->path ? r->path : "-";
        log_error("component=http msg=\"JSON reply could not be written; sending 500\" rc=%s "
                  "method=%s path=%s",
                  op_rc_name(rc), r->method_name ? r->method_name : "-",
                  http_log_clean(path, sizeof(path), rp, strlen(rp)));
        http_reply_error_code(r, 500, "internal_error", MSG_HTTP_INTERNAL, NULL, NULL, 0);
        return;
    }
    if (w->buf || w->arena != r->arena) { /* lives elsewhere: copy it into the request */
        http_reply(r, status, HTTP_JSON_TYPE, text, len);
        return;
    }
    /* already in the request's arena, which outlives the sending */
    if (!claim(r, &status)) return;
    p->status = status;
    p->ctype = HTTP_JSON_TYPE;
    p->body = text;
    p->body_len = len;
}

void http_reply_fd(struct http_req *r, int status, const char *content_type, int fd, uint64_t size)
{
    struct http_req_priv *p = r->priv;
    if (fd < 0) {
        log_misuse(r, "http_reply_fd given no file; sending 500");
        http_reply_error_code(r, 500, "internal_error", MSG_HTTP_INTERNAL, NULL, NULL, 0);
        return;
    }
    if (!claim(r, &status)) {
        close(fd);
        return;
    }
    p->status = status;
    p->ctype = content_type ? arena_strdup(r->arena, content_type) : NULL;
    p->fd = fd;
    p->fd_size = size;
}

bool http_replied(struct http_req *r)
{
    return r->priv->replied;
}

/* ---- headers ---- */

static bool is_token(const char *s)
{
    if (!*s) return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c)) return false;
    }
    return true;
}

static bool is_header_value(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    }
    return true;
}

void http_set_header(struct http_req *r, const char *name, const char *value)
{
    struct http_req_priv *p = r->priv;
    if (!name || !value || !is_token(name) || !is_header_value(value)) {
        log_misuse(r, "invalid response header dropped");
        return;
    }
    struct http_hdr *h = arena_alloc(r->arena, sizeof(*h));
    if (!h || !(h->name = arena_strdup(r->arena, name)) ||
        !(h->value = arena_strdup(r->arena, value))) {
        log_misuse(r, "request arena full; response header dropped");
        return;
    }
    if (!p->hdrs_tail) p->hdrs_tail = &p->hdrs;
    *p->hdrs_tail = h;
    p->hdrs_tail = &h->next;
    if (strcasecmp(name, "Cache-Control") == 0) p->has_cache_control = true;
}

/* ---- errors ---- */

void http_reply_error_code(struct http_req *r, int status, const char *code, enum msg_id msg,
                           const char *field, const char *const *args, size_t nargs)
{
    const char *clean[OP_ERR_NARGS] = {NULL};
    char text[1024];
    nargs = MIN(nargs, (size_t)OP_ERR_NARGS);
    for (size_t i = 0; i < nargs; i++) /* a user's bytes echoed back must not break the JSON */
        clean[i] = args[i] && utf8_valid(args[i], strlen(args[i])) ? args[i] : "?";
    i18n_format(r->lang, msg, clean, nargs, text, sizeof(text));

    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_object_begin(&w, "error");
    jsonw_str(&w, "code", code);
    jsonw_str(&w, "message_id", i18n_key(msg));
    jsonw_str(&w, "message", text);
    if (field && field[0] && utf8_valid(field, strlen(field))) jsonw_str(&w, "field", field);
    jsonw_object_end(&w);
    jsonw_object_end(&w);
    /* checked here, as http_reply_jsonw would answer its failure with another error */
    if (jsonw_finish(&w, NULL, NULL) != OP_OK) {
        if (claim(r, &status)) reply_out_of_memory(r);
        return;
    }
    http_reply_jsonw(r, status, &w);
}

static int rc_status(op_rc rc)
{
    switch (rc) {
    case OP_ERR_INVALID:
        return 422;
    case OP_ERR_NOTFOUND:
        return 404;
    case OP_ERR_FORBIDDEN:
        return 403;
    case OP_ERR_CONFLICT:
        return 409;
    case OP_ERR_TOOBIG:
        return 413;
    case OP_ERR_AUTH:
        return 401;
    case OP_ERR_RATELIMIT:
        return 429;
    case OP_ERR_NOMEM:
    case OP_ERR_UNAVAILABLE:
        return 503;
    case OP_OK:
    case OP_ERR_IO:
        break;
    }
    return 500;
}

/* The message for an error that came without one. */
static enum msg_id rc_message(op_rc rc)
{
    switch (rc) {
    case OP_ERR_INVALID:
        return MSG_HTTP_BAD_REQUEST;
    case OP_ERR_NOTFOUND:
        return MSG_ERR_NOT_FOUND;
    case OP_ERR_FORBIDDEN:
        return MSG_HTTP_FORBIDDEN;
    case OP_ERR_CONFLICT:
        return MSG_HTTP_CONFLICT;
    case OP_ERR_TOOBIG:
        return MSG_HTTP_TOO_BIG;
    case OP_ERR_AUTH:
        return MSG_HTTP_AUTH;
    case OP_ERR_RATELIMIT:
        return MSG_HTTP_RATELIMIT;
    case OP_ERR_NOMEM:
    case OP_ERR_UNAVAILABLE:
        return MSG_HTTP_UNAVAILABLE;
    case OP_OK:
    case OP_ERR_IO:
        break;
    }
    return MSG_HTTP_INTERNAL;
}

void http_reply_error(struct http_req *r, const struct op_err *err)
{
    static const struct op_err none = {.rc = OP_OK};
    if (!err) err = &none;
    int status = rc_status(err->rc);
    if (status == 500) {
        /* the detail is for the operator only: SQL errors, paths... */
        char detail[3][OP_ERR_ARGLEN * 3 + 4], field[200], path[160];
        const char *rp = r->path ? r->path : "-";
        for (int i = 0; i < OP_ERR_NARGS; i++)
            http_log_clean(detail[i], sizeof(detail[i]), err->arg[i],
                           strnlen(err->arg[i], OP_ERR_ARGLEN));
        log_error("component=http msg=\"request failed\" rc=%s message_id=%s field=%s arg1=%s "
                  "arg2=%s arg3=%s "
                  "method=%s path=%s",
                  op_rc_name(err->rc), i18n_key(err->msg),
                  http_log_clean(field, sizeof(field), err->field,
                                 strnlen(err->field, sizeof(err->field))),
                  detail[0], detail[1], detail[2], r->method_name ? r->method_name : "-",
                  http_log_clean(path, sizeof(path), rp, strlen(rp)));
        const char *code = err->rc == OP_ERR_IO ? op_rc_name(OP_ERR_IO) : "internal_error";
        http_reply_error_code(r, 500, code, MSG_HTTP_INTERNAL, NULL, NULL, 0);
        return;
    }
    enum msg_id msg = err->msg != MSG_NONE ? err->msg : rc_message(err->rc);
    const char *args[OP_ERR_NARGS];
    for (int i = 0; i < OP_ERR_NARGS; i++)
        args[i] = err->arg[i];
    /* out of memory is "unavailable" to the client, as docs/api.md lists the codes */
    const char *code =
        err->rc == OP_ERR_NOMEM ? op_rc_name(OP_ERR_UNAVAILABLE) : op_rc_name(err->rc);
    http_reply_error_code(r, status, code, msg, err->field, args, OP_ERR_NARGS);
}

void http_fail(struct http_req *r, op_rc rc, const char *field, enum msg_id msg, ...)
{
    struct op_err err;
    memset(&err, 0, sizeof(err));
    err.rc = rc;
    err.msg = msg;
    if (field) snprintf(err.field, sizeof(err.field), "%s", field);
    int nargs = i18n_msg_nargs(msg);
    va_list ap;
    va_start(ap, msg);
    for (int i = 0; i < nargs && i < OP_ERR_NARGS; i++) {
        const char *a = va_arg(ap, const char *);
        snprintf(err.arg[i], sizeof(err.arg[i]), "%s", a ? a : "");
    }
    va_end(ap);
    http_reply_error(r, &err);
}
