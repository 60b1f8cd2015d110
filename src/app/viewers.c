/* viewers.c - who has a ticket page open (see viewers.h). The rows live in
 * the database, not in this process, so that agents on different nodes see
 * each other; they expire by time instead of being cleaned up by pages,
 * since a closed tab or a dead node says nothing. */
#include "base/common.h"

#include "app/internal.h"
#include "app/viewers.h"
#include "store/store_viewers.h"

struct viewer_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id;
    bool beat, typing;
    struct arena *a;
    struct ticket_viewer **out;
    size_t *n;
    struct op_err *err;
};

/* Removes who from v[0..*n) (the list is of the others). */
static void drop_self(struct ticket_viewer *v, size_t *n, int64_t self)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (v[i].user_id != self) v[k++] = v[i];
    *n = k;
}

static op_rc viewer_fn(struct store_tx *tx, void *arg)
{
    struct viewer_job *j = arg;
    struct ticket t;
    op_time now = app_now(j->app);
    op_rc rc;
    if (!actor_is_staff(j->who)) return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err))) return rc;
    if (j->beat && ((rc = tx->ops->viewers->prune(tx, now - VIEWER_TTL_MS)) ||
                    (rc = tx->ops->viewers->put(tx, j->ticket_id, j->who->id, j->typing, now))))
        return rc;
    if ((rc = tx->ops->viewers->list(tx, j->ticket_id, now - VIEWER_TTL_MS, j->a, j->out, j->n)))
        return rc;
    drop_self(*j->out, j->n, j->who->id);
    return OP_OK;
}

op_rc app_viewer_beat(struct app *app, const struct actor *who, int64_t ticket_id, bool typing,
                      struct arena *a, struct ticket_viewer **out, size_t *n, struct op_err *err)
{
    struct viewer_job j = {app, who, ticket_id, true, typing, a, out, n, err};
    *out = NULL, *n = 0;
    return app_run(app, false, viewer_fn, &j);
}

op_rc app_viewer_list(struct app *app, const struct actor *who, int64_t ticket_id, struct arena *a,
                      struct ticket_viewer **out, size_t *n, struct op_err *err)
{
    struct viewer_job j = {app, who, ticket_id, false, false, a, out, n, err};
    *out = NULL, *n = 0;
    return app_run(app, true, viewer_fn, &j);
}

static op_rc leave_fn(struct store_tx *tx, void *arg)
{
    struct viewer_job *j = arg;
    if (!actor_is_staff(j->who)) return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    return tx->ops->viewers->drop(tx, j->ticket_id, j->who->id);
}

op_rc app_viewer_leave(struct app *app, const struct actor *who, int64_t ticket_id,
                       struct op_err *err)
{
    struct viewer_job j = {app, who, ticket_id, false, false, NULL, NULL, NULL, err};
    return app_run(app, false, leave_fn, &j);
}
