/* escalation.h - moving a ticket up the tiers (L1 -> L2 -> technical
 * department) with a reason, and handing it back down. Pure rules; the
 * escalation history is read from the ticket's events. */
#ifndef OPORA_CORE_ESCALATION_H
#define OPORA_CORE_ESCALATION_H

#include "base/rc.h"
#include "core/types.h"

/* May a ticket in a group of tier `from` (has_group false: no group yet) be
 * escalated to a group of tier `to`, for reason? Escalation goes strictly up:
 * L1 -> L2 or tech, L2 -> tech; a ticket with no group may go to L2 or tech.
 * The reason is required (1..LIMIT_REASON characters).
 * Returns OP_OK, OP_ERR_INVALID (reason) or OP_ERR_CONFLICT (tiers). */
op_rc escalation_check(bool has_group, enum group_tier from, enum group_tier to,
                       const char *reason, struct op_err *err);

/* Hand-back goes strictly down: tech -> L2 or L1, L2 -> L1, with a reason. */
op_rc handback_check(enum group_tier from, enum group_tier to, const char *reason,
                     struct op_err *err);

/* Where a hand-back returns to: replays the ticket's events (in log order)
 * keeping a stack of (group, assignee) pushed by each escalation and popped by
 * each hand-back. Returns true with the top of the stack, or false when the
 * ticket is not escalated now. */
bool handback_target(const struct event *events, size_t n, int64_t *group_id,
                     int64_t *assignee_id);

/* "l1>l2": how an escalation or hand-back event names its tiers. */
void tier_step_name(enum group_tier from, enum group_tier to, char out[16]);

#endif
