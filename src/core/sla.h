/* sla.h - service level agreements: which policy a ticket falls under, and
 * its clocks (first response, next response, resolution) driven by the
 * ticket's actions, in business time of a calendar or in calendar time.
 *
 * The rules (docs/sla.md says the same for people):
 *  - A ticket gets the first active policy, in position order, whose
 *    conditions all match (priority, channel, type, group, organization;
 *    an empty condition matches anything). It is matched again after every
 *    action; a new policy brings new targets, the clocks keep what they
 *    measured.
 *  - First response starts when the ticket is created and stops at the
 *    first public reply by an agent. Internal notes and automatic messages
 *    (the system, actor 0) are not replies. When an agent opened the ticket
 *    with a public message (its description or a public comment in the
 *    creating action), that message is the opening, not the reply: the
 *    next public agent message is.
 *  - Next response starts at a customer's public message once the first
 *    response is given, and stops at the next public agent reply. A
 *    customer writing again while it runs does not restart it: it counts
 *    from the oldest unanswered message. Each new start is a new cycle
 *    with its own warning and breach.
 *  - Resolution starts at creation and stops when the ticket is solved; a
 *    reopened ticket's resolution clock runs on from what it had.
 *  - Solving stops every clock: a response clock stopped by a solve is met
 *    when it is within its target. A ticket merged into another stops its
 *    clocks with no verdict.
 *  - Pending and on-hold pause every running clock when the policy says so;
 *    leaving those states resumes them.
 *  - A clock with a target warns when warn_percent of the target has
 *    passed and breaches when the whole has; a clock that stops within its
 *    target is met. Each is an event in the log (EV_SLA_*), once.
 *
 * Pure: no I/O. The app feeds it facts from each action (sla_facts) and
 * stores the state; the timer job calls sla_fire. */
#ifndef OPORA_CORE_SLA_H
#define OPORA_CORE_SLA_H

#include "base/arena.h"
#include "base/rc.h"
#include "core/calendar.h"
#include "core/ticket.h"
#include "core/types.h"

enum sla_metric { SLA_FIRST_RESPONSE, SLA_NEXT_RESPONSE, SLA_RESOLUTION, SLA__METRICS };

const char *sla_metric_name(enum sla_metric m);
int sla_metric_parse(const char *s);

/* What a breach does, besides its event. */
enum {
    SLA_ACT_ESCALATE = 1u << 0,        /* move to escalate_group_id, or the first group of escalate_tier */
    SLA_ACT_RAISE_PRIORITY = 1u << 1,  /* one step up, up to urgent */
    SLA_ACT_NOTIFY_ASSIGNEE = 1u << 2,
    SLA_ACT_NOTIFY_LEAD = 1u << 3,     /* the leads of the ticket's group, else every lead */
    SLA_ACT__ALL = (1u << 4) - 1
};
const char *sla_action_name(unsigned bit);
/* The bit for a name, 0 when unknown. */
unsigned sla_action_parse(const char *s);

#define SLA_TARGET_MAX_MIN (366LL * 24 * 60)

struct sla_target {
    int64_t minutes;          /* 0: no target for this metric */
    bool business;            /* in the policy's calendar's working time, else calendar time */
};

struct sla_policy {
    int64_t id;
    char *name;
    int position;             /* lower first */
    bool active;
    /* conditions: 0 masks and empty lists match anything */
    unsigned priority_mask, channel_mask, type_mask;  /* bit (1 << value) */
    struct id_list group_ids, organization_ids;
    struct sla_target target[SLA__METRICS];
    int64_t calendar_id;      /* 0: calendar time for every target */
    bool pause_on_pending, pause_on_hold;
    int warn_percent;         /* 0: no warning; else 1..99 */
    unsigned actions;         /* SLA_ACT_* on breach */
    int64_t escalate_group_id;
    int escalate_tier;        /* -1: none */
    op_time created_at, updated_at;
};

/* Checks a policy's own fields (references are the caller's): a name, at
 * least one target, targets within 1 minute..366 days, warn_percent 0..99,
 * an escalation target when SLA_ACT_ESCALATE. OP_ERR_INVALID naming the field. */
op_rc sla_policy_check(const struct sla_policy *p, struct op_err *err);

/* The first active policy of v (sorted by position, then id) that t matches; NULL when none. */
const struct sla_policy *sla_match(const struct sla_policy *v, size_t n, const struct ticket *t);

/* ---- a ticket's clocks ---- */

struct sla_clock {
    int64_t target_ms;        /* 0: no target (the clock still measures) */
    bool business;
    op_time started_at;       /* 0: not started */
    op_time running_since;    /* 0: not running (paused, stopped or not started) */
    op_time stopped_at;       /* 0: not stopped */
    int64_t elapsed_ms;       /* measured before running_since */
    op_time warned_at, breached_at; /* 0: not yet, in this cycle */
    op_time warn_at, due_at;  /* scheduled (sla_schedule); 0 when none */
};

struct sla_state {
    int64_t ticket_id;
    int64_t policy_id;        /* 0: none matched */
    int64_t calendar_id;
    int warn_percent;
    bool paused;
    bool cancelled;           /* merged away: nothing more happens */
    struct sla_clock c[SLA__METRICS];
    op_time next_at;          /* the earliest warning or breach to fire; 0 none */
    op_time due_at;           /* the earliest due of a running clock with a target; 0 none */
    bool breached;            /* some started, unstopped clock has breached */
};

/* What the clocks of one action see. */
enum sla_fact_kind {
    SF_CREATED,          /* at = creation; opening: an agent opened it with a public message */
    SF_AGENT_REPLY,      /* a public comment by an agent (not the system) */
    SF_CUSTOMER_MESSAGE, /* a public comment by a customer */
    SF_STATUS,           /* the status became `status` */
    SF_MERGED            /* merged into another ticket */
};

struct sla_fact {
    enum sla_fact_kind kind;
    op_time at;
    enum ticket_status status;
    bool opening;
};

#define SLA_FACTS_MAX 16

/* The facts of one action on t (old NULL on create) from its events l; staff:
 * the actor is an agent, lead or admin; automatic: the system acting. */
size_t sla_facts(const struct ticket *old, const struct ticket *t, const struct event_list *l,
                 bool staff, bool automatic, struct sla_fact out[SLA_FACTS_MAX]);

/* A verdict to record as an event: EV_SLA_WARNING, EV_SLA_BREACHED or EV_SLA_MET. */
struct sla_verdict {
    enum event_kind kind;
    enum sla_metric metric;
    int64_t target_ms, elapsed_ms;
};

#define SLA_VERDICTS_MAX (SLA__METRICS * 2)

/* The calendar a state measures business time in: NULL for calendar time. */
struct sla_env {
    const struct sla_policy *policy; /* NULL: no targets */
    const struct calendar *cal;      /* NULL: calendar time even for business targets */
};

/* A new ticket's state. */
void sla_init(struct sla_state *s, int64_t ticket_id);

/* Moves s from the policy of `from` to that of `to` at now: what running
 * clocks measured so far is measured under from, the rest under to; the
 * targets, warning share and pause rules become to's (a change of pause
 * rules pauses or resumes at now according to status). */
void sla_set_policy(struct sla_state *s, const struct sla_env *from, const struct sla_env *to,
                    enum ticket_status status, op_time now);

/* Applies one fact; verdicts of clocks that stop are added to v (n in/out). */
void sla_apply(struct sla_state *s, const struct sla_env *env, const struct sla_fact *f,
               struct sla_verdict v[SLA_VERDICTS_MAX], size_t *n);

/* Computes warn_at / due_at / next_at / due_at / breached from the clocks. */
void sla_schedule(struct sla_state *s, const struct sla_env *env);

/* Fires what is due at now (warn_at / due_at passed, not yet fired):
 * verdicts into v, then reschedules. Returns the number of verdicts. */
size_t sla_fire(struct sla_state *s, const struct sla_env *env, op_time now,
                struct sla_verdict v[SLA_VERDICTS_MAX]);

/* Working (or calendar) ms a clock has measured by now. */
int64_t sla_elapsed(const struct sla_clock *c, const struct sla_env *env, op_time now);

/* "running", "paused", "met", "breached", "stopped", "none" (not started or no target). */
const char *sla_clock_status(const struct sla_clock *c);

/* A portable encoding of a state's clocks for storage: SLA_STATE_BYTES of
 * little-endian integers with a version; decode fails (OP_ERR_IO) on
 * another length or version. ticket/policy/calendar ids, next_at, due_at
 * and breached are stored in columns of their own and not in the bytes. */
#define SLA_STATE_BYTES (8 + SLA__METRICS * 10 * 8)
void sla_state_encode(const struct sla_state *s, uint8_t out[SLA_STATE_BYTES]);
op_rc sla_state_decode(const void *b, size_t n, struct sla_state *s);

#endif
