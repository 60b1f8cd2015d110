/* test_tz.c - time zones from the tz database (src/base/tz.c): offsets
 * from the transitions and from the footer's POSIX rule, wall time to UTC
 * in gaps and overlaps, names refused, damaged files, files made by hand
 * for the rule forms the database itself does not use. */
#include "base/common.h"

#include <pthread.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/tz.h"

#define H 3600

/* Seconds since the epoch of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm);
}

/* Seconds since 1970-01-01 00:00 of a local wall time (the same arithmetic
 * as utc(), read as local). */
static int64_t wall(int y, int mo, int d, int h, int mi)
{
    return utc(y, mo, d, h, mi);
}

static const struct tz *load(const char *name)
{
    const struct tz *z = NULL;
    op_rc rc = tz_load(name, &z);
    if (rc != OP_OK)
        fail_msg("tz_load(%s) = %s", name, op_rc_name(rc));
    assert_string_equal(tz_name(z), name);
    return z;
}

/* ---- offsets from the database ---- */

static void test_moscow(void **state)
{
    UNUSED(state);
    const struct tz *z = load("Europe/Moscow");
    /* MSK is UTC+3 since 26 Oct 2014 (no DST); from 27 Mar 2011 to then it
     * was UTC+4 all year. */
    assert_int_equal(tz_offset(z, utc(2026, 1, 15, 12, 0)), 3 * H);
    assert_int_equal(tz_offset(z, utc(2026, 7, 15, 12, 0)), 3 * H);
    assert_int_equal(tz_offset(z, utc(2012, 6, 1, 0, 0)), 4 * H);
    assert_int_equal(tz_offset(z, utc(2012, 12, 1, 0, 0)), 4 * H);
    /* the change back: 2014-10-26 02:00 MSK+4 = 2014-10-25 22:00 UTC */
    assert_int_equal(tz_offset(z, utc(2014, 10, 25, 22, 0) - 1), 4 * H);
    assert_int_equal(tz_offset(z, utc(2014, 10, 25, 22, 0)), 3 * H);
    /* 2040: after the file's last transition; the footer "MSK-3" */
    assert_int_equal(tz_offset(z, utc(2040, 7, 1, 0, 0)), 3 * H);
    /* the same pointer on a second load */
    assert_ptr_equal(load("Europe/Moscow"), z);
}

static void test_berlin_2026(void **state)
{
    UNUSED(state);
    const struct tz *z = load("Europe/Berlin");
    /* EU rule: last Sunday of March and of October at 01:00 UTC.
     * 2026-03-01 is a Sunday, so March's Sundays are 1, 8, 15, 22, 29:
     * 29 Mar 02:00 CET (+1) = 01:00 UTC, clocks to 03:00 CEST (+2). */
    assert_int_equal(tz_offset(z, utc(2026, 3, 29, 1, 0) - 1), 1 * H);
    assert_int_equal(tz_offset(z, utc(2026, 3, 29, 1, 0)), 2 * H);
    /* 2026-10-01 is a Thursday: Sundays 4, 11, 18, 25. 25 Oct 03:00 CEST
     * (+2) = 01:00 UTC, clocks back to 02:00 CET. */
    assert_int_equal(tz_offset(z, utc(2026, 10, 25, 1, 0) - 1), 2 * H);
    assert_int_equal(tz_offset(z, utc(2026, 10, 25, 1, 0)), 1 * H);

    /* the interval around a summer instant is the summer */
    int64_t from, until;
    assert_int_equal(tz_offset_range(z, utc(2026, 6, 1, 0, 0), &from, &until), 2 * H);
    assert_true(from == utc(2026, 3, 29, 1, 0));
    assert_true(until == utc(2026, 10, 25, 1, 0));
}

static void test_berlin_2040_footer(void **state)
{
    UNUSED(state);
    const struct tz *z = load("Europe/Berlin");
    /* Beyond 2037 every file (fat or slim) has only the footer
     * "CET-1CEST,M3.5.0,M10.5.0/3". 2040-03-01 is a Thursday, so Mar 31 is
     * a Saturday and the last Sunday is Mar 25: 02:00 CET = 01:00 UTC.
     * 2040-10-01 is a Monday, Oct 31 a Wednesday, the last Sunday Oct 28:
     * 03:00 CEST = 01:00 UTC. */
    assert_int_equal(tz_offset(z, utc(2040, 1, 15, 0, 0)), 1 * H);
    assert_int_equal(tz_offset(z, utc(2040, 3, 25, 1, 0) - 1), 1 * H);
    assert_int_equal(tz_offset(z, utc(2040, 3, 25, 1, 0)), 2 * H);
    assert_int_equal(tz_offset(z, utc(2040, 10, 28, 1, 0) - 1), 2 * H);
    assert_int_equal(tz_offset(z, utc(2040, 10, 28, 1, 0)), 1 * H);
    assert_int_equal(tz_offset(z, utc(2040, 12, 31, 23, 0)), 1 * H);

    int64_t from, until;
    assert_int_equal(tz_offset_range(z, utc(2040, 7, 1, 0, 0), &from, &until), 2 * H);
    assert_true(from == utc(2040, 3, 25, 1, 0));
    assert_true(until == utc(2040, 10, 28, 1, 0));
    assert_int_equal(tz_offset_range(z, utc(2040, 12, 1, 0, 0), &from, &until), 1 * H);
    assert_true(from == utc(2040, 10, 28, 1, 0));
    /* 2041-03-01 is a Friday: Mar 29, 30, 31 are Fri, Sat, Sun -> Mar 31 */
    assert_true(until == utc(2041, 3, 31, 1, 0));
}

static void test_new_york(void **state)
{
    UNUSED(state);
    const struct tz *z = load("America/New_York");
    /* US rule: second Sunday of March 02:00 EST (-5) = 07:00 UTC; first
     * Sunday of November 02:00 EDT (-4) = 06:00 UTC. 2026-03-01 is a
     * Sunday: the second is Mar 8. 2026-11-01 is a Sunday: Nov 1. */
    assert_int_equal(tz_offset(z, utc(2026, 1, 10, 12, 0)), -5 * H);
    assert_int_equal(tz_offset(z, utc(2026, 3, 8, 7, 0) - 1), -5 * H);
    assert_int_equal(tz_offset(z, utc(2026, 3, 8, 7, 0)), -4 * H);
    assert_int_equal(tz_offset(z, utc(2026, 11, 1, 6, 0) - 1), -4 * H);
    assert_int_equal(tz_offset(z, utc(2026, 11, 1, 6, 0)), -5 * H);
    /* 2040 from the footer "EST5EDT,M3.2.0,M11.1.0": 2040-03-01 is a
     * Thursday, Sundays 4 and 11 -> Mar 11; 2040-11-01 is a Thursday, the
     * first Sunday Nov 4. */
    assert_int_equal(tz_offset(z, utc(2040, 3, 11, 7, 0) - 1), -5 * H);
    assert_int_equal(tz_offset(z, utc(2040, 3, 11, 7, 0)), -4 * H);
    assert_int_equal(tz_offset(z, utc(2040, 11, 4, 6, 0) - 1), -4 * H);
    assert_int_equal(tz_offset(z, utc(2040, 11, 4, 6, 0)), -5 * H);
    /* 1900: before the first transition, type 0 is local mean time
     * -4:56:02 */
    assert_int_equal(tz_offset(z, utc(1880, 1, 1, 0, 0)), -(4 * H + 56 * 60 + 2));
}

static void test_kolkata_sydney(void **state)
{
    UNUSED(state);
    const struct tz *z = load("Asia/Kolkata");
    /* IST is UTC+5:30 all year */
    assert_int_equal(tz_offset(z, utc(2026, 1, 1, 0, 0)), 5 * H + 30 * 60);
    assert_int_equal(tz_offset(z, utc(2026, 7, 1, 0, 0)), 5 * H + 30 * 60);
    assert_int_equal(tz_offset(z, utc(2045, 7, 1, 0, 0)), 5 * H + 30 * 60);
    assert_true(tz_utc_of_local(z, wall(2026, 1, 1, 5, 30)) == utc(2026, 1, 1, 0, 0));

    /* The southern hemisphere: summer time spans New Year.
     * "AEST-10AEDT,M10.1.0,M4.1.0/3". 2040-04-01 is a Sunday: 03:00 AEDT
     * (+11) = Mar 31 16:00 UTC. 2040-10-01 is a Monday: the first Sunday
     * is Oct 7, 02:00 AEST (+10) = Oct 6 16:00 UTC. */
    z = load("Australia/Sydney");
    assert_int_equal(tz_offset(z, utc(2040, 1, 15, 0, 0)), 11 * H);
    assert_int_equal(tz_offset(z, utc(2040, 3, 31, 16, 0) - 1), 11 * H);
    assert_int_equal(tz_offset(z, utc(2040, 3, 31, 16, 0)), 10 * H);
    assert_int_equal(tz_offset(z, utc(2040, 10, 6, 16, 0) - 1), 10 * H);
    assert_int_equal(tz_offset(z, utc(2040, 10, 6, 16, 0)), 11 * H);
    assert_int_equal(tz_offset(z, utc(2040, 12, 31, 12, 0)), 11 * H);
}

/* ---- wall time to UTC ---- */

static void test_local_to_utc(void **state)
{
    UNUSED(state);
    const struct tz *z = load("Europe/Berlin");
    /* plain: 2026-07-01 12:00 CEST (+2) = 10:00 UTC */
    assert_true(tz_utc_of_local(z, wall(2026, 7, 1, 12, 0)) == utc(2026, 7, 1, 10, 0));
    assert_true(tz_utc_of_local(z, wall(2026, 1, 1, 0, 0)) == utc(2025, 12, 31, 23, 0));
    /* the gap: 29 Mar 2026 02:00-03:00 does not exist; 02:30 is the
     * instant the gap ends, 01:00 UTC (= 03:00 CEST). 01:59 is CET: 00:59
     * UTC; 03:00 is CEST: 01:00 UTC. */
    assert_true(tz_utc_of_local(z, wall(2026, 3, 29, 2, 30)) == utc(2026, 3, 29, 1, 0));
    assert_true(tz_utc_of_local(z, wall(2026, 3, 29, 2, 0)) == utc(2026, 3, 29, 1, 0));
    assert_true(tz_utc_of_local(z, wall(2026, 3, 29, 1, 59)) == utc(2026, 3, 29, 0, 59));
    assert_true(tz_utc_of_local(z, wall(2026, 3, 29, 3, 0)) == utc(2026, 3, 29, 1, 0));
    /* the overlap: 25 Oct 2026 02:00-03:00 happens twice, first in CEST
     * (+2): 02:30 -> 00:30 UTC (not 01:30, its second occurrence). 03:00
     * is once, CET: 02:00 UTC. */
    assert_true(tz_utc_of_local(z, wall(2026, 10, 25, 2, 30)) == utc(2026, 10, 25, 0, 30));
    assert_true(tz_utc_of_local(z, wall(2026, 10, 25, 2, 0)) == utc(2026, 10, 25, 0, 0));
    assert_true(tz_utc_of_local(z, wall(2026, 10, 25, 3, 0)) == utc(2026, 10, 25, 2, 0));
    /* the same in 2040, from the footer */
    assert_true(tz_utc_of_local(z, wall(2040, 3, 25, 2, 30)) == utc(2040, 3, 25, 1, 0));
    assert_true(tz_utc_of_local(z, wall(2040, 10, 28, 2, 30)) == utc(2040, 10, 28, 0, 30));

    z = load("America/New_York");
    /* gap 2026-03-08 02:00-03:00 ends at 07:00 UTC; overlap 2026-11-01
     * 01:00-02:00, first in EDT (-4): 01:30 -> 05:30 UTC */
    assert_true(tz_utc_of_local(z, wall(2026, 3, 8, 2, 30)) == utc(2026, 3, 8, 7, 0));
    assert_true(tz_utc_of_local(z, wall(2026, 11, 1, 1, 30)) == utc(2026, 11, 1, 5, 30));
    assert_true(tz_utc_of_local(z, wall(2026, 11, 1, 2, 0)) == utc(2026, 11, 1, 7, 0));

    /* round trip over two years by the hour, wherever the wall time is
     * unique: utc -> local -> utc */
    z = load("Europe/Berlin");
    for (int64_t t = utc(2026, 1, 1, 0, 0); t < utc(2028, 1, 1, 0, 0); t += 1800) {
        int64_t local = t + tz_offset(z, t);
        int64_t back = tz_utc_of_local(z, local);
        if (back != t) {
            /* only the second pass through an autumn hour may differ */
            assert_true(back == t - H);
            assert_int_equal(tz_offset(z, t), 1 * H);
            assert_int_equal(tz_offset(z, t - H), 2 * H);
        }
    }
}

static void test_utc(void **state)
{
    UNUSED(state);
    const struct tz *z = tz_utc();
    assert_string_equal(tz_name(z), "UTC");
    assert_int_equal(tz_offset(z, utc(2026, 3, 29, 1, 0)), 0);
    assert_true(tz_utc_of_local(z, 1234567) == 1234567);
    /* "UTC" works without any database */
    const char *old = getenv("TZDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TZDIR", "/nonexistent-opora-tzdir", 1);
    const struct tz *u = NULL;
    assert_int_equal(tz_load("UTC", &u), OP_OK);
    assert_ptr_equal(u, z);
    const struct tz *x = NULL;
    assert_int_equal(tz_load("Asia/Tokyo", &x), OP_ERR_NOTFOUND); /* not loaded before */
    if (saved)
        setenv("TZDIR", saved, 1);
    else
        unsetenv("TZDIR");
    free(saved);
}

static void test_bad_names(void **state)
{
    UNUSED(state);
    static const char *const bad[] = {
        "Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "Europe/../UTC",
        "Europe/Berlin ",    "Europe\\Berlin",   "",               "Europe/",
        "Europe//Berlin",    "Europe",           "Europe/Berlin.", "Europe/Berl$n",
        "zone.tab",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        const struct tz *z = NULL;
        op_rc rc = tz_load(bad[i], &z);
        if (rc != OP_ERR_NOTFOUND)
            fail_msg("tz_load(\"%s\") = %s, want not_found", bad[i], op_rc_name(rc));
        assert_null(z);
    }
    const struct tz *z = NULL;
    assert_int_equal(tz_load(NULL, &z), OP_ERR_NOTFOUND);
    /* names with every allowed character class load */
    assert_int_equal(tz_load("Etc/GMT+5", &z), OP_OK);
    assert_int_equal(tz_offset(z, 0), -5 * H); /* POSIX sign: GMT+5 is UTC-5 */
    assert_int_equal(tz_load("America/Port-au-Prince", &z), OP_OK);
    assert_int_equal(tz_load("America/North_Dakota/New_Salem", &z), OP_OK);
}

/* ---- files made by hand ---- */

struct bytes {
    unsigned char b[4096];
    size_t n;
};

static void put(struct bytes *o, const void *p, size_t n)
{
    assert_true(o->n + n <= sizeof(o->b));
    if (n == 0)
        return;
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put32(struct bytes *o, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    put(o, b, 4);
}

static void put64(struct bytes *o, int64_t v)
{
    put32(o, (uint32_t)((uint64_t)v >> 32));
    put32(o, (uint32_t)v);
}

/* A TZif file of the given version ('\0' for 1) with transitions at[i] to
 * type[i], types of offsets off[], and (version 2+) footer. */
static void tzif(struct bytes *o, char version, const int64_t *at, const uint8_t *type, size_t n,
                 const int32_t *off, size_t ntypes, const char *footer)
{
    o->n = 0;
    for (int pass = 0; pass < (version ? 2 : 1); pass++) {
        size_t w = version && pass == 0 ? 0 : 1; /* the v1 block of a v2 file: empty */
        bool wide = version != 0;
        put(o, "TZif", 4);
        put(o, &version, 1);
        put(o, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
        put32(o, 0);                        /* isut */
        put32(o, 0);                        /* isstd */
        put32(o, 0);                        /* leap */
        put32(o, (uint32_t)(w ? n : 0));    /* time */
        put32(o, (uint32_t)(w ? ntypes : 1)); /* type */
        put32(o, 4);                        /* chars */
        if (w) {
            for (size_t i = 0; i < n; i++) {
                if (wide)
                    put64(o, at[i]);
                else
                    put32(o, (uint32_t)(int32_t)at[i]);
            }
            put(o, type, n);
            for (size_t i = 0; i < ntypes; i++) {
                put32(o, (uint32_t)off[i]);
                put(o, "\0\0", 2);
            }
        } else {
            put32(o, 0);
            put(o, "\0\0", 2);
        }
        put(o, "ABC", 4);
    }
    if (version) {
        put(o, "\n", 1);
        put(o, footer, strlen(footer));
        put(o, "\n", 1);
    }
}

static char tzdir[64];

static void write_zone(const char *name, const void *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", tzdir, name);
    char *slash = strrchr(path, '/');
    *slash = 0;
    mkdir(path, 0700);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static int setup_dir(void **state)
{
    UNUSED(state);
    snprintf(tzdir, sizeof(tzdir), "/tmp/opora-tz-XXXXXX");
    if (!mkdtemp(tzdir))
        return -1;
    setenv("TZDIR", tzdir, 1);
    return 0;
}

static int teardown_dir(void **state)
{
    UNUSED(state);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tzdir);
    if (system(cmd) != 0)
        return -1;
    unsetenv("TZDIR");
    return 0;
}

static void test_rule_forms(void **state)
{
    UNUSED(state);
    struct bytes f;
    const int32_t off0[] = {3600};
    const struct tz *z;

    /* Jn: day n of 365, Feb 29 never counted. J60 is Mar 1 in any year
     * (31 + 28 = 59 days before it); J300 is Oct 27 (273 days to the end
     * of September + 27). Start at 02:00 standard (+1) = 01:00 UTC; end at
     * 03:00 summer (+2) = 01:00 UTC. */
    tzif(&f, '3', NULL, NULL, 0, off0, 1, "AAA-1BBB,J60/2,J300/3");
    write_zone("Test/Julian", f.b, f.n);
    z = load("Test/Julian");
    assert_int_equal(tz_offset(z, utc(2026, 3, 1, 1, 0) - 1), 1 * H);
    assert_int_equal(tz_offset(z, utc(2026, 3, 1, 1, 0)), 2 * H);
    assert_int_equal(tz_offset(z, utc(2028, 3, 1, 1, 0) - 1), 1 * H); /* 2028 is leap */
    assert_int_equal(tz_offset(z, utc(2028, 3, 1, 1, 0)), 2 * H);
    assert_int_equal(tz_offset(z, utc(2026, 10, 27, 1, 0) - 1), 2 * H);
    assert_int_equal(tz_offset(z, utc(2026, 10, 27, 1, 0)), 1 * H);

    /* n: zero-based, Feb 29 counted. Day 59 is Mar 1 in 2026 and Feb 29 in
     * 2028. Default time 02:00. */
    tzif(&f, '2', NULL, NULL, 0, off0, 1, "CCC-1DDD,59,299");
    write_zone("Test/Zero", f.b, f.n);
    z = load("Test/Zero");
    assert_int_equal(tz_offset(z, utc(2026, 3, 1, 1, 0)), 2 * H);
    assert_int_equal(tz_offset(z, utc(2028, 2, 29, 1, 0) - 1), 1 * H);
    assert_int_equal(tz_offset(z, utc(2028, 2, 29, 1, 0)), 2 * H);

    /* Quoted names, minutes in the offset and a negative rule time (v3):
     * "<+0330>-3:30<+0430>,M3.5.0/-1,M9.4.0/24". 2026-03-01 is a Sunday:
     * last Sunday Mar 29, at -01:00 = Mar 28 23:00 +3:30 = 19:30 UTC. */
    tzif(&f, '3', NULL, NULL, 0, off0, 1, "<+0330>-3:30<+0430>,M3.5.0/-1,M9.4.0/24");
    write_zone("Test/Quoted", f.b, f.n);
    z = load("Test/Quoted");
    assert_int_equal(tz_offset(z, utc(2026, 3, 28, 19, 30) - 1), 3 * H + 1800);
    assert_int_equal(tz_offset(z, utc(2026, 3, 28, 19, 30)), 4 * H + 1800);
}

static void test_versions(void **state)
{
    UNUSED(state);
    struct bytes f;
    /* Version 1: 32-bit times, no footer; the last type goes on. One
     * transition at 2000-01-01 00:00 UTC from +1 to +2. */
    const int64_t at[] = {utc(2000, 1, 1, 0, 0)};
    const uint8_t ty[] = {1};
    const int32_t off[] = {3600, 7200};
    tzif(&f, '\0', at, ty, 1, off, 2, NULL);
    write_zone("Test/V1", f.b, f.n);
    const struct tz *z = load("Test/V1");
    assert_int_equal(tz_offset(z, at[0] - 1), 1 * H);
    assert_int_equal(tz_offset(z, at[0]), 2 * H);
    assert_int_equal(tz_offset(z, utc(2100, 1, 1, 0, 0)), 2 * H);

    /* Version 2 with an empty footer: the same. A transition before 1901
     * needs the 64-bit data. */
    const int64_t at2[] = {utc(1850, 1, 1, 0, 0), utc(2000, 1, 1, 0, 0)};
    const uint8_t ty2[] = {1, 0};
    tzif(&f, '2', at2, ty2, 2, off, 2, "");
    write_zone("Test/V2", f.b, f.n);
    z = load("Test/V2");
    assert_int_equal(tz_offset(z, at2[0] - 1), 1 * H);
    assert_int_equal(tz_offset(z, at2[0]), 2 * H);
    assert_int_equal(tz_offset(z, utc(1950, 1, 1, 0, 0)), 2 * H);
    assert_int_equal(tz_offset(z, utc(2100, 1, 1, 0, 0)), 1 * H);
}

static void test_damaged(void **state)
{
    UNUSED(state);
    struct bytes f;
    const int32_t off[] = {3600, 7200};
    const struct tz *z = NULL;

    /* not TZif at all: not a zone */
    write_zone("Test/Text", "hello\n", 6);
    assert_int_equal(tz_load("Test/Text", &z), OP_ERR_NOTFOUND);
    /* a directory */
    assert_int_equal(tz_load("Test", &z), OP_ERR_NOTFOUND);

    /* TZif cut short */
    const int64_t at[] = {0, 1000};
    const uint8_t ty[] = {1, 0};
    tzif(&f, '2', at, ty, 2, off, 2, "AAA-1");
    write_zone("Test/Short", f.b, f.n - 20);
    assert_int_equal(tz_load("Test/Short", &z), OP_ERR_IO);
    /* a type index out of range */
    const uint8_t bad_ty[] = {1, 7};
    tzif(&f, '2', at, bad_ty, 2, off, 2, "AAA-1");
    write_zone("Test/BadType", f.b, f.n);
    assert_int_equal(tz_load("Test/BadType", &z), OP_ERR_IO);
    /* transitions out of order */
    const int64_t back[] = {1000, 0};
    tzif(&f, '2', back, ty, 2, off, 2, "AAA-1");
    write_zone("Test/Unsorted", f.b, f.n);
    assert_int_equal(tz_load("Test/Unsorted", &z), OP_ERR_IO);
    /* a footer that is not a TZ string */
    tzif(&f, '2', at, ty, 2, off, 2, "A-1");
    write_zone("Test/BadFooter", f.b, f.n);
    assert_int_equal(tz_load("Test/BadFooter", &z), OP_ERR_IO);
    tzif(&f, '2', at, ty, 2, off, 2, "AAA-1BBB,M13.1.0,M10.5.0");
    write_zone("Test/BadRule", f.b, f.n);
    assert_int_equal(tz_load("Test/BadRule", &z), OP_ERR_IO);
    /* an offset no zone has */
    const int32_t huge[] = {3600, 200000};
    tzif(&f, '2', at, ty, 2, huge, 2, "AAA-1");
    write_zone("Test/Huge", f.b, f.n);
    assert_int_equal(tz_load("Test/Huge", &z), OP_ERR_IO);
    assert_null(z);
}

/* ---- threads ---- */

static void *load_many(void *arg)
{
    static const char *const names[] = {"Europe/Paris", "Asia/Tokyo", "America/Chicago",
                                        "Africa/Cairo"};
    const struct tz **out = arg;
    for (int round = 0; round < 50; round++)
        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
            if (tz_load(names[i], &out[i]) != OP_OK)
                out[i] = NULL;
    return NULL;
}

static void test_threads(void **state)
{
    UNUSED(state);
    pthread_t th[4];
    const struct tz *got[4][4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, load_many, got[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int j = 0; j < 4; j++) {
        assert_non_null(got[0][j]);
        for (int i = 1; i < 4; i++)
            assert_ptr_equal(got[i][j], got[0][j]); /* loaded once */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moscow),
        cmocka_unit_test(test_berlin_2026),
        cmocka_unit_test(test_berlin_2040_footer),
        cmocka_unit_test(test_new_york),
        cmocka_unit_test(test_kolkata_sydney),
        cmocka_unit_test(test_local_to_utc),
        cmocka_unit_test(test_utc),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_threads),
        cmocka_unit_test_setup_teardown(test_rule_forms, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_versions, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_damaged, setup_dir, teardown_dir),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    tz_cleanup();
    return failed;
}
