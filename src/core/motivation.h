/* motivation.h - how a support team is paid on its KPIs: levels with a pay
 * band, a bonus cap and a set of KPI goals; each agent's monthly statement.
 * Pure: the KPI actuals come in, the statement goes out.
 *
 * The rules (docs/kpi.md, "Motivation", says the same for people):
 *  - A goal has a target, a threshold and a weight (%); the weights of a
 *    level sum to 100. For a KPI where more is better (CSAT, solved), the
 *    attainment is 0 at or below the threshold, 1 at or above the target,
 *    and linear in between; where less is better (response time, AHT),
 *    mirrored: 0 at or above the threshold, 1 at or below the target.
 *  - A KPI with no data in the month (no rated tickets, say) is left out and
 *    the weights of the others are scaled to 100; with no data at all the
 *    total is 0. The statement says which were left out.
 *  - Total attainment = Σ weight × attainment / Σ weight of the KPIs with
 *    data (0..1). Bonus = base pay × cap % × total, in minor units
 *    (kopecks), rounded half away from zero.
 *  - Promotion hint: an agent whose every one of the last N months meets
 *    the next level's goals (each KPI with data at or past its target). */
#ifndef OPORA_CORE_MOTIVATION_H
#define OPORA_CORE_MOTIVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/rc.h"

#define MOTIVATION_GOALS_MAX 12
#define MOTIVATION_KEY_MAX 40

struct kpi_goal {
    char key[MOTIVATION_KEY_MAX]; /* a KPI of docs/kpi.md: "csat_percent", "first_response_median_min" */
    bool lower_is_better;
    double target, threshold;
    int weight;                   /* % of the level's bonus, 1..100 */
};

struct level_plan {
    int64_t id;
    char name[64];                /* "Junior" */
    int rank;                     /* order of promotion: 1, 2, 3 */
    int64_t pay_min, pay_max;     /* the pay band, minor units */
    int bonus_cap_pct;            /* 20, 30, 40 */
    struct kpi_goal goals[MOTIVATION_GOALS_MAX];
    size_t n_goals;
};

/* Checks a level: a name, 0 <= pay_min <= pay_max, cap 0..100, 1..12 goals
 * with keys, weights summing to 100, and target and threshold on the right
 * sides of each other (a threshold past the target is an error: nothing
 * could be attained between them). OP_ERR_INVALID naming the field
 * ("goals[1].threshold", ...). */
op_rc level_plan_check(const struct level_plan *l, struct op_err *err);

/* The attainment (0..1) of actual against g. */
double goal_attainment(const struct kpi_goal *g, double actual);

struct kpi_actual {
    bool has;        /* false: no data this month */
    double value;
};

struct statement_line {
    struct kpi_goal goal;
    struct kpi_actual actual;
    double attainment;      /* 0..1; 0 when left out */
    double weight_used;     /* the weight after scaling, 0 when left out */
};

struct statement {
    int64_t base_pay;       /* minor units */
    int bonus_cap_pct;
    struct statement_line lines[MOTIVATION_GOALS_MAX];
    size_t n;
    double total;           /* 0..1 */
    int64_t bonus;          /* minor units */
};

/* The statement of one agent of level l with base pay base for a month
 * whose actuals are given in goal order. */
void statement_compute(const struct level_plan *l, int64_t base_pay,
                       const struct kpi_actual *actuals, struct statement *out);

/* Whether these actuals meet every goal of l that has data (and at least
 * one has): a month that counts towards promotion to l. */
bool meets_level(const struct level_plan *l, const struct kpi_actual *actuals);

/* The KPIs a goal may name: each with its unit, its direction and the
 * range a target or threshold may take (docs/kpi.md, "Motivation", lists
 * them with where each actual comes from; app/motivation.c measures them). */
struct motivation_kpi {
    const char *key;
    const char *unit;     /* "min", "percent", "count", "score", "index", "nps", "per_hour" */
    bool lower_is_better;
    double min, max;
};
extern const struct motivation_kpi motivation_kpis[];
extern const size_t motivation_kpis_count;

/* The KPI called key; NULL when there is none. */
const struct motivation_kpi *motivation_kpi_find(const char *key);

/* "a, b, c": the keys, for error messages (static storage). */
const char *motivation_kpi_names(void);

/* Checks the goals of l against the KPI table: a known key
 * ("goals[i].key"), its direction ("goals[i].lower_is_better") and target
 * and threshold within its unit's range ("goals[i].target",
 * "goals[i].threshold"). OP_ERR_INVALID naming the field. Run after
 * level_plan_check. */
op_rc level_plan_check_kpis(const struct level_plan *l, struct op_err *err);

/* The defaults of the team profile: Junior, Middle, Senior with caps 20,
 * 30 and 40 % and the goals docs/kpi.md lists. */
size_t level_plan_defaults(struct level_plan *out, size_t max);

#endif
