/* store_sla.h - the storage of SLA: calendars, policies, each ticket's
 * clocks (which are also its timers), and in-app notifications.
 *
 * Same contract as store.h: calls run inside a transaction, outputs come
 * from the caller's arena, a failed call fails its whole function. */
#ifndef OPORA_STORE_SLA_H
#define OPORA_STORE_SLA_H

#include "core/calendar.h"
#include "core/sla.h"
#include "store/store.h"

/* A calendar as stored: the zone by name (the app loads it). */
struct calendar_row {
    int64_t id;
    char *name;
    char *time_zone;
    bool always;
    struct cal_day week[7];
    struct cal_exception *exc;   /* sorted by date; names from the arena */
    size_t n_exc;
    /* A calendar change moves the due times of every running clock on it;
     * tickets above recompute_after still have to be moved (a crash in the
     * middle resumes there); -1 when nothing is pending. */
    int64_t recompute_after;
    op_time created_at, updated_at;
};

/* What sits in a user's in-app inbox. */
struct notification {
    int64_t id;
    int64_t user_id;
    int64_t ticket_id;
    char *kind;        /* "sla_warning", "sla_breached", ... */
    char *text;        /* rendered in the user's language when it was made */
    op_time created_at, read_at;
};

struct store_sla_ops {
    /* calendars; insert sets ->id; insert and update write the exceptions;
     * CONFLICT when the name is taken; delete of a calendar a policy uses
     * is CONFLICT (foreign key) */
    op_rc (*calendar_insert)(struct store_tx *tx, struct calendar_row *c);
    op_rc (*calendar_update)(struct store_tx *tx, const struct calendar_row *c);
    op_rc (*calendar_get)(struct store_tx *tx, int64_t id, struct arena *a,
                          struct calendar_row *out);
    /* every calendar, without exceptions (n_exc says how many there are) */
    op_rc (*calendar_list)(struct store_tx *tx, struct arena *a, struct calendar_row **out,
                           size_t *n);
    op_rc (*calendar_delete)(struct store_tx *tx, int64_t id);
    op_rc (*calendar_set_recompute)(struct store_tx *tx, int64_t id, int64_t after);
    /* A number that grows at every update of the calendar (caches compare
     * it); OP_ERR_NOTFOUND when there is no such calendar. */
    op_rc (*calendar_version)(struct store_tx *tx, int64_t id, int64_t *version);

    /* policies; list is by position, then id */
    op_rc (*policy_insert)(struct store_tx *tx, struct sla_policy *p);
    op_rc (*policy_update)(struct store_tx *tx, const struct sla_policy *p);
    op_rc (*policy_get)(struct store_tx *tx, int64_t id, struct arena *a, struct sla_policy *out);
    op_rc (*policy_list)(struct store_tx *tx, struct arena *a, struct sla_policy **out,
                         size_t *n);
    op_rc (*policy_delete)(struct store_tx *tx, int64_t id);
    /* the id of a policy using calendar_id, 0 when none */
    op_rc (*policy_using_calendar)(struct store_tx *tx, int64_t calendar_id, int64_t *policy_id);

    /* A ticket's clocks. get: OP_ERR_NOTFOUND when it has none yet. put
     * writes the state (insert or replace) and frees its lease. */
    op_rc (*state_get)(struct store_tx *tx, int64_t ticket_id, struct sla_state *out);
    op_rc (*state_put)(struct store_tx *tx, const struct sla_state *s);
    /* Rewrites only the schedule (next_at, due_at, breached) of a ticket
     * that has clocks: what a calendar change moves. The warn_at / due_at
     * inside the stored clocks are then stale: whoever reads a state
     * reschedules it (sla_schedule) before use. Leaves the lease alone.
     * OP_ERR_NOTFOUND when it has no row. */
    op_rc (*state_reschedule)(struct store_tx *tx, const struct sla_state *s);
    /* Claims up to limit tickets whose next_at <= now and whose lease is free
     * or expired, for owner until lease_until; their ids in out (from a). */
    op_rc (*state_claim)(struct store_tx *tx, op_time now, const char *owner,
                         op_time lease_until, size_t limit, struct arena *a,
                         struct id_list *out);
    /* Whether owner still holds ticket_id's lease (it may have expired and
     * been taken by another node). */
    op_rc (*state_lease_held)(struct store_tx *tx, int64_t ticket_id, const char *owner,
                              op_time now, bool *held);
    /* The earliest next_at of any ticket (0 when none). */
    op_rc (*state_next_at)(struct store_tx *tx, op_time *out);
    /* States measured in calendar_id with a running clock, ticket id >
     * after, ascending, at most limit (into an array from a). */
    op_rc (*state_scan)(struct store_tx *tx, int64_t calendar_id, int64_t after, size_t limit,
                        struct arena *a, struct sla_state **out, size_t *n);

    /* notifications */
    op_rc (*notification_insert)(struct store_tx *tx, struct notification *n);
    op_rc (*notification_list)(struct store_tx *tx, int64_t user_id, bool unread_only,
                               int64_t after_id, size_t limit, struct arena *a,
                               struct notification **out, size_t *n);
    /* marks one (id > 0) or all (id == 0) of user_id's notifications read */
    op_rc (*notification_read)(struct store_tx *tx, int64_t user_id, int64_t id, op_time at);
};

extern const struct store_sla_ops sqlite_sla_ops;

#endif
