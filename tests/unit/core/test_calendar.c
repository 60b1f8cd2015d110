/* test_calendar.c - business-hours arithmetic (src/core/calendar.c) and the
 * shipped calendars (src/core/calendar_ru.c). Every expected instant is
 * worked out by hand in the comment next to it. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "base/timeutil.h"
#include "base/tz.h"
#include "core/calendar.h"
#include "i18n/i18n.h"

#define MIN_MS ((int64_t)60000)
#define HOUR_MS (60 * MIN_MS)

static const struct tz *zone(const char *name)
{
    const struct tz *z = NULL;
    if (tz_load(name, &z) != OP_OK)
        fail_msg("no zone %s", name);
    return z;
}

/* The UTC instant y-m-d hh:mm. */
static op_time utc(int y, int m, int d, int hh, int mm)
{
    return ((int64_t)cal_date(y, m, d) * 1440 + hh * 60 + mm) * MIN_MS;
}

/* The instant of local wall time y-m-d hh:mm in c's zone. */
static op_time loc(const struct calendar *c, int y, int m, int d, int hh, int mm)
{
    return cal_local(c, cal_date(y, m, d), hh * 60 + mm);
}

#define assert_time(got, want)                                                                     \
    do {                                                                                           \
        op_time g_ = (got), w_ = (want);                                                           \
        if (g_ != w_) {                                                                            \
            char gs_[32], ws_[32];                                                                 \
            time_format_iso(g_, gs_);                                                              \
            time_format_iso(w_, ws_);                                                              \
            fail_msg("got %s, want %s", gs_, ws_);                                                 \
        }                                                                                          \
    } while (0)

static const struct cal_day nine_to_six = {1, {{540, 1080}}};
static const struct cal_day split = {2, {{540, 780}, {840, 1080}}};

/* Monday-Friday with the given day, no exceptions. */
static struct calendar weekdays(const struct tz *z, const struct cal_day *day)
{
    struct calendar c = {.name = "test", .tz = z};
    for (int i = 0; i < 5; i++)
        c.week[i] = *day;
    return c;
}

static struct calendar ru(void)
{
    struct calendar c;
    assert_int_equal(cal_preset("ru-production", zone("Europe/Moscow"), &c), OP_OK);
    return c;
}

/* ---- dates ---- */

static void test_dates(void **state)
{
    UNUSED(state);
    assert_int_equal(cal_date(1970, 1, 1), 0);
    assert_int_equal(cal_date(2026, 1, 1), 20454); /* 56 years, 14 leap days: 56*365+14 */
    assert_int_equal(cal_date(1969, 12, 31), -1);
    assert_int_equal(cal_weekday(0), 3);            /* 1970-01-01 was a Thursday */
    assert_int_equal(cal_weekday(cal_date(2026, 1, 12)), 0); /* a Monday */
    assert_int_equal(cal_weekday(cal_date(2025, 11, 1)), 5); /* a Saturday */
    assert_int_equal(cal_weekday(-1), 2);
    for (int32_t d = cal_date(1899, 12, 25); d < cal_date(2101, 1, 10); d++) {
        int y, m, dd;
        cal_ymd(d, &y, &m, &dd);
        assert_int_equal(cal_date(y, m, dd), d);
        char s[11];
        cal_format_date(d, s);
        int32_t back;
        assert_int_equal(cal_parse_date(s, &back), OP_OK);
        assert_int_equal(back, d);
    }
    int32_t d;
    assert_int_equal(cal_parse_date("2026-01-09", &d), OP_OK);
    assert_int_equal(d, cal_date(2026, 1, 9));
    assert_int_equal(cal_parse_date("2024-02-29", &d), OP_OK);
    static const char *const bad[] = {"2026-02-30", "2025-02-29", "2100-02-29", "2026-13-01",
                                      "2026-00-10", "2026-1-9",   "26-01-09",   "2026/01/09",
                                      "2026-01-09T", " 2026-01-09", "",        "0000-01-01",
                                      "2026-04-31", "2026-01-0a"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (cal_parse_date(bad[i], &d) != OP_ERR_INVALID)
            fail_msg("\"%s\" parsed", bad[i]);
    assert_int_equal(cal_parse_date(NULL, &d), OP_ERR_INVALID);

    /* the local date depends on the zone: 2025-12-31 21:00 UTC is midnight
     * in Moscow (+3) */
    struct calendar c = ru();
    assert_int_equal(cal_date_of(&c, utc(2025, 12, 31, 20, 59)), cal_date(2025, 12, 31));
    assert_int_equal(cal_date_of(&c, utc(2025, 12, 31, 21, 0)), cal_date(2026, 1, 1));
    assert_time(loc(&c, 2026, 1, 1, 0, 0), utc(2025, 12, 31, 21, 0));
}

static void test_hhmm(void **state)
{
    UNUSED(state);
    int m;
    assert_int_equal(cal_parse_hhmm("09:00", &m), OP_OK);
    assert_int_equal(m, 540);
    assert_int_equal(cal_parse_hhmm("00:00", &m), OP_OK);
    assert_int_equal(m, 0);
    assert_int_equal(cal_parse_hhmm("23:59", &m), OP_OK);
    assert_int_equal(m, 1439);
    assert_int_equal(cal_parse_hhmm("24:00", &m), OP_OK);
    assert_int_equal(m, 1440);
    static const char *const bad[] = {"25:00", "9:5",   "9:05",  "09:5",   "24:01", "12:60",
                                      "",      "09-00", "0900",  "09:00 ", "-1:00", "ab:cd"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (cal_parse_hhmm(bad[i], &m) != OP_ERR_INVALID)
            fail_msg("\"%s\" parsed", bad[i]);
    char s[6];
    cal_format_hhmm(540, s);
    assert_string_equal(s, "09:00");
    cal_format_hhmm(1440, s);
    assert_string_equal(s, "24:00");
    cal_format_hhmm(61, s);
    assert_string_equal(s, "01:01");
    for (int i = 0; i <= 1440; i++) {
        cal_format_hhmm(i, s);
        assert_int_equal(cal_parse_hhmm(s, &m), OP_OK);
        assert_int_equal(m, i);
    }
}

/* ---- arithmetic ---- */

static void test_weekend(void **state)
{
    UNUSED(state);
    struct calendar c = weekdays(tz_utc(), &nine_to_six);
    /* Fri 2026-01-16 17:00 + 2 h: 17:00-18:00 is 1 h; Sat, Sun off; Mon
     * Jan 19 09:00 + 1 h = 10:00. */
    assert_time(cal_add(&c, utc(2026, 1, 16, 17, 0), 2 * HOUR_MS), utc(2026, 1, 19, 10, 0));
    assert_int_equal(cal_between(&c, utc(2026, 1, 16, 17, 0), utc(2026, 1, 19, 10, 0)),
                     2 * HOUR_MS);
    /* a whole week is 5 * 9 h */
    assert_int_equal(cal_between(&c, utc(2026, 1, 12, 0, 0), utc(2026, 1, 19, 0, 0)),
                     45 * HOUR_MS);
    /* 45 h from Mon 09:00 ends Fri 18:00 exactly (the end of a span) */
    assert_time(cal_add(&c, utc(2026, 1, 12, 9, 0), 45 * HOUR_MS), utc(2026, 1, 16, 18, 0));
    assert_false(cal_is_working(&c, utc(2026, 1, 17, 12, 0)));
    assert_true(cal_is_working(&c, utc(2026, 1, 16, 12, 0)));
}

static void test_outside_hours_and_zero(void **state)
{
    UNUSED(state);
    struct calendar c = weekdays(tz_utc(), &nine_to_six);
    /* Mon 07:00 + 30 min: counting starts at 09:00 -> 09:30 */
    assert_time(cal_add(&c, utc(2026, 1, 12, 7, 0), 30 * MIN_MS), utc(2026, 1, 12, 9, 30));
    /* Sat 12:00 + 1 h -> Mon 10:00 */
    assert_time(cal_add(&c, utc(2026, 1, 17, 12, 0), HOUR_MS), utc(2026, 1, 19, 10, 0));
    /* ms == 0: inside hours, start itself; outside, the next working
     * instant: Fri 19:00 -> Mon 09:00; Fri 18:00 (the end) -> Mon 09:00 */
    assert_time(cal_add(&c, utc(2026, 1, 14, 11, 11), 0), utc(2026, 1, 14, 11, 11));
    assert_time(cal_add(&c, utc(2026, 1, 16, 19, 0), 0), utc(2026, 1, 19, 9, 0));
    assert_time(cal_add(&c, utc(2026, 1, 16, 18, 0), 0), utc(2026, 1, 19, 9, 0));
    assert_time(cal_add(&c, utc(2026, 1, 16, 18, 0), -5), utc(2026, 1, 19, 9, 0));
    /* cal_between is zero outside hours and for b <= a */
    assert_int_equal(cal_between(&c, utc(2026, 1, 17, 0, 0), utc(2026, 1, 18, 23, 0)), 0);
    assert_int_equal(cal_between(&c, utc(2026, 1, 14, 12, 0), utc(2026, 1, 14, 11, 0)), 0);
}

static void test_split_day(void **state)
{
    UNUSED(state);
    struct calendar c = weekdays(tz_utc(), &split); /* 09:00-13:00, 14:00-18:00 */
    /* Start in the lunch break, Mon 13:30 + 1 h: from 14:00 -> 15:00 */
    assert_time(cal_add(&c, utc(2026, 1, 12, 13, 30), HOUR_MS), utc(2026, 1, 12, 15, 0));
    /* The boundary rule: 12:00 + 1 h lands exactly on the end of the
     * morning span and stays there: 13:00, not 14:00. So does 09:00 + 4 h;
     * 1 ms more goes past lunch: 14:00:00.001. */
    assert_time(cal_add(&c, utc(2026, 1, 12, 12, 0), HOUR_MS), utc(2026, 1, 12, 13, 0));
    assert_time(cal_add(&c, utc(2026, 1, 12, 9, 0), 4 * HOUR_MS), utc(2026, 1, 12, 13, 0));
    assert_time(cal_add(&c, utc(2026, 1, 12, 9, 0), 4 * HOUR_MS + 1), utc(2026, 1, 12, 14, 0) + 1);
    /* 12:30 + 1 h: 30 min before lunch, 30 after -> 14:30 */
    assert_time(cal_add(&c, utc(2026, 1, 12, 12, 30), HOUR_MS), utc(2026, 1, 12, 14, 30));
    /* a start at 13:00, the end of a span, is outside working time */
    assert_time(cal_add(&c, utc(2026, 1, 12, 13, 0), 0), utc(2026, 1, 12, 14, 0));
    assert_false(cal_is_working(&c, utc(2026, 1, 12, 13, 0)));
    assert_true(cal_is_working(&c, utc(2026, 1, 12, 13, 0) - 1));
    assert_true(cal_is_working(&c, utc(2026, 1, 12, 14, 0)));
    /* 10:00 to 16:00 is 3 h + 2 h = 5 h */
    assert_int_equal(cal_between(&c, utc(2026, 1, 12, 10, 0), utc(2026, 1, 12, 16, 0)),
                     5 * HOUR_MS);
}

static void test_night_hours(void **state)
{
    UNUSED(state);
    /* Every day 00:00-06:00 and 22:00-24:00, in Moscow (+3): a night
     * shift as two spans on two days. */
    struct calendar c = {.name = "night", .tz = zone("Europe/Moscow")};
    for (int i = 0; i < 7; i++)
        c.week[i] = (struct cal_day){2, {{0, 360}, {1320, 1440}}};
    assert_int_equal(cal_validate(&c, NULL), OP_OK);
    /* 23:00 + 2 h: 23:00-24:00 (1 h), then 00:00-01:00 next day -> 01:00 */
    assert_time(cal_add(&c, loc(&c, 2026, 2, 10, 23, 0), 2 * HOUR_MS), loc(&c, 2026, 2, 11, 1, 0));
    assert_time(loc(&c, 2026, 2, 11, 1, 0), utc(2026, 2, 10, 22, 0));
    /* 05:30 + 1 h: 30 min to 06:00, then from 22:00 30 min -> 22:30 */
    assert_time(cal_add(&c, loc(&c, 2026, 2, 10, 5, 30), HOUR_MS), loc(&c, 2026, 2, 10, 22, 30));
    /* 1 h from 23:00 lands on 24:00, the end of a span = 00:00 next day */
    assert_time(cal_add(&c, loc(&c, 2026, 2, 10, 23, 0), HOUR_MS), loc(&c, 2026, 2, 11, 0, 0));
    /* one night, 22:00 to 06:00, is 8 h; noon to noon is 8 h too */
    assert_int_equal(cal_between(&c, loc(&c, 2026, 2, 10, 22, 0), loc(&c, 2026, 2, 11, 6, 0)),
                     8 * HOUR_MS);
    assert_int_equal(cal_between(&c, loc(&c, 2026, 2, 10, 12, 0), loc(&c, 2026, 2, 11, 12, 0)),
                     8 * HOUR_MS);
    assert_true(cal_is_working(&c, loc(&c, 2026, 2, 11, 0, 0)));
    assert_true(cal_is_working(&c, loc(&c, 2026, 2, 10, 23, 59)));
    assert_false(cal_is_working(&c, loc(&c, 2026, 2, 10, 6, 0)));
}

static void test_dst_berlin(void **state)
{
    UNUSED(state);
    const struct tz *berlin = zone("Europe/Berlin");
    /* Every day 00:00-24:00 (not "always": the wall clock counts). On 29 Mar
     * 2026 the clocks skip 02:00-03:00: the day has 23 h; on 25 Oct they
     * repeat 02:00-03:00: 25 h. */
    struct calendar c = {.name = "days", .tz = berlin};
    for (int i = 0; i < 7; i++)
        c.week[i] = (struct cal_day){1, {{0, 1440}}};
    assert_int_equal(cal_between(&c, loc(&c, 2026, 3, 29, 0, 0), loc(&c, 2026, 3, 30, 0, 0)),
                     23 * HOUR_MS);
    assert_int_equal(cal_between(&c, loc(&c, 2026, 10, 25, 0, 0), loc(&c, 2026, 10, 26, 0, 0)),
                     25 * HOUR_MS);
    /* Sat 28 Mar 12:00 CET (11:00 UTC) + 24 h of working time = Sun 29 Mar
     * 13:00 CEST (11:00 UTC): working time is real time here */
    assert_time(cal_add(&c, loc(&c, 2026, 3, 28, 12, 0), 24 * HOUR_MS), utc(2026, 3, 29, 11, 0));
    assert_time(loc(&c, 2026, 3, 29, 13, 0), utc(2026, 3, 29, 11, 0));

    /* Every day 09:00-18:00: the change happens at night, the day keeps 9 h.
     * Sat 28 Mar 17:00 CET (16:00 UTC) + 2 h: 1 h on Saturday, then Sunday
     * 09:00 CEST + 1 h = 10:00 CEST = 08:00 UTC. */
    struct calendar d = {.name = "days", .tz = berlin};
    for (int i = 0; i < 7; i++)
        d.week[i] = nine_to_six;
    assert_time(cal_add(&d, utc(2026, 3, 28, 16, 0), 2 * HOUR_MS), utc(2026, 3, 29, 8, 0));
    assert_int_equal(cal_between(&d, loc(&d, 2026, 3, 29, 0, 0), loc(&d, 2026, 3, 30, 0, 0)),
                     9 * HOUR_MS);
    /* Autumn: Sat 24 Oct 17:00 CEST (15:00 UTC) + 2 h -> Sun 25 Oct 10:00
     * CET = 09:00 UTC */
    assert_time(cal_add(&d, utc(2026, 10, 24, 15, 0), 2 * HOUR_MS), utc(2026, 10, 25, 9, 0));

    /* A night span through the change, 01:00-05:00 every day: on 29 Mar
     * 01:00 CET = 00:00 UTC, 05:00 CEST = 03:00 UTC: 3 real hours. On 25
     * Oct 01:00 CEST = Oct 24 23:00 UTC, 05:00 CET = 04:00 UTC: 5 hours. */
    struct calendar n = {.name = "nights", .tz = berlin};
    for (int i = 0; i < 7; i++)
        n.week[i] = (struct cal_day){1, {{60, 300}}};
    assert_int_equal(cal_between(&n, utc(2026, 3, 28, 12, 0), utc(2026, 3, 29, 12, 0)),
                     3 * HOUR_MS);
    assert_int_equal(cal_between(&n, utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0)),
                     5 * HOUR_MS);
    /* 2 h from 29 Mar 00:00 UTC: 02:00 UTC = 04:00 CEST */
    assert_time(cal_add(&n, utc(2026, 3, 28, 12, 0), 2 * HOUR_MS), utc(2026, 3, 29, 2, 0));
    /* A span wholly inside the gap, 02:00-03:00, is no time at all that
     * night: from Sat 28 Mar 12:00 the next working instant is Mon 30 Mar
     * 02:00 CEST = 00:00 UTC. */
    struct calendar g = {.name = "gap", .tz = berlin};
    for (int i = 0; i < 7; i++)
        g.week[i] = (struct cal_day){1, {{120, 180}}};
    assert_time(cal_add(&g, utc(2026, 3, 28, 12, 0), 0), utc(2026, 3, 30, 0, 0));
    assert_int_equal(cal_between(&g, utc(2026, 3, 28, 12, 0), utc(2026, 3, 30, 0, 0)), 0);
    /* and twice as long on the night it repeats: 02:00 CEST = 00:00 UTC to
     * 03:00 CET = 02:00 UTC */
    assert_int_equal(cal_between(&g, utc(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0)),
                     2 * HOUR_MS);
}

static void test_ru_new_year_2026(void **state)
{
    UNUSED(state);
    struct calendar c = ru();
    /* Tue 2025-12-30 17:00 MSK + 8 h: 17:00-18:00 on Dec 30 (1 h); Dec 31
     * 2025 is a day off (moved from Sun Jan 5, 2025); Jan 1-8 holidays, Jan
     * 9 moved from Sat Jan 3, Jan 10-11 a weekend; Mon Jan 12 09:00 + 7 h =
     * 16:00 MSK = 13:00 UTC. */
    op_time start = loc(&c, 2025, 12, 30, 17, 0);
    assert_time(start, utc(2025, 12, 30, 14, 0));
    op_time due = cal_add(&c, start, 8 * HOUR_MS);
    assert_time(due, loc(&c, 2026, 1, 12, 16, 0));
    assert_time(due, utc(2026, 1, 12, 13, 0));
    assert_int_equal(cal_between(&c, start, due), 8 * HOUR_MS);
    for (int d = 1; d <= 11; d++)
        assert_false(cal_is_working(&c, loc(&c, 2026, 1, d, 12, 0)));
    assert_false(cal_is_working(&c, loc(&c, 2025, 12, 31, 12, 0)));
    assert_true(cal_is_working(&c, loc(&c, 2026, 1, 12, 9, 0)));
}

static void test_ru_holiday_and_saturday(void **state)
{
    UNUSED(state);
    struct calendar c = ru();
    /* Fri 2026-02-20 17:00 MSK + 2 h: 1 h on Friday (not shortened: Feb 23
     * is not the next day), Feb 21-22 weekend, Mon Feb 23 Defender of the
     * Fatherland Day; Tue Feb 24 09:00 + 1 h = 10:00. */
    assert_time(cal_add(&c, loc(&c, 2026, 2, 20, 17, 0), 2 * HOUR_MS), loc(&c, 2026, 2, 24, 10, 0));

    /* Sat 2025-11-01 is a working day (moved to Mon Nov 3) and, before the
     * Nov 2-4 days off, an hour shorter: 09:00-17:00. Fri Oct 31 17:00 + 4 h:
     * 1 h Friday, Saturday 09:00 + 3 h = 12:00. */
    assert_time(cal_add(&c, loc(&c, 2025, 10, 31, 17, 0), 4 * HOUR_MS), loc(&c, 2025, 11, 1, 12, 0));
    /* + 10 h: 1 h Friday, 8 h Saturday (9 h), Nov 2 Sunday, Nov 3 moved,
     * Nov 4 Unity Day; Wed Nov 5 09:00 + 1 h = 10:00 */
    assert_time(cal_add(&c, loc(&c, 2025, 10, 31, 17, 0), 10 * HOUR_MS),
                loc(&c, 2025, 11, 5, 10, 0));
    assert_true(cal_is_working(&c, loc(&c, 2025, 11, 1, 10, 0)));
    assert_false(cal_is_working(&c, loc(&c, 2025, 11, 1, 17, 0)));
    assert_false(cal_is_working(&c, loc(&c, 2025, 11, 8, 10, 0))); /* an ordinary Saturday */
    const struct cal_day *h = cal_hours_on(&c, cal_date(2025, 11, 1));
    assert_int_equal(h->n, 1);
    assert_int_equal(h->s[0].from, 540);
    assert_int_equal(h->s[0].to, 1020);
    assert_int_equal(cal_hours_on(&c, cal_date(2025, 11, 3))->n, 0);
    assert_int_equal(cal_hours_on(&c, cal_date(2025, 11, 5))->s[0].to, 1080);
    /* Thu 2026-04-30 is shortened (May 1 a holiday): 8 h that day */
    assert_int_equal(cal_between(&c, loc(&c, 2026, 4, 30, 0, 0), loc(&c, 2026, 5, 1, 0, 0)),
                     8 * HOUR_MS);
}

/* Working days of ru-production in [first, last], and their hours. */
static int working_days(const struct calendar *c, int32_t first, int32_t last, int *minutes)
{
    int n = 0, m = 0;
    for (int32_t d = first; d <= last; d++) {
        const struct cal_day *h = cal_hours_on(c, d);
        n += h->n > 0;
        for (int k = 0; k < h->n; k++)
            m += h->s[k].to - h->s[k].from;
    }
    if (minutes)
        *minutes = m;
    return n;
}

static void test_ru_counts(void **state)
{
    UNUSED(state);
    struct calendar c = ru();
    int minutes;
    /* 2025 begins on a Wednesday: 52 weeks + 1 day = 261 weekdays. Off on
     * weekdays: Jan 1-3, 6-8 (6), May 1, 2, 8, 9 (4), Jun 12, 13 (2), Nov 3,
     * 4 (2), Dec 31 (1) = 15; plus the working Saturday Nov 1:
     * 261 - 15 + 1 = 247. Hours: the preset's day is 09:00-18:00, 9 h
     * (the 8 h norm plus lunch), and 4 days are an hour shorter (Mar 7,
     * Apr 30, Jun 11, Nov 1): 247 * 9 - 4 = 2219. */
    assert_int_equal(working_days(&c, cal_date(2025, 1, 1), cal_date(2025, 12, 31), &minutes), 247);
    assert_int_equal(minutes, 2219 * 60);
    /* 2026 begins on a Thursday: 261 weekdays. Off: Jan 1, 2, 5-9 (7), Feb
     * 23, Mar 9, May 1, May 11, Jun 12, Nov 4, Dec 31 (7) = 14:
     * 261 - 14 = 247; shortened Apr 30, May 8, Jun 11, Nov 3:
     * 247 * 9 - 4 = 2219 h. */
    assert_int_equal(working_days(&c, cal_date(2026, 1, 1), cal_date(2026, 12, 31), &minutes), 247);
    assert_int_equal(minutes, 2219 * 60);
    /* 2027 begins on a Friday: 261 weekdays. Off: Jan 1, 4-8 (6), Feb 23,
     * Mar 8, May 3, May 10, Jun 14, Nov 4 (6) = 12: 249, until the decree
     * moves Jan 2 and 3. */
    assert_int_equal(working_days(&c, cal_date(2027, 1, 1), cal_date(2027, 12, 31), NULL), 249);

    /* Jan 2026: Thu 1, Fri 2 + four full weeks (5-9, 12-16, 19-23, 26-30)
     * = 22 weekdays; off Jan 1, 2, 5-9 = 7 -> 15. */
    assert_int_equal(working_days(&c, cal_date(2026, 1, 1), cal_date(2026, 1, 31), NULL), 15);
    /* Feb 2026: Feb 1 a Sunday, 4 full weeks = 20 weekdays; off Feb 23 -> 19 */
    assert_int_equal(working_days(&c, cal_date(2026, 2, 1), cal_date(2026, 2, 28), NULL), 19);
    /* May 2025: Thu 1, Fri 2 + weeks 5-9, 12-16, 19-23, 26-30 = 22; off May
     * 1, 2, 8, 9 -> 18 */
    assert_int_equal(working_days(&c, cal_date(2025, 5, 1), cal_date(2025, 5, 31), NULL), 18);
    /* Nov 2025: Nov 1 a Saturday; weeks 3-7, 10-14, 17-21, 24-28 = 20; off
     * Nov 3, 4; plus Sat Nov 1 -> 19 */
    assert_int_equal(working_days(&c, cal_date(2025, 11, 1), cal_date(2025, 11, 30), NULL), 19);
    /* Dec 2025: Mon 1 .. Wed 31: 23 weekdays; off Dec 31 -> 22 */
    assert_int_equal(working_days(&c, cal_date(2025, 12, 1), cal_date(2025, 12, 31), NULL), 22);
}

static void test_ru_data(void **state)
{
    UNUSED(state);
    struct calendar c = ru();
    assert_int_equal(cal_validate(&c, NULL), OP_OK);
    assert_false(c.always);
    assert_string_equal(tz_name(c.tz), "Europe/Moscow");
    for (size_t i = 0; i < c.n_exc; i++) {
        const struct cal_exception *e = &c.exc[i];
        int y, m, d;
        cal_ymd(e->date, &y, &m, &d);
        assert_true(y >= 2025 && y <= 2027);
        int wd = cal_weekday(e->date);
        /* holidays listed only on weekdays; working days off the week are
         * Saturdays; a shortened day is 09:00-17:00 */
        if (e->kind == CAL_HOLIDAY)
            assert_true(wd < 5);
        else if (wd >= 5)
            assert_string_equal(e->name, "Working Saturday");
        if (e->kind == CAL_WORKDAY) {
            assert_int_equal(e->hours.n, 1);
            assert_int_equal(e->hours.s[0].to, 1020);
        }
        /* every name is a message: English as written, Russian translated */
        assert_true(*e->name);
        assert_string_equal(cal_exception_name(e, LANG_EN), e->name);
        assert_string_not_equal(cal_exception_name(e, LANG_RU), e->name);
    }
    const struct cal_exception *ny = NULL;
    for (size_t i = 0; i < c.n_exc; i++)
        if (c.exc[i].date == cal_date(2026, 1, 7))
            ny = &c.exc[i];
    assert_non_null(ny);
    assert_string_equal(cal_exception_name(ny, LANG_RU), "Рождество Христово");
    struct cal_exception own = {.date = 0, .kind = CAL_HOLIDAY, .name = "Company day"};
    assert_string_equal(cal_exception_name(&own, LANG_RU), "Company day");
    own.name = NULL;
    assert_string_equal(cal_exception_name(&own, LANG_RU), "");

    /* the presets */
    struct calendar a;
    assert_int_equal(cal_preset("24x7", NULL, &a), OP_OK);
    assert_true(a.always);
    assert_ptr_equal(a.tz, tz_utc());
    assert_int_equal(cal_validate(&a, NULL), OP_OK);
    assert_time(cal_add(&a, utc(2026, 1, 3, 23, 0), 90 * MIN_MS), utc(2026, 1, 4, 0, 30));
    assert_int_equal(cal_between(&a, utc(2026, 1, 3, 0, 0), utc(2026, 1, 4, 0, 0)), 24 * HOUR_MS);
    assert_true(cal_is_working(&a, utc(2026, 1, 1, 3, 0)));
    assert_int_equal(cal_hours_on(&a, 0)->s[0].to, 1440);
    assert_time(cal_add(&a, INT64_MAX - 5, 10), OP_TIME_NEVER);
    assert_int_equal(cal_preset("ru-production", NULL, &a), OP_ERR_INVALID);
    assert_int_equal(cal_preset("us-federal", NULL, &a), OP_ERR_NOTFOUND);
    assert_string_equal(cal_preset_names(), "24x7, ru-production");
}

/* ---- the property: between undoes add ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void check_property(const struct calendar *c, int rounds)
{
    op_time lo = utc(2024, 10, 1, 0, 0), span = utc(2028, 3, 1, 0, 0) - lo;
    for (int i = 0; i < rounds; i++) {
        op_time start = lo + (op_time)(next() % (uint64_t)span);
        if (i % 3 == 0) /* on a minute, often a span boundary */
            start -= start % MIN_MS;
        int64_t ms = (int64_t)(next() % (uint64_t)(300 * HOUR_MS));
        if (i % 5 == 0)
            ms -= ms % HOUR_MS;
        op_time due = cal_add(c, start, ms);
        assert_true(due != OP_TIME_NEVER && due >= start);
        int64_t got = cal_between(c, start, due);
        if (got != ms) {
            char s[32], d[32];
            time_format_iso(start, s);
            time_format_iso(due, d);
            fail_msg("%s: start %s + %" PRId64 " ms = %s, between says %" PRId64, c->name, s, ms,
                     d, got);
        }
        /* nothing working is skipped: 1 ms before due is working */
        if (ms > 0)
            assert_true(cal_is_working(c, due - 1));
    }
}

static void test_property(void **state)
{
    UNUSED(state);
    struct calendar c = ru();
    check_property(&c, 3000);
    struct calendar b = weekdays(zone("Europe/Berlin"), &split);
    b.name = "berlin split";
    check_property(&b, 3000);
    struct calendar n = {.name = "berlin nights", .tz = zone("Europe/Berlin")};
    for (int i = 0; i < 7; i++)
        n.week[i] = (struct cal_day){3, {{0, 150}, {170, 300}, {1320, 1440}}};
    check_property(&n, 3000);
    struct calendar y = {.name = "new york", .tz = zone("America/New_York")};
    y.week[6] = (struct cal_day){2, {{60, 180}, {1380, 1440}}}; /* Sundays, the change days */
    check_property(&y, 2000);
}

/* ---- giving up ---- */

static void test_never(void **state)
{
    UNUSED(state);
    /* Mondays only, and every Monday for 11 years a holiday: no working
     * time within the 10-year horizon. */
    static struct cal_exception exc[600];
    struct calendar c = {.name = "never", .tz = tz_utc()};
    c.week[0] = nine_to_six;
    size_t n = 0;
    for (int32_t d = cal_date(2026, 1, 5); n < ARRAY_SIZE(exc); d += 7)
        exc[n++] = (struct cal_exception){.date = d, .kind = CAL_HOLIDAY, .name = ""};
    c.exc = exc;
    c.n_exc = n;
    assert_int_equal(cal_validate(&c, NULL), OP_OK);
    assert_time(cal_add(&c, utc(2026, 1, 1, 0, 0), MIN_MS), OP_TIME_NEVER);
    /* between an instant and OP_TIME_NEVER stays finite */
    assert_int_equal(cal_between(&c, utc(2026, 1, 1, 0, 0), utc(2030, 1, 1, 0, 0)), 0);
    /* 400 years of Mondays, less the 600 holidays */
    int64_t mondays = (cal_date(2426, 1, 1) - cal_date(2026, 1, 1)) / 7 + 1;
    int64_t far = cal_between(&c, utc(2026, 1, 1, 0, 0), OP_TIME_NEVER);
    assert_true(far >= (mondays - 601) * 9 * HOUR_MS && far <= (mondays - 600) * 9 * HOUR_MS);
    assert_time(cal_add(&c, OP_TIME_NEVER, 0), OP_TIME_NEVER);
    assert_false(cal_is_working(&c, INT64_MIN));
}

/* ---- validation ---- */

static void expect_invalid(const struct calendar *c, const char *field, enum msg_id msg,
                           const char *arg0, const char *arg1)
{
    struct op_err err;
    op_err_clear(&err);
    assert_int_equal(cal_validate(c, &err), OP_ERR_INVALID);
    assert_int_equal(err.rc, OP_ERR_INVALID);
    assert_string_equal(err.field, field);
    if (err.msg != msg)
        fail_msg("message %s, want %s", i18n_key(err.msg), i18n_key(msg));
    if (arg0)
        assert_string_equal(err.arg[0], arg0);
    if (arg1)
        assert_string_equal(err.arg[1], arg1);
}

static void test_validate(void **state)
{
    UNUSED(state);
    struct calendar c = weekdays(tz_utc(), &split);
    assert_int_equal(cal_validate(&c, NULL), OP_OK);

    c.week[2] = (struct cal_day){2, {{540, 800}, {780, 1080}}}; /* overlap */
    expect_invalid(&c, "hours", MSG_CAL_SPAN_OVERLAP, "wed", "09:00-13:20");
    c.week[2] = (struct cal_day){2, {{540, 780}, {780, 1080}}}; /* touching */
    expect_invalid(&c, "hours", MSG_CAL_SPAN_OVERLAP, "wed", "09:00-13:00");
    c.week[2] = (struct cal_day){2, {{840, 1080}, {540, 780}}}; /* unsorted */
    expect_invalid(&c, "hours", MSG_CAL_SPAN_ORDER, "wed", "14:00-18:00");
    c.week[2] = (struct cal_day){1, {{1080, 540}}};              /* inverted */
    expect_invalid(&c, "hours", MSG_CAL_SPAN_BAD, "wed", "18:00-09:00");
    c.week[2] = (struct cal_day){1, {{600, 600}}};               /* empty */
    expect_invalid(&c, "hours", MSG_CAL_SPAN_BAD, "wed", "10:00-10:00");
    c.week[6] = (struct cal_day){1, {{1320, 1500}}};             /* to > 24:00 */
    c.week[2] = split;
    expect_invalid(&c, "hours", MSG_CAL_SPAN_BAD, "sun", "22:00-25:00");
    c.week[6] = (struct cal_day){1, {{-60, 60}}};
    expect_invalid(&c, "hours", MSG_CAL_SPAN_BAD, "sun", "-01:00-01:00");
    c.week[6] = (struct cal_day){5, {{0, 1}, {2, 3}, {4, 5}, {6, 7}}};
    expect_invalid(&c, "hours", MSG_CAL_SPANS_TOO_MANY, "sun", "4");
    c.week[6] = (struct cal_day){0};

    struct calendar none = {.name = "none", .tz = tz_utc()};   /* no hours in the week */
    expect_invalid(&none, "hours", MSG_CAL_NO_HOURS, NULL, NULL);
    none.always = true;                                         /* fine for 24/7 */
    assert_int_equal(cal_validate(&none, NULL), OP_OK);
    none.tz = NULL;
    expect_invalid(&none, "time_zone", MSG_ERR_REQUIRED, NULL, NULL);

    struct cal_exception exc[3] = {
        {cal_date(2026, 3, 2), CAL_HOLIDAY, {0}, "a"},
        {cal_date(2026, 3, 1), CAL_WORKDAY, {0}, "b"},
        {cal_date(2026, 3, 3), CAL_HOLIDAY, {0}, "c"},
    };
    c.exc = exc;
    c.n_exc = 3;
    expect_invalid(&c, "exceptions", MSG_CAL_EXC_ORDER, "2026-03-01", "2026-03-02");
    exc[1].date = cal_date(2026, 3, 2);
    expect_invalid(&c, "exceptions", MSG_CAL_EXC_DUPLICATE, "2026-03-02", NULL);
    exc[0].date = cal_date(2026, 3, 1);
    exc[1].hours = (struct cal_day){1, {{600, 540}}};
    expect_invalid(&c, "exceptions", MSG_CAL_SPAN_BAD, "2026-03-02", "10:00-09:00");
    exc[1].hours = (struct cal_day){1, {{600, 700}}};
    exc[2].hours = (struct cal_day){1, {{600, 700}}};
    expect_invalid(&c, "exceptions", MSG_CAL_HOLIDAY_HOURS, "2026-03-03", NULL);
    exc[2].hours.n = 0;
    assert_int_equal(cal_validate(&c, NULL), OP_OK);
    exc[2].date = cal_date(1800, 1, 1);
    c.exc = exc + 2;
    c.n_exc = 1;
    expect_invalid(&c, "exceptions", MSG_ERR_RANGE, "1900-01-01", "9999-12-31");
    c.n_exc = CAL_EXCEPTIONS_MAX + 1;
    expect_invalid(&c, "exceptions", MSG_ERR_TOO_MANY, "2000", NULL);

    /* a workday exception without hours works the usual day: the first
     * weekday with hours (here Monday's split day) */
    struct calendar s = weekdays(tz_utc(), &split);
    struct cal_exception sat = {cal_date(2026, 3, 7), CAL_WORKDAY, {0}, ""};
    s.exc = &sat;
    s.n_exc = 1;
    assert_int_equal(cal_validate(&s, NULL), OP_OK);
    assert_int_equal(cal_hours_on(&s, sat.date)->n, 2);
    assert_int_equal(cal_between(&s, utc(2026, 3, 7, 0, 0), utc(2026, 3, 8, 0, 0)), 8 * HOUR_MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_hhmm),
        cmocka_unit_test(test_weekend),
        cmocka_unit_test(test_outside_hours_and_zero),
        cmocka_unit_test(test_split_day),
        cmocka_unit_test(test_night_hours),
        cmocka_unit_test(test_dst_berlin),
        cmocka_unit_test(test_ru_new_year_2026),
        cmocka_unit_test(test_ru_holiday_and_saturday),
        cmocka_unit_test(test_ru_counts),
        cmocka_unit_test(test_ru_data),
        cmocka_unit_test(test_property),
        cmocka_unit_test(test_never),
        cmocka_unit_test(test_validate),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    tz_cleanup();
    return failed;
}
