/* store_kpi.h - the KPI engine's tables behind the store: the per-ticket
 * facts (core/kpi.h), the event-feed cursor of the kpi job, and the reads
 * reports are made of (docs/kpi.md).
 *
 * Called as tx->ops->kpi->facts_put(tx, ...). The contract of store.h
 * holds: strings and arrays from the caller's arena. */
#ifndef OPORA_STORE_KPI_H
#define OPORA_STORE_KPI_H

#include "core/kpi.h"
#include "store/store.h"

/* A ticket as the facts are computed from: its row and its whole event log
 * (ticket events only, in log order; old_value and data are left ""). */
struct kpi_source {
    struct kpi_ticket t;
    int64_t calendar_id; /* of its SLA clocks; 0: none */
    struct event *ev;
    size_t nev;
};

/* The facts a report reads: [from, to), of agent_id (credited agent; 0
 * any) and group_id (0 any). */
struct kpi_query {
    op_time from, to;
    int64_t agent_id, group_id;
};

enum kpi_when { KPI_BY_SOLVED, KPI_BY_CREATED, KPI_BY_CLOSED };
typedef op_rc kpi_each_fn(void *ctx, const struct kpi_facts *f);

/* Online time of an agent in a period. */
struct kpi_online {
    int64_t agent_id;
    int64_t ms;
};

struct store_kpi_ops {
    /* The tickets with ids in [from_id, to_id], by id, with their events. */
    op_rc (*sources)(struct store_tx *tx, int64_t from_id, int64_t to_id, struct arena *a,
                     struct kpi_source **out, size_t *n);
    /* The largest ticket id and event id (0 when none). */
    op_rc (*max_ids)(struct store_tx *tx, int64_t *ticket_id, int64_t *event_id);
    /* The distinct tickets that events after after_id touch, reading at most
     * limit events; *last is the id of the last event read (after_id when
     * none). */
    op_rc (*touched)(struct store_tx *tx, int64_t after_id, size_t limit, struct arena *a,
                     struct id_list *tickets, int64_t *last);
    /* Ids of agents, leads and admins (active or not), ascending. */
    op_rc (*staff_ids)(struct store_tx *tx, struct arena *a, struct id_list *out);
    /* Writes (replaces) a ticket's facts; clear deletes them all. */
    op_rc (*facts_put)(struct store_tx *tx, const struct kpi_facts *f);
    op_rc (*facts_clear)(struct store_tx *tx);
    /* The kpi job's cursor: the last event id whose ticket's facts are written. */
    op_rc (*cursor_get)(struct store_tx *tx, int64_t *out);
    op_rc (*cursor_put)(struct store_tx *tx, int64_t last_event_id);
    /* Calls fn for the facts of every ticket of q whose `when` instant
     * (solve, creation, close) lies in [q->from, q->to), read straight
     * from covering indexes (no array of the whole period is made). For
     * KPI_BY_SOLVED every field is filled; for the others only ticket_id,
     * created_at, solved_at, closed_at, agent_id, group_id, channel and
     * organization_id. Stops at fn's first failure and returns it. */
    op_rc (*facts_each)(struct store_tx *tx, const struct kpi_query *q, enum kpi_when when,
                        kpi_each_fn *fn, void *ctx);
    /* How many tickets facts_each(q, when) would give. */
    op_rc (*facts_count)(struct store_tx *tx, const struct kpi_query *q, enum kpi_when when,
                         int64_t *out);
    /* The facts of tickets that were created at or before `at` and were
     * not solved then (final solve after `at`, or none), of agent_id and
     * group_id (0 any). */
    op_rc (*facts_open_at)(struct store_tx *tx, op_time at, int64_t agent_id, int64_t group_id,
                           struct arena *a, struct kpi_facts **out, size_t *n);
    /* Milliseconds each agent (agent_id, or every agent when 0) was online
     * within [from, to) by the presence intervals, an open interval counting
     * up to now; agents with none are left out. */
    op_rc (*online_ms)(struct store_tx *tx, int64_t agent_id, op_time from, op_time to, op_time now,
                       struct arena *a, struct kpi_online **out, size_t *n);
};

/* The SQLite implementation (sqlite_kpi.c). */
extern const struct store_kpi_ops sqlite_kpi_ops;

#endif
