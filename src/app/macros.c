/* macros.c - managing macros (team leads and admins); agents read them. */
#include "base/common.h"

#include "app/internal.h"
#include "core/validate.h"

struct macro_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct macro_input *in;
    bool include_inactive;
    struct arena *a;
    struct macro *out;
    struct macro **list;
    size_t *n;
    struct op_err *err;
};

static op_rc macro_not_found(struct op_err *err, int64_t id)
{
    char b[24];
    return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_MACRO_NOT_FOUND, id_str(id, b));
}

static op_rc macro_write_fn(struct store_tx *tx, void *arg)
{
    struct macro_job *j = arg;
    const struct macro_input *in = j->in;
    op_time now = app_now(j->app);
    struct macro old = {0}, m;
    op_rc rc;
    if (j->id) {
        rc = tx->ops->macro_get(tx, j->id, j->a, &old);
        if (rc == OP_ERR_NOTFOUND)
            return macro_not_found(j->err, j->id);
        if (rc)
            return rc;
        m = old;
    } else {
        if (!(in->set & MF_NAME))
            return op_fail(j->err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
        if (!(in->set & MF_ACTIONS))
            return op_fail(j->err, OP_ERR_INVALID, "actions", MSG_ERR_REQUIRED);
        m = (struct macro){.description = "", .active = true, .created_by = j->who->id,
                           .created_at = now};
    }
    if (in->set & MF_NAME)
        m.name = (char *)in->name;
    if (in->set & MF_DESCRIPTION)
        m.description = (char *)in->description;
    if (in->set & MF_ACTIVE)
        m.active = in->active;
    if (in->set & MF_ACTIONS) {
        m.actions = in->actions;
        m.n_actions = in->n_actions;
    }
    m.updated_at = now;
    if ((rc = macro_validate(&m, j->err)))
        return rc;
    /* group ids named by actions must exist */
    for (size_t i = 0; i < m.n_actions; i++) {
        if (m.actions[i].kind == MA_SET_GROUP && m.actions[i].value && *m.actions[i].value) {
            char field[48];
            snprintf(field, sizeof(field), "actions[%zu].value", i);
            if ((rc = tx_check_group(tx, strtoll(m.actions[i].value, NULL, 10), field, j->a, NULL,
                                     j->err)))
                return rc;
        }
    }
    rc = j->id ? tx->ops->macro_update(tx, &m) : tx->ops->macro_insert(tx, &m);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, "name", MSG_ERR_DUPLICATE, m.name);
    if (rc)
        return rc;
    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, j->a, ENTITY_MACRO, m.id, now, j->who->id, j->who->via);
    if (!j->id)
        rc = event_add_ids(&l, EV_CREATED, "", 0, m.id, NULL);
    if (!rc)
        rc = event_add_if_changed(&l, "name", old.name, m.name);
    if (!rc && j->id)
        rc = event_add_flag_if_changed(&l, "active", old.active, m.active);
    if (!rc && j->id && (in->set & (MF_ACTIONS | MF_DESCRIPTION)))
        rc = event_add(&l, EV_CHANGED, in->set & MF_ACTIONS ? "actions" : "description", "", "",
                       NULL);
    if (!rc)
        rc = tx_append_events(tx, &l, &action);
    if (!rc)
        *j->out = m;
    return rc;
}

op_rc app_macro_create(struct app *app, const struct actor *who, const struct macro_input *in,
                       struct arena *a, struct macro *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    struct macro_job j = {.app = app, .who = who, .in = in, .a = a, .out = out, .err = err};
    return app_run(app, false, macro_write_fn, &j);
}

op_rc app_macro_update(struct app *app, const struct actor *who, int64_t id,
                       const struct macro_input *in, struct arena *a, struct macro *out,
                       struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    if (id <= 0)
        return macro_not_found(err, id);
    struct macro_job j = {.app = app, .who = who, .id = id, .in = in, .a = a, .out = out,
                          .err = err};
    return app_run(app, false, macro_write_fn, &j);
}

static op_rc macro_delete_fn(struct store_tx *tx, void *arg)
{
    struct macro_job *j = arg;
    struct macro m;
    op_rc rc = tx->ops->macro_get(tx, j->id, j->a, &m);
    if (rc == OP_ERR_NOTFOUND)
        return macro_not_found(j->err, j->id);
    if (rc || (rc = tx->ops->macro_delete(tx, j->id)))
        return rc;
    struct event_list l;
    int64_t action = 0;
    char b[24];
    event_list_init(&l, j->a, ENTITY_MACRO, j->id, app_now(j->app), j->who->id, j->who->via);
    if ((rc = event_add(&l, EV_CHANGED, "deleted", id_str(j->id, b), "", m.name)))
        return rc;
    return tx_append_events(tx, &l, &action);
}

op_rc app_macro_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    struct arena a = ARENA_INIT(1 << 20);
    struct macro_job j = {.app = app, .who = who, .id = id, .a = &a, .err = err};
    rc = app_run(app, false, macro_delete_fn, &j);
    arena_release(&a);
    return rc;
}

static op_rc macro_get_fn(struct store_tx *tx, void *arg)
{
    struct macro_job *j = arg;
    op_rc rc = tx->ops->macro_get(tx, j->id, j->a, j->out);
    return rc == OP_ERR_NOTFOUND ? macro_not_found(j->err, j->id) : rc;
}

op_rc app_macro_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                    struct macro *out, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    struct macro_job j = {.app = app, .who = who, .id = id, .a = a, .out = out, .err = err};
    return app_run(app, true, macro_get_fn, &j);
}

static op_rc macro_list_fn(struct store_tx *tx, void *arg)
{
    struct macro_job *j = arg;
    return tx->ops->macro_list(tx, !j->include_inactive, j->a, j->list, j->n);
}

op_rc app_macro_list(struct app *app, const struct actor *who, bool include_inactive,
                     struct arena *a, struct macro **out, size_t *n, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    struct macro_job j = {.app = app, .who = who, .include_inactive = include_inactive, .a = a,
                          .list = out, .n = n, .err = err};
    return app_run(app, true, macro_list_fn, &j);
}
