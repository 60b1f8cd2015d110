/* request.c - reading a request: query, headers, cookies, ids, JSON body. */
#include "base/common.h"

#include <strings.h>

#include "http/httpInt.h"

/* ---- query string ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool http_query_valid(const char *q)
{
    for (const char *s = q; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) return false;
        if (c != '%') continue;
        int hi = hexval(s[1]);
        int lo = hi < 0 ? -1 : hexval(s[2]);
        if (lo < 0 || (hi == 0 && lo == 0)) return false; /* a NUL would silently cut the value */
        s += 2;
    }
    return true;
}

/* Decodes s[0..len) (form encoding: '+' is a space) into a new arena string.
 * The query was checked by http_query_valid, so every escape is whole. */
static char *query_decode(struct arena *a, const char *s, size_t len)
{
    char *out = arena_alloc(a, len + 1);
    if (!out) return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* Splits the query into decoded key/value pairs in the arena, once. */
static void query_parse(struct http_req *r)
{
    struct http_req_priv *p = r->priv;
    p->query_parsed = true;
    if (!p->query || !p->query[0]) return;
    size_t n = 1;
    for (const char *s = p->query; *s; s++)
        n += *s == '&';
    const char **keys = arena_alloc(r->arena, n * sizeof(*keys));
    const char **vals = arena_alloc(r->arena, n * sizeof(*vals));
    if (!keys || !vals) return;
    size_t k = 0;
    for (const char *s = p->query; *s;) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        size_t klen = eq ? (size_t)(eq - s) : len;
        if (len > 0) {
            keys[k] = query_decode(r->arena, s, klen);
            vals[k] = eq ? query_decode(r->arena, eq + 1, len - klen - 1) : "";
            if (!keys[k] || !vals[k]) break;
            k++;
        }
        s += len + (amp ? 1 : 0);
    }
    p->qkeys = keys;
    p->qvals = vals;
    p->nquery = k;
}

const char *http_query(struct http_req *r, const char *name)
{
    struct http_req_priv *p = r->priv;
    if (!p->query_parsed) query_parse(r);
    for (size_t i = 0; i < p->nquery; i++)
        if (strcmp(p->qkeys[i], name) == 0) return p->qvals[i];
    return NULL;
}

/* ---- headers, cookies, ids ---- */

const char *http_header(struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->priv->mhd, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->priv->mhd, MHD_COOKIE_KIND, name);
}

int64_t http_param_id(struct http_req *r, size_t i)
{
    if (i >= r->nparams || !r->params[i]) return 0;
    const char *s = r->params[i];
    int64_t v = 0;
    if (!*s) return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        int d = *s - '0';
        if (v > (INT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    return v;
}

/* ---- JSON body ---- */

/* True for "application/json", with any parameters ("; charset=utf-8"). */
static bool is_json_type(const char *ct)
{
    static const char want[] = HTTP_JSON_TYPE;
    if (!ct) return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, want, sizeof(want) - 1) != 0) return false;
    char next = ct[sizeof(want) - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

json_t *http_json_body(struct http_req *r)
{
    if (!is_json_type(http_header(r, "Content-Type"))) {
        const char *args[] = {HTTP_JSON_TYPE};
        http_reply_error_code(r, 415, "unsupported_media_type", MSG_HTTP_CONTENT_TYPE, NULL, args,
                              1);
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        char line[24], col[24];
        snprintf(line, sizeof(line), "%d", jerr.line);
        snprintf(col, sizeof(col), "%d", jerr.column);
        const char *args[] = {line, col};
        http_reply_error_code(r, 400, "invalid_json", MSG_HTTP_INVALID_JSON, NULL, args, 2);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        http_reply_error_code(r, 400, "invalid_json", MSG_HTTP_JSON_NOT_OBJECT, NULL, NULL, 0);
        return NULL;
    }
    return j;
}
