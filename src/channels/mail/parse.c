/* parse.c - one email into a struct mail_msg (see parse.h). */
#include "base/common.h"

#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "channels/mail/parse.h"

void mail_limits_default(struct mail_limits *l)
{
    *l = (struct mail_limits){
        .max_size = 25u << 20,
        .max_header_line = 16u << 10,
        .max_headers = 256u << 10,
        .max_parts = 200,
        .max_depth = 10,
        .max_text = 60000,
    };
}

const char *mail_noise_name(enum mail_noise n)
{
    switch (n) {
    case MAIL_NOISE_AUTOREPLY: return "autoreply";
    case MAIL_NOISE_BULK: return "bulk";
    case MAIL_NOISE_BOUNCE: return "bounce";
    default: return "none";
    }
}

/* ---- clean text ---- */

/* Appends the UTF-8 of code point cp to o (room for 4 bytes is the caller's). */
static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The length of the well-formed UTF-8 sequence at s (at most n bytes), 0
 * when it is not one; *cp gets its code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

char *mail_clean_text(const char *s, size_t n, struct arena *a)
{
    /* U+FFFD is 3 bytes for every bad byte: at most 3n + 1 */
    char *out = arena_alloc(a, n * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_seq(p + i, n - i, &cp);
        if (!len) {
            o += put_utf8(out + o, 0xFFFD);
            i++;
            continue;
        }
        i += len;
        if (cp == '\r') {
            if (i < n && p[i] == '\n')
                continue; /* \r\n -> \n */
            cp = '\n';
        }
        if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F ||
            (cp >= 0x80 && cp < 0xA0))
            continue;
        o += put_utf8(out + o, cp);
    }
    out[o] = '\0';
    return out;
}

/* s cleaned, on one line (newlines and tabs become spaces), trimmed. */
static char *clean_line(const char *s, struct arena *a)
{
    if (!s)
        return arena_strdup(a, "");
    char *t = mail_clean_text(s, strlen(s), a);
    if (!t)
        return NULL;
    for (char *p = t; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    while (*t == ' ')
        t++;
    size_t len = strlen(t);
    while (len && t[len - 1] == ' ')
        t[--len] = '\0';
    return t;
}

/* Cuts s to at most max bytes at a character boundary. */
static void cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

/* ---- HTML into text ---- */

struct html_out {
    struct buf b;
    bool space;   /* a space is pending */
    int newlines; /* newlines at the end of b */
};

static void ho_text(struct html_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            o->space = true;
            continue;
        }
        if (o->space && o->b.len && !o->newlines)
            buf_putc(&o->b, ' ');
        o->space = false;
        o->newlines = 0;
        buf_putc(&o->b, c);
    }
}

static void ho_break(struct html_out *o, int want)
{
    o->space = false;
    if (!o->b.len)
        return;
    while (o->newlines < want) {
        buf_putc(&o->b, '\n');
        o->newlines++;
    }
}

static const struct {
    const char *name;
    uint32_t cp;
} html_entities[] = {
    {"amp", '&'},     {"lt", '<'},       {"gt", '>'},        {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},   {"laquo", 0xAB},   {"raquo", 0xBB},    {"mdash", 0x2014}, {"ndash", 0x2013},
    {"hellip", 0x2026}, {"copy", 0xA9},  {"reg", 0xAE},      {"euro", 0x20AC},  {"bull", 0x2022},
    {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"trade", 0x2122},
    {"shy", 0xAD},
};

/* Decodes the entity at s (just after '&'), n bytes left. Returns the bytes
 * consumed (after '&', ';' included) and the code point, or 0 when it is
 * not an entity. */
static size_t html_entity(const char *s, size_t n, uint32_t *cp)
{
    size_t i = 0;
    if (n && s[0] == '#') {
        uint32_t v = 0;
        int base = 10;
        i = 1;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) {
            base = 16;
            i++;
        }
        size_t start = i;
        while (i < n && i - start < 8 && isxdigit((unsigned char)s[i]) &&
               (base == 16 || isdigit((unsigned char)s[i]))) {
            int d = isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10);
            v = v * (uint32_t)base + (uint32_t)d;
            i++;
        }
        if (i == start)
            return 0;
        if (i < n && s[i] == ';')
            i++;
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD;
        *cp = v;
        return i;
    }
    while (i < n && i < 10 && isalnum((unsigned char)s[i]))
        i++;
    if (i == 0 || i >= n || s[i] != ';')
        return 0;
    for (size_t k = 0; k < ARRAY_SIZE(html_entities); k++)
        if (strlen(html_entities[k].name) == i && strncmp(html_entities[k].name, s, i) == 0) {
            *cp = html_entities[k].cp;
            return i + 1;
        }
    return 0;
}

/* Text with entities decoded into o. */
static void ho_decoded(struct html_out *o, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    while (i < n) {
        uint32_t cp;
        size_t len;
        if (s[i] == '&' && (len = html_entity(s + i + 1, n - i - 1, &cp))) {
            ho_text(o, s + run, i - run);
            char u[4];
            size_t ul = put_utf8(u, cp == 0xA0 ? ' ' : cp);
            ho_text(o, u, ul);
            i += 1 + len;
            run = i;
        } else {
            i++;
        }
    }
    ho_text(o, s + run, n - run);
}

static bool name_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

static bool name_in(const char *s, size_t n, const char *const *names)
{
    for (; *names; names++)
        if (name_is(s, n, *names))
            return true;
    return false;
}

/* Whether url (decoded) may be shown: http, https and mailto only, looked
 * at without the whitespace and control characters browsers ignore. */
static bool url_allowed(const char *url)
{
    char scheme[16];
    size_t k = 0;
    for (const char *p = url; *p && k < sizeof(scheme) - 1; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ')
            continue;
        if (c == ':')
            break;
        scheme[k++] = (char)tolower(c);
    }
    scheme[k] = '\0';
    return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
           strcmp(scheme, "mailto") == 0;
}

char *mail_html_to_text(const char *html, size_t n, struct arena *a)
{
    static const char *const skip[] = {"script", "style",  "head",   "title", "template",
                                       "iframe", "object", "svg",    "math",  "noscript",
                                       "select", "textarea", NULL};
    static const char *const blocks[] = {"p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5",
                                         "h6", "table", "blockquote", "ul", "ol", "pre",
                                         "hr", "section", "article", "header", "footer", NULL};
    struct html_out o = {.b = BUF_INIT(n * 2 + 64)};
    char *href = NULL;
    size_t link_start = 0;
    size_t i = 0, text_start = 0;
    while (i < n) {
        if (html[i] != '<') {
            i++;
            continue;
        }
        ho_decoded(&o, html + text_start, i - text_start);
        size_t t = i + 1;
        if (t + 2 < n && html[t] == '!' && html[t + 1] == '-' && html[t + 2] == '-') {
            const char *end = memmem(html + t + 3, n - t - 3, "-->", 3);
            i = end ? (size_t)(end - html) + 3 : n;
            text_start = i;
            continue;
        }
        bool closing = t < n && html[t] == '/';
        if (closing)
            t++;
        size_t ns = t;
        while (t < n && (isalnum((unsigned char)html[t]) || html[t] == '-' || html[t] == ':'))
            t++;
        size_t nlen = t - ns;
        if (nlen == 0 && !(t < n && (html[t] == '!' || html[t] == '?'))) {
            /* a lone '<' is text */
            ho_text(&o, "<", 1);
            i++;
            text_start = i;
            continue;
        }
        /* attributes, up to the '>' that is outside quotes */
        char *tag_href = NULL;
        while (t < n && html[t] != '>') {
            while (t < n && (isspace((unsigned char)html[t]) || html[t] == '/'))
                t++;
            size_t as = t;
            while (t < n && !isspace((unsigned char)html[t]) && html[t] != '=' &&
                   html[t] != '>' && html[t] != '/')
                t++;
            size_t alen = t - as;
            while (t < n && isspace((unsigned char)html[t]))
                t++;
            if (t < n && html[t] == '=') {
                t++;
                while (t < n && isspace((unsigned char)html[t]))
                    t++;
                size_t vs, ve;
                if (t < n && (html[t] == '"' || html[t] == '\'')) {
                    char q = html[t++];
                    vs = t;
                    while (t < n && html[t] != q)
                        t++;
                    ve = t;
                    if (t < n)
                        t++;
                } else {
                    vs = t;
                    while (t < n && !isspace((unsigned char)html[t]) && html[t] != '>')
                        t++;
                    ve = t;
                }
                if (!closing && name_is(html + ns, nlen, "a") &&
                    name_is(html + as, alen, "href")) {
                    struct html_out v = {.b = BUF_INIT(ve - vs + 8)};
                    ho_decoded(&v, html + vs, ve - vs);
                    if (url_allowed(buf_str(&v.b)))
                        tag_href = arena_strdup(a, buf_str(&v.b));
                    buf_release(&v.b);
                }
            } else if (alen == 0 && t < n && html[t] != '>') {
                t++; /* a stray character: move on */
            }
        }
        i = t < n ? t + 1 : n;
        text_start = i;
        const char *name = html + ns;
        if (!closing && name_in(name, nlen, skip)) {
            /* skip to the matching end tag */
            size_t j = i;
            for (;;) {
                const char *lt = memmem(html + j, n - j, "</", 2);
                if (!lt) {
                    j = n;
                    break;
                }
                j = (size_t)(lt - html) + 2;
                if (n - j >= nlen && strncasecmp(html + j, name, nlen) == 0) {
                    const char *gt = memchr(html + j, '>', n - j);
                    j = gt ? (size_t)(gt - html) + 1 : n;
                    break;
                }
            }
            i = text_start = j;
            continue;
        }
        if (name_is(name, nlen, "br")) {
            ho_break(&o, 1);
            o.newlines = o.newlines ? o.newlines : 1;
        } else if (name_in(name, nlen, blocks)) {
            ho_break(&o, name_is(name, nlen, "p") ? 2 : 1);
        } else if (name_is(name, nlen, "a")) {
            if (!closing) {
                href = tag_href;
                link_start = o.b.len;
            } else if (href) {
                /* show where a link goes unless its text says it already */
                if (!strstr(buf_str(&o.b) + link_start, href)) {
                    ho_text(&o, " <", 2);
                    o.space = false;
                    ho_text(&o, href, strlen(href));
                    ho_text(&o, ">", 1);
                }
                href = NULL;
            }
        } else if (name_is(name, nlen, "td") || name_is(name, nlen, "th")) {
            o.space = true;
        }
    }
    if (text_start < n)
        ho_decoded(&o, html + text_start, n - text_start);
    char *out = mail_clean_text(buf_str(&o.b), o.b.len, a);
    buf_release(&o.b);
    return out;
}

/* ---- checks on the raw bytes, before GMime ---- */

/* Checks the header block of raw against lim: its size and the length of
 * each unfolded field. */
static op_rc check_headers(const char *raw, size_t size, const struct mail_limits *lim,
                           const char **why)
{
    size_t i = 0, field = 0;
    while (i < size) {
        const char *nl = memchr(raw + i, '\n', size - i);
        size_t end = nl ? (size_t)(nl - raw) : size;
        size_t len = end - i;
        if (len && raw[end - 1] == '\r')
            len--;
        if (len == 0)
            return OP_OK; /* the blank line */
        if (raw[i] == ' ' || raw[i] == '\t')
            field += len;
        else
            field = len;
        if (field > lim->max_header_line) {
            *why = "header_too_long";
            return OP_ERR_TOOBIG;
        }
        i = end + 1;
        if (i > lim->max_headers) {
            *why = "header_too_long";
            return OP_ERR_TOOBIG;
        }
    }
    return OP_OK;
}

/* The number of MIME entities that say their type, counted on the raw
 * bytes: it bounds what GMime will build (and how deep it recurses) before
 * GMime runs, so that a nesting bomb is refused cheaply. */
static unsigned count_entities(const char *raw, size_t size)
{
    static const char key[] = "content-type:";
    unsigned count = 0;
    for (size_t i = 0; i + sizeof(key) - 1 <= size; i++) {
        if ((i == 0 || raw[i - 1] == '\n') && (raw[i] == 'c' || raw[i] == 'C') &&
            strncasecmp(raw + i, key, sizeof(key) - 1) == 0)
            count++;
    }
    return count;
}

/* ---- GMime ---- */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
    g_mime_init();
}

struct walk {
    struct arena *a;
    const struct mail_limits *lim;
    unsigned parts;
    struct buf plain; /* the text/plain parts, joined */
    struct buf html;  /* the first text/html part */
    bool has_plain, has_html;
    struct mail_part *att;
    size_t n_att, cap_att;
    const char *why;
    op_rc rc;
};

/* The decoded content of part (transfer encoding undone), copied into a
 * with a NUL after it; *n its length. NULL when a is full. */
static unsigned char *part_bytes(GMimePart *part, struct arena *a, size_t *n)
{
    *n = 0;
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    if (!w)
        return arena_alloc(a, 1);
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(w, mem);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    unsigned char *out = arena_alloc(a, ba->len + 1);
    if (out && ba->len) {
        memcpy(out, ba->data, ba->len);
        *n = ba->len;
    }
    g_object_unref(mem);
    return out;
}

/* bytes in charset (NULL: unknown) as clean UTF-8 from a. Unknown charsets
 * and 8-bit text that is not UTF-8 are read as windows-1251, the most common
 * charset of Russian mail without a label. */
static char *to_utf8(const char *bytes, size_t n, const char *charset, struct arena *a)
{
    const char *cs = charset && *charset ? g_mime_charset_iconv_name(charset) : NULL;
    bool is_utf8 = cs && (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0);
    bool is_ascii = cs && (strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0);
    if (!cs || is_utf8 || is_ascii) {
        if (utf8_valid(bytes, n) || memchr(bytes, '\0', n))
            return mail_clean_text(bytes, n, a);
        if (is_utf8)
            return mail_clean_text(bytes, n, a);
        cs = "windows-1251";
    }
    gsize rd = 0, wr = 0;
    GError *gerr = NULL;
    gchar *u = g_convert(bytes, (gssize)n, "UTF-8", cs, &rd, &wr, &gerr);
    if (!u) {
        g_clear_error(&gerr);
        /* a partly broken text: convert what converts, mark the rest */
        u = g_convert_with_fallback(bytes, (gssize)n, "UTF-8", cs, "?", &rd, &wr, &gerr);
        g_clear_error(&gerr);
        if (!u && rd > 0) {
            u = g_convert(bytes, (gssize)rd, "UTF-8", cs, NULL, &wr, NULL);
        }
        if (!u)
            return mail_clean_text(bytes, n, a);
    }
    char *out = mail_clean_text(u, wr, a);
    g_free(u);
    return out;
}

static op_rc add_attachment(struct walk *w, GMimePart *part, GMimeContentType *ct, bool is_inline)
{
    if (w->n_att == w->cap_att) {
        size_t cap = w->cap_att ? w->cap_att * 2 : 8;
        struct mail_part *v = arena_alloc(w->a, cap * sizeof(*v));
        if (!v)
            return OP_ERR_NOMEM;
        if (w->n_att)
            memcpy(v, w->att, w->n_att * sizeof(*v));
        w->att = v;
        w->cap_att = cap;
    }
    struct mail_part *p = &w->att[w->n_att];
    const char *type = g_mime_content_type_get_media_type(ct);
    const char *sub = g_mime_content_type_get_media_subtype(ct);
    p->content_type = arena_printf(w->a, "%s/%s", type ? type : "application",
                                   sub ? sub : "octet-stream");
    for (char *c = p->content_type; c && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *fn = g_mime_part_get_filename(part);
    char *name = NULL;
    if (fn) {
        const char *base = fn;
        for (const char *c = fn; *c; c++)
            if (*c == '/' || *c == '\\')
                base = c + 1;
        name = clean_line(base, w->a);
        if (name)
            cut_utf8(name, 200);
    }
    if (!name || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        name = arena_printf(w->a, "%s-%zu.%s", is_inline ? "image" : "attachment", w->n_att + 1,
                            sub && strlen(sub) < 12 ? sub : "bin");
    p->filename = name;
    const char *cid = g_mime_part_get_content_id(part);
    p->content_id = clean_line(cid ? cid : "", w->a);
    p->is_inline = is_inline;
    size_t size;
    unsigned char *data = part_bytes(part, w->a, &size);
    if (!data || !p->content_type || !p->filename || !p->content_id)
        return OP_ERR_NOMEM;
    p->data = data;
    p->size = size;
    w->n_att++;
    return OP_OK;
}

static void walk_object(struct walk *w, GMimeObject *obj, unsigned depth);

static void walk_leaf(struct walk *w, GMimePart *part)
{
    GMimeObject *obj = GMIME_OBJECT(part);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
    bool attachment = cd && g_mime_content_disposition_is_attachment(cd);
    bool has_name = g_mime_part_get_filename(part) != NULL;
    bool is_text = ct && g_mime_content_type_is_type(ct, "text", "plain");
    bool is_html = ct && g_mime_content_type_is_type(ct, "text", "html");
    if ((is_text || is_html) && !attachment && !has_name) {
        size_t n;
        unsigned char *bytes = part_bytes(part, w->a, &n);
        const char *cs = g_mime_content_type_get_parameter(ct, "charset");
        char *t = bytes ? to_utf8((const char *)bytes, n, cs, w->a) : NULL;
        if (!t) {
            w->rc = OP_ERR_NOMEM;
            return;
        }
        if (is_text) {
            if (w->has_plain)
                buf_puts(&w->plain, "\n\n");
            buf_puts(&w->plain, t);
            w->has_plain = true;
        } else if (!w->has_html) {
            buf_puts(&w->html, t);
            w->has_html = true;
        }
        return;
    }
    bool is_inline = !attachment && (g_mime_part_get_content_id(part) != NULL ||
                                     (ct && g_mime_content_type_is_type(ct, "image", "*")));
    if ((w->rc = add_attachment(w, part, ct, is_inline)))
        return;
}

static void walk_object(struct walk *w, GMimeObject *obj, unsigned depth)
{
    if (w->rc || !obj)
        return;
    if (++w->parts > w->lim->max_parts) {
        w->rc = OP_ERR_TOOBIG;
        w->why = "too_many_parts";
        return;
    }
    if (depth > w->lim->max_depth) {
        w->rc = OP_ERR_TOOBIG;
        w->why = "too_deep";
        return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n && !w->rc; i++)
            walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        /* an attached message: its own text is not ours, but its parts
         * count toward the caps; keep it whole as a .eml attachment */
        GMimeMessage *m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (m)
            walk_object(w, g_mime_message_get_mime_part(m), depth + 1);
    } else if (GMIME_IS_PART(obj)) {
        walk_leaf(w, GMIME_PART(obj));
    }
}

/* The first mailbox of list into out (strings from a). */
static op_rc first_mailbox(InternetAddressList *list, struct arena *a, struct mail_addr *out)
{
    out->addr = "";
    out->name = "";
    int n = list ? internet_address_list_length(list) : 0;
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            InternetAddressList *m = internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia));
            op_rc rc = first_mailbox(m, a, out);
            if (rc || *out->addr)
                return rc;
            continue;
        }
        if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
            continue;
        const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        if (!addr || !*addr)
            continue;
        char *ad = clean_line(addr, a);
        if (!ad)
            return OP_ERR_NOMEM;
        /* RFC 5321 caps a path at 254 characters: a longer "address" cut
         * short would name somebody else, so it is no sender at all */
        if (strlen(ad) > MAIL_ADDR_MAX) {
            out->addr_too_long = true;
            continue;
        }
        for (char *c = ad; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        out->addr = ad;
        const char *name = internet_address_get_name(ia);
        out->name = clean_line(name ? name : "", a);
        if (!out->name)
            return OP_ERR_NOMEM;
        cut_utf8(out->name, 200);
        return OP_OK;
    }
    return OP_OK;
}

/* The addresses of list, comma-separated, from a. */
static char *address_list(InternetAddressList *list, struct arena *a)
{
    struct buf b = BUF_INIT(8192);
    int n = list ? internet_address_list_length(list) : 0;
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
            continue;
        const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
        if (!addr || !*addr)
            continue;
        if (b.len)
            buf_puts(&b, ", ");
        buf_puts(&b, addr);
    }
    char *out = clean_line(buf_str(&b), a);
    buf_release(&b);
    return out;
}

static const char *header(GMimeObject *o, const char *name)
{
    const char *v = g_mime_object_get_header(o, name);
    return v ? v : NULL;
}

/* Machine-sent mail, by its headers; sets m->noise and m->noise_why. */
static void detect_noise(GMimeMessage *msg, struct mail_msg *m)
{
    GMimeObject *o = GMIME_OBJECT(msg);
    const char *v;
    m->noise = MAIL_NOISE_NONE;
    m->noise_why = "";
    GMimeObject *body = g_mime_message_get_mime_part(msg);
    GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;
    if (ct && g_mime_content_type_is_type(ct, "multipart", "report")) {
        m->noise = MAIL_NOISE_BOUNCE;
        m->noise_why = "multipart/report";
        return;
    }
    const char *local_end = strchr(m->from.addr, '@');
    size_t local = local_end ? (size_t)(local_end - m->from.addr) : strlen(m->from.addr);
    if ((local == 13 && strncmp(m->from.addr, "mailer-daemon", 13) == 0) ||
        (local == 10 && strncmp(m->from.addr, "postmaster", 10) == 0)) {
        m->noise = MAIL_NOISE_BOUNCE;
        m->noise_why = "from";
        return;
    }
    if ((v = header(o, "Return-Path")) && strstr(v, "<>")) {
        m->noise = MAIL_NOISE_BOUNCE;
        m->noise_why = "return-path";
        return;
    }
    if ((v = header(o, "Auto-Submitted"))) {
        while (*v == ' ' || *v == '\t')
            v++;
        if (strncasecmp(v, "no", 2) != 0 || isalpha((unsigned char)v[2])) {
            m->noise = MAIL_NOISE_AUTOREPLY;
            m->noise_why = "auto-submitted";
            return;
        }
    }
    static const char *const auto_headers[] = {"X-Autoreply", "X-Autorespond", "X-Autogenerated",
                                               "X-AutoReply-From", "X-Mail-Autoreply"};
    for (size_t i = 0; i < ARRAY_SIZE(auto_headers); i++)
        if (header(o, auto_headers[i])) {
            m->noise = MAIL_NOISE_AUTOREPLY;
            m->noise_why = "x-autoreply";
            return;
        }
    if ((v = header(o, "Precedence"))) {
        while (*v == ' ' || *v == '\t')
            v++;
        if (strncasecmp(v, "bulk", 4) == 0 || strncasecmp(v, "junk", 4) == 0 ||
            strncasecmp(v, "list", 4) == 0) {
            m->noise = MAIL_NOISE_BULK;
            m->noise_why = "precedence";
            return;
        }
        if (strncasecmp(v, "auto_reply", 10) == 0) {
            m->noise = MAIL_NOISE_AUTOREPLY;
            m->noise_why = "precedence";
            return;
        }
    }
}

/* The message ids of a References-like header, appended to l (from a). */
static op_rc add_refs(const char *value, struct arena *a, char ***v, size_t *n, size_t *cap)
{
    if (!value)
        return OP_OK;
    GMimeReferences *refs = g_mime_references_parse(NULL, value);
    if (!refs)
        return OP_OK;
    op_rc rc = OP_OK;
    int len = g_mime_references_length(refs);
    for (int i = 0; i < len && *n < 64; i++) {
        const char *id = g_mime_references_get_message_id(refs, i);
        if (!id || !*id || strlen(id) > 250)
            continue;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 8;
            char **nv = arena_alloc(a, nc * sizeof(*nv));
            if (!nv) {
                rc = OP_ERR_NOMEM;
                break;
            }
            if (*n)
                memcpy(nv, *v, *n * sizeof(*nv));
            *v = nv;
            *cap = nc;
        }
        if (!((*v)[(*n)++] = clean_line(id, a))) {
            rc = OP_ERR_NOMEM;
            break;
        }
    }
    g_mime_references_free(refs);
    return rc;
}

op_rc mail_parse(const void *raw_v, size_t size, op_time received, const struct mail_limits *lim,
                 struct arena *a, struct mail_msg *out, const char **why)
{
    const char *raw = raw_v;
    op_rc rc = OP_OK;
    GMimeStream *stream = NULL;
    GMimeParser *parser = NULL;
    GMimeParserOptions *opts = NULL;
    GMimeMessage *msg = NULL;
    struct walk w = {.a = a, .lim = lim, .plain = BUF_INIT(lim->max_size * 3 + 16),
                     .html = BUF_INIT(lim->max_size * 3 + 16)};
    memset(out, 0, sizeof(*out));
    *why = "";

    if (size > lim->max_size) {
        *why = "too_big";
        return OP_ERR_TOOBIG;
    }
    if ((rc = check_headers(raw, size, lim, why)))
        return rc;
    if (count_entities(raw, size) > lim->max_parts) {
        *why = "too_many_parts";
        return OP_ERR_TOOBIG;
    }

    pthread_once(&gmime_once, gmime_start);
    opts = g_mime_parser_options_new();
    static const char *fallback[] = {"UTF-8", "windows-1251", NULL};
    g_mime_parser_options_set_fallback_charsets(opts, fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    stream = g_mime_stream_mem_new_with_buffer(raw, size);
    parser = g_mime_parser_new_with_stream(stream);
    msg = g_mime_parser_construct_message(parser, opts);
    if (!msg) {
        *why = "unparsable";
        rc = OP_ERR_INVALID;
        goto end;
    }

    /* who */
    if ((rc = first_mailbox(g_mime_message_get_from(msg), a, &out->from)))
        goto end;
    if (!*out->from.addr) {
        if ((rc = first_mailbox(g_mime_message_get_sender(msg), a, &out->from)))
            goto end;
    }
    if (!*out->from.addr) {
        *why = out->from.addr_too_long ? "from_too_long" : "no_from";
        rc = OP_ERR_INVALID;
        goto end;
    }
    if ((rc = first_mailbox(g_mime_message_get_reply_to(msg), a, &out->reply_to)))
        goto end;
    out->to = address_list(g_mime_message_get_to(msg), a);
    out->cc = address_list(g_mime_message_get_cc(msg), a);
    out->subject = clean_line(g_mime_message_get_subject(msg), a);
    if (!out->to || !out->cc || !out->subject) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    cut_utf8(out->subject, 1000);

    /* when */
    GDateTime *dt = g_mime_message_get_date(msg);
    if (dt) {
        out->date = (op_time)g_date_time_to_unix(dt) * 1000;
    } else {
        out->date = received;
        out->date_missing = true;
    }

    /* which conversation */
    const char *mid = g_mime_message_get_message_id(msg);
    if (mid && *mid && strlen(mid) <= 250) {
        out->message_id = clean_line(mid, a);
    } else {
        /* no id: the content is the id, so that the same bytes delivered
         * twice are still one message */
        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[crypto_hash_sha256_BYTES * 2 + 1];
        crypto_hash_sha256(h, (const unsigned char *)raw, size);
        sodium_bin2hex(hex, sizeof(hex), h, 16);
        out->message_id = arena_printf(a, "sha256-%s@opora.invalid", hex);
        out->message_id_made = true;
    }
    {
        char **v = NULL;
        size_t n = 0, cap = 0;
        char **irt = NULL;
        size_t n_irt = 0, cap_irt = 0;
        GMimeObject *o = GMIME_OBJECT(msg);
        if ((rc = add_refs(header(o, "References"), a, &v, &n, &cap)) ||
            (rc = add_refs(header(o, "In-Reply-To"), a, &irt, &n_irt, &cap_irt)))
            goto end;
        out->in_reply_to = n_irt ? irt[0] : "";
        for (size_t i = 0; i < n_irt; i++)
            if ((rc = add_refs(irt[i], a, &v, &n, &cap)))
                goto end;
        out->references = (struct str_list){v, n};
    }
    if (!out->message_id || !out->in_reply_to) {
        rc = OP_ERR_NOMEM;
        goto end;
    }

    /* what */
    walk_object(&w, g_mime_message_get_mime_part(msg), 0);
    if (w.rc) {
        rc = w.rc;
        if (w.why)
            *why = w.why;
        goto end;
    }
    if (w.has_plain) {
        out->text = arena_strdup(a, buf_str(&w.plain));
    } else if (w.has_html) {
        out->text = mail_html_to_text(buf_str(&w.html), w.html.len, a);
        out->text_from_html = true;
    } else {
        out->text = arena_strdup(a, "");
    }
    if (!out->text) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    if (strlen(out->text) > lim->max_text) {
        cut_utf8(out->text, lim->max_text);
        out->text_cut = true;
    }
    out->parts = w.att;
    out->n_parts = w.n_att;
    detect_noise(msg, out);

end:
    buf_release(&w.plain);
    buf_release(&w.html);
    if (msg)
        g_object_unref(msg);
    if (parser)
        g_object_unref(parser);
    if (stream)
        g_object_unref(stream);
    if (opts)
        g_mime_parser_options_free(opts);
    if (rc == OP_ERR_NOMEM && !**why)
        *why = "no_memory";
    return rc;
}
