/* escalation.c - tier rules and the escalation stack. */
#include "base/common.h"

#include "core/escalation.h"
#include "core/validate.h"

op_rc escalation_check(bool has_group, enum group_tier from, enum group_tier to,
                       const char *reason, struct op_err *err)
{
    op_rc rc = check_text("reason", reason, LIMIT_REASON, TEXT_MULTILINE, false, err);
    if (rc)
        return rc;
    if (has_group ? to <= from : to == TIER_L1)
        return op_fail(err, OP_ERR_CONFLICT, "group_id", MSG_ERR_ESCALATE_TIER,
                       has_group ? tier_name(from) : "-", tier_name(to));
    return OP_OK;
}

op_rc handback_check(enum group_tier from, enum group_tier to, const char *reason,
                     struct op_err *err)
{
    op_rc rc = check_text("reason", reason, LIMIT_REASON, TEXT_MULTILINE, false, err);
    if (rc)
        return rc;
    if (to >= from)
        return op_fail(err, OP_ERR_CONFLICT, "group_id", MSG_ERR_HANDBACK_TIER, tier_name(from),
                       tier_name(to));
    return OP_OK;
}

static int64_t parse_id(const char *s)
{
    char *end;
    long long v = s && *s ? strtoll(s, &end, 10) : 0;
    return v > 0 ? (int64_t)v : 0;
}

bool handback_target(const struct event *ev, size_t n, int64_t *group_id, int64_t *assignee_id)
{
    enum { DEPTH = 16 };
    int64_t groups[DEPTH], assignees[DEPTH];
    size_t depth = 0, lost = 0; /* lost: pushes beyond DEPTH, popped first */
    int64_t assignee = 0;
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &ev[i];
        if (e->entity != ENTITY_TICKET)
            continue;
        if (e->kind == EV_CHANGED && strcmp(e->field, "assignee_id") == 0) {
            assignee = parse_id(e->new_value);
        } else if (e->kind == EV_ESCALATED) {
            if (depth == DEPTH) {
                memmove(groups, groups + 1, (DEPTH - 1) * sizeof(groups[0]));
                memmove(assignees, assignees + 1, (DEPTH - 1) * sizeof(assignees[0]));
                depth--;
                lost++;
            }
            groups[depth] = parse_id(e->old_value);
            assignees[depth] = assignee;
            depth++;
        } else if (e->kind == EV_HANDED_BACK) {
            if (depth)
                depth--;
            else if (lost)
                lost--;
        }
    }
    if (!depth)
        return false;
    *group_id = groups[depth - 1];
    *assignee_id = assignees[depth - 1];
    return true;
}

void tier_step_name(enum group_tier from, enum group_tier to, char out[16])
{
    snprintf(out, 16, "%s>%s", tier_name(from), tier_name(to));
}
