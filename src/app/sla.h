/* sla.h - the SLA use cases: business-hours calendars, SLA policies, each
 * ticket's clocks, the timer job that fires warnings and breaches, and the
 * in-app notifications they leave. Rules of the clocks: core/sla.h. */
#ifndef OPORA_APP_SLA_H
#define OPORA_APP_SLA_H

#include "app/app.h"
#include "core/calendar.h"
#include "core/sla.h"
#include "store/store_sla.h"

/* ---- calendars (admins write, staff read) ---- */

enum {
    CF_NAME = 1u << 0, CF_TIME_ZONE = 1u << 1, CF_ALWAYS = 1u << 2, CF_WEEK = 1u << 3,
    CF_EXCEPTIONS = 1u << 4, CF_PRESET = 1u << 5
};
struct calendar_input {
    unsigned set;
    const char *name, *time_zone;
    bool always;
    struct cal_day week[7];
    struct cal_exception *exc;   /* any order; sorted and checked here */
    size_t n_exc;
    /* create only: start from a preset ("24x7", "ru-production"); fields
     * given beside it override the preset's */
    const char *preset;
};

op_rc app_calendar_create(struct app *app, const struct actor *who, const struct calendar_input *in,
                          struct arena *a, struct calendar_row *out, struct op_err *err);
/* Updates a calendar and moves the due times of every running clock that
 * is measured in it; *moved (may be NULL) counts them. */
op_rc app_calendar_update(struct app *app, const struct actor *who, int64_t id,
                          const struct calendar_input *in, struct arena *a,
                          struct calendar_row *out, int64_t *moved, struct op_err *err);
op_rc app_calendar_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                       struct calendar_row *out, struct op_err *err);
op_rc app_calendar_list(struct app *app, const struct actor *who, struct arena *a,
                        struct calendar_row **out, size_t *n, struct op_err *err);
/* CONFLICT while a policy uses it. */
op_rc app_calendar_delete(struct app *app, const struct actor *who, int64_t id,
                          struct op_err *err);

/* Moves the due times of running clocks measured in calendar id, in chunks
 * of their own transactions, from where an earlier run stopped. */
op_rc app_sla_recompute(struct app *app, int64_t calendar_id, int64_t *moved);

/* ---- policies ---- */

enum {
    PF_NAME = 1u << 0, PF_POSITION = 1u << 1, PF_ACTIVE = 1u << 2, PF_PRIORITIES = 1u << 3,
    PF_CHANNELS = 1u << 4, PF_TYPES = 1u << 5, PF_GROUPS = 1u << 6, PF_ORGS = 1u << 7,
    PF_TARGETS = 1u << 8, PF_CALENDAR = 1u << 9, PF_PAUSE_PENDING = 1u << 10,
    PF_PAUSE_HOLD = 1u << 11, PF_WARN = 1u << 12, PF_ACTIONS = 1u << 13,
    PF_ESCALATE_GROUP = 1u << 14, PF_ESCALATE_TIER = 1u << 15
};
/* The fields of p that `set` names are taken; PF_TARGETS takes the targets
 * whose bit is in target_set (1 << metric). */
struct sla_policy_input {
    unsigned set;
    unsigned target_set;
    struct sla_policy p;
};

op_rc app_sla_policy_create(struct app *app, const struct actor *who,
                            const struct sla_policy_input *in, struct arena *a,
                            struct sla_policy *out, struct op_err *err);
op_rc app_sla_policy_update(struct app *app, const struct actor *who, int64_t id,
                            const struct sla_policy_input *in, struct arena *a,
                            struct sla_policy *out, struct op_err *err);
op_rc app_sla_policy_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                         struct sla_policy *out, struct op_err *err);
op_rc app_sla_policy_list(struct app *app, const struct actor *who, struct arena *a,
                          struct sla_policy **out, size_t *n, struct op_err *err);
op_rc app_sla_policy_delete(struct app *app, const struct actor *who, int64_t id,
                            struct op_err *err);

/* ---- a ticket's SLA ---- */

struct ticket_sla_view {
    bool has;                    /* false: no clocks recorded for the ticket */
    struct sla_state state;
    struct sla_policy policy;    /* when state.policy_id */
    bool has_policy;
    int64_t elapsed_ms[SLA__METRICS]; /* measured by now */
    op_time now;
};

/* The SLA of a ticket who may see (staff only). */
op_rc app_ticket_sla(struct app *app, const struct actor *who, int64_t ticket_id,
                     struct arena *a, struct ticket_sla_view *out, struct op_err *err);

/* ---- notifications (anyone signed in, their own) ---- */

op_rc app_notification_list(struct app *app, const struct actor *who, bool unread_only,
                            int64_t after_id, size_t limit, struct arena *a,
                            struct notification **out, size_t *n, struct op_err *err);
op_rc app_notification_read(struct app *app, const struct actor *who, int64_t id,
                            struct op_err *err);

/* ---- for the rest of the app ---- */

/* The ticket hook (ticket_hooks.c): feeds an action to t's clocks. */
op_rc sla_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                      const struct ticket *old, struct ticket *t, const struct event_list *l,
                      int64_t action_id, struct arena *a);

/* The timer job (jobs.c): fires due warnings and breaches, once each, and
 * resumes an interrupted recompute. */
op_rc sla_job(struct app *app, op_time now, op_time *next_at);

/* Fires what is due now; *fired counts verdicts (tests and the benchmark). */
op_rc sla_fire_due(struct app *app, op_time now, size_t *fired);

#endif
