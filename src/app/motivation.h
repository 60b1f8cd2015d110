/* motivation.h - the motivation system's use cases: level plans (editable
 * by admins; the defaults of core/motivation.c until the first edit),
 * agents' pay, monthly bonus statements computed from the KPI engine and
 * the surveys, approval that freezes a month, and promotion hints. Rules
 * and the KPI -> source table: docs/kpi.md, "Motivation". */
#ifndef OPORA_APP_MOTIVATION_H
#define OPORA_APP_MOTIVATION_H

#include "app/app.h"
#include "store/store_motivation.h"

#define MOTIVATION_LEVELS_MAX 10
#define MOTIVATION_HINT_MONTHS_MAX 12

/* ---- levels ---- */

/* The level plans in force, by rank (from a). *defaults: none stored, so
 * these are level_plan_defaults(). Staff only (OP_ERR_FORBIDDEN). */
op_rc app_levels(struct app *app, const struct actor *who, struct arena *a, struct level_plan **out,
                 size_t *n, bool *defaults, struct op_err *err);

/* Replaces every level plan with v (admins): 1..MOTIVATION_LEVELS_MAX
 * levels with distinct ranks 1..99, each passing level_plan_check and
 * level_plan_check_kpis. Errors name the field with the level's index
 * ("levels[1].goals[2].key"). One "level_plans" event on the team. Pay rows
 * name a level by rank, so a rank that goes leaves its agents without a
 * plan until it comes back. */
op_rc app_levels_put(struct app *app, const struct actor *who, struct level_plan *v, size_t n,
                     struct op_err *err);

/* ---- pay ---- */

struct pay_view {
    int64_t user_id;
    int level_rank; /* as stored: 0 follows the user's staff level */
    int rank_used;  /* the rank in force (0: none) */
    bool has_plan;
    struct level_plan plan; /* the plan in force, when has_plan */
    int64_t base_pay;       /* minor units */
    char currency[4];
    bool stored; /* false: nothing set yet (base = the plan's pay_min, RUB) */
    op_time updated_at;
};

/* The pay of staff member user_id: the agent themself, leads and admins.
 * OP_ERR_NOTFOUND for an unknown user (field "user_id"), OP_ERR_INVALID for
 * a customer. */
op_rc app_pay_get(struct app *app, const struct actor *who, int64_t user_id, struct pay_view *out,
                  struct op_err *err);

struct pay_input {
    int64_t level_rank;   /* -1: unchanged; 0: follow the user's level */
    int64_t base_pay;     /* -1: unchanged */
    const char *currency; /* NULL: unchanged */
};

/* Sets user_id's pay (admins). The rank must name a level in force
 * ("level_rank"), the base pay lie in its band ("base_pay"), the currency
 * be three capital letters ("currency"). The changes are EV_CHANGED events
 * "pay.level_rank", "pay.base_pay", "pay.currency" on the user, one action
 * of who. *out as app_pay_get afterwards. */
op_rc app_pay_put(struct app *app, const struct actor *who, int64_t user_id,
                  const struct pay_input *in, struct pay_view *out, struct op_err *err);

/* ---- monthly statements ---- */

struct bonus_statement {
    int64_t user_id;
    const char *name;
    struct level_plan plan; /* the plan the statement used */
    char currency[4];
    struct statement st; /* base pay, lines (goal, actual, attainment), total, bonus */
};

struct bonus_level_sum {
    int rank;
    char name[64];
    int64_t agents, base_pay, bonus;
};

struct bonus_summary {
    int64_t agents, base_pay, bonus; /* totals over the statements */
    char currency[4];                /* "" when they are in several currencies */
    struct bonus_level_sum levels[MOTIVATION_LEVELS_MAX];
    size_t n_levels; /* by rank */
};

/* One month's statements: computed now, or as approved (frozen). */
struct bonus_month_report {
    char month[8]; /* "2026-10" */
    const char *tz;
    op_time from, to;       /* the KPI report's range [from, to) */
    int64_t events_through; /* the KPI facts included the log up to this event */
    bool approved;
    op_time approved_at;
    int64_t approved_by;
    struct bonus_statement *v; /* by user id */
    size_t n;
    struct bonus_summary summary; /* of v */
};

/* The statements of month ("YYYY-MM") in zone tz (NULL/"" = UTC; an
 * approved month keeps the zone it was approved in). Every active staff
 * member with a plan in force gets one; user_id (0 = all) picks one.
 * Leads and admins see everyone; an agent only themself (user_id 0 means
 * them). Bad input: OP_ERR_INVALID on "month" (malformed, not begun yet),
 * "tz"; OP_ERR_NOTFOUND on "user_id" (unknown, or no statement). All from
 * a. */
op_rc app_bonus_month(struct app *app, const struct actor *who, const char *month, const char *tz,
                      int64_t user_id, struct arena *a, struct bonus_month_report *out,
                      struct op_err *err);

/* Approves month (leads and admins): computes it as app_bonus_month and
 * stores every statement with what it was computed from; the month is then
 * served from storage. OP_ERR_CONFLICT when approved already, OP_ERR_INVALID
 * on "month" when it is not over yet. One "bonus_approved" event on the
 * team. *out: the month as approved. */
op_rc app_bonus_approve(struct app *app, const struct actor *who, const char *month, const char *tz,
                        struct arena *a, struct bonus_month_report *out, struct op_err *err);

/* ---- promotion hints ---- */

struct promotion_month {
    char month[8];
    bool meets;
    struct kpi_actual actuals[MOTIVATION_GOALS_MAX]; /* in the next plan's goal order */
};

struct promotion_hint {
    int64_t user_id;
    const char *name;
    int rank; /* the level in force */
    char level[64];
    struct level_plan next;                                    /* the next level up */
    struct promotion_month months[MOTIVATION_HINT_MONTHS_MAX]; /* oldest first */
    size_t n_months;
};

/* Staff members whose each of the `months` months (1..12) up to `until`
 * ("YYYY-MM"; NULL/"" = the month before the current one) meets the goals of
 * the next level (meets_level), computed from the KPIs now (leads and
 * admins). OP_ERR_INVALID on "months", "until", "tz". */
op_rc app_promotions(struct app *app, const struct actor *who, int months, const char *until,
                     const char *tz, struct arena *a, struct promotion_hint **out, size_t *n,
                     struct op_err *err);

#endif
