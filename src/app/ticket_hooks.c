/* ticket_hooks.c - the one place where the subsystems join a ticket action.
 *
 * Every use case that writes a ticket (create, change, comment, macro,
 * escalate, hand back, merge) calls ticket_after_write once per ticket it
 * wrote, after appending the action's events, in the same transaction: a
 * routing decision, the SLA clocks and the notifications of an action are
 * committed with it or not at all. Order matters: routing first (it may
 * assign the ticket), then what reads the assignee. */
#include "base/common.h"

#include "app/internal.h"
#include "app/mail.h"
#include "app/sla.h"
#include "app/surveys.h"
#include "app/team.h"

op_rc ticket_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                         const struct ticket *old, struct ticket *t, const struct event_list *l,
                         int64_t action_id, struct arena *a)
{
    op_rc rc;
    if ((rc = routing_after_write(app, tx, who, old, t, action_id, a)))
        return rc;
    if ((rc = sla_after_write(app, tx, who, old, t, l, action_id, a)))
        return rc;
    /* before mail: the solved mail carries the survey's link */
    if ((rc = survey_after_write(app, tx, who, old, t, a)))
        return rc;
    if ((rc = mail_after_write(app, tx, who, old, t, l, action_id, a)))
        return rc;
    return OP_OK;
}
