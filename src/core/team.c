/* team.c - shifts, the rota, presence, adherence and routing choice (team.h). */
#include "base/common.h"

#include "base/tz.h"
#include "base/utf8.h"
#include "core/team.h"
#include "core/validate.h"

/* ---- names ---- */

static const char *const presence_names[PRESENCE__COUNT] = {"offline", "online", "away", "break"};
static const char *const source_names[PSRC__COUNT] = {"agent", "idle", "logout", "expiry",
                                                      "activity"};
static const char *const mode_names[ROUTING__COUNT] = {"off", "round_robin", "least_loaded"};
static const char *const lang_names[RLANG__COUNT] = {"ignore", "prefer", "require"};

static int parse_in(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *presence_name(enum presence_status s)
{
    return (unsigned)s < PRESENCE__COUNT ? presence_names[s] : "offline";
}

int presence_parse(const char *s)
{
    return parse_in(presence_names, PRESENCE__COUNT, s);
}

const char *presence_names_list(void)
{
    return "offline, online, away, break";
}

const char *presence_source_name(enum presence_source s)
{
    return (unsigned)s < PSRC__COUNT ? source_names[s] : "agent";
}

const char *routing_mode_name(enum routing_mode m)
{
    return (unsigned)m < ROUTING__COUNT ? mode_names[m] : "off";
}

int routing_mode_parse(const char *s)
{
    return parse_in(mode_names, ROUTING__COUNT, s);
}

const char *routing_mode_names_list(void)
{
    return "off, round_robin, least_loaded";
}

const char *routing_lang_name(enum routing_lang m)
{
    return (unsigned)m < RLANG__COUNT ? lang_names[m] : "ignore";
}

int routing_lang_parse(const char *s)
{
    return parse_in(lang_names, RLANG__COUNT, s);
}

const char *routing_lang_names_list(void)
{
    return "ignore, prefer, require";
}

/* ---- local dates ---- */

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
 * calendar, without libc's one-zone-per-process time functions. */
int32_t team_date(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void team_ymd(int32_t date, int *y, int *m, int *d)
{
    int z = date + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int team_weekday(int32_t date)
{
    /* 1970-01-01 was a Thursday (3) */
    int w = (int)(((int64_t)date + 3) % 7);
    return w < 0 ? w + 7 : w;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* n decimal digits at s into *out. */
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

op_rc team_parse_date(const char *s, int32_t *out)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
        !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return OP_ERR_INVALID;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return OP_ERR_INVALID;
    *out = team_date(y, m, d);
    return OP_OK;
}

void team_format_date(int32_t date, char out[11])
{
    int y, m, d;
    team_ymd(date, &y, &m, &d);
    /* the ranges are what the compiler needs to see that 10 bytes suffice */
    y = y < 0 ? 0 : y % 10000;
    m = m < 1 || m > 12 ? 1 : m;
    d = d < 1 || d > 31 ? 1 : d;
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

op_rc team_parse_month(const char *s, int32_t *first, int32_t *last)
{
    int y, m;
    if (!s || strlen(s) != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        y < 1970 || m < 1 || m > 12)
        return OP_ERR_INVALID;
    *first = team_date(y, m, 1);
    *last = team_date(y, m, days_in_month(y, m));
    return OP_OK;
}

op_rc team_parse_hhmm(const char *s, int *out)
{
    int h, m;
    if (!s || strlen(s) != 5 || s[2] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &m) ||
        h > 23 || m > 59)
        return OP_ERR_INVALID;
    *out = h * 60 + m;
    return OP_OK;
}

void team_format_hhmm(int minute, char out[6])
{
    if (minute < 0 || minute > TEAM_DAY_MIN)
        minute = 0;
    snprintf(out, 6, "%02u:%02u", (unsigned)(minute / 60) % 100u, (unsigned)(minute % 60) % 100u);
}

op_rc team_parse_duration(const char *s, int *out)
{
    if (!s || !*s || strlen(s) > 12)
        return OP_ERR_INVALID;
    int64_t total = 0, v = -1;
    bool any_unit = false, had_h = false, had_m = false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            v = (v < 0 ? 0 : v) * 10 + (*p - '0');
            if (v > 100000)
                return OP_ERR_INVALID;
        } else if ((*p == 'h' && !had_h && !had_m) || (*p == 'm' && !had_m)) {
            if (v < 0)
                return OP_ERR_INVALID;
            total += *p == 'h' ? v * 60 : v;
            had_h |= *p == 'h';
            had_m |= *p == 'm';
            any_unit = true;
            v = -1;
        } else {
            return OP_ERR_INVALID;
        }
    }
    if (v >= 0) {
        if (any_unit)
            return OP_ERR_INVALID; /* "8h30": say "8h30m" */
        total = v;
    }
    if (total <= 0 || total > INT_MAX)
        return OP_ERR_INVALID;
    *out = (int)total;
    return OP_OK;
}

int32_t team_date_of(const struct tz *z, op_time t)
{
    int64_t s = t / 1000 - (t % 1000 < 0); /* floor */
    int64_t local = s + tz_offset(z, s);
    int64_t d = local / 86400 - (local % 86400 < 0);
    return (int32_t)d;
}

op_time team_midnight(const struct tz *z, int32_t date)
{
    return tz_utc_of_local(z, (int64_t)date * 86400) * 1000;
}

/* ---- shifts ---- */

op_rc shift_template_check(const struct shift_template *s, bool tz_known, struct op_err *err)
{
    op_rc rc = check_text("name", s->name, TEAM_SHIFT_NAME_MAX, TEXT_LINE, false, err);
    if (rc)
        return rc;
    if (s->start_min < 0 || s->start_min >= TEAM_DAY_MIN)
        return op_fail(err, OP_ERR_INVALID, "start", MSG_ERR_TEAM_HHMM);
    if (s->duration_min < 1 || s->duration_min > TEAM_DAY_MIN)
        return op_fail(err, OP_ERR_INVALID, "duration_min", MSG_ERR_RANGE, "1", "1440");
    if (s->time_zone && *s->time_zone) {
        if ((rc = check_time_zone("time_zone", s->time_zone, err)))
            return rc;
        if (!tz_known)
            return op_fail(err, OP_ERR_INVALID, "time_zone", MSG_ERR_TIME_ZONE, s->time_zone);
    }
    return OP_OK;
}

void shift_expand(const struct shift_template *s, int32_t date, const struct tz *z,
                  op_time *start, op_time *end)
{
    int64_t local = (int64_t)date * 86400 + (int64_t)s->start_min * 60;
    *start = tz_utc_of_local(z, local) * 1000;
    *end = tz_utc_of_local(z, local + (int64_t)s->duration_min * 60) * 1000;
    if (*end <= *start) /* a shift that lies wholly in a DST gap still lasts */
        *end = *start + (int64_t)s->duration_min * TEAM_MIN_MS;
}

op_rc team_interval_check(op_time from, op_time to, const char *field, struct op_err *err)
{
    if (from <= 0)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TIME);
    if (to <= from)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_TEAM_INTERVAL);
    return OP_OK;
}

/* ---- adherence ---- */

int adherence_permille(int64_t online_ms, int64_t planned_ms)
{
    if (planned_ms <= 0)
        return -1;
    int64_t v = (online_ms * 1000 + planned_ms / 2) / planned_ms;
    return (int)(v > 1000 ? 1000 : v);
}

/* The part of [s, e) that lies in [a, b). */
static int64_t overlap_ms(op_time s, op_time e, op_time a, op_time b)
{
    op_time lo = MAX(s, a), hi = MIN(e, b);
    return hi > lo ? hi - lo : 0;
}

static op_time p_end(const struct presence_interval *p, op_time now)
{
    return p->end_at ? MIN(p->end_at, now) : now;
}

/* Time in each status inside [a, b) (b already cut at now); what no
 * interval covers is offline. */
static void status_in(const struct presence_interval *p, size_t n, op_time a, op_time b,
                      op_time now, int64_t out[PRESENCE__COUNT])
{
    int64_t covered = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t ms = overlap_ms(p[i].start_at, p_end(&p[i], now), a, b);
        if ((unsigned)p[i].status < PRESENCE__COUNT) {
            out[p[i].status] += ms;
            covered += ms;
        }
    }
    int64_t len = b > a ? b - a : 0;
    if (len > covered)
        out[PRESENCE_OFFLINE] += len - covered;
}

static void shift_of(const struct adh_plan *pl, const struct presence_interval *p, size_t n,
                     op_time now, int64_t grace_ms, struct adh_shift *s)
{
    memset(s, 0, sizeof(*s));
    s->plan = *pl;
    op_time b = MIN(pl->end_at, now);
    if (b <= pl->start_at)
        return; /* not begun: nothing planned yet */
    s->planned_ms = b - pl->start_at;
    status_in(p, n, pl->start_at, b, now, s->status_ms);
    op_time first = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].status != PRESENCE_ONLINE)
            continue;
        op_time lo = MAX(p[i].start_at, pl->start_at), hi = MIN(p_end(&p[i], now), b);
        if (hi <= lo)
            continue;
        if (!first || lo < first)
            first = lo;
        if (hi > last)
            last = hi;
    }
    if (!first) {
        s->absent = true;
        s->late_ms = s->planned_ms > grace_ms ? s->planned_ms : 0;
        return;
    }
    if (first - pl->start_at > grace_ms)
        s->late_ms = first - pl->start_at;
    if (now >= pl->end_at && pl->end_at - last > grace_ms)
        s->early_ms = pl->end_at - last;
}

op_rc team_adherence(const struct adh_plan *plans, size_t n_plans,
                     const struct presence_interval *p, size_t n_p, int32_t from, int32_t to,
                     const struct tz *z, op_time now, int64_t grace_ms, struct arena *a,
                     struct adh_report *out)
{
    memset(out, 0, sizeof(*out));
    if (to < from || to - from + 1 > TEAM_RANGE_DAYS_MAX)
        return OP_ERR_INVALID;
    out->n_days = (size_t)(to - from + 1);
    out->days = arena_alloc(a, out->n_days * sizeof(*out->days));
    out->shifts = n_plans ? arena_alloc(a, n_plans * sizeof(*out->shifts)) : NULL;
    if (!out->days || (n_plans && !out->shifts))
        return OP_ERR_NOMEM;
    for (size_t d = 0; d < out->n_days; d++) {
        struct adh_day *day = &out->days[d];
        day->date = from + (int32_t)d;
        op_time lo = team_midnight(z, day->date), hi = team_midnight(z, day->date + 1);
        if (hi > now)
            hi = now;
        if (hi > lo) {
            status_in(p, n_p, lo, hi, now, day->total_ms);
        }
    }
    for (size_t i = 0; i < n_plans; i++) {
        if (plans[i].date < from || plans[i].date > to)
            continue;
        struct adh_shift *s = &out->shifts[out->n_shifts++];
        shift_of(&plans[i], p, n_p, now, grace_ms, s);
        struct adh_day *day = &out->days[plans[i].date - from];
        day->n_shifts++;
        day->planned_ms += s->planned_ms;
        for (int k = 0; k < PRESENCE__COUNT; k++)
            day->in_shift_ms[k] += s->status_ms[k];
        day->late_ms += s->late_ms;
        day->early_ms += s->early_ms;
        out->planned_ms += s->planned_ms;
        out->online_in_shift_ms += s->status_ms[PRESENCE_ONLINE];
    }
    return OP_OK;
}

/* ---- routing ---- */

bool route_eligible(const struct route_candidate *c, int cap)
{
    return c->on_shift && c->online && (cap <= 0 || c->open_tickets < cap);
}

bool route_speaks(const struct route_candidate *c, const char *lang)
{
    size_t n = strlen(lang);
    for (const char *p = c->languages ? c->languages : ""; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && n && strncmp(p, lang, n) == 0)
            return true;
        p = e;
    }
    return false;
}

/* Whether a is a better least-loaded pick than b. */
static bool less_loaded(const struct route_candidate *a, const struct route_candidate *b)
{
    if (a->open_tickets != b->open_tickets)
        return a->open_tickets < b->open_tickets;
    if (a->last_assigned_at != b->last_assigned_at)
        return a->last_assigned_at < b->last_assigned_at;
    return a->agent_id < b->agent_id;
}

int64_t route_pick(enum routing_mode mode, enum routing_lang lang_rule, const char *lang,
                   int cap, int64_t rr_last, const struct route_candidate *c, size_t n)
{
    if (mode == ROUTING_OFF)
        return 0;
    bool by_lang = lang && *lang && lang_rule != RLANG_IGNORE;
    if (by_lang && lang_rule == RLANG_PREFER) {
        by_lang = false;
        for (size_t i = 0; i < n && !by_lang; i++)
            by_lang = route_eligible(&c[i], cap) && route_speaks(&c[i], lang);
    }
    const struct route_candidate *best = NULL, *after = NULL, *lowest = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct route_candidate *x = &c[i];
        if (!route_eligible(x, cap) || (by_lang && !route_speaks(x, lang)))
            continue;
        if (mode == ROUTING_LEAST_LOADED) {
            if (!best || less_loaded(x, best))
                best = x;
            continue;
        }
        if (!lowest || x->agent_id < lowest->agent_id)
            lowest = x;
        if (x->agent_id > rr_last && (!after || x->agent_id < after->agent_id))
            after = x;
    }
    if (mode == ROUTING_ROUND_ROBIN)
        best = after ? after : lowest;
    return best ? best->agent_id : 0;
}

/* ---- settings ---- */

void team_settings_defaults(struct team_settings *s)
{
    *s = (struct team_settings){.away_after_min = 10, .grace_min = 5};
}

op_rc team_settings_check(const struct team_settings *s, struct op_err *err)
{
    if (s->away_after_min < 1 || s->away_after_min > TEAM_DAY_MIN)
        return op_fail(err, OP_ERR_INVALID, "away_after_min", MSG_ERR_RANGE, "1", "1440");
    if (s->grace_min < 0 || s->grace_min > 240)
        return op_fail(err, OP_ERR_INVALID, "grace_min", MSG_ERR_RANGE, "0", "240");
    return OP_OK;
}
