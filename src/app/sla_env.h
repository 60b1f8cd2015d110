/* sla_env.h - inside the SLA use cases: the policies and calendars one
 * transaction works with, loaded once per transaction. */
#ifndef OPORA_APP_SLA_ENV_H
#define OPORA_APP_SLA_ENV_H

#include "app/sla.h"

struct sla_ctx_calendar {
    int64_t id;
    struct calendar cal;
    struct sla_ctx_calendar *next;
};

struct sla_ctx {
    struct app *app;
    struct arena *a;
    bool loaded;
    struct sla_policy *pol;
    size_t npol;
    struct sla_ctx_calendar *cals; /* from a: pointers into it stay valid */
};

void sla_ctx_init(struct sla_ctx *c, struct app *app, struct arena *a);

/* Calendars as core/calendar.h wants them, kept for the life of the process
 * and checked against the stored version at each use: an action on a
 * ticket does not read and parse a calendar's hundred days each time. */
struct sla_cache *sla_cache_new(void);
void sla_cache_free(struct sla_cache *c);

/* The policy t falls under (NULL: none). */
op_rc sla_ctx_match(struct store_tx *tx, struct sla_ctx *c, const struct ticket *t,
                    const struct sla_policy **out);

/* The environment of policy_id: its policy (NULL when 0 or deleted) and
 * calendar (NULL when it has none). */
op_rc sla_ctx_env(struct store_tx *tx, struct sla_ctx *c, int64_t policy_id,
                  struct sla_env *out);

/* Calendar id as core/calendar.h wants it (strings and exceptions stay in
 * r's arena). A zone that is no longer in the tz database falls back to
 * UTC, logged. */
op_rc sla_ctx_calendar(struct store_tx *tx, struct sla_ctx *c, int64_t id,
                       const struct calendar **out);
void sla_calendar_of_row(const struct calendar_row *r, struct calendar *out);

#endif
