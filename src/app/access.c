/* access.c - the authorization policy, in one place.
 *
 * Customers see the tickets they requested (first or further requester) and,
 * when their organization shares tickets, their organization's. Agents see
 * the tickets of their groups, tickets with no group yet (the triage queue)
 * and tickets assigned to them - or every ticket when the installation says
 * so (agent_scope = all). Team leads and admins see everything. */
#include "base/common.h"
#include "app/internal.h"

struct ticket_scope access_ticket_scope(const struct app *app, const struct actor *who)
{
    struct ticket_scope s = {0};
    switch (who->role) {
    case ROLE_ADMIN:
    case ROLE_LEAD:
        s.all = true;
        break;
    case ROLE_AGENT:
        if (app->cfg.agent_scope == AGENT_SCOPE_ALL) {
            s.all = true;
            break;
        }
        s.group_ids = who->groups;
        s.ungrouped = true;
        s.assignee_id = who->id;
        break;
    case ROLE_CUSTOMER:
    default:
        s.requester_id = who->id;
        if (who->org_shared && who->organization_id)
            s.organization_id = who->organization_id;
        s.public_only = true;
        break;
    }
    if (who->id == 0) /* the system */
        s.all = true;
    return s;
}

bool access_ticket_visible(const struct app *app, const struct actor *who,
                           const struct ticket *t)
{
    struct ticket_scope s = access_ticket_scope(app, who);
    if (s.all)
        return true;
    if (s.group_ids.n && t->group_id && id_list_has(&s.group_ids, t->group_id))
        return true;
    if (s.ungrouped && !t->group_id)
        return true;
    if (s.assignee_id && t->assignee_id == s.assignee_id)
        return true;
    if (s.requester_id && (t->requester_id == s.requester_id ||
                           id_list_has(&t->requesters, s.requester_id)))
        return true;
    if (s.organization_id && t->organization_id == s.organization_id)
        return true;
    return false;
}

op_rc access_require(const struct actor *who, enum user_role min, struct op_err *err)
{
    if (who->id == 0 || who->role >= min)
        return OP_OK;
    return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_FORBIDDEN);
}
