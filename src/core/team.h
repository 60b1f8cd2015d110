/* team.h - the rules of a support team's time: shift templates and the
 * rota, on-call duty, presence, adherence to the schedule, and the choice of
 * the agent a new ticket is routed to.
 *
 * Times are op_time (ms since the epoch, UTC). A local date is a number of
 * days since 1970-01-01 in some zone; a local time of day is minutes from
 * local midnight. A rota entry is planned in local terms (this agent works
 * the "day" shift on 2026-12-01) and kept as the UTC interval that follows
 * in the agent's zone: a shift is wall-clock time, so 22:00 + 8 h on the
 * night the clocks go forward lasts 7 real hours (as calendar.h counts
 * working spans).
 *
 * Pure computation: no I/O, no clock; allocation only from a caller's arena. */
#ifndef OPORA_CORE_TEAM_H
#define OPORA_CORE_TEAM_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/rc.h"
#include "base/timeutil.h"

struct tz;

#define TEAM_MIN_MS ((int64_t)60000)
#define TEAM_DAY_MIN 1440
#define TEAM_SHIFT_NAME_MAX 64      /* characters */
#define TEAM_NOTE_MAX 500           /* characters of an on-call note */
#define TEAM_LANGS_MAX 10           /* languages an agent may list */
#define TEAM_RANGE_DAYS_MAX 62      /* days in one rota or report query */

/* ---- shift templates and the rota ---- */

struct shift_template {
    int64_t id;
    char *name;             /* unique, case-insensitive: "day", "night" */
    int start_min;          /* local start, 0..1439 */
    int duration_min;       /* 1..1440; start + duration may pass midnight */
    char *time_zone;        /* "" = each agent's own zone; else e.g. an office's */
    op_time created_at, updated_at;
};

struct rota_entry {
    int64_t id;
    int64_t agent_id;
    int32_t date;           /* local date the shift starts on */
    int64_t shift_id;
    op_time start_at, end_at; /* the UTC interval, [start_at, end_at) */
    int64_t created_by;
    op_time created_at;
    char *shift_name;       /* filled by reads, for display */
};

struct oncall {
    int64_t id;
    int64_t agent_id;
    op_time start_at, end_at; /* [start_at, end_at) */
    char *note;
    int64_t created_by;
    op_time created_at;
};

/* Checks a template's name, start, duration; tz_known says whether its
 * time_zone (when not "") is one the tz database has. OP_ERR_INVALID with
 * the field ("name", "start", "duration_min", "time_zone"), else OP_OK. */
op_rc shift_template_check(const struct shift_template *s, bool tz_known, struct op_err *err);

/* The UTC interval of shift s worked on local date in zone z (wall-clock
 * start and end: a start in a DST gap is the instant the gap ends, a time
 * that occurs twice its first occurrence). */
void shift_expand(const struct shift_template *s, int32_t date, const struct tz *z,
                  op_time *start, op_time *end);

/* Whether [a0, a1) and [b0, b1) share an instant (touching is not overlap). */
static inline bool team_overlaps(op_time a0, op_time a1, op_time b0, op_time b1)
{
    return a0 < b1 && b0 < a1;
}

/* Checks an interval given by a caller: from < to, both set. field names
 * the end ("end_at" or so) for the message. */
op_rc team_interval_check(op_time from, op_time to, const char *field, struct op_err *err);

/* ---- local dates ---- */

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian), and back. */
int32_t team_date(int y, int m, int d);
void team_ymd(int32_t date, int *y, int *m, int *d);
/* "2026-12-01" -> date; OP_ERR_INVALID when malformed or impossible. */
op_rc team_parse_date(const char *s, int32_t *out);
void team_format_date(int32_t date, char out[11]);
/* "2026-12" -> first and last date of that month. */
op_rc team_parse_month(const char *s, int32_t *first, int32_t *last);
/* "09:00" -> 540 (00:00..23:59). */
op_rc team_parse_hhmm(const char *s, int *out);
void team_format_hhmm(int minute, char out[6]);
/* "9h", "8h30m", "90m", "90" (minutes) -> minutes; OP_ERR_INVALID else. */
op_rc team_parse_duration(const char *s, int *out);
/* Monday = 0 ... Sunday = 6. */
int team_weekday(int32_t date);
/* The local date of instant t in z, and the instant local midnight of date begins. */
int32_t team_date_of(const struct tz *z, op_time t);
op_time team_midnight(const struct tz *z, int32_t date);

/* ---- presence ---- */

enum presence_status { PRESENCE_OFFLINE, PRESENCE_ONLINE, PRESENCE_AWAY, PRESENCE_BREAK,
                       PRESENCE__COUNT };
const char *presence_name(enum presence_status s);
int presence_parse(const char *s);
const char *presence_names_list(void);

/* Why a presence interval began. */
enum presence_source { PSRC_AGENT, PSRC_IDLE, PSRC_LOGOUT, PSRC_EXPIRY, PSRC_ACTIVITY,
                       PSRC__COUNT };
const char *presence_source_name(enum presence_source s);

struct presence_interval {
    int64_t id;
    int64_t agent_id;
    enum presence_status status;
    enum presence_source source;
    op_time start_at;
    op_time end_at;           /* 0: still open (the agent's current status) */
};

/* ---- adherence ---- */

/* A planned shift as the report sees it. */
struct adh_plan {
    int64_t rota_id;
    int32_t date;
    const char *shift_name;
    op_time start_at, end_at;
};

struct adh_shift {
    struct adh_plan plan;
    int64_t planned_ms;                    /* the part of the shift before now */
    int64_t status_ms[PRESENCE__COUNT];    /* inside the shift, before now; no record = offline */
    int64_t late_ms, early_ms;             /* 0 when within the grace */
    bool absent;                           /* not online at all in the elapsed part */
};

struct adh_day {
    int32_t date;                          /* local date in the agent's zone */
    int n_shifts;                          /* shifts that start on date */
    int64_t planned_ms;                    /* of those shifts, as in adh_shift */
    int64_t in_shift_ms[PRESENCE__COUNT];  /* of those shifts */
    int64_t total_ms[PRESENCE__COUNT];     /* over the whole local day before now */
    int64_t late_ms, early_ms;             /* sums over the day's shifts */
};

struct adh_report {
    struct adh_shift *shifts;
    size_t n_shifts;
    struct adh_day *days;
    size_t n_days;
    int64_t planned_ms, online_in_shift_ms; /* totals */
};

/* Adherence in per mille (0..1000) of online in shift over planned; -1
 * when nothing was planned (no ratio). */
int adherence_permille(int64_t online_ms, int64_t planned_ms);

/* The adherence of one agent for local dates [from, to] in zone z, as of
 * now: plans (any order; those whose date is outside the range are left
 * out) against presence intervals (any order, may overlap the range; an
 * open one ends at now). Nothing after now counts, so that a report for the
 * current month is not dragged down by shifts still to come.
 *   late start: the first online instant in the shift minus its start,
 *     when over grace_ms (never online: the whole elapsed part, and absent);
 *   early leave: the shift's end minus the last online instant in it, when
 *     over grace_ms, only for shifts that have ended and where the agent was
 *     online.
 * Arrays come from a. OP_ERR_NOMEM, or OP_ERR_INVALID when to < from or the
 * range is over TEAM_RANGE_DAYS_MAX days. */
op_rc team_adherence(const struct adh_plan *plans, size_t n_plans,
                     const struct presence_interval *p, size_t n_p, int32_t from, int32_t to,
                     const struct tz *z, op_time now, int64_t grace_ms, struct arena *a,
                     struct adh_report *out);

/* ---- routing ---- */

enum routing_mode { ROUTING_OFF, ROUTING_ROUND_ROBIN, ROUTING_LEAST_LOADED, ROUTING__COUNT };
const char *routing_mode_name(enum routing_mode m);
int routing_mode_parse(const char *s);
const char *routing_mode_names_list(void);

/* What the ticket's language does: nothing, narrows the choice to speakers
 * when some speaker is eligible, or must be spoken (else nobody is chosen). */
enum routing_lang { RLANG_IGNORE, RLANG_PREFER, RLANG_REQUIRE, RLANG__COUNT };
const char *routing_lang_name(enum routing_lang m);
int routing_lang_parse(const char *s);
const char *routing_lang_names_list(void);

/* A group's routing settings. */
struct routing_settings {
    int64_t group_id;
    enum routing_mode mode;
    int cap;                    /* open tickets per agent at most; 0 = no cap */
    int reassign_after_min;     /* 0 = never reassign */
    enum routing_lang lang_rule;
    int64_t rr_last_agent_id;   /* round-robin: the group's last pick */
    op_time updated_at;
};

struct route_candidate {
    int64_t agent_id;
    bool on_shift;              /* a rota entry covers now */
    bool online;                /* current presence is online */
    int64_t open_tickets;       /* assigned and not solved or closed, in any group */
    const char *languages;      /* space-separated codes, "" when none */
    op_time last_assigned_at;   /* 0: never */
};

/* Whether c may take a ticket now: on shift, online, under cap (0 = none). */
bool route_eligible(const struct route_candidate *c, int cap);
/* Whether c lists lang among its languages. */
bool route_speaks(const struct route_candidate *c, const char *lang);

/* The agent to give a ticket to, or 0 when none may take it. Candidates in
 * any order. Round-robin: the eligible agent with the smallest id above
 * rr_last (wrapping round to the smallest). Least-loaded: fewest open
 * tickets, then the longest since the last assignment (never first), then
 * the smallest id. lang ("" or NULL: unknown) narrows the choice as
 * lang_rule says. */
int64_t route_pick(enum routing_mode mode, enum routing_lang lang_rule, const char *lang,
                   int cap, int64_t rr_last, const struct route_candidate *c, size_t n);

/* ---- settings of the whole team ---- */

struct team_settings {
    int away_after_min;         /* online -> away after this long without activity (10) */
    int grace_min;              /* late start / early leave tolerance (5) */
    op_time updated_at;
};

void team_settings_defaults(struct team_settings *s);
/* away_after_min 1..1440, grace_min 0..240: OP_ERR_INVALID naming the field. */
op_rc team_settings_check(const struct team_settings *s, struct op_err *err);

#endif
