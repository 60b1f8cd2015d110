/* jsonw.c - the streaming JSON writer, and a checker for JSON text.
 *
 * The hot path is "is there room? then memcpy": output goes to w->p, which
 * is an arena block (arena mode) or a small staging area inside the writer
 * that is flushed to the buf when full (buf mode). In arena mode the text
 * grows by doubling into fresh blocks (an arena cannot resize in place); the
 * blocks left behind are freed with the arena, so a reply costs at most
 * about twice its size. A failure sets alloc to len, so that every later
 * write takes the slow path, which sees w->rc and does nothing. */
#include "base/common.h"
#include "base/jsonw.h"

#include <math.h>

#define JSONW_FIRST_BLOCK 2048 /* most single-object replies fit */
#define KEY_FAST_MAX 64        /* longer keys take the general path */

/* What a byte is inside a JSON string: plain (copied), one to escape, the
 * first byte of a 2-, 3- or 4-byte UTF-8 sequence, or never valid. */
enum { B_PLAIN, B_ESC, B_LEAD2, B_LEAD3, B_LEAD4, B_BAD };

static const unsigned char byte_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 70 */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* 80 */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* 90 */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* A0 */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* B0 */
    5, 5, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* C0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* D0 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* E0 */
    4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* F0 */
};

static void fail(struct jsonw *w, op_rc rc)
{
    if (!w->rc)
        w->rc = rc;
    w->alloc = w->len; /* no room: every write goes to the slow path and stops */
}

void jsonw_init_buf(struct jsonw *w, struct buf *b)
{
    memset(w, 0, offsetof(struct jsonw, stage));
    w->buf = b;
    w->p = w->stage;
    w->alloc = sizeof(w->stage);
}

void jsonw_init_arena(struct jsonw *w, struct arena *a, size_t cap)
{
    memset(w, 0, offsetof(struct jsonw, stage));
    w->arena = a;
    w->cap = cap;
}

/* Buf mode: moves the staged bytes into the buf. */
static bool flush(struct jsonw *w)
{
    op_rc rc = w->len ? buf_append(w->buf, w->p, w->len) : OP_OK;
    w->len = 0;
    if (rc)
        fail(w, rc);
    return rc == OP_OK;
}

/* Arena mode: a block with room for n more bytes and a NUL. */
static bool grow(struct jsonw *w, size_t n)
{
    if (n > w->cap - w->len) {
        fail(w, OP_ERR_TOOBIG);
        return false;
    }
    size_t need = w->len + n + 1, size = w->alloc ? w->alloc : JSONW_FIRST_BLOCK;
    while (size < need && size <= SIZE_MAX / 2)
        size *= 2;
    if (size < need || size - 1 > w->cap)
        size = w->cap + 1 > need ? w->cap + 1 : need; /* no more than the cap can use */
    char *p = arena_alloc(w->arena, size);
    if (!p) {
        fail(w, OP_ERR_NOMEM);
        return false;
    }
    if (w->len)
        memcpy(p, w->p, w->len);
    w->p = p;
    w->alloc = size;
    return true;
}

/* Makes room for n (<= sizeof(w->stage) - 1) more bytes at w->p + w->len;
 * false when the writer has failed. */
static bool room_slow(struct jsonw *w, size_t n)
{
    if (w->rc)
        return false;
    if (w->buf)
        return flush(w) && n < w->alloc;
    return grow(w, n);
}

static inline bool room(struct jsonw *w, size_t n)
{
    return n < w->alloc - w->len || room_slow(w, n);
}

static void put_slow(struct jsonw *w, const char *s, size_t n)
{
    if (w->rc || n == 0)
        return;
    if (w->buf) {
        if (!flush(w))
            return;
        if (n >= w->alloc) { /* too big to stage: straight to the buf */
            op_rc rc = buf_append(w->buf, s, n);
            if (rc)
                fail(w, rc);
            return;
        }
    } else if (!grow(w, n)) {
        return;
    }
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

static inline void put(struct jsonw *w, const char *s, size_t n)
{
    if (n < w->alloc - w->len) {
        memcpy(w->p + w->len, s, n);
        w->len += n;
    } else {
        put_slow(w, s, n);
    }
}

/* ---- strings ---- */

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The length of the well-formed UTF-8 sequence at s[0..n) (s[0] >= 0x80),
 * or 0: no overlong forms, no surrogates, nothing above U+10FFFF (the table
 * of well-formed sequences in the Unicode standard, 3.9). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    switch (byte_class[c]) {
    case B_LEAD2:
        return n >= 2 && is_cont(s[1]) ? 2 : 0;
    case B_LEAD3: {
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return n >= 3 && s[1] >= lo && s[1] <= hi && is_cont(s[2]) ? 3 : 0;
    }
    case B_LEAD4: {
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return n >= 4 && s[1] >= lo && s[1] <= hi && is_cont(s[2]) && is_cont(s[3]) ? 4 : 0;
    }
    default:
        return 0;
    }
}

/* True if none of the 8 bytes in v is a control character, '"', '\\' or
 * above 0x7F (the classic "has a byte less than / equal to" word tests). */
static inline bool word_plain(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t quote = v ^ (ones * '"'), bslash = v ^ (ones * '\\');
    uint64_t ctl = (v - ones * 0x20) & ~v;  /* some byte < 0x20 */
    uint64_t q = (quote - ones) & ~quote;   /* some byte == '"' */
    uint64_t b = (bslash - ones) & ~bslash; /* some byte == '\\' */
    return ((ctl | q | b | v) & highs) == 0;
}

/* The escape of c (< 0x20, '"' or '\\') into out; returns its length. */
static size_t escape(unsigned char c, char out[6])
{
    static const char hex[] = "0123456789ABCDEF";
    static const char short_form[] = {['"'] = '"', ['\\'] = '\\', ['\b'] = 'b',
                                      ['\f'] = 'f', ['\n'] = 'n',  ['\r'] = 'r',
                                      ['\t'] = 't'};
    out[0] = '\\';
    if (c < sizeof(short_form) && short_form[c]) {
        out[1] = short_form[c];
        return 2;
    }
    memcpy(out + 1, "u00", 3);
    out[4] = hex[c >> 4];
    out[5] = hex[c & 15];
    return 6;
}

/* s[0..n) as a quoted JSON string: runs of plain bytes (valid UTF-8
 * sequences included) are copied whole. */
static void put_string(struct jsonw *w, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;
    char esc[6];
    put(w, "\"", 1);
    while (i < n) {
        if (i + 8 <= n) { /* ASCII text goes by eight bytes */
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (word_plain(v)) {
                i += 8;
                continue;
            }
        }
        /* a word with something in it: byte by byte to its end (a UTF-8
         * sequence may take i a little past it) */
        for (size_t stop = MIN(i + 8, n); i < stop;) {
            unsigned char c = s[i];
            if (c < 0x80) {
                if (byte_class[c] == B_PLAIN) {
                    i++;
                    continue;
                }
                put(w, str + run, i - run);
                put(w, esc, escape(c, esc));
                run = ++i;
            } else if (c >= 0xC2 && c <= 0xDF && i + 1 < n && is_cont(s[i + 1])) {
                i += 2; /* Cyrillic and the like: the common case, checked inline */
                while (i + 1 < n && (unsigned)(s[i] - 0xC2) <= 0xDF - 0xC2 && is_cont(s[i + 1]))
                    i += 2;
            } else {
                size_t k = utf8_seq(s + i, n - i);
                if (!k) {
                    fail(w, OP_ERR_INVALID);
                    return;
                }
                i += k;
            }
        }
    }
    put(w, str + run, n - run);
    put(w, "\"", 1);
}

/* ---- structure ---- */

static bool misuse(struct jsonw *w)
{
    fail(w, OP_ERR_INVALID);
    return false;
}

/* What comes before any value: the comma and the key, checked against the
 * container the value goes into. False when nothing more may be written. */
static bool value_start(struct jsonw *w, const char *key)
{
    if (w->rc)
        return false;
    if (w->depth == 0)
        return key || w->complete ? misuse(w) : true;
    uint64_t bit = (uint64_t)1 << (w->depth - 1);
    if (((w->is_object & bit) != 0) != (key != NULL))
        return misuse(w);
    bool comma = (w->has_members & bit) != 0;
    w->has_members |= bit;
    if (!key) {
        if (comma)
            put(w, ",", 1);
        return w->rc == OP_OK;
    }
    /* keys are short ASCII names: written in one go when they need no escape */
    size_t n = 0;
    while (n <= KEY_FAST_MAX && key[n] && byte_class[(unsigned char)key[n]] == B_PLAIN)
        n++;
    if (key[n] == '\0' && n <= KEY_FAST_MAX && room(w, n + 4)) {
        char *o = w->p + w->len;
        if (comma)
            *o++ = ',';
        *o++ = '"';
        memcpy(o, key, n);
        o += n;
        *o++ = '"';
        *o++ = ':';
        w->len = (size_t)(o - w->p);
        return true;
    }
    if (comma)
        put(w, ",", 1);
    put_string(w, key, strlen(key));
    put(w, ":", 1);
    return w->rc == OP_OK;
}

/* A scalar's text, which needs no escaping. */
static void put_scalar(struct jsonw *w, const char *key, const char *s, size_t n)
{
    if (!value_start(w, key))
        return;
    put(w, s, n);
    if (w->depth == 0)
        w->complete = true;
}

static void container_open(struct jsonw *w, const char *key, bool object)
{
    if (!value_start(w, key))
        return;
    if (w->depth == JSONW_MAX_DEPTH) {
        misuse(w);
        return;
    }
    uint64_t bit = (uint64_t)1 << w->depth;
    if (object)
        w->is_object |= bit;
    else
        w->is_object &= ~bit;
    w->has_members &= ~bit;
    w->depth++;
    put(w, object ? "{" : "[", 1);
}

static void container_close(struct jsonw *w, bool object)
{
    if (w->rc)
        return;
    if (w->depth == 0 || ((w->is_object >> (w->depth - 1)) & 1) != object) {
        misuse(w);
        return;
    }
    w->depth--;
    put(w, object ? "}" : "]", 1);
    if (w->depth == 0)
        w->complete = true;
}

void jsonw_object_begin(struct jsonw *w, const char *key)
{
    container_open(w, key, true);
}

void jsonw_object_end(struct jsonw *w)
{
    container_close(w, true);
}

void jsonw_array_begin(struct jsonw *w, const char *key)
{
    container_open(w, key, false);
}

void jsonw_array_end(struct jsonw *w)
{
    container_close(w, false);
}

/* ---- values ---- */

void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n)
{
    if (!value_start(w, key))
        return;
    put_string(w, s, n);
    if (w->depth == 0)
        w->complete = true;
}

void jsonw_str(struct jsonw *w, const char *key, const char *s)
{
    if (s)
        jsonw_strn(w, key, s, strlen(s));
    else
        jsonw_null(w, key);
}

/* The decimal digits of u, right-aligned ending at end; returns the start. */
static char *digits_of(uint64_t u, char *end)
{
    do {
        *--end = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    return end;
}

void jsonw_int(struct jsonw *w, const char *key, int64_t v)
{
    char buf[24], *end = buf + sizeof(buf);
    /* through uint64_t so that INT64_MIN negates */
    char *p = digits_of(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, end);
    if (v < 0)
        *--p = '-';
    put_scalar(w, key, p, (size_t)(end - p));
}

/* Formats v as jansson does: "%.17g", with ".0" added when the result
 * would read as an integer, and the exponent without '+' or leading zeros. */
void jsonw_double(struct jsonw *w, const char *key, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        jsonw_null(w, key);
        return;
    }
    int n = snprintf(buf, sizeof(buf) - 2, "%.17g", v);
    if (n <= 0 || (size_t)n >= sizeof(buf) - 2) {
        misuse(w); /* cannot happen: %.17g of a finite double is < 26 bytes */
        return;
    }
    size_t len = (size_t)n;
    for (size_t i = 0; i < len; i++)
        if (buf[i] == ',') /* a decimal comma, should a locale ever be set */
            buf[i] = '.';
    char *e = memchr(buf, 'e', len);
    if (!e && !memchr(buf, '.', len)) {
        memcpy(buf + len, ".0", 2);
        len += 2;
    } else if (e) {
        char *from = e + 1, *to = e + 1;
        if (*from == '+')
            from++;
        else if (*from == '-')
            from++, to++;
        while (*from == '0' && from + 1 < buf + len)
            from++;
        memmove(to, from, (size_t)(buf + len - from));
        len -= (size_t)(from - to);
    }
    put_scalar(w, key, buf, len);
}

void jsonw_bool(struct jsonw *w, const char *key, bool v)
{
    if (v)
        put_scalar(w, key, "true", 4);
    else
        put_scalar(w, key, "false", 5);
}

void jsonw_null(struct jsonw *w, const char *key)
{
    put_scalar(w, key, "null", 4);
}

void jsonw_id(struct jsonw *w, const char *key, int64_t id)
{
    if (id)
        jsonw_int(w, key, id);
    else
        jsonw_null(w, key);
}

/* Writes n digits of v (zero-padded) at p. */
static void pad(char *p, unsigned v, int n)
{
    while (n--) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" for t >= 0 before the year 10000, exactly as
 * time_format_iso writes it, without gmtime_r and snprintf (a tenth of a
 * list reply's time when they were used). The date is the civil-from-days
 * conversion of the proleptic Gregorian calendar: eras of 400 years. */
static bool format_iso_fast(op_time t, char out[24])
{
    if (t < 0 || t >= (op_time)253402300800000) /* 10000-01-01 */
        return false;
    int64_t secs = t / 1000, days = secs / 86400;
    unsigned ms = (unsigned)(t % 1000), sod = (unsigned)(secs % 86400);
    int64_t z = days + 719468, era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);                           /* [0, 146096] */
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  /* [0, 399] */
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                /* [0, 365] */
    unsigned mp = (5 * doy + 2) / 153;                                     /* March = 0 */
    unsigned day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    unsigned year = (unsigned)(yoe + era * 400) + (month <= 2);
    pad(out, year, 4);
    out[4] = '-';
    pad(out + 5, month, 2);
    out[7] = '-';
    pad(out + 8, day, 2);
    out[10] = 'T';
    pad(out + 11, sod / 3600, 2);
    out[13] = ':';
    pad(out + 14, sod / 60 % 60, 2);
    out[16] = ':';
    pad(out + 17, sod % 60, 2);
    out[19] = '.';
    pad(out + 20, ms, 3);
    out[23] = 'Z';
    return true;
}

void jsonw_time(struct jsonw *w, const char *key, op_time t)
{
    char buf[34];
    size_t n = 24;
    if (!t) {
        jsonw_null(w, key);
        return;
    }
    buf[0] = '"';
    if (!format_iso_fast(t, buf + 1)) {
        n = time_format_iso(t, buf + 1); /* before 1970 or after 9999: as rare as it is odd */
        if (n == 0 || n > 30) {
            misuse(w);
            return;
        }
    }
    buf[n + 1] = '"';
    put_scalar(w, key, buf, n + 2);
}

void jsonw_raw(struct jsonw *w, const char *key, const char *json, size_t n)
{
    put_scalar(w, key, json, n);
}

/* ---- the result ---- */

op_rc jsonw_finish(struct jsonw *w, const char **text, size_t *len)
{
    if (w->rc)
        return w->rc;
    if (w->depth || !w->complete)
        return OP_ERR_INVALID;
    const char *p;
    size_t n;
    if (w->buf) {
        if (!flush(w))
            return w->rc;
        p = buf_str(w->buf);
        n = w->buf->len;
    } else {
        w->p[w->len] = '\0'; /* grow always leaves room for it */
        p = w->p;
        n = w->len;
    }
    if (text)
        *text = p;
    if (len)
        *len = n;
    return OP_OK;
}

/* ---- checking JSON text ---- */

struct jv {
    const unsigned char *s, *end;
};

static void jv_ws(struct jv *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static bool jv_lit(struct jv *p, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0)
        return false;
    p->s += n;
    return true;
}

static size_t jv_digits(struct jv *p)
{
    const unsigned char *start = p->s;
    while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
        p->s++;
    return (size_t)(p->s - start);
}

static bool jv_number(struct jv *p)
{
    if (p->s < p->end && *p->s == '-')
        p->s++;
    if (p->s < p->end && *p->s == '0')
        p->s++;
    else if (!jv_digits(p))
        return false;
    if (p->s < p->end && *p->s == '.') {
        p->s++;
        if (!jv_digits(p))
            return false;
    }
    if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
        p->s++;
        if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
            p->s++;
        if (!jv_digits(p))
            return false;
    }
    return true;
}

/* The four hex digits of a \u escape, as a number; -1 if they are not. */
static long jv_hex4(struct jv *p)
{
    long v = 0;
    if (p->end - p->s < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int c = *p->s++, d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static bool jv_string(struct jv *p)
{
    if (p->s >= p->end || *p->s != '"')
        return false;
    p->s++;
    while (p->s < p->end) {
        unsigned char c = *p->s;
        if (c == '"') {
            p->s++;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c >= 0x80) {
            size_t k = utf8_seq(p->s, (size_t)(p->end - p->s));
            if (!k)
                return false;
            p->s += k;
            continue;
        }
        p->s++;
        if (c != '\\')
            continue;
        if (p->s >= p->end)
            return false;
        c = *p->s++;
        if (c == 'u') {
            /* a surrogate must come in a high-low pair */
            long u = jv_hex4(p);
            if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF))
                return false;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (!jv_lit(p, "\\u"))
                    return false;
                long lo = jv_hex4(p);
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return false;
            }
        } else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
            return false;
        }
    }
    return false;
}

static bool jv_value(struct jv *p, unsigned depth)
{
    jv_ws(p);
    if (p->s >= p->end)
        return false;
    unsigned char c = *p->s;
    if (c == '"')
        return jv_string(p);
    if (c == 't')
        return jv_lit(p, "true");
    if (c == 'f')
        return jv_lit(p, "false");
    if (c == 'n')
        return jv_lit(p, "null");
    if (c != '{' && c != '[')
        return jv_number(p);
    if (depth == JSONW_MAX_DEPTH)
        return false;
    bool object = c == '{';
    char close_c = object ? '}' : ']';
    p->s++;
    jv_ws(p);
    if (p->s < p->end && *p->s == close_c) {
        p->s++;
        return true;
    }
    for (;;) {
        if (object) {
            jv_ws(p);
            if (!jv_string(p))
                return false;
            jv_ws(p);
            if (p->s >= p->end || *p->s++ != ':')
                return false;
        }
        if (!jv_value(p, depth + 1))
            return false;
        jv_ws(p);
        if (p->s >= p->end)
            return false;
        c = *p->s++;
        if (c == (unsigned char)close_c)
            return true;
        if (c != ',')
            return false;
    }
}

bool jsonw_valid(const char *s, size_t n)
{
    struct jv p = {(const unsigned char *)s, (const unsigned char *)s + n};
    if (!s || !jv_value(&p, 0))
        return false;
    jv_ws(&p);
    return p.s == p.end;
}
