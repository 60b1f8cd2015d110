/* router.c - route compilation, path splitting and matching. */
#include "base/common.h"

#include "http/router.h"

/* ---- methods ---- */

static const char *const method_names[] = {
    [HTTP_GET] = "GET",         [HTTP_HEAD] = "HEAD",   [HTTP_POST] = "POST",
    [HTTP_PUT] = "PUT",         [HTTP_PATCH] = "PATCH", [HTTP_DELETE] = "DELETE",
    [HTTP_OPTIONS] = "OPTIONS", [HTTP_OTHER] = "OTHER",
};

enum http_method router_method(const char *name)
{
    if (!name) return HTTP_OTHER;
    for (int m = HTTP_GET; m < HTTP_OTHER; m++)
        if (strcmp(name, method_names[m]) == 0) return (enum http_method)m;
    return HTTP_OTHER;
}

const char *router_method_name(enum http_method m)
{
    return (unsigned)m <= HTTP_OTHER ? method_names[m] : "OTHER";
}

void router_allow_string(unsigned allow, char *out, size_t cap)
{
    size_t len = 0;
    if (cap == 0) return;
    out[0] = '\0';
    for (int m = HTTP_GET; m < HTTP_OTHER; m++) {
        if (!(allow & (1u << m))) continue;
        int n = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", method_names[m]);
        if (n < 0 || (size_t)n >= cap - len)
            break; /* cap is sized for all methods; never truncate mid-name */
        len += (size_t)n;
    }
}

/* ---- compiling ---- */

static op_rc bad_pattern(struct op_err *err, const char *pattern)
{
    return op_fail(err, OP_ERR_INVALID, "route", MSG_HTTP_ROUTE_BAD, pattern ? pattern : "(null)");
}

/* Compiles one pattern into e (segments allocated in mem). */
static op_rc compile_one(struct arena *mem, const struct http_route *in, struct router_entry *e,
                         struct op_err *err)
{
    const char *p = in->pattern;
    if (!p || p[0] != '/' || !in->fn || in->method == HTTP_HEAD ||
        (unsigned)in->method >= HTTP_OTHER)
        return bad_pattern(err, p);
    size_t nsegs = 0;
    if (p[1] != '\0')
        for (const char *s = p; *s; s++)
            nsegs += *s == '/';
    e->route = *in;
    e->route.pattern = arena_strdup(mem, p);
    e->segs = nsegs ? arena_alloc(mem, nsegs * sizeof(*e->segs)) : NULL;
    if (!e->route.pattern || (nsegs && !e->segs)) return op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
    e->nsegs = nsegs;
    size_t nparams = 0;
    const char *s = e->route.pattern + 1;
    for (size_t i = 0; i < nsegs; i++) {
        const char *end = strchr(s, '/');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (len == 0) return bad_pattern(err, p);
        if (s[0] == '{') {
            /* "{name}" with a non-empty name and no braces inside */
            if (len < 3 || s[len - 1] != '}' || memchr(s + 1, '{', len - 2) ||
                memchr(s + 1, '}', len - 2))
                return bad_pattern(err, p);
            if (++nparams > HTTP_MAX_PARAMS) return bad_pattern(err, p);
            e->segs[i].text = NULL;
        } else {
            if (memchr(s, '{', len) || memchr(s, '}', len) || memchr(s, '%', len))
                return bad_pattern(err, p);
            e->segs[i].text = s;
        }
        e->segs[i].len = len;
        s += len + 1;
    }
    return OP_OK;
}

op_rc router_init(struct router *rt, const struct http_route *routes, size_t n, struct op_err *err)
{
    op_rc rc = OP_OK;
    memset(rt, 0, sizeof(*rt));
    arena_init(&rt->mem, 0);
    if (n) {
        rt->entries = arena_alloc(&rt->mem, n * sizeof(*rt->entries));
        if (!rt->entries) {
            rc = op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
            goto end;
        }
    }
    for (size_t i = 0; i < n; i++) {
        rc = compile_one(&rt->mem, &routes[i], &rt->entries[i], err);
        if (rc) goto end;
    }
    rt->n = n;
end:
    if (rc) router_release(rt);
    return rc;
}

void router_release(struct router *rt)
{
    arena_release(&rt->mem);
    rt->entries = NULL;
    rt->n = 0;
}

/* ---- paths ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes one segment of len bytes into out (len + 1 bytes); returns the
 * decoded length, or -1 for a bad escape or a control character. */
static ssize_t decode_segment(const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = len - i >= 3 ? hexval(s[i + 1]) : -1;
            int lo = len - i >= 3 ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) return -1;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f)
            return -1; /* NUL would cut the string; no control characters in paths */
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return (ssize_t)o;
}

op_rc router_split_path(struct arena *a, const char *path, size_t len, char ***segs, size_t *nsegs)
{
    *segs = NULL;
    *nsegs = 0;
    if (len == 0 || path[0] != '/') return OP_ERR_INVALID;
    size_t n = 0;
    if (len > 1)
        for (size_t i = 0; i < len; i++)
            n += path[i] == '/';
    if (n == 0) return OP_OK;
    char **v = arena_alloc(a, n * sizeof(*v));
    if (!v) return OP_ERR_NOMEM;
    const char *s = path + 1, *end = path + len;
    for (size_t i = 0; i < n; i++) {
        const char *slash = memchr(s, '/', (size_t)(end - s));
        size_t sl = slash ? (size_t)(slash - s) : (size_t)(end - s);
        char *out = arena_alloc(a, sl + 1);
        if (!out) return OP_ERR_NOMEM;
        ssize_t dl = decode_segment(s, sl, out);
        if (dl < 0) return OP_ERR_INVALID;
        if ((dl == 1 && out[0] == '.') || (dl == 2 && out[0] == '.' && out[1] == '.'))
            return OP_ERR_INVALID; /* no one should ever resolve these against a file system */
        v[i] = out;
        s += sl + 1;
    }
    *segs = v;
    *nsegs = n;
    return OP_OK;
}

/* ---- matching ---- */

static bool entry_matches(const struct router_entry *e, char *const *segs, size_t nsegs)
{
    if (e->nsegs != nsegs) return false;
    for (size_t i = 0; i < nsegs; i++) {
        const struct router_seg *sg = &e->segs[i];
        if (sg->text) {
            if (strlen(segs[i]) != sg->len || memcmp(segs[i], sg->text, sg->len) != 0) return false;
        } else if (segs[i][0] == '\0') {
            return false;
        }
    }
    return true;
}

/* True if a is more specific than b: at the first segment where one is
 * literal and the other a placeholder, a is the literal one. */
static bool more_specific(const struct router_entry *a, const struct router_entry *b)
{
    for (size_t i = 0; i < a->nsegs; i++) {
        bool la = a->segs[i].text != NULL, lb = b->segs[i].text != NULL;
        if (la != lb) return la;
    }
    return false;
}

enum router_result router_match(const struct router *rt, enum http_method m, char *const *segs,
                                size_t nsegs, const struct http_route **route,
                                const char *params[HTTP_MAX_PARAMS], size_t *nparams,
                                unsigned *allow)
{
    enum http_method want = m == HTTP_HEAD ? HTTP_GET : m;
    const struct router_entry *best = NULL;
    *route = NULL;
    *nparams = 0;
    *allow = 0;
    for (size_t i = 0; i < rt->n; i++) {
        const struct router_entry *e = &rt->entries[i];
        if (!entry_matches(e, segs, nsegs)) continue;
        *allow |= 1u << e->route.method;
        if (e->route.method == HTTP_GET) *allow |= 1u << HTTP_HEAD;
        if (e->route.method == want && (!best || more_specific(e, best))) best = e;
    }
    if (!best) return *allow ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
    for (size_t i = 0; i < nsegs; i++)
        if (!best->segs[i].text) params[(*nparams)++] = segs[i];
    *route = &best->route;
    return ROUTER_MATCH;
}
