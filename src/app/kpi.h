/* kpi.h - the KPI engine's use cases: keeping the per-ticket facts up to
 * date from the event log (a job and a full rebuild), and the reports made
 * from them (docs/kpi.md). */
#ifndef OPORA_APP_KPI_H
#define OPORA_APP_KPI_H

#include "app/app.h"
#include "core/kpi.h"
#include "core/survey.h"

/* ---- keeping the facts ---- */

/* Recomputes every ticket's facts from the whole log, in batches of
 * tickets (each its own transaction), then sets the job's cursor to the
 * newest event seen at the start. *tickets: how many were computed.
 * OP_ERR_CONFLICT (with a message) when another node holds the kpi lease. */
op_rc kpi_rebuild(struct app *app, int64_t *tickets, struct op_err *err);

/* One step of the job: the tickets touched by up to `limit` events after
 * the cursor are recomputed and the cursor moves past those events, in one
 * transaction (so each event is processed exactly once, under the kpi
 * lease). *more: events remain after this step. */
op_rc kpi_catch_up(struct app *app, size_t limit, bool *more);

/* The job (jobs.c): kpi_catch_up until the cursor reaches the log's end. */
op_rc kpi_job(struct app *app, op_time now, op_time *next_at);

/* ---- reports ---- */

enum kpi_group_by {
    KG_NONE,
    KG_AGENT,
    KG_GROUP,
    KG_TIER,
    KG_CHANNEL,
    KG_ORGANIZATION,
    KG_DAY,
    KG_WEEK,
    KG_MONTH,
    KG__COUNT
};
const char *kpi_group_by_name(enum kpi_group_by g);
int kpi_group_by_parse(const char *s); /* -1: unknown */

/* A report request as it arrives (strings may be NULL: defaults). */
struct kpi_request {
    const char *from, *to;      /* local dates YYYY-MM-DD, both included */
    const char *group_by;       /* enum kpi_group_by names; NULL/"" = none */
    const char *tz;             /* IANA zone; NULL/"" = UTC */
    const char *fcr;            /* kpi_fcr names; NULL/"" = one_reply */
    int64_t agent_id, group_id; /* 0 = all */
};

/* Duration statistics in calendar and business time. */
struct kpi_pair {
    struct kpi_stat cal, bus;
};

struct kpi_row {
    int64_t key;       /* the id, enum value or local date of the bucket */
    const char *label; /* a name or a date; "" for none */
    int64_t created, solved, closed, reopened, reopens;
    int64_t escalated[3]; /* l1>l2, l2>tech, other steps */
    int64_t handed_back;
    int64_t fcr; /* solved tickets resolved on first contact */
    struct kpi_pair first_response, resolution, requester_wait, next_response_worst;
    int64_t next_n;                       /* next-response cycles */
    int64_t next_mean_cal, next_mean_bus; /* KPI_NONE when next_n == 0 */
    struct kpi_stat aht;
    int64_t sla_met[3], sla_breached[3];
    int64_t online_ms; /* agents' online time (agent rows and the total); -1 unknown */
    /* Surveys answered in the period (app_survey_report), for group_by none,
     * agent and group (has_surveys false otherwise): CSAT and CSI of the
     * row's agent or group; NPS, about the company, only in the total. */
    bool has_surveys;
    struct survey_totals surveys;
};

struct kpi_report {
    int32_t from_date, to_date; /* local dates, both included */
    op_time from, to;           /* [from, to) */
    const char *tz;
    enum kpi_group_by group_by;
    enum kpi_fcr_rule fcr;
    struct kpi_row *rows; /* by key */
    size_t n;
    struct kpi_row total;
};

/* The KPI report of req. Leads and admins see everything; an agent only
 * their own numbers (agent_id must be theirs or 0, which then means
 * theirs); customers OP_ERR_FORBIDDEN. Bad input: OP_ERR_INVALID naming
 * the field (from, to, group_by, tz, fcr, agent_id, group_id). Everything
 * from a. */
op_rc kpi_report(struct app *app, const struct actor *who, const struct kpi_request *req,
                 struct arena *a, struct kpi_report *out, struct op_err *err);

/* Backlog: the tickets open at an instant, by age. */
#define KPI_AGE_BUCKETS 5 /* < 1 d, 1-3 d, 3-7 d, 7-30 d, >= 30 d (calendar time) */
extern const char *const kpi_age_bucket_names[KPI_AGE_BUCKETS];

struct kpi_backlog_row {
    int64_t key;
    const char *label;
    int64_t count;
    int64_t age[KPI_AGE_BUCKETS];
};

struct kpi_backlog {
    op_time at;
    enum kpi_group_by group_by; /* none, agent, group, tier, channel, organization */
    struct kpi_backlog_row *rows;
    size_t n;
    struct kpi_backlog_row total;
};

/* The backlog at `at` (0: now), grouped; agent/group filters and access as
 * kpi_report. Time buckets (day, week, month) are OP_ERR_INVALID on group_by. */
op_rc kpi_backlog(struct app *app, const struct actor *who, op_time at, const char *group_by,
                  int64_t agent_id, int64_t group_id, struct arena *a, struct kpi_backlog *out,
                  struct op_err *err);

#endif
