/* test_team.c - the team's rules (src/core/team.c): local dates, shift
 * expansion across midnight and DST in Europe/Berlin, overlaps, adherence
 * worked out by hand, and the routing choice: round-robin fairness over
 * 1,000 tickets, least-loaded, caps, languages, ineligible agents skipped. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "base/tz.h"
#include "core/team.h"

#define MIN_MS TEAM_MIN_MS

static op_time at(const char *iso)
{
    op_time t = 0;
    if (time_parse_iso(iso, &t) != OP_OK)
        fail_msg("bad time in test: %s", iso);
    return t;
}

static int32_t day(const char *s)
{
    int32_t d = 0;
    assert_int_equal(team_parse_date(s, &d), OP_OK);
    return d;
}

static const struct tz *berlin(void)
{
    const struct tz *z = NULL;
    assert_int_equal(tz_load("Europe/Berlin", &z), OP_OK);
    return z;
}

/* ---- dates ---- */

static void test_dates(void **state)
{
    UNUSED(state);
    assert_int_equal(team_date(1970, 1, 1), 0);
    assert_int_equal(team_date(2026, 12, 1), 20788);
    int y, m, d;
    team_ymd(20788, &y, &m, &d);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 12);
    assert_int_equal(d, 1);
    for (int32_t x = 0; x < 30000; x += 37) { /* round trips over leap years */
        char s[11];
        team_format_date(x, s);
        assert_int_equal(day(s), x);
    }
    assert_int_equal(team_weekday(day("2026-12-01")), 1); /* a Tuesday */
    assert_int_equal(team_weekday(day("2026-12-06")), 6); /* a Sunday */

    int32_t out;
    assert_int_equal(team_parse_date("2024-02-29", &out), OP_OK);
    assert_int_equal(team_parse_date("2026-02-29", &out), OP_ERR_INVALID);
    assert_int_equal(team_parse_date("2026-13-01", &out), OP_ERR_INVALID);
    assert_int_equal(team_parse_date("2026-1-01", &out), OP_ERR_INVALID);
    assert_int_equal(team_parse_date("2026-01-01x", &out), OP_ERR_INVALID);

    int32_t first, last;
    assert_int_equal(team_parse_month("2026-02", &first, &last), OP_OK);
    assert_int_equal(last - first, 27);
    assert_int_equal(team_parse_month("2028-02", &first, &last), OP_OK);
    assert_int_equal(last - first, 28);
    assert_int_equal(team_parse_month("2026-00", &first, &last), OP_ERR_INVALID);

    int mm;
    assert_int_equal(team_parse_hhmm("09:00", &mm), OP_OK);
    assert_int_equal(mm, 540);
    assert_int_equal(team_parse_hhmm("23:59", &mm), OP_OK);
    assert_int_equal(mm, 1439);
    assert_int_equal(team_parse_hhmm("24:00", &mm), OP_ERR_INVALID);
    assert_int_equal(team_parse_hhmm("9:00", &mm), OP_ERR_INVALID);
    char hm[6];
    team_format_hhmm(1320, hm);
    assert_string_equal(hm, "22:00");

    assert_int_equal(team_parse_duration("9h", &mm), OP_OK);
    assert_int_equal(mm, 540);
    assert_int_equal(team_parse_duration("8h30m", &mm), OP_OK);
    assert_int_equal(mm, 510);
    assert_int_equal(team_parse_duration("90m", &mm), OP_OK);
    assert_int_equal(mm, 90);
    assert_int_equal(team_parse_duration("90", &mm), OP_OK);
    assert_int_equal(mm, 90);
    assert_int_equal(team_parse_duration("8h30", &mm), OP_ERR_INVALID);
    assert_int_equal(team_parse_duration("0", &mm), OP_ERR_INVALID);
    assert_int_equal(team_parse_duration("h", &mm), OP_ERR_INVALID);
    assert_int_equal(team_parse_duration("30m2h", &mm), OP_ERR_INVALID);
    assert_int_equal(team_parse_duration("-5", &mm), OP_ERR_INVALID);
}

/* ---- shifts ---- */

static void test_shift_check(void **state)
{
    UNUSED(state);
    struct op_err err;
    struct shift_template s = {.name = "day", .start_min = 540, .duration_min = 540,
                               .time_zone = ""};
    assert_int_equal(shift_template_check(&s, true, &err), OP_OK);
    s.duration_min = 1441;
    assert_int_equal(shift_template_check(&s, true, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "duration_min");
    s.duration_min = 0;
    assert_int_equal(shift_template_check(&s, true, &err), OP_ERR_INVALID);
    s.duration_min = 1440;
    assert_int_equal(shift_template_check(&s, true, &err), OP_OK);
    s.start_min = 1440;
    assert_int_equal(shift_template_check(&s, true, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "start");
    s.start_min = 0;
    s.time_zone = "Mars/Olympus";
    assert_int_equal(shift_template_check(&s, false, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "time_zone");
    assert_int_equal(err.msg, MSG_ERR_TIME_ZONE);
    s.time_zone = "../etc/passwd";
    assert_int_equal(shift_template_check(&s, true, &err), OP_ERR_INVALID);
    s.time_zone = "";
    s.name = "  ";
    assert_int_equal(shift_template_check(&s, true, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "name");
}

static void test_shift_expand(void **state)
{
    UNUSED(state);
    const struct tz *z = berlin();
    op_time s, e;
    struct shift_template dayshift = {.name = "day", .start_min = 9 * 60, .duration_min = 9 * 60};
    struct shift_template night = {.name = "night", .start_min = 22 * 60, .duration_min = 8 * 60};

    /* winter, CET = UTC+1 */
    shift_expand(&dayshift, day("2026-01-15"), z, &s, &e);
    assert_int_equal(s, at("2026-01-15T08:00:00Z"));
    assert_int_equal(e, at("2026-01-15T17:00:00Z"));
    /* summer, CEST = UTC+2 */
    shift_expand(&dayshift, day("2026-07-15"), z, &s, &e);
    assert_int_equal(s, at("2026-07-15T07:00:00Z"));
    assert_int_equal(e, at("2026-07-15T16:00:00Z"));
    /* across midnight: ends on the next local day */
    shift_expand(&night, day("2026-01-15"), z, &s, &e);
    assert_int_equal(s, at("2026-01-15T21:00:00Z"));
    assert_int_equal(e, at("2026-01-16T05:00:00Z"));
    /* the night the clocks go forward (2026-03-29 02:00 CET -> 03:00 CEST):
     * 22:00 to 06:00 wall clock is 7 real hours */
    shift_expand(&night, day("2026-03-28"), z, &s, &e);
    assert_int_equal(s, at("2026-03-28T21:00:00Z"));
    assert_int_equal(e, at("2026-03-29T04:00:00Z"));
    assert_int_equal(e - s, 7 * 60 * MIN_MS);
    /* the night they go back (2026-10-25 03:00 CEST -> 02:00 CET): 9 hours */
    shift_expand(&night, day("2026-10-24"), z, &s, &e);
    assert_int_equal(s, at("2026-10-24T20:00:00Z"));
    assert_int_equal(e, at("2026-10-25T05:00:00Z"));
    assert_int_equal(e - s, 9 * 60 * MIN_MS);
    /* a start inside the gap begins when the gap ends (03:00 CEST) */
    struct shift_template gap = {.name = "gap", .start_min = 2 * 60 + 30, .duration_min = 60};
    shift_expand(&gap, day("2026-03-29"), z, &s, &e);
    assert_int_equal(s, at("2026-03-29T01:00:00Z"));
    assert_int_equal(e, at("2026-03-29T01:30:00Z"));
    /* a 24 h shift */
    struct shift_template full = {.name = "24", .start_min = 8 * 60, .duration_min = 1440};
    shift_expand(&full, day("2026-01-15"), z, &s, &e);
    assert_int_equal(e - s, 24 * 60 * MIN_MS);

    /* local dates and midnights in Berlin */
    assert_int_equal(team_date_of(z, at("2026-01-15T23:30:00Z")), day("2026-01-16"));
    assert_int_equal(team_date_of(z, at("2026-01-15T22:59:59Z")), day("2026-01-15"));
    assert_int_equal(team_midnight(z, day("2026-07-15")), at("2026-07-14T22:00:00Z"));
}

static void test_overlaps(void **state)
{
    UNUSED(state);
    assert_true(team_overlaps(0, 10, 5, 15));
    assert_true(team_overlaps(5, 15, 0, 10));
    assert_true(team_overlaps(0, 10, 2, 3));
    assert_true(team_overlaps(2, 3, 0, 10));
    assert_false(team_overlaps(0, 10, 10, 20)); /* touching */
    assert_false(team_overlaps(10, 20, 0, 10));
    assert_false(team_overlaps(0, 10, 11, 20));

    /* a night shift and the next morning's day shift overlap in Berlin */
    const struct tz *z = berlin();
    struct shift_template night = {.name = "night", .start_min = 22 * 60, .duration_min = 10 * 60};
    struct shift_template early = {.name = "early", .start_min = 7 * 60, .duration_min = 8 * 60};
    op_time a0, a1, b0, b1;
    shift_expand(&night, day("2026-02-02"), z, &a0, &a1);
    shift_expand(&early, day("2026-02-03"), z, &b0, &b1);
    assert_true(team_overlaps(a0, a1, b0, b1));
    night.duration_min = 9 * 60; /* ends 07:00: touching, allowed */
    shift_expand(&night, day("2026-02-02"), z, &a0, &a1);
    assert_false(team_overlaps(a0, a1, b0, b1));

    struct op_err err;
    assert_int_equal(team_interval_check(10, 5, "end_at", &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "end_at");
    assert_int_equal(team_interval_check(10, 10, "end_at", &err), OP_ERR_INVALID);
    assert_int_equal(team_interval_check(10, 11, "end_at", &err), OP_OK);
}

/* ---- adherence ---- */

static void test_adherence(void **state)
{
    UNUSED(state);
    const struct tz *z = tz_utc();
    struct adh_plan plans[] = {
        /* 1: 09:00-17:00 */
        {1, day("2026-12-01"), "day", at("2026-12-01T09:00:00Z"), at("2026-12-01T17:00:00Z")},
        /* 2: 22:00-06:00, across midnight */
        {2, day("2026-12-02"), "night", at("2026-12-02T22:00:00Z"), at("2026-12-03T06:00:00Z")},
        /* 3: online within the grace at both ends */
        {3, day("2026-12-04"), "day", at("2026-12-04T09:00:00Z"), at("2026-12-04T17:00:00Z")},
        /* 4: under way at now (13:00), never online: absent */
        {4, day("2026-12-05"), "day", at("2026-12-05T09:00:00Z"), at("2026-12-05T17:00:00Z")},
        /* 5: not begun */
        {5, day("2026-12-06"), "day", at("2026-12-06T09:00:00Z"), at("2026-12-06T17:00:00Z")},
        /* out of the range: ignored */
        {6, day("2026-12-09"), "day", at("2026-12-09T09:00:00Z"), at("2026-12-09T17:00:00Z")},
    };
    struct presence_interval p[] = {
        {1, 7, PRESENCE_ONLINE, PSRC_AGENT, at("2026-12-01T09:10:00Z"), at("2026-12-01T12:00:00Z")},
        {2, 7, PRESENCE_BREAK, PSRC_AGENT, at("2026-12-01T12:00:00Z"), at("2026-12-01T12:30:00Z")},
        {3, 7, PRESENCE_ONLINE, PSRC_AGENT, at("2026-12-01T12:30:00Z"), at("2026-12-01T16:40:00Z")},
        {4, 7, PRESENCE_OFFLINE, PSRC_AGENT, at("2026-12-01T16:40:00Z"), at("2026-12-02T21:50:00Z")},
        {5, 7, PRESENCE_ONLINE, PSRC_AGENT, at("2026-12-02T21:50:00Z"), at("2026-12-03T06:03:00Z")},
        {6, 7, PRESENCE_AWAY, PSRC_IDLE, at("2026-12-03T06:03:00Z"), at("2026-12-03T06:13:00Z")},
        {7, 7, PRESENCE_ONLINE, PSRC_AGENT, at("2026-12-04T09:04:00Z"), at("2026-12-04T16:57:00Z")},
        /* open: offline until now */
        {8, 7, PRESENCE_OFFLINE, PSRC_LOGOUT, at("2026-12-04T16:57:00Z"), 0},
    };
    op_time now = at("2026-12-05T13:00:00Z");
    struct arena a = ARENA_INIT(0);
    struct adh_report r;
    assert_int_equal(team_adherence(plans, ARRAY_SIZE(plans), p, ARRAY_SIZE(p),
                                    day("2026-12-01"), day("2026-12-06"), z, now, 5 * MIN_MS, &a,
                                    &r),
                     OP_OK);
    assert_int_equal(r.n_shifts, 5);
    assert_int_equal(r.n_days, 6);

    /* shift 1: 480 planned; online 170 + 250 = 420; break 30; offline
     * 10 (09:00-09:10) + 20 (16:40-17:00) = 30; late 10, early 20; 87.5 % */
    struct adh_shift *s = &r.shifts[0];
    assert_int_equal(s->plan.rota_id, 1);
    assert_int_equal(s->planned_ms, 480 * MIN_MS);
    assert_int_equal(s->status_ms[PRESENCE_ONLINE], 420 * MIN_MS);
    assert_int_equal(s->status_ms[PRESENCE_BREAK], 30 * MIN_MS);
    assert_int_equal(s->status_ms[PRESENCE_OFFLINE], 30 * MIN_MS);
    assert_int_equal(s->status_ms[PRESENCE_AWAY], 0);
    assert_int_equal(s->late_ms, 10 * MIN_MS);
    assert_int_equal(s->early_ms, 20 * MIN_MS);
    assert_false(s->absent);
    assert_int_equal(adherence_permille(s->status_ms[PRESENCE_ONLINE], s->planned_ms), 875);

    /* shift 2: online the whole night: 100 %, not late (online before it began) */
    s = &r.shifts[1];
    assert_int_equal(s->planned_ms, 480 * MIN_MS);
    assert_int_equal(s->status_ms[PRESENCE_ONLINE], 480 * MIN_MS);
    assert_int_equal(s->late_ms, 0);
    assert_int_equal(s->early_ms, 0);

    /* shift 3: 4 min late and 3 min early are within the 5 min grace */
    s = &r.shifts[2];
    assert_int_equal(s->status_ms[PRESENCE_ONLINE], 473 * MIN_MS);
    assert_int_equal(s->late_ms, 0);
    assert_int_equal(s->early_ms, 0);

    /* shift 4: 4 h elapsed of 8, never online */
    s = &r.shifts[3];
    assert_int_equal(s->planned_ms, 240 * MIN_MS);
    assert_true(s->absent);
    assert_int_equal(s->late_ms, 240 * MIN_MS);
    assert_int_equal(s->status_ms[PRESENCE_OFFLINE], 240 * MIN_MS);
    assert_int_equal(s->early_ms, 0);

    /* shift 5: tomorrow's */
    s = &r.shifts[4];
    assert_int_equal(s->planned_ms, 0);
    assert_int_equal(s->late_ms, 0);
    assert_false(s->absent);

    /* days: the night shift counts on the day it starts; the day totals
     * cover local midnight to midnight */
    struct adh_day *d = &r.days[1]; /* 12-02 */
    assert_int_equal(d->date, day("2026-12-02"));
    assert_int_equal(d->n_shifts, 1);
    assert_int_equal(d->in_shift_ms[PRESENCE_ONLINE], 480 * MIN_MS);
    assert_int_equal(d->total_ms[PRESENCE_ONLINE], 130 * MIN_MS);
    d = &r.days[2]; /* 12-03: no shift, online 00:00-06:03, away 10 min */
    assert_int_equal(d->n_shifts, 0);
    assert_int_equal(d->planned_ms, 0);
    assert_int_equal(d->total_ms[PRESENCE_ONLINE], 363 * MIN_MS);
    assert_int_equal(d->total_ms[PRESENCE_AWAY], 10 * MIN_MS);
    assert_int_equal(d->total_ms[PRESENCE_OFFLINE], (1440 - 373) * MIN_MS);
    d = &r.days[0];
    assert_int_equal(d->late_ms, 10 * MIN_MS);
    assert_int_equal(d->early_ms, 20 * MIN_MS);
    d = &r.days[4]; /* 12-05, up to now: 13 h offline */
    assert_int_equal(d->total_ms[PRESENCE_OFFLINE], 13 * 60 * MIN_MS);
    d = &r.days[5]; /* the future counts nothing */
    assert_int_equal(d->total_ms[PRESENCE_OFFLINE], 0);

    /* totals: (420 + 480 + 473 + 0) / (480 + 480 + 480 + 240) = 1373 / 1680 */
    assert_int_equal(r.planned_ms, 1680 * MIN_MS);
    assert_int_equal(r.online_in_shift_ms, 1373 * MIN_MS);
    assert_int_equal(adherence_permille(r.online_in_shift_ms, r.planned_ms), 817);
    assert_int_equal(adherence_permille(0, 0), -1);

    /* bad ranges */
    assert_int_equal(team_adherence(plans, 1, p, 1, day("2026-12-02"), day("2026-12-01"), z, now,
                                    0, &a, &r),
                     OP_ERR_INVALID);
    assert_int_equal(team_adherence(plans, 1, p, 1, day("2026-01-01"), day("2026-12-31"), z, now,
                                    0, &a, &r),
                     OP_ERR_INVALID);
    arena_release(&a);
}

/* ---- routing ---- */

#define NC 7

static void candidates(struct route_candidate c[NC])
{
    for (int i = 0; i < NC; i++)
        c[i] = (struct route_candidate){.agent_id = 10 + i, .on_shift = true, .online = true,
                                        .languages = ""};
    c[1].online = false;   /* 11: off line */
    c[4].on_shift = false; /* 14: not on shift */
}

static void test_route_round_robin_fair(void **state)
{
    UNUSED(state);
    struct route_candidate c[NC];
    candidates(c);
    int got[NC] = {0};
    int64_t last = 0;
    for (int t = 0; t < 1000; t++) {
        int64_t id = route_pick(ROUTING_ROUND_ROBIN, RLANG_IGNORE, NULL, 0, last, c, NC);
        assert_true(id >= 10 && id < 10 + NC);
        got[id - 10]++;
        c[id - 10].open_tickets++;
        last = id;
    }
    /* five eligible agents: 200 each; the two ineligible never */
    assert_int_equal(got[1], 0);
    assert_int_equal(got[4], 0);
    for (int i = 0; i < NC; i++)
        if (i != 1 && i != 4)
            assert_int_equal(got[i], 200);

    /* three eligible: 1000 / 3 +- 1 each, in order of id after the pointer */
    candidates(c);
    c[0].online = c[2].online = false;
    memset(got, 0, sizeof(got));
    last = 12;
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_IGNORE, "", 0, last, c, NC), 13);
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_IGNORE, "", 0, 16, c, NC), 13);
    for (int t = 0; t < 1000; t++) {
        int64_t id = route_pick(ROUTING_ROUND_ROBIN, RLANG_IGNORE, NULL, 0, last, c, NC);
        got[id - 10]++;
        last = id;
    }
    int sum = 0;
    for (int i = 0; i < NC; i++) {
        if (got[i])
            assert_true(got[i] == 333 || got[i] == 334);
        sum += got[i];
    }
    assert_int_equal(sum, 1000);
    assert_int_equal(got[3] + got[5] + got[6], 1000);
}

static void test_route_least_loaded(void **state)
{
    UNUSED(state);
    struct route_candidate c[NC];
    candidates(c);
    c[0].open_tickets = 3;
    c[2].open_tickets = 1;
    c[3].open_tickets = 1;
    c[5].open_tickets = 2;
    c[6].open_tickets = 1;
    c[1].open_tickets = 0; /* offline: not chosen though idle */
    c[2].last_assigned_at = 500;
    c[3].last_assigned_at = 100; /* longest since the last assignment */
    c[6].last_assigned_at = 100;
    assert_int_equal(route_pick(ROUTING_LEAST_LOADED, RLANG_IGNORE, NULL, 0, 0, c, NC), 13);
    c[3].open_tickets = 2;
    assert_int_equal(route_pick(ROUTING_LEAST_LOADED, RLANG_IGNORE, NULL, 0, 0, c, NC), 16);
    c[6].last_assigned_at = 0; /* never: first */
    c[2].last_assigned_at = 0;
    assert_int_equal(route_pick(ROUTING_LEAST_LOADED, RLANG_IGNORE, NULL, 0, 0, c, NC), 12);

    /* fairness: 1000 tickets spread evenly over the eligible */
    candidates(c);
    int got[NC] = {0};
    op_time now = 1000;
    for (int t = 0; t < 1000; t++) {
        int64_t id = route_pick(ROUTING_LEAST_LOADED, RLANG_IGNORE, NULL, 0, 0, c, NC);
        got[id - 10]++;
        c[id - 10].open_tickets++;
        c[id - 10].last_assigned_at = ++now;
    }
    for (int i = 0; i < NC; i++)
        assert_int_equal(got[i], i == 1 || i == 4 ? 0 : 200);
}

static void test_route_caps_and_off(void **state)
{
    UNUSED(state);
    struct route_candidate c[NC];
    candidates(c);
    int got = 0;
    int64_t last = 0;
    for (int t = 0; t < 20; t++) {
        int64_t id = route_pick(ROUTING_ROUND_ROBIN, RLANG_IGNORE, NULL, 2, last, c, NC);
        if (!id)
            continue;
        assert_true(c[id - 10].open_tickets < 2);
        c[id - 10].open_tickets++;
        last = id;
        got++;
    }
    assert_int_equal(got, 10); /* five eligible agents, two each */
    for (int i = 0; i < NC; i++)
        assert_true(c[i].open_tickets <= 2);
    assert_int_equal(route_pick(ROUTING_LEAST_LOADED, RLANG_IGNORE, NULL, 2, 0, c, NC), 0);
    assert_int_not_equal(route_pick(ROUTING_LEAST_LOADED, RLANG_IGNORE, NULL, 3, 0, c, NC), 0);
    assert_int_not_equal(route_pick(ROUTING_LEAST_LOADED, RLANG_IGNORE, NULL, 0, 0, c, NC), 0);
    candidates(c);
    assert_int_equal(route_pick(ROUTING_OFF, RLANG_IGNORE, NULL, 0, 0, c, NC), 0);
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_IGNORE, NULL, 0, 0, c, 0), 0);
}

static void test_route_language(void **state)
{
    UNUSED(state);
    struct route_candidate c[NC];
    candidates(c);
    c[1].languages = "ru";    /* offline */
    c[5].languages = "en ru"; /* 15 */
    c[6].languages = "ru";    /* 16 */
    c[2].languages = "rus";   /* not "ru" */
    assert_true(route_speaks(&c[5], "ru"));
    assert_true(route_speaks(&c[5], "en"));
    assert_false(route_speaks(&c[2], "ru"));
    assert_false(route_speaks(&c[0], "ru"));

    /* prefer: only speakers while one is eligible */
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_PREFER, "ru", 0, 0, c, NC), 15);
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_PREFER, "ru", 0, 15, c, NC), 16);
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_PREFER, "ru", 0, 16, c, NC), 15);
    assert_int_equal(route_pick(ROUTING_LEAST_LOADED, RLANG_PREFER, "ru", 0, 0, c, NC), 15);
    /* ... and anyone when none is */
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_PREFER, "de", 0, 0, c, NC), 10);
    /* require: nobody when no eligible agent speaks it */
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_REQUIRE, "de", 0, 0, c, NC), 0);
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_REQUIRE, "ru", 0, 0, c, NC), 15);
    c[5].open_tickets = 1;
    c[6].open_tickets = 1;
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_REQUIRE, "ru", 1, 0, c, NC), 0);
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_PREFER, "ru", 1, 0, c, NC), 10);
    /* unknown language: ignored */
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_REQUIRE, "", 0, 0, c, NC), 10);
    /* ignore */
    assert_int_equal(route_pick(ROUTING_ROUND_ROBIN, RLANG_IGNORE, "ru", 0, 0, c, NC), 10);
}

static void test_names(void **state)
{
    UNUSED(state);
    for (int i = 0; i < PRESENCE__COUNT; i++)
        assert_int_equal(presence_parse(presence_name((enum presence_status)i)), i);
    for (int i = 0; i < ROUTING__COUNT; i++)
        assert_int_equal(routing_mode_parse(routing_mode_name((enum routing_mode)i)), i);
    for (int i = 0; i < RLANG__COUNT; i++)
        assert_int_equal(routing_lang_parse(routing_lang_name((enum routing_lang)i)), i);
    assert_int_equal(presence_parse("busy"), -1);
    assert_int_equal(routing_mode_parse(NULL), -1);

    struct team_settings s;
    struct op_err err;
    team_settings_defaults(&s);
    assert_int_equal(s.away_after_min, 10);
    assert_int_equal(team_settings_check(&s, &err), OP_OK);
    s.away_after_min = 0;
    assert_int_equal(team_settings_check(&s, &err), OP_ERR_INVALID);
    assert_string_equal(err.field, "away_after_min");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_shift_check),
        cmocka_unit_test(test_shift_expand),
        cmocka_unit_test(test_overlaps),
        cmocka_unit_test(test_adherence),
        cmocka_unit_test(test_route_round_robin_fair),
        cmocka_unit_test(test_route_least_loaded),
        cmocka_unit_test(test_route_caps_and_off),
        cmocka_unit_test(test_route_language),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
