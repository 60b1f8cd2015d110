/* calendar.c - business-hours arithmetic: working time between instants,
 * and the instant a given amount of working time runs out.
 *
 * Both walk the calendar day by day and span by span (a day has at most
 * CAL_SPANS_MAX spans), never minute by minute. Within one call a cursor
 * keeps the zone offset and the interval it holds over, so that turning a
 * local wall time into an instant is a subtraction except near a DST change,
 * and another cursor steps through the sorted exceptions, found once by
 * binary search. Nothing is cached between calls.
 *
 * Boundary rule: working time is [from, to) of each span. An amount that
 * runs out exactly at the end of a span is due at that end (13:00 with
 * 09:00-13:00 + 14:00-18:00), not at the start of the next span; a start
 * exactly at the end of a span is outside working time. */
#include "base/common.h"

#include "core/calendar.h"

#include "base/tz.h"
#include "i18n/i18n.h"

#define DAY_S 86400
#define DAY_MIN 1440
/* Ten years of days (with their leap days, and one more for a start on
 * the previous local date): cal_add gives up after that. */
#define ADD_HORIZON_DAYS (3653 + 2)
/* cal_between counts at most 400 years: nothing in opora measures further,
 * and the cap keeps a stray OP_TIME_NEVER as an end from walking 290
 * million years. */
#define BETWEEN_MAX_DAYS 146097
/* No two offsets of a zone differ by more than this (tz.c admits +-26 h):
 * an instant that far inside a constant-offset interval is the only one
 * with its wall time. */
#define OFFSET_SPREAD_S (2 * 93600)
/* The instants the arithmetic works on: years 0000 to 9999. Outside them
 * the day numbers and the conversions to ms could overflow. */
#define T_MIN ((op_time)-62167219200000)
#define T_MAX ((op_time)253402300800000)

static const struct cal_day no_hours = {0};
static const struct cal_day all_day = {1, {{0, DAY_MIN}}};

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- local dates ---- */

int32_t cal_date(int y, int m, int d)
{
    /* days from civil, proleptic Gregorian, in eras of 400 years */
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void cal_ymd(int32_t date, int *y, int *m, int *d)
{
    int64_t z = (int64_t)date + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = mm;
    *y = (int)(yoe + era * 400 + (mm <= 2));
}

int cal_weekday(int32_t date)
{
    return (int)((((int64_t)date + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

static op_time clamp_time(op_time t)
{
    return t < T_MIN ? T_MIN : t > T_MAX ? T_MAX : t;
}

int32_t cal_date_of(const struct calendar *c, op_time t)
{
    int64_t s = floor_div(clamp_time(t), 1000);
    return (int32_t)floor_div(s + tz_offset(c->tz, s), DAY_S);
}

op_time cal_local(const struct calendar *c, int32_t date, int minute)
{
    return tz_utc_of_local(c->tz, (int64_t)date * DAY_S + (int64_t)minute * 60) * 1000;
}

static int days_in_month(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : mdays[m - 1];
}

/* n decimal digits at s, all of them digits. */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static void put_digits(char *p, int v, int n)
{
    while (n--) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

op_rc cal_parse_date(const char *s, int32_t *out)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
        !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return OP_ERR_INVALID;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return OP_ERR_INVALID;
    *out = cal_date(y, m, d);
    return OP_OK;
}

void cal_format_date(int32_t date, char out[11])
{
    int y, m, d;
    cal_ymd(date, &y, &m, &d);
    y = y < 0 ? 0 : y > 9999 ? 9999 : y; /* outside what cal_parse_date reads */
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = 0;
}

op_rc cal_parse_hhmm(const char *s, int *out)
{
    int h, m;
    if (!s || strlen(s) != 5 || s[2] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &m))
        return OP_ERR_INVALID;
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return OP_ERR_INVALID;
    *out = h * 60 + m;
    return OP_OK;
}

void cal_format_hhmm(int minute, char out[6])
{
    minute = minute < 0 ? 0 : minute > DAY_MIN ? DAY_MIN : minute;
    put_digits(out, minute / 60, 2);
    out[2] = ':';
    put_digits(out + 3, minute % 60, 2);
    out[5] = 0;
}

/* ---- validation ---- */

/* "09:00-18:00" for messages; out of range minutes as they are. */
static void format_span(const struct cal_span *s, char out[32])
{
    int f = s->from, t = s->to;
    snprintf(out, 32, "%s%02d:%02d-%s%02d:%02d", f < 0 ? "-" : "", abs(f) / 60, abs(f) % 60,
             t < 0 ? "-" : "", abs(t) / 60, abs(t) % 60);
}

/* Checks one day's spans; label says which day ("mon", "2026-01-09"). */
static op_rc check_day(const struct cal_day *day, const char *field, const char *label,
                       struct op_err *err)
{
    char a[32], b[32], max[8];
    if (day->n > CAL_SPANS_MAX) {
        snprintf(max, sizeof(max), "%d", CAL_SPANS_MAX);
        return op_fail(err, OP_ERR_INVALID, field, MSG_CAL_SPANS_TOO_MANY, label, max);
    }
    for (int k = 0; k < day->n; k++) {
        const struct cal_span *s = &day->s[k];
        if (s->from < 0 || s->to > DAY_MIN || s->from >= s->to) {
            format_span(s, a);
            return op_fail(err, OP_ERR_INVALID, field, MSG_CAL_SPAN_BAD, label, a);
        }
        if (k == 0)
            continue;
        const struct cal_span *p = &day->s[k - 1];
        format_span(p, a);
        format_span(s, b);
        if (s->from < p->from)
            return op_fail(err, OP_ERR_INVALID, field, MSG_CAL_SPAN_ORDER, label, a, b);
        if (s->from <= p->to)
            return op_fail(err, OP_ERR_INVALID, field, MSG_CAL_SPAN_OVERLAP, label, a, b);
    }
    return OP_OK;
}

op_rc cal_validate(const struct calendar *c, struct op_err *err)
{
    static const char *const day_key[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    char date[11], prev[11], buf[16];
    op_rc rc;
    if (!c->tz)
        return op_fail(err, OP_ERR_INVALID, "time_zone", MSG_ERR_REQUIRED);
    if (c->always)
        return OP_OK;
    bool any = false;
    for (int i = 0; i < 7; i++) {
        rc = check_day(&c->week[i], "hours", day_key[i], err);
        if (rc)
            return rc;
        any |= c->week[i].n > 0;
    }
    if (!any)
        return op_fail(err, OP_ERR_INVALID, "hours", MSG_CAL_NO_HOURS);
    if (c->n_exc > CAL_EXCEPTIONS_MAX) {
        snprintf(buf, sizeof(buf), "%d", CAL_EXCEPTIONS_MAX);
        return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_ERR_TOO_MANY, buf);
    }
    const int32_t lo = cal_date(1900, 1, 1), hi = cal_date(9999, 12, 31);
    for (size_t i = 0; i < c->n_exc; i++) {
        const struct cal_exception *e = &c->exc[i];
        if (e->date < lo || e->date > hi)
            return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_ERR_RANGE, "1900-01-01",
                           "9999-12-31");
        cal_format_date(e->date, date);
        if (i > 0) {
            cal_format_date(c->exc[i - 1].date, prev);
            if (e->date < c->exc[i - 1].date)
                return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_CAL_EXC_ORDER, date, prev);
            if (e->date == c->exc[i - 1].date)
                return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_CAL_EXC_DUPLICATE, date);
        }
        if (e->kind == CAL_HOLIDAY) {
            if (e->hours.n != 0)
                return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_CAL_HOLIDAY_HOURS, date);
        } else if (e->kind == CAL_WORKDAY) {
            rc = check_day(&e->hours, "exceptions", date, err);
            if (rc)
                return rc;
        } else {
            snprintf(buf, sizeof(buf), "%d", (int)e->kind);
            return op_fail(err, OP_ERR_INVALID, "exceptions", MSG_ERR_ENUM, buf,
                           "holiday, workday");
        }
    }
    return OP_OK;
}

/* ---- the hours of a day ---- */

/* The hours a CAL_WORKDAY exception without hours of its own works: the
 * first weekday, Monday first, that has any. */
static const struct cal_day *usual_day(const struct calendar *c)
{
    for (int i = 0; i < 7; i++)
        if (c->week[i].n > 0)
            return &c->week[i];
    return &no_hours;
}

/* The index of the first exception dated on or after date. */
static size_t exc_lower_bound(const struct calendar *c, int32_t date)
{
    size_t lo = 0, hi = c->n_exc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->exc[mid].date < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The hours of date; *ei is a cursor into the exceptions that only moves
 * forward, so that walking dates in order finds each exception once. */
static const struct cal_day *day_hours(const struct calendar *c, const struct cal_day *usual,
                                       int32_t date, size_t *ei)
{
    while (*ei < c->n_exc && c->exc[*ei].date < date)
        (*ei)++;
    if (*ei < c->n_exc && c->exc[*ei].date == date) {
        const struct cal_exception *e = &c->exc[*ei];
        if (e->kind == CAL_HOLIDAY)
            return &no_hours;
        return e->hours.n > 0 ? &e->hours : usual;
    }
    return &c->week[cal_weekday(date)];
}

const struct cal_day *cal_hours_on(const struct calendar *c, int32_t date)
{
    if (c->always)
        return &all_day;
    size_t ei = exc_lower_bound(c, date);
    return day_hours(c, usual_day(c), date, &ei);
}

/* ---- local wall time to instants, for one walk ---- */

struct zone_cursor {
    const struct tz *z;
    bool ok;
    int32_t off;            /* the offset over [from, until) */
    int64_t safe_from;      /* from + OFFSET_SPREAD_S */
    int64_t until;
};

/* The instant (ms) of local wall second local_s, as tz_utc_of_local. The
 * subtraction is the answer when it lands where the offset is known and far
 * enough past the last change that no earlier instant has the same wall
 * time; anything else (a gap, an overlap, another interval) asks the zone. */
static op_time zone_local(struct zone_cursor *zc, int64_t local_s)
{
    if (zc->ok) {
        int64_t u = local_s - zc->off;
        if (u >= zc->safe_from && u < zc->until)
            return u * 1000;
    }
    int64_t u = tz_utc_of_local(zc->z, local_s), from;
    zc->off = tz_offset_range(zc->z, u, &from, &zc->until);
    zc->safe_from = from > INT64_MAX - OFFSET_SPREAD_S ? INT64_MAX : from + OFFSET_SPREAD_S;
    zc->ok = true;
    return u * 1000;
}

/* The instants [*s, *e) of span k of a day whose midnight is local_day_s. */
static void span_instants(struct zone_cursor *zc, int64_t local_day_s, const struct cal_span *sp,
                          op_time *s, op_time *e)
{
    *s = zone_local(zc, local_day_s + (int64_t)sp->from * 60);
    *e = zone_local(zc, local_day_s + (int64_t)sp->to * 60);
}

/* ---- arithmetic ---- */

bool cal_is_working(const struct calendar *c, op_time t)
{
    if (c->always)
        return true;
    if (t < T_MIN || t > T_MAX)
        return false;
    struct zone_cursor zc = {.z = c->tz};
    const struct cal_day *usual = usual_day(c);
    int32_t d0 = cal_date_of(c, t) - 1;
    size_t ei = exc_lower_bound(c, d0);
    for (int32_t d = d0; d <= d0 + 2; d++) {
        const struct cal_day *h = day_hours(c, usual, d, &ei);
        for (int k = 0; k < h->n; k++) {
            op_time s, e;
            span_instants(&zc, (int64_t)d * DAY_S, &h->s[k], &s, &e);
            if (s <= t && t < e)
                return true;
        }
    }
    return false;
}

op_time cal_add(const struct calendar *c, op_time start, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    if (c->always) {
        op_time due;
        return __builtin_add_overflow(start, ms, &due) ? OP_TIME_NEVER : due;
    }
    if (start < T_MIN || start > T_MAX)
        return OP_TIME_NEVER;
    struct zone_cursor zc = {.z = c->tz};
    const struct cal_day *usual = usual_day(c);
    /* From the day before: it costs one day and needs no proof that no
     * zone's history lets a span of the previous date end after start. */
    int32_t d = cal_date_of(c, start) - 1;
    size_t ei = exc_lower_bound(c, d);
    for (int32_t end = d + ADD_HORIZON_DAYS; d <= end; d++) {
        const struct cal_day *h = day_hours(c, usual, d, &ei);
        for (int k = 0; k < h->n; k++) {
            op_time s, e;
            span_instants(&zc, (int64_t)d * DAY_S, &h->s[k], &s, &e);
            if (s < start)
                s = start;
            if (e <= s) /* passed, or wiped out by a DST gap */
                continue;
            if (ms <= e - s)
                return s + ms;
            ms -= e - s;
        }
    }
    return OP_TIME_NEVER;
}

int64_t cal_between(const struct calendar *c, op_time a, op_time b)
{
    if (b <= a)
        return 0;
    if (c->always) {
        int64_t d;
        return __builtin_sub_overflow(b, a, &d) ? INT64_MAX : d;
    }
    a = clamp_time(a);
    b = clamp_time(b);
    if (b - a > (int64_t)BETWEEN_MAX_DAYS * DAY_S * 1000)
        b = a + (int64_t)BETWEEN_MAX_DAYS * DAY_S * 1000;
    struct zone_cursor zc = {.z = c->tz};
    const struct cal_day *usual = usual_day(c);
    int32_t d = cal_date_of(c, a) - 1, last = cal_date_of(c, b) + 1;
    size_t ei = exc_lower_bound(c, d);
    int64_t sum = 0;
    for (; d <= last; d++) {
        const struct cal_day *h = day_hours(c, usual, d, &ei);
        for (int k = 0; k < h->n; k++) {
            op_time s, e;
            span_instants(&zc, (int64_t)d * DAY_S, &h->s[k], &s, &e);
            if (s >= b)
                return sum;
            if (s < a)
                s = a;
            if (e > b)
                e = b;
            if (e > s)
                sum += e - s;
        }
    }
    return sum;
}
