/* txutil.c - small helpers the use cases share inside a transaction. */
#include "base/common.h"
#include "app/internal.h"
#include "app/notify.h"

const char *id_str(int64_t id, char buf[24])
{
    snprintf(buf, 24, "%" PRId64, id);
    return buf;
}

op_rc tx_append_events(struct store_tx *tx, struct event_list *l, int64_t *action_id)
{
    for (size_t i = 0; i < l->n; i++) {
        struct event *e = &l->v[i];
        e->action_id = *action_id;
        op_rc rc = tx->ops->event_append(tx, e);
        if (rc)
            return rc;
        if (!*action_id)
            *action_id = e->id;
    }
    return OP_OK;
}

op_rc tx_visible_ticket(struct store_tx *tx, const struct app *app, const struct actor *who,
                        int64_t id, struct arena *a, struct ticket *out, struct op_err *err)
{
    char b[24];
    op_rc rc = id > 0 ? tx->ops->ticket_get(tx, id, a, out) : OP_ERR_NOTFOUND;
    if (rc == OP_ERR_NOTFOUND || (!rc && !access_ticket_visible(app, who, out)))
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_TICKET_NOT_FOUND, id_str(id, b));
    return rc;
}

op_rc tx_check_user(struct store_tx *tx, int64_t id, const char *field, struct arena *a,
                    struct user *out, struct op_err *err)
{
    char b[24];
    struct user tmp;
    op_rc rc = id > 0 ? tx->ops->user_get(tx, id, a, out ? out : &tmp) : OP_ERR_NOTFOUND;
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_USER_NOT_FOUND, id_str(id, b));
    return rc;
}

op_rc tx_check_group(struct store_tx *tx, int64_t id, const char *field, struct arena *a,
                     struct group *out, struct op_err *err)
{
    char b[24];
    struct group tmp;
    op_rc rc = id > 0 ? tx->ops->group_get(tx, id, a, out ? out : &tmp) : OP_ERR_NOTFOUND;
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_GROUP_NOT_FOUND, id_str(id, b));
    return rc;
}

op_rc tx_check_org(struct store_tx *tx, int64_t id, const char *field, struct arena *a,
                   struct organization *out, struct op_err *err)
{
    char b[24];
    struct organization tmp;
    op_rc rc = id > 0 ? tx->ops->org_get(tx, id, a, out ? out : &tmp) : OP_ERR_NOTFOUND;
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ORG_NOT_FOUND, id_str(id, b));
    return rc;
}

op_rc tx_check_assignee(struct store_tx *tx, int64_t user_id, int64_t group_id,
                        const char *field, struct arena *a, struct op_err *err)
{
    struct user u;
    char b[24];
    op_rc rc = tx_check_user(tx, user_id, field, a, &u, err);
    if (rc)
        return rc;
    if (u.role == ROLE_CUSTOMER || !u.active)
        return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ASSIGNEE_NOT_STAFF, id_str(user_id, b));
    if (group_id) {
        struct id_list groups;
        if ((rc = tx->ops->user_groups(tx, user_id, a, &groups)))
            return rc;
        if (!id_list_has(&groups, group_id)) {
            char g[24];
            return op_fail(err, OP_ERR_INVALID, field, MSG_ERR_ASSIGNEE_NOT_MEMBER,
                           id_str(user_id, b), id_str(group_id, g));
        }
    }
    return OP_OK;
}

enum channel channel_of_via(enum via via)
{
    switch (via) {
    case VIA_EMAIL: return CH_EMAIL;
    case VIA_CHAT: return CH_CHAT;
    case VIA_WEB: return CH_WEB;
    case VIA_PHONE: return CH_PHONE;
    case VIA_TELEGRAM: return CH_TELEGRAM;
    default: return CH_API;
    }
}

enum via via_of_channel(enum channel ch)
{
    switch (ch) {
    case CH_EMAIL: return VIA_EMAIL;
    case CH_CHAT: return VIA_CHAT;
    case CH_WEB: return VIA_WEB;
    case CH_PHONE: return VIA_PHONE;
    case CH_TELEGRAM: return VIA_TELEGRAM;
    default: return VIA_API;
    }
}

op_rc app_run(struct app *app, bool read_only, store_fn fn, void *arg)
{
    if (app->batch_tx)
        return fn(app->batch_tx, arg);
    if (read_only)
        return store_read(app->store, fn, arg);
    op_rc rc = store_write(app->store, fn, arg);
    if (rc == OP_OK)
        notify_poke(); /* live pages on this node learn of it now, not at the next poll */
    return rc;
}

struct lease_job {
    struct app *app;
    const char *name;
    int64_t ttl_ms;
    bool *got;
};

static op_rc lease_fn(struct store_tx *tx, void *arg)
{
    struct lease_job *j = arg;
    op_time now = app_now(j->app);
    return tx->ops->lease_take(tx, j->name, j->app->node_id, now, now + j->ttl_ms, j->got);
}

op_rc app_lease(struct app *app, const char *name, int64_t ttl_ms, bool *got)
{
    struct lease_job j = {app, name, ttl_ms, got};
    *got = false;
    return app_run(app, false, lease_fn, &j);
}
