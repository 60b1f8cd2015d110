/* calendar.h - business hours: when a support team works, and how much
 * working time lies between two instants.
 *
 * A calendar is a time zone (the system tz database, through base/tz.h),
 * weekly hours with split days (09:00-13:00 and 14:00-18:00), and dated
 * exceptions: holidays (no work that day) and working days (a transferred
 * working Saturday, or a shortened day), each with its own hours. A 24/7
 * calendar works all the time: business time is calendar time.
 *
 * Times are op_time (ms since the epoch, UTC). Local dates are days since
 * 1970-01-01 in the calendar's zone. Working spans are local wall-clock
 * minutes [from, to) inside one day, 0 <= from < to <= 1440; a night shift
 * is two spans on two days. On a DST change a span is taken as wall-clock
 * time: 01:00-05:00 on a night the clocks go forward is three real hours;
 * a wall time that does not exist (in the gap) is the instant the gap ends,
 * a wall time that exists twice is its first occurrence.
 *
 * Pure computation: no I/O, no allocation except from a caller's arena. */
#ifndef OPORA_CORE_CALENDAR_H
#define OPORA_CORE_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/rc.h"
#include "base/timeutil.h"
#include "i18n/i18n.h"

struct tz;

#define CAL_SPANS_MAX 4     /* working spans per day */
#define CAL_EXCEPTIONS_MAX 2000

struct cal_span {
    int16_t from, to;       /* minutes from local midnight */
};

struct cal_day {
    uint8_t n;              /* 0: not a working day */
    struct cal_span s[CAL_SPANS_MAX]; /* ascending, not overlapping, not touching */
};

enum cal_exception_kind { CAL_HOLIDAY, CAL_WORKDAY };

struct cal_exception {
    int32_t date;                 /* local days since 1970-01-01 */
    enum cal_exception_kind kind;
    struct cal_day hours;         /* CAL_WORKDAY: that day's hours; n == 0 means
                                   * "the hours of a usual working day": the
                                   * first weekday, Monday first, that has any */
    const char *name;             /* "New Year holidays", "" when none; not owned */
};

struct calendar {
    int64_t id;
    const char *name;
    const struct tz *tz;          /* never NULL; see tz_load */
    bool always;                  /* 24/7: week and exceptions are ignored */
    struct cal_day week[7];       /* 0 = Monday ... 6 = Sunday */
    const struct cal_exception *exc; /* sorted by date, one per date */
    size_t n_exc;
};

/* Checks c: spans in range, ascending, not overlapping; exceptions sorted
 * and unique; some working time in every week unless always (a calendar
 * with no working hours would never reach a due time). OP_ERR_INVALID with
 * the field ("hours", "exceptions") and message, else OP_OK. */
op_rc cal_validate(const struct calendar *c, struct op_err *err);

/* The working spans of local date d (exceptions applied). */
const struct cal_day *cal_hours_on(const struct calendar *c, int32_t date);

/* True when t falls inside working time. */
bool cal_is_working(const struct calendar *c, op_time t);

/* The instant at which `ms` of working time have passed after start
 * (start itself may be outside working hours: counting begins at the next
 * working instant). ms == 0 (or less) gives start moved to the next working
 * instant. Working time is [from, to) of each span: a due time that lands
 * exactly on the end of a span stays there (09:00-13:00 + 14:00-18:00, 4 h
 * from 09:00 is 13:00, not 14:00), while a start at the end of a span is
 * outside it. Gives up after 10 years of calendar without enough working
 * time and returns OP_TIME_NEVER. */
#define OP_TIME_NEVER INT64_MAX
op_time cal_add(const struct calendar *c, op_time start, int64_t ms);

/* Working ms in [a, b); 0 when b <= a. cal_between(s, cal_add(s, ms)) ==
 * ms. Counts at most 400 years from a (b = OP_TIME_NEVER is harmless). */
int64_t cal_between(const struct calendar *c, op_time a, op_time b);

/* ---- local dates and times ---- */

/* The local date of t in c's zone, and the local date of y-m-d (1-based). */
int32_t cal_date_of(const struct calendar *c, op_time t);
int32_t cal_date(int y, int m, int d);
/* y-m-d of a date; weekday 0 = Monday. */
void cal_ymd(int32_t date, int *y, int *m, int *d);
int cal_weekday(int32_t date);
/* The instant of local wall time `minute` (0..1440) on date in c's zone
 * (gap and overlap as above). */
op_time cal_local(const struct calendar *c, int32_t date, int minute);

/* "2026-01-09" <-> date; OP_ERR_INVALID on a malformed or impossible date. */
op_rc cal_parse_date(const char *s, int32_t *out);
void cal_format_date(int32_t date, char out[11]);
/* "09:00" <-> minutes; "24:00" is 1440. OP_ERR_INVALID when malformed. */
op_rc cal_parse_hhmm(const char *s, int *out);
void cal_format_hhmm(int minute, char out[6]);

/* A day's hours as text, "09:00-13:00,14:00-18:00" ("" for none), and
 * back (calendar_text.c). parse checks the spans as cal_validate does:
 * OP_ERR_INVALID with MSG_ERR_CALENDAR_SPAN / _SPANS_MAX under field. */
#define CAL_DAY_TEXT_MAX (CAL_SPANS_MAX * 12 + 1)
void cal_day_format(const struct cal_day *d, char out[CAL_DAY_TEXT_MAX]);
op_rc cal_day_parse(const char *s, const char *field, struct cal_day *out, struct op_err *err);

/* ---- presets ---- */

/* The presets opora ships: "24x7" (always working, UTC) and
 * "ru-production" (Monday-Friday 09:00-18:00, Europe/Moscow, with the
 * holidays, transferred days off, working Saturdays and shortened
 * pre-holiday days of the Russian production calendar 2025-2027; 2027
 * lacks the decree's January transfers, not yet published). Fills *out
 * with static data (exceptions are not copied; id 0); tz is the zone to
 * use: NULL means UTC for "24x7" and is OP_ERR_INVALID for
 * "ru-production" (load Europe/Moscow). OP_ERR_NOTFOUND for an unknown
 * name. */
op_rc cal_preset(const char *name, const struct tz *tz, struct calendar *out);
/* "24x7, ru-production" for messages. */
const char *cal_preset_names(void);

/* The name of e in lang: the presets' names ("New Year holidays") are
 * translated; any other name is given as it is, "" for none. Static or
 * e's own storage; never NULL. */
const char *cal_exception_name(const struct cal_exception *e, enum lang lang);

#endif
