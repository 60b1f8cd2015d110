/* tz.c - a reader of the tz database's compiled files (TZif, RFC 8536,
 * versions 1 to 4) and of the POSIX TZ string in their footer.
 *
 * A zone is its transitions (UTC instants, each with the offset that starts
 * there) and, for the instants after the last one, the footer's rule: a
 * standard offset and, where the zone has summer time, the two yearly
 * changes ("CET-1CEST,M3.5.0,M10.5.0/3"). Slim files (the default of zic
 * since 2020) keep only the history and leave every future year to that
 * rule, so the rule is not optional.
 *
 * Leap seconds (the "right/" zones) are ignored: opora counts POSIX time. */
#include "base/common.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/tz.h"

#define TZ_FILE_MAX (1 << 20)   /* the largest real TZif file is under 4 KiB */
#define TZ_NAME_MAX 255
#define TZ_TIMES_MAX 100000
#define TZ_OFF_MAX 93600        /* |offset| of any real zone, with room (26 h) */
#define TZ_RULE_SECS_MAX (167 * 3600) /* RFC 8536 3.3.1: -167..167 hours */

/* One yearly change of a footer rule: Jn (1..365, no Feb 29), n (0..365,
 * Feb 29 counted) or Mm.w.d (day d, Sunday = 0, of week w, 5 = last, of
 * month m), at `secs` local time. */
struct tz_rule {
    char kind;              /* 'J', 'N' or 'M' */
    int m, w, d, n;
    int32_t secs;
};

struct tz {
    struct tz *next;        /* the list of loaded zones */
    char *name;
    int64_t *at;            /* transitions, ascending */
    uint8_t *type;          /* the type each transition starts */
    size_t n;
    int32_t *off;           /* seconds east of UTC, per type; type 0 before at[0] */
    size_t ntypes;
    bool footer;            /* the rule below applies from at[n-1] on */
    bool has_dst;
    int32_t std, dst;       /* seconds east of UTC */
    struct tz_rule start, end; /* start in standard time, end in summer time */
};

static int32_t utc_off0[1] = {0};
static char utc_name[] = "UTC";
static struct tz utc_zone = {.name = utc_name, .off = utc_off0, .ntypes = 1};

static pthread_mutex_t loaded_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tz *loaded; /* reachable from here for the life of the process */

/* ---- civil dates ---- */

/* Days since 1970-01-01 of y-m-d, proleptic Gregorian (eras of 400 years).
 * core/calendar.c has the same arithmetic; base does not depend on core. */
static int64_t days_of(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t year_of(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- the footer: a POSIX TZ string ---- */

/* The local day (days since the epoch) rule r falls on in year y. */
static int64_t rule_day(const struct tz_rule *r, int64_t y)
{
    int64_t jan1 = days_of(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60);
    if (r->kind == 'N')
        return jan1 + r->n;
    int64_t first = days_of(y, r->m, 1);
    int wd = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday (4) */
    int64_t day = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
    int64_t next = r->m == 12 ? days_of(y + 1, 1, 1) : days_of(y, r->m + 1, 1);
    while (day >= next) /* week 5 means the last one */
        day -= 7;
    return day;
}

/* A zone abbreviation: three or more letters, or <anything quoted>. */
static bool parse_abbr(const char **p)
{
    const char *s = *p;
    if (*s == '<') {
        s++;
        while (*s && *s != '>')
            s++;
        if (*s != '>' || s - *p < 2)
            return false;
        *p = s + 1;
        return true;
    }
    while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
        s++;
    if (s - *p < 3)
        return false;
    *p = s;
    return true;
}

/* [+-]hh[:mm[:ss]] with hh up to max_h, as seconds. */
static bool parse_hms(const char **p, int max_h, int32_t *out)
{
    const char *s = *p;
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    int part[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            if (*s != ':')
                break;
            s++;
        }
        int nd = 0, v = 0;
        while (*s >= '0' && *s <= '9' && nd < 3) {
            v = v * 10 + (*s++ - '0');
            nd++;
        }
        if (nd == 0 || (i > 0 && (nd != 2 || v > 59)))
            return false;
        part[i] = v;
    }
    if (part[0] > max_h)
        return false;
    *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
    *p = s;
    return true;
}

static bool parse_num(const char **p, int lo, int hi, int *out)
{
    const char *s = *p;
    int v = 0, nd = 0;
    while (*s >= '0' && *s <= '9' && nd < 4) {
        v = v * 10 + (*s++ - '0');
        nd++;
    }
    if (nd == 0 || v < lo || v > hi)
        return false;
    *out = v;
    *p = s;
    return true;
}

/* Jn | n | Mm.w.d, then an optional /time (default 02:00). */
static bool parse_rule(const char **p, struct tz_rule *r)
{
    const char *s = *p;
    memset(r, 0, sizeof(*r));
    if (*s == 'J') {
        s++;
        r->kind = 'J';
        if (!parse_num(&s, 1, 365, &r->n))
            return false;
    } else if (*s == 'M') {
        s++;
        r->kind = 'M';
        if (!parse_num(&s, 1, 12, &r->m) || *s++ != '.' || !parse_num(&s, 1, 5, &r->w) ||
            *s++ != '.' || !parse_num(&s, 0, 6, &r->d))
            return false;
    } else {
        r->kind = 'N';
        if (!parse_num(&s, 0, 365, &r->n))
            return false;
    }
    r->secs = 7200;
    if (*s == '/') {
        s++;
        if (!parse_hms(&s, 167, &r->secs))
            return false;
    }
    *p = s;
    return true;
}

/* std offset [dst [offset] [,start[/time],end[/time]]]. POSIX offsets are
 * west of Greenwich ("MSK-3" is UTC+3); z keeps them east. */
static bool parse_footer(const char *s, struct tz *z)
{
    int32_t w;
    if (!parse_abbr(&s) || !parse_hms(&s, 24, &w))
        return false;
    z->std = -w;
    z->has_dst = false;
    if (*s == '\0')
        return true;
    if (!parse_abbr(&s))
        return false;
    z->has_dst = true;
    z->dst = z->std + 3600;
    if (*s && *s != ',') {
        if (!parse_hms(&s, 24, &w))
            return false;
        z->dst = -w;
    }
    if (*s == '\0') {
        /* no rule: POSIX leaves it to the implementation; glibc and the
         * tz code use the US rule. zic always writes one. */
        const char *us = "M3.2.0,M11.1.0";
        return parse_rule(&us, &z->start) && *us++ == ',' && parse_rule(&us, &z->end);
    }
    if (*s++ != ',' || !parse_rule(&s, &z->start) || *s++ != ',' || !parse_rule(&s, &z->end))
        return false;
    return *s == '\0';
}

/* The footer's offset at t and the interval [from, until) it holds over. */
static int32_t footer_at(const struct tz *z, int64_t t, int64_t *from, int64_t *until)
{
    *from = INT64_MIN;
    *until = INT64_MAX;
    if (!z->has_dst)
        return z->std;
    /* The changes of the years around t's, in order. Ties put the end of
     * summer time first, so that a zone in summer time all year (a start
     * on Jan 1 00:00 meeting last year's end) stays in it. */
    struct { int64_t at; bool dst; } ev[6], tmp;
    int64_t y = year_of(floor_div(t + z->std, 86400));
    int n = 0;
    for (int64_t yy = y - 1; yy <= y + 1; yy++) {
        ev[n].at = rule_day(&z->start, yy) * 86400 + z->start.secs - z->std;
        ev[n++].dst = true;
        ev[n].at = rule_day(&z->end, yy) * 86400 + z->end.secs - z->dst;
        ev[n++].dst = false;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            bool later = ev[j - 1].at > ev[j].at || (ev[j - 1].at == ev[j].at && ev[j - 1].dst);
            if (!later)
                break;
            tmp = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = tmp;
        }
    int last = -1;
    for (int i = 0; i < n && ev[i].at <= t; i++)
        last = i;
    if (last < 0) {
        *until = ev[0].at;
        return ev[0].dst ? z->std : z->dst;
    }
    *from = ev[last].at;
    if (last + 1 < n)
        *until = ev[last + 1].at;
    return ev[last].dst ? z->dst : z->std;
}

/* ---- offsets ---- */

int32_t tz_offset_range(const struct tz *z, int64_t utc_s, int64_t *from, int64_t *until)
{
    int64_t f, u;
    int32_t off;
    size_t n = z->n;
    if (z->footer && (n == 0 || utc_s >= z->at[n - 1])) {
        off = footer_at(z, utc_s, &f, &u);
        if (n > 0 && f < z->at[n - 1])
            f = z->at[n - 1];
    } else if (n == 0) {
        off = z->off[0];
        f = INT64_MIN;
        u = INT64_MAX;
    } else if (utc_s < z->at[0]) {
        off = z->off[0];
        f = INT64_MIN;
        u = z->at[0];
    } else {
        size_t lo = 0, hi = n; /* the last at[i] <= utc_s is in [lo, hi) */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (z->at[mid] <= utc_s)
                lo = mid;
            else
                hi = mid;
        }
        off = z->off[z->type[lo]];
        f = z->at[lo];
        u = lo + 1 < n ? z->at[lo + 1] : INT64_MAX;
    }
    if (from)
        *from = f;
    if (until)
        *until = u;
    return off;
}

int32_t tz_offset(const struct tz *z, int64_t utc_s)
{
    return tz_offset_range(z, utc_s, NULL, NULL);
}

int64_t tz_utc_of_local(const struct tz *z, int64_t local_s)
{
    /* Any instant whose wall time is local_s lies within 26 hours of it;
     * with the offsets a (before that window) and b (after it) there are at
     * most two candidates: both valid is an overlap (take the earlier), none
     * valid is a gap (take the instant it ends). */
    int32_t a = tz_offset(z, local_s - TZ_OFF_MAX);
    int32_t b = tz_offset(z, local_s + TZ_OFF_MAX);
    int64_t ua = local_s - a, ub = local_s - b;
    bool va = tz_offset(z, ua) == a, vb = tz_offset(z, ub) == b;
    if (va && vb)
        return MIN(ua, ub);
    if (va)
        return ua;
    if (vb)
        return ub;
    if (a != b) {
        /* A gap: the wall clock jumps over local_s. Find where it ends: the
         * first instant whose offset differs from the one before it. */
        int64_t lo = MIN(ua, ub), hi = MAX(ua, ub);
        int32_t o = tz_offset(z, lo);
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (tz_offset(z, mid) == o)
                lo = mid;
            else
                hi = mid;
        }
        return hi;
    }
    /* Several changes within a day (none in the tz database since 1970):
     * settle on an offset by iteration. */
    int64_t u = local_s - tz_offset(z, local_s);
    for (int i = 0; i < 4; i++) {
        int32_t o = tz_offset(z, u);
        if (tz_offset(z, local_s - o) == o)
            return local_s - o;
        u = local_s - o;
    }
    return u;
}

/* ---- loading ---- */

const struct tz *tz_utc(void)
{
    return &utc_zone;
}

const char *tz_name(const struct tz *z)
{
    return z->name;
}

/* Letters, digits, "_+-" and "/" between non-empty parts; no "..", no
 * leading "/": a name must not leave the zone directory. */
static bool name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > TZ_NAME_MAX || name[0] == '/' || name[len - 1] == '/' ||
        strstr(name, "..") || strstr(name, "//"))
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+' || c == '-' || c == '/';
        if (!ok)
            return false;
    }
    return true;
}

/* Reads the whole regular file at path into a malloc'ed buffer (caller
 * frees). OP_ERR_NOTFOUND when there is no such file, OP_ERR_IO else. */
static op_rc read_file(const char *path, unsigned char **out, size_t *len)
{
    op_rc rc = OP_OK;
    unsigned char *data = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? OP_ERR_NOTFOUND : OP_ERR_IO;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = OP_ERR_IO;
        goto end;
    }
    if (!S_ISREG(st.st_mode)) { /* "Europe" is a directory, not a zone */
        rc = OP_ERR_NOTFOUND;
        goto end;
    }
    if (st.st_size > TZ_FILE_MAX) {
        rc = OP_ERR_IO;
        goto end;
    }
    size_t size = (size_t)st.st_size, got = 0;
    data = malloc(size + 1);
    if (!data) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = OP_ERR_IO;
            goto end;
        }
        got += (size_t)r;
    }
    data[size] = 0;
    *out = data;
    *len = size;
    data = NULL;
end:
    free(data);
    close(fd);
    return rc;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

/* The size of the data block after a header with counts c, times of
 * `w` bytes (4 in version 1, 8 after). */
static size_t block_size(const struct tzif_counts *c, size_t w)
{
    return c->time * w + c->time + c->type * 6 + c->chars + c->leap * (w + 4) + c->isstd + c->isut;
}

static bool read_header(const unsigned char *p, size_t len, struct tzif_counts *c)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return false;
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    /* Bound every count so that block_size cannot overflow. */
    return c->type >= 1 && c->type <= 256 && c->time <= TZ_TIMES_MAX && c->leap <= TZ_TIMES_MAX &&
           c->chars <= 65536 && (c->isstd == 0 || c->isstd == c->type) &&
           (c->isut == 0 || c->isut == c->type);
}

/* Fills z's transitions and types from a TZif file. OP_ERR_NOTFOUND when
 * the data is not TZif at all (a stray file in the zone directory),
 * OP_ERR_IO when it is but is damaged, OP_ERR_NOMEM. */
static op_rc parse_tzif(const unsigned char *p, size_t len, struct tz *z)
{
    struct tzif_counts c;
    if (len < 4 || memcmp(p, "TZif", 4) != 0)
        return OP_ERR_NOTFOUND;
    if (!read_header(p, len, &c))
        return OP_ERR_IO;
    char version = (char)p[4];
    size_t w = 4;
    const unsigned char *d = p + 44, *lim = p + len;
    if (version >= '2') {
        /* Skip the 32-bit block: the 64-bit one after it is complete. */
        size_t skip = block_size(&c, 4);
        if ((size_t)(lim - d) < skip)
            return OP_ERR_IO;
        d += skip;
        if (!read_header(d, (size_t)(lim - d), &c))
            return OP_ERR_IO;
        d += 44;
        w = 8;
    }
    if ((size_t)(lim - d) < block_size(&c, w))
        return OP_ERR_IO;
    z->n = c.time;
    z->ntypes = c.type;
    z->at = calloc(c.time ? c.time : 1, sizeof(*z->at));
    z->type = calloc(c.time ? c.time : 1, 1);
    z->off = calloc(c.type, sizeof(*z->off));
    if (!z->at || !z->type || !z->off)
        return OP_ERR_NOMEM;
    for (size_t i = 0; i < c.time; i++, d += w) {
        z->at[i] = w == 8 ? be64(d) : (int64_t)(int32_t)be32(d);
        if (i > 0 && z->at[i] <= z->at[i - 1])
            return OP_ERR_IO;
    }
    for (size_t i = 0; i < c.time; i++, d++) {
        if (*d >= c.type)
            return OP_ERR_IO;
        z->type[i] = *d;
    }
    for (size_t i = 0; i < c.type; i++, d += 6) {
        int32_t off = (int32_t)be32(d);
        if (off < -TZ_OFF_MAX || off > TZ_OFF_MAX)
            return OP_ERR_IO;
        z->off[i] = off;
    }
    d += c.chars + c.leap * (w + 4) + c.isstd + c.isut;
    z->footer = false;
    if (version >= '2' && d < lim && *d == '\n') {
        const unsigned char *s = d + 1, *e = s;
        while (e < lim && *e != '\n')
            e++;
        if (e == lim)
            return OP_ERR_IO;
        if (e > s) { /* an empty footer: no rule, the last type goes on */
            char buf[256];
            size_t n = (size_t)(e - s);
            if (n >= sizeof(buf))
                return OP_ERR_IO;
            memcpy(buf, s, n);
            buf[n] = 0;
            if (!parse_footer(buf, z))
                return OP_ERR_IO;
            z->footer = true;
        }
    }
    return OP_OK;
}

static void tz_free(struct tz *z)
{
    if (!z || z == &utc_zone)
        return;
    free(z->name);
    free(z->at);
    free(z->type);
    free(z->off);
    free(z);
}

/* Reads and parses the zone file of name; the caller holds loaded_mu. */
static op_rc load_zone(const char *name, struct tz **out)
{
    op_rc rc;
    unsigned char *data = NULL;
    size_t len = 0;
    struct tz *z = NULL;
    const char *dir = getenv("TZDIR");
    char path[1024];
    int n = snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        rc = OP_ERR_NOTFOUND;
        goto end;
    }
    rc = read_file(path, &data, &len);
    if (rc)
        goto end;
    z = calloc(1, sizeof(*z));
    if (!z || !(z->name = strdup(name))) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    rc = parse_tzif(data, len, z);
    if (rc)
        goto end;
    *out = z;
    z = NULL;
end:
    tz_free(z);
    free(data);
    return rc;
}

op_rc tz_load(const char *name, const struct tz **out)
{
    if (!name || !name_ok(name))
        return OP_ERR_NOTFOUND;
    if (strcmp(name, "UTC") == 0) {
        *out = &utc_zone;
        return OP_OK;
    }
    op_rc rc = OP_OK;
    pthread_mutex_lock(&loaded_mu);
    struct tz *z;
    for (z = loaded; z; z = z->next)
        if (strcmp(z->name, name) == 0)
            break;
    if (!z) {
        /* Loading under the lock: it happens once per zone, and a second
         * thread asking for the same zone then finds it here. */
        rc = load_zone(name, &z);
        if (rc == OP_OK) {
            z->next = loaded;
            loaded = z;
        }
    }
    pthread_mutex_unlock(&loaded_mu);
    if (rc == OP_OK)
        *out = z;
    return rc;
}

void tz_cleanup(void)
{
    pthread_mutex_lock(&loaded_mu);
    while (loaded) {
        struct tz *z = loaded;
        loaded = z->next;
        tz_free(z);
    }
    pthread_mutex_unlock(&loaded_mu);
}
