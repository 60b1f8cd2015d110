/* multipart.c - multipart/form-data (multipart.h). Untrusted input: every
 * length is checked against the end of the body, nothing is copied but
 * names, and the count of parts and the size of headers are capped. */
#include "base/common.h"

#include <strings.h>

#include "base/utf8.h"
#include "http/multipart.h"

/* The first occurrence of needle[0..nn) in hay[0..hn), or NULL. */
static const char *find(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0 || hn < nn) return NULL;
    const char *end = hay + hn - nn;
    for (const char *p = hay; p <= end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p) return NULL;
        if (memcmp(p, needle, nn) == 0) return p;
    }
    return NULL;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t';
}

/* The value of parameter key in a header value's "; key=value" list
 * (quoted or bare; in a quoted one \" and \\ stand for themselves). NULL
 * when absent; "" and *bad set when malformed. Copy in a. */
static char *param(struct arena *a, const char *v, size_t n, const char *key, bool *bad)
{
    size_t kn = strlen(key);
    const char *p = v, *end = v + n;
    /* skip the first token (the type or disposition) */
    while (p < end && *p != ';')
        p++;
    while (p < end) {
        p++; /* ';' */
        while (p < end && is_ws(*p))
            p++;
        const char *k = p;
        while (p < end && *p != '=' && *p != ';')
            p++;
        size_t klen = (size_t)(p - k);
        while (klen && is_ws(k[klen - 1]))
            klen--;
        if (p >= end || *p == ';') continue; /* a flag without a value */
        p++;                                 /* '=' */
        while (p < end && is_ws(*p))
            p++;
        char *out = arena_alloc(a, (size_t)(end - p) + 1), *o = out;
        if (!out) {
            *bad = true;
            return NULL;
        }
        if (p < end && *p == '"') {
            p++;
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end) p++;
                *o++ = *p++;
            }
            if (p >= end) {
                *bad = true;
                return NULL;
            }
            p++; /* closing quote */
            while (p < end && *p != ';')
                p++;
        } else {
            while (p < end && *p != ';' && !is_ws(*p))
                *o++ = *p++;
            while (p < end && *p != ';')
                p++;
        }
        *o = '\0';
        if (klen == kn && strncasecmp(k, key, kn) == 0) return out;
    }
    return NULL;
}

/* The boundary of content_type into out; false when there is none or it
 * is not a valid one. */
static bool boundary_of(struct arena *a, const char *ct, const char **out)
{
    static const char want[] = "multipart/form-data";
    bool bad = false;
    if (!ct || strncasecmp(ct, want, sizeof(want) - 1) != 0) return false;
    const char *rest = ct + sizeof(want) - 1;
    if (*rest && *rest != ';' && !is_ws(*rest)) return false;
    char *b = param(a, ct, strlen(ct), "boundary", &bad);
    if (bad || !b) return false;
    size_t n = strlen(b);
    if (n == 0 || n > MULTIPART_BOUNDARY_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] > 0x7e) return false;
    *out = b;
    return true;
}

/* The last component of a path a browser may send as a file name. */
static const char *base_name(const char *s)
{
    const char *slash = strrchr(s, '/'), *back = strrchr(s, '\\');
    const char *last = slash > back ? slash : back;
    return last ? last + 1 : s;
}

/* Reads the headers of a part (hdr[0..n), lines split by CRLF) into p. */
static op_rc part_headers(struct arena *a, const char *hdr, size_t n, struct mp_part *p)
{
    static const char cd[] = "content-disposition:", ctype[] = "content-type:";
    const char *line = hdr, *end = hdr + n;
    bool form_data = false;
    p->content_type = "";
    while (line < end) {
        const char *eol = find(line, (size_t)(end - line), "\r\n", 2);
        if (!eol) eol = end;
        size_t ln = (size_t)(eol - line);
        if (ln >= sizeof(cd) - 1 && strncasecmp(line, cd, sizeof(cd) - 1) == 0) {
            const char *v = line + sizeof(cd) - 1;
            size_t vn = ln - (sizeof(cd) - 1);
            while (vn && is_ws(*v))
                v++, vn--;
            bool bad = false;
            if (vn < 9 || strncasecmp(v, "form-data", 9) != 0) return OP_ERR_INVALID;
            form_data = true;
            p->name = param(a, v, vn, "name", &bad);
            char *fn = param(a, v, vn, "filename", &bad);
            if (bad) return OP_ERR_INVALID;
            p->filename = fn ? base_name(fn) : NULL;
        } else if (ln >= sizeof(ctype) - 1 && strncasecmp(line, ctype, sizeof(ctype) - 1) == 0) {
            const char *v = line + sizeof(ctype) - 1;
            size_t vn = ln - (sizeof(ctype) - 1);
            while (vn && is_ws(*v))
                v++, vn--;
            while (vn && is_ws(v[vn - 1]))
                vn--;
            char *t = arena_alloc(a, vn + 1);
            if (!t) return OP_ERR_NOMEM;
            memcpy(t, v, vn);
            t[vn] = '\0';
            if (memchr(t, '\0', vn)) return OP_ERR_INVALID;
            p->content_type = t;
        }
        line = eol + 2;
    }
    if (!form_data || !p->name || !*p->name) return OP_ERR_INVALID;
    if (!utf8_valid(p->name, strlen(p->name)) ||
        (p->filename && !utf8_valid(p->filename, strlen(p->filename))))
        return OP_ERR_INVALID;
    return OP_OK;
}

op_rc multipart_parse(struct arena *a, const char *content_type, const char *body, size_t len,
                      size_t max_parts, struct mp_part **parts, size_t *n)
{
    const char *b;
    *parts = NULL;
    *n = 0;
    if (!boundary_of(a, content_type, &b)) return OP_ERR_INVALID;
    /* "\r\n--" boundary: the body's first one may stand without the CRLF */
    size_t bn = strlen(b);
    char *delim = arena_printf(a, "\r\n--%s", b);
    if (!delim) return OP_ERR_NOMEM;
    size_t dn = bn + 4;
    const char *p, *end = body + len;
    if (len >= dn - 2 && memcmp(body, delim + 2, dn - 2) == 0) {
        p = body + dn - 2;
    } else {
        const char *d = find(body, len, delim, dn); /* after a preamble */
        if (!d) return OP_ERR_INVALID;
        p = d + dn;
    }
    size_t cap = max_parts < 16 ? max_parts : 16, count = 0;
    struct mp_part *v = arena_alloc(a, (cap ? cap : 1) * sizeof(*v));
    if (!v) return OP_ERR_NOMEM;
    for (;;) {
        /* after a boundary: "--" ends it all, else CRLF and a part */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') break;
        while (p < end && is_ws(*p))
            p++; /* transport padding */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return OP_ERR_INVALID;
        p += 2;
        if (count == max_parts) return OP_ERR_TOOBIG;
        size_t hlimit = (size_t)(end - p);
        if (hlimit > MULTIPART_HEADERS_MAX + 4) hlimit = MULTIPART_HEADERS_MAX + 4;
        const char *hend;
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            hend = p; /* no headers at all */
        } else {
            hend = find(p, hlimit, "\r\n\r\n", 4);
            if (!hend) return OP_ERR_INVALID;
            hend += 2; /* the headers end with their own CRLF */
        }
        if (count == cap) {
            size_t ncap = cap * 2 > max_parts ? max_parts : cap * 2;
            struct mp_part *nv = arena_alloc(a, ncap * sizeof(*nv));
            if (!nv) return OP_ERR_NOMEM;
            memcpy(nv, v, count * sizeof(*v));
            v = nv;
            cap = ncap;
        }
        struct mp_part *part = &v[count];
        memset(part, 0, sizeof(*part));
        op_rc rc = part_headers(a, p, (size_t)(hend - p), part);
        if (rc) return rc;
        const char *data = hend + 2;
        const char *d = find(data, (size_t)(end - data), delim, dn);
        if (!d) return OP_ERR_INVALID;
        part->data = data;
        part->len = (size_t)(d - data);
        count++;
        p = d + dn;
    }
    *parts = v;
    *n = count;
    return OP_OK;
}

const struct mp_part *multipart_get(const struct mp_part *parts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(parts[i].name, name) == 0) return &parts[i];
    return NULL;
}
