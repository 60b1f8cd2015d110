/* motivation_int.h - what motivation.c and motivation_bonus.c share. */
#ifndef OPORA_APP_MOTIVATION_INT_H
#define OPORA_APP_MOTIVATION_INT_H

#include "app/motivation.h"

/* The level plans in force, from a: the stored ones, or (none stored) the
 * defaults of core/motivation.c; *defaults (may be NULL) says which. */
op_rc mv_levels_load(struct store_tx *tx, struct arena *a, struct level_plan **v, size_t *n,
                     bool *defaults);

/* The plan of rank among v; NULL when none (or rank <= 0). */
const struct level_plan *mv_plan_of_rank(const struct level_plan *v, size_t n, int rank);

/* u's pay as in force, from its stored row (NULL: none yet). */
void mv_pay_resolve(const struct level_plan *levels, size_t n, const struct user *u,
                    const struct agent_pay *stored, struct pay_view *out);

#endif
