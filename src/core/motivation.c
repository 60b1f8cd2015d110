/* motivation.c - levels, goals, attainment and the monthly statement
 * (motivation.h). */
#include "base/common.h"

#include <math.h>

#include "core/motivation.h"
#include "i18n/i18n.h"

op_rc level_plan_check(const struct level_plan *l, struct op_err *err)
{
    char f[48], max[8];
    if (!l->name[0]) return op_fail(err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
    if (l->pay_min < 0 || l->pay_max < l->pay_min)
        return op_fail(err, OP_ERR_INVALID, "pay_max", MSG_ERR_LEVEL_PAY_BAND);
    if (l->bonus_cap_pct < 0 || l->bonus_cap_pct > 100)
        return op_fail(err, OP_ERR_INVALID, "bonus_cap_percent", MSG_ERR_RANGE, "0", "100");
    snprintf(max, sizeof(max), "%d", MOTIVATION_GOALS_MAX);
    if (l->n_goals < 1 || l->n_goals > MOTIVATION_GOALS_MAX)
        return op_fail(err, OP_ERR_INVALID, "goals", MSG_ERR_RANGE, "1", max);
    int sum = 0;
    for (size_t i = 0; i < l->n_goals; i++) {
        const struct kpi_goal *g = &l->goals[i];
        if (!g->key[0]) {
            snprintf(f, sizeof(f), "goals[%zu].key", i);
            return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_REQUIRED);
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(l->goals[k].key, g->key)) {
                snprintf(f, sizeof(f), "goals[%zu].key", i);
                return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_DUPLICATE, g->key);
            }
        if (g->weight < 1 || g->weight > 100) {
            snprintf(f, sizeof(f), "goals[%zu].weight", i);
            return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_RANGE, "1", "100");
        }
        if (!isfinite(g->target) || !isfinite(g->threshold) ||
            (g->lower_is_better ? g->threshold <= g->target : g->threshold >= g->target)) {
            snprintf(f, sizeof(f), "goals[%zu].threshold", i);
            return op_fail(err, OP_ERR_INVALID, f,
                           g->lower_is_better ? MSG_ERR_GOAL_THRESHOLD_LOWER
                                              : MSG_ERR_GOAL_THRESHOLD_HIGHER);
        }
        sum += g->weight;
    }
    if (sum != 100) {
        char s[16];
        snprintf(s, sizeof(s), "%d", sum);
        return op_fail(err, OP_ERR_INVALID, "goals", MSG_ERR_GOAL_WEIGHTS, s);
    }
    return OP_OK;
}

double goal_attainment(const struct kpi_goal *g, double actual)
{
    double lo = g->threshold, hi = g->target;
    if (g->lower_is_better) {
        if (actual >= lo) return 0;
        if (actual <= hi) return 1;
        return (lo - actual) / (lo - hi);
    }
    if (actual <= lo) return 0;
    if (actual >= hi) return 1;
    return (actual - lo) / (hi - lo);
}

void statement_compute(const struct level_plan *l, int64_t base_pay,
                       const struct kpi_actual *actuals, struct statement *out)
{
    memset(out, 0, sizeof(*out));
    out->base_pay = base_pay;
    out->bonus_cap_pct = l->bonus_cap_pct;
    out->n = l->n_goals;
    double weights = 0, sum = 0;
    for (size_t i = 0; i < l->n_goals; i++)
        if (actuals[i].has) weights += l->goals[i].weight;
    for (size_t i = 0; i < l->n_goals; i++) {
        struct statement_line *ln = &out->lines[i];
        ln->goal = l->goals[i];
        ln->actual = actuals[i];
        if (!actuals[i].has || weights <= 0) continue;
        ln->attainment = goal_attainment(&l->goals[i], actuals[i].value);
        ln->weight_used = l->goals[i].weight * 100.0 / weights;
        sum += l->goals[i].weight * ln->attainment;
    }
    out->total = weights > 0 ? sum / weights : 0;
    /* base × cap% × total, in minor units, half away from zero */
    out->bonus = (int64_t)llround((double)base_pay * l->bonus_cap_pct / 100.0 * out->total);
}

bool meets_level(const struct level_plan *l, const struct kpi_actual *actuals)
{
    bool any = false;
    for (size_t i = 0; i < l->n_goals; i++) {
        if (!actuals[i].has) continue;
        any = true;
        if (goal_attainment(&l->goals[i], actuals[i].value) < 1) return false;
    }
    return any;
}

static void goal(struct level_plan *l, const char *key, bool lower, double target, double threshold,
                 int weight)
{
    struct kpi_goal *g = &l->goals[l->n_goals++];
    snprintf(g->key, sizeof(g->key), "%s", key);
    g->lower_is_better = lower;
    g->target = target;
    g->threshold = threshold;
    g->weight = weight;
}

size_t level_plan_defaults(struct level_plan *out, size_t max)
{
    if (max < 3) return 0;
    memset(out, 0, 3 * sizeof(*out));
    /* Junior: response time, quality, closed tickets */
    snprintf(out[0].name, sizeof(out[0].name), "Junior");
    out[0].rank = 1;
    out[0].pay_min = 6000000, out[0].pay_max = 8000000; /* 60,000-80,000 RUB */
    out[0].bonus_cap_pct = 20;
    goal(&out[0], "first_response_median_min", true, 30, 60, 40);
    goal(&out[0], "csat_percent", false, 90, 75, 30);
    goal(&out[0], "solved", false, 300, 200, 30);
    /* Middle: CSI, first-contact resolution, handling time */
    snprintf(out[1].name, sizeof(out[1].name), "Middle");
    out[1].rank = 2;
    out[1].pay_min = 8000000, out[1].pay_max = 11000000;
    out[1].bonus_cap_pct = 30;
    goal(&out[1], "csi", false, 85, 70, 40);
    goal(&out[1], "fcr_percent", false, 75, 60, 30);
    goal(&out[1], "aht_min", true, 15, 25, 30);
    /* Senior: the team's KPIs, NPS, operational efficiency */
    snprintf(out[2].name, sizeof(out[2].name), "Senior");
    out[2].rank = 3;
    out[2].pay_min = 11000000, out[2].pay_max = 15000000;
    out[2].bonus_cap_pct = 40;
    goal(&out[2], "team_sla_percent", false, 95, 85, 40);
    goal(&out[2], "nps", false, 50, 30, 30);
    goal(&out[2], "solved_per_online_hour", false, 4, 2.5, 30);
    return 3;
}

/* ---- the KPIs a goal may name ---- */

const struct motivation_kpi motivation_kpis[] = {
    {"first_response_median_min", "min", true, 0, 525600},
    {"first_response_p90_min", "min", true, 0, 525600},
    {"resolution_median_min", "min", true, 0, 525600},
    {"aht_min", "min", true, 0, 525600},
    {"fcr_percent", "percent", false, 0, 100},
    {"reopened_percent", "percent", true, 0, 100},
    {"solved", "count", false, 0, 1000000},
    {"sla_percent", "percent", false, 0, 100},
    {"csat_percent", "percent", false, 0, 100},
    {"csat_mean", "score", false, 1, 5},
    {"csi", "index", false, 0, 100},
    {"nps", "nps", false, -100, 100},
    {"team_sla_percent", "percent", false, 0, 100},
    {"team_csat_percent", "percent", false, 0, 100},
    {"solved_per_online_hour", "per_hour", false, 0, 1000},
};
const size_t motivation_kpis_count = sizeof(motivation_kpis) / sizeof(motivation_kpis[0]);

const struct motivation_kpi *motivation_kpi_find(const char *key)
{
    for (size_t i = 0; key && i < motivation_kpis_count; i++)
        if (!strcmp(motivation_kpis[i].key, key)) return &motivation_kpis[i];
    return NULL;
}

const char *motivation_kpi_names(void)
{
    static char names[1024];
    if (!names[0]) {
        size_t off = 0;
        for (size_t i = 0; i < motivation_kpis_count && off < sizeof(names); i++) {
            int n = snprintf(names + off, sizeof(names) - off, "%s%s", i ? ", " : "",
                             motivation_kpis[i].key);
            if (n < 0) break;
            off += (size_t)n;
        }
    }
    return names;
}

op_rc level_plan_check_kpis(const struct level_plan *l, struct op_err *err)
{
    char f[48], lo[24], hi[24];
    for (size_t i = 0; i < l->n_goals; i++) {
        const struct kpi_goal *g = &l->goals[i];
        const struct motivation_kpi *k = motivation_kpi_find(g->key);
        if (!k) {
            snprintf(f, sizeof(f), "goals[%zu].key", i);
            return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_ENUM, g->key, motivation_kpi_names());
        }
        if (g->lower_is_better != k->lower_is_better) {
            snprintf(f, sizeof(f), "goals[%zu].lower_is_better", i);
            return op_fail(err, OP_ERR_INVALID, f,
                           k->lower_is_better ? MSG_ERR_GOAL_LOWER : MSG_ERR_GOAL_HIGHER, k->key);
        }
        snprintf(lo, sizeof(lo), "%g", k->min);
        snprintf(hi, sizeof(hi), "%g", k->max);
        const char *bad = !(g->target >= k->min && g->target <= k->max)         ? "target"
                          : !(g->threshold >= k->min && g->threshold <= k->max) ? "threshold"
                                                                                : NULL;
        if (bad) {
            snprintf(f, sizeof(f), "goals[%zu].%s", i, bad);
            return op_fail(err, OP_ERR_INVALID, f, MSG_ERR_GOAL_UNIT, k->key, k->unit, lo, hi);
        }
    }
    return OP_OK;
}
