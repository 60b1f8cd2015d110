/* kpi.h - the KPI engine's arithmetic: one ticket's facts from its event
 * log, and the statistics reports are made of (median, mean, p90).
 *
 * docs/kpi.md is the contract; every rule below is written there with its
 * reasons. Pure computation: no I/O, no allocation except from a caller's
 * arena. Times are op_time (ms UTC); "business" durations are working ms of
 * a calendar (core/calendar.h), NULL calendar meaning calendar time. */
#ifndef OPORA_CORE_KPI_H
#define OPORA_CORE_KPI_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/calendar.h"
#include "core/types.h"

#define KPI_NONE (-1)               /* a duration that did not happen (yet) */
#define KPI_AHT_GAP_MS (15 * 60000) /* AHT v1: at most this much per staff action */

/* A pair of durations of the same interval. */
struct kpi_dur {
    int64_t cal, bus; /* ms; KPI_NONE when not measured */
};

/* Everything the reports need to know about one ticket, recomputed from its
 * whole event list whenever it changes. */
struct kpi_facts {
    int64_t ticket_id;
    op_time created_at;
    op_time solved_at;         /* the final solve: 0 when not solved now */
    op_time closed_at;         /* 0 when not closed */
    op_time first_response_at; /* 0 when no agent answered publicly */
    int64_t agent_id;          /* credited agent: assignee at the final solve,
                                * else the current assignee; 0 none */
    int64_t group_id;          /* group at the final solve, else current; 0 none */
    enum channel channel;
    int64_t organization_id;
    struct kpi_dur first_response; /* created -> first public agent reply */
    struct kpi_dur resolution;     /* created -> final solve */
    struct kpi_dur requester_wait; /* time in new/open before the final solve */
    struct kpi_dur next_worst;     /* the longest next-response wait */
    int64_t next_n;                /* number of next-response cycles answered */
    int64_t next_sum_cal, next_sum_bus;
    int64_t aht_ms;                            /* handling time v1 (see docs/kpi.md) */
    int32_t public_replies;                    /* public comments by staff (the opening excluded) */
    int32_t reopens;                           /* solved/closed -> an unsolved status */
    int32_t esc_l1_l2, esc_l2_tech, esc_other; /* escalations by tier step */
    int32_t handed_back;                       /* bounce-backs */
    int32_t sla_met[3], sla_breached[3]; /* by enum sla_metric order: first, next, resolution */
    int64_t last_event_id;
};

/* The ticket a facts computation starts from: what the tickets table says
 * now (the event log does not repeat channel and organization). */
struct kpi_ticket {
    int64_t id;
    enum channel channel;
    int64_t organization_id;
    int64_t group_id, assignee_id; /* current, for tickets never solved */
    op_time created_at;
};

/* Whether a user acts as staff (agent, lead, admin); ctx is the caller's. */
typedef bool kpi_is_staff_fn(void *ctx, int64_t user_id);

/* Computes the facts of ticket t from ev, its events in log order (all of
 * them, oldest first). cal: the calendar of business time (NULL: business
 * time is calendar time). Never fails: events it does not know are skipped. */
void kpi_facts_compute(const struct kpi_ticket *t, const struct event *ev, size_t n,
                       const struct calendar *cal, kpi_is_staff_fn *is_staff, void *ctx,
                       struct kpi_facts *out);

/* First-contact resolution rules (a report setting). KPI_FCR_ONE_REPLY, the
 * default: solved with at most one public agent reply, never reopened,
 * never escalated. KPI_FCR_NO_REOPEN: solved, never reopened or escalated,
 * however many replies. */
enum kpi_fcr_rule { KPI_FCR_ONE_REPLY, KPI_FCR_NO_REOPEN, KPI_FCR__COUNT };
const char *kpi_fcr_name(enum kpi_fcr_rule r);
int kpi_fcr_parse(const char *s); /* -1: unknown */

/* Whether f counts as resolved on first contact under rule. Unsolved
 * tickets never do. */
bool kpi_fcr(const struct kpi_facts *f, enum kpi_fcr_rule rule);

/* ---- statistics ---- */

/* Summary of a set of durations. n == 0: median, mean, p90 are KPI_NONE. */
struct kpi_stat {
    int64_t n;
    int64_t median; /* middle value; even n: mean of the two middle, floored */
    int64_t mean;   /* sum / n rounded half up */
    int64_t p90;    /* nearest rank: the ceil(0.9 n)-th smallest */
    int64_t sum;
};

/* Summarises v[0..n), reordering it (partly sorted, by selection). */
void kpi_stat_of(int64_t *v, size_t n, struct kpi_stat *out);

/* A growable vector of values (for grouping report rows). Its memory is
 * malloc'd, not an arena's: a month's report collects millions of values,
 * and an arena would zero and keep every doubling. Release with
 * kpi_vec_release. */
struct kpi_vec {
    int64_t *v;
    size_t n, cap;
};

/* Appends x (skipped when x is KPI_NONE). OP_ERR_NOMEM when memory is out. */
op_rc kpi_vec_push(struct kpi_vec *vec, int64_t x);
/* Makes room for n values in all (one allocation instead of doublings). */
op_rc kpi_vec_reserve(struct kpi_vec *vec, size_t n);
void kpi_vec_release(struct kpi_vec *vec);

#endif
