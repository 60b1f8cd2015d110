/* tickets.c - ticket use cases: create, change, comment, list, search. */
#include "base/common.h"

#include "app/internal.h"
#include "core/validate.h"

/* ---- comments ---- */

/* Checks a comment as asked for by who; attachments must be who's own and
 * free. nested: the comment came inside a ticket change ("comment.body"),
 * else on its own ("body"). */
static op_rc comment_check(struct store_tx *tx, const struct actor *who,
                           const struct comment_input *c, bool nested, struct arena *a,
                           struct op_err *err)
{
    const char *pre = nested ? "comment." : "";
    char f_body[24], f_public[24], f_att[32];
    snprintf(f_body, sizeof(f_body), "%sbody", pre);
    snprintf(f_public, sizeof(f_public), "%spublic", pre);
    snprintf(f_att, sizeof(f_att), "%sattachment_ids", pre);
    op_rc rc = check_text(f_body, c->body, LIMIT_TEXT, TEXT_MULTILINE, false, err);
    if (rc)
        return rc;
    if (!c->public && !actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, f_public, MSG_ERR_NOTE_BY_CUSTOMER);
    if (c->attachment_ids.n) {
        if (c->attachment_ids.n > 20)
            return op_fail(err, OP_ERR_INVALID, f_att, MSG_ERR_TOO_MANY, "20");
        struct attachment *at;
        size_t n;
        if ((rc = tx->ops->attachment_list(tx, &c->attachment_ids, a, &at, &n)))
            return rc;
        for (size_t i = 0; i < c->attachment_ids.n; i++) {
            int64_t id = c->attachment_ids.v[i];
            bool ok = false;
            for (size_t j = 0; j < n; j++)
                if (at[j].id == id)
                    ok = at[j].uploader_id == who->id && at[j].comment_id == 0;
            if (!ok) {
                char b[24];
                return op_fail(err, OP_ERR_INVALID, f_att, MSG_ERR_ATTACHMENT_NOT_YOURS,
                               id_str(id, b));
            }
        }
    }
    return OP_OK;
}

/* Inserts a comment by who on ticket t and records it in l. */
static op_rc comment_write(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                           const struct comment_input *c, op_time now, struct event_list *l,
                           struct comment *out)
{
    struct comment cm = {
        .ticket_id = ticket_id,
        .author_id = who->id,
        .public = c->public,
        .body = (char *)c->body,
        .via = who->via,
        .created_at = now,
        .attachment_ids = c->attachment_ids,
    };
    op_rc rc = tx->ops->comment_insert(tx, &cm);
    if (rc == OP_ERR_CONFLICT)
        rc = OP_ERR_INVALID; /* an attachment was taken meanwhile */
    if (rc)
        return rc;
    if ((rc = event_add_ids(l, EV_COMMENT, c->public ? "public" : "note", 0, cm.id, NULL)))
        return rc;
    if (out)
        *out = cm;
    return OP_OK;
}

/* ---- the references of a ticket ---- */

/* Checks the ids t refers to where they differ from old, and keeps the
 * assignee consistent with the group. */
static op_rc check_refs(struct store_tx *tx, const struct ticket *old, struct ticket *t,
                        unsigned set, struct arena *a, struct op_err *err)
{
    op_rc rc;
    if ((!old || old->requester_id != t->requester_id) &&
        (rc = tx_check_user(tx, t->requester_id, "requester_id", a, NULL, err)))
        return rc;
    if (t->organization_id && (!old || old->organization_id != t->organization_id) &&
        (rc = tx_check_org(tx, t->organization_id, "organization_id", a, NULL, err)))
        return rc;
    bool group_changed = !old || old->group_id != t->group_id;
    if (t->group_id && group_changed &&
        (rc = tx_check_group(tx, t->group_id, "group_id", a, NULL, err)))
        return rc;
    if (t->assignee_id && (group_changed || !old || old->assignee_id != t->assignee_id)) {
        rc = tx_check_assignee(tx, t->assignee_id, t->group_id, "assignee_id", a, err);
        if (rc == OP_ERR_INVALID && !(set & TF_ASSIGNEE) && group_changed) {
            /* moved to a group the assignee is not in: it is that group's now */
            t->assignee_id = 0;
            rc = OP_OK;
        }
        if (rc)
            return rc;
    }
    return OP_OK;
}

/* A staff member who solves an unassigned ticket takes it, if they may. */
static void assign_solver(const struct actor *who, const struct ticket *old,
                          struct ticket_input *in)
{
    bool solving = (in->set & TF_STATUS) && in->status == STATUS_SOLVED;
    int64_t assignee = in->set & TF_ASSIGNEE ? in->assignee_id : (old ? old->assignee_id : 0);
    if (solving && !assignee && actor_is_staff(who) && who->id) {
        in->set |= TF_ASSIGNEE;
        in->assignee_id = who->id;
    }
}

/* ---- create ---- */

struct create_job {
    struct app *app;
    const struct actor *who;
    const struct ticket_create *c;
    struct arena *a;
    struct ticket *out;
    struct op_err *err;
};

static op_rc create_fn(struct store_tx *tx, void *arg)
{
    struct create_job *j = arg;
    const struct actor *who = j->who;
    struct ticket_input in = j->c->in;
    struct op_err *err = j->err;
    struct arena *a = j->a;
    op_time now = app_now(j->app);
    op_rc rc;
    bool staff = actor_is_staff(who);

    if ((rc = ticket_fields_allowed(in.set, true, who->role, err)))
        return rc;
    if (!staff) {
        in.set |= TF_REQUESTER;
        in.requester_id = who->id;
    } else if (!(in.set & TF_REQUESTER) && j->c->requester_email) {
        struct user req;
        if ((rc = check_email("requester.email", j->c->requester_email, err)))
            return rc;
        rc = tx->ops->user_get_by_email(tx, j->c->requester_email, a, &req);
        if (rc == OP_ERR_NOTFOUND) {
            const char *name = j->c->requester_name && *j->c->requester_name
                                   ? j->c->requester_name
                                   : j->c->requester_email;
            if ((rc = check_text("requester.name", name, LIMIT_NAME, TEXT_LINE, false, err)))
                return rc;
            req = (struct user){.role = ROLE_CUSTOMER,
                                .name = (char *)name,
                                .email = (char *)j->c->requester_email,
                                .phone = "",
                                .telegram = "",
                                .language = (char *)i18n_lang_code(who->lang),
                                .time_zone = "",
                                .password_hash = "",
                                .active = true,
                                .created_at = now,
                                .updated_at = now};
            if ((rc = tx->ops->user_insert(tx, &req)))
                return rc;
            struct event_list ul;
            int64_t action = 0;
            event_list_init(&ul, a, ENTITY_USER, req.id, now, who->id, who->via);
            if ((rc = event_add_ids(&ul, EV_CREATED, "", 0, req.id, NULL)) ||
                (rc = event_add(&ul, EV_CHANGED, "email", "", req.email, NULL)) ||
                (rc = tx_append_events(tx, &ul, &action)))
                return rc;
        } else if (rc) {
            return rc;
        }
        in.set |= TF_REQUESTER;
        in.requester_id = req.id;
    }
    if (!(in.set & TF_CHANNEL)) {
        in.set |= TF_CHANNEL;
        in.channel = channel_of_via(who->via);
    }
    if ((in.set & TF_REQUESTER) && in.requester_id > 0 && !(in.set & TF_ORGANIZATION)) {
        struct user req;
        if ((rc = tx_check_user(tx, in.requester_id, "requester_id", a, &req, err)))
            return rc;
        in.set |= TF_ORGANIZATION;
        in.organization_id = req.organization_id;
    }
    assign_solver(who, NULL, &in);

    struct ticket t;
    if ((rc = ticket_apply(NULL, &in, now, a, &t, err)))
        return rc;
    if ((rc = check_refs(tx, NULL, &t, in.set, a, err)))
        return rc;
    if (j->c->comment && (rc = comment_check(tx, who, j->c->comment, true, a, err)))
        return rc;
    if ((rc = tx->ops->ticket_insert(tx, &t)))
        return rc;

    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, a, ENTITY_TICKET, t.id, now, who->id, who->via);
    if ((rc = ticket_diff(NULL, &t, &l)))
        return rc;
    if (j->c->comment && (rc = comment_write(tx, who, t.id, j->c->comment, now, &l, NULL)))
        return rc;
    if ((rc = tx_append_events(tx, &l, &action)) ||
        (rc = ticket_after_write(j->app, tx, who, NULL, &t, &l, action, a)))
        return rc;
    *j->out = t;
    return OP_OK;
}

op_rc app_ticket_create(struct app *app, const struct actor *who, const struct ticket_create *c,
                        struct arena *a, struct ticket *out, struct op_err *err)
{
    struct create_job j = {app, who, c, a, out, err};
    return app_run(app, false, create_fn, &j);
}

/* ---- get ---- */

struct get_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    struct arena *a;
    struct ticket *out;
    struct op_err *err;
};

static op_rc get_fn(struct store_tx *tx, void *arg)
{
    struct get_job *j = arg;
    return tx_visible_ticket(tx, j->app, j->who, j->id, j->a, j->out, j->err);
}

op_rc app_ticket_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                     struct ticket *out, struct op_err *err)
{
    struct get_job j = {app, who, id, a, out, err};
    return app_run(app, true, get_fn, &j);
}

/* ---- change: fields, comments, a macro, in one action ---- */

struct change {
    const struct ticket_input *in;        /* NULL: no field changes */
    const struct comment_input *comments; /* 0..2: a reply and/or a note */
    size_t n_comments;
    const struct macro *macro;            /* recorded as EV_MACRO when set */
    bool preview;                         /* compute only */
    bool comment_alone;                   /* the request was just a comment (field names) */
};

/* The heart of every ticket change: checks who may do it, applies the rules,
 * writes the ticket, its comments and the events of one action. */
static op_rc change_tx(struct store_tx *tx, struct app *app, const struct actor *who, int64_t id,
                       const struct change *ch, struct arena *a, struct ticket *out,
                       struct comment *comments_out, struct op_err *err)
{
    op_rc rc;
    struct ticket old, t;
    op_time now = app_now(app);
    bool staff = actor_is_staff(who);
    struct ticket_input in = ch->in ? *ch->in : (struct ticket_input){0};

    if ((rc = tx_visible_ticket(tx, app, who, id, a, &old, err)))
        return rc;
    if (old.status == STATUS_CLOSED)
        return op_fail(err, OP_ERR_CONFLICT, NULL, MSG_ERR_TICKET_CLOSED);
    if ((rc = ticket_fields_allowed(in.set, false, who->role, err)))
        return rc;
    if (!staff && (in.set & TF_STATUS) && in.status != STATUS_SOLVED)
        return op_fail(err, OP_ERR_FORBIDDEN, "status", MSG_ERR_CUSTOMER_STATUS);
    for (size_t i = 0; i < ch->n_comments; i++)
        if ((rc = comment_check(tx, who, &ch->comments[i], !ch->comment_alone, a, err)))
            return rc;

    if (!(in.set & TF_STATUS)) {
        enum ticket_status s = old.status;
        for (size_t i = 0; i < ch->n_comments; i++)
            s = status_after_comment(&(struct ticket){.status = s}, staff, ch->comments[i].public);
        if (s != old.status) {
            in.set |= TF_STATUS;
            in.status = s;
        }
    }
    assign_solver(who, &old, &in);
    if ((rc = ticket_apply(&old, &in, now, a, &t, err)))
        return rc;
    if ((rc = check_refs(tx, &old, &t, in.set, a, err)))
        return rc;

    struct event_list l;
    event_list_init(&l, a, ENTITY_TICKET, id, now, who->id, who->via);
    if (ch->macro) {
        char b[24];
        if ((rc = event_add(&l, EV_MACRO, "", "", id_str(ch->macro->id, b), ch->macro->name)))
            return rc;
    }
    if ((rc = ticket_diff(&old, &t, &l)))
        return rc;
    if (ch->preview) {
        *out = t;
        for (size_t i = 0; i < ch->n_comments && comments_out; i++)
            comments_out[i] = (struct comment){.ticket_id = id, .author_id = who->id,
                                               .public = ch->comments[i].public,
                                               .body = (char *)ch->comments[i].body,
                                               .via = who->via, .created_at = now};
        return OP_OK;
    }
    bool changed = l.n > (ch->macro ? 1u : 0u);
    if (!changed && ch->n_comments == 0 && !ch->macro) {
        *out = old; /* nothing to do is not an error, and writes nothing */
        return OP_OK;
    }
    for (size_t i = 0; i < ch->n_comments; i++)
        if ((rc = comment_write(tx, who, id, &ch->comments[i], now, &l,
                                comments_out ? &comments_out[i] : NULL)))
            return rc;
    if ((rc = tx->ops->ticket_update(tx, &t)))
        return rc;
    int64_t action = 0;
    if ((rc = tx_append_events(tx, &l, &action)) ||
        (rc = ticket_after_write(app, tx, who, &old, &t, &l, action, a)))
        return rc;
    *out = t;
    return OP_OK;
}

struct change_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    struct change ch;
    struct arena *a;
    struct ticket *out;
    struct comment *comments_out;
    struct op_err *err;
};

static op_rc change_fn(struct store_tx *tx, void *arg)
{
    struct change_job *j = arg;
    return change_tx(tx, j->app, j->who, j->id, &j->ch, j->a, j->out, j->comments_out, j->err);
}

op_rc app_ticket_update(struct app *app, const struct actor *who, int64_t id,
                        const struct ticket_input *in, const struct comment_input *comment,
                        struct arena *a, struct ticket *out, struct comment *comment_out,
                        struct op_err *err)
{
    struct change_job j = {app, who, id, {in, comment, comment ? 1 : 0, NULL, false},
                           a, out, comment_out, err};
    return app_run(app, false, change_fn, &j);
}

op_rc app_comment_add(struct app *app, const struct actor *who, int64_t ticket_id,
                      const struct comment_input *in, struct arena *a, struct comment *out,
                      struct op_err *err)
{
    struct ticket t;
    struct change_job j = {app, who, ticket_id, {NULL, in, 1, NULL, false, true},
                           a, &t, out, err};
    return app_run(app, false, change_fn, &j);
}

/* ---- lists ---- */

static op_rc check_filter(const struct ticket_filter *f, struct op_err *err)
{
    if (f->limit < 1 || f->limit > 1000)
        return op_fail(err, OP_ERR_INVALID, "limit", MSG_ERR_RANGE, "1", "1000");
    return OP_OK;
}

struct list_job {
    struct app *app;
    const struct actor *who;
    const struct ticket_filter *f;
    const char *q;
    size_t offset;
    struct arena *a;
    struct ticket_page *out;
    struct search_hit **hits;
    int64_t *count;
};

static op_rc list_fn(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    struct ticket_scope scope = access_ticket_scope(j->app, j->who);
    if (j->count)
        return tx->ops->ticket_count(tx, j->f, &scope, j->count);
    if (j->q)
        return tx->ops->ticket_search(tx, j->q, j->f, &scope, j->offset, j->a, j->out, j->hits);
    return tx->ops->ticket_list(tx, j->f, &scope, j->a, j->out);
}

op_rc app_ticket_list(struct app *app, const struct actor *who, const struct ticket_filter *f,
                      struct arena *a, struct ticket_page *out, struct op_err *err)
{
    op_rc rc = check_filter(f, err);
    if (rc)
        return rc;
    struct list_job j = {app, who, f, NULL, 0, a, out, NULL, NULL};
    return app_run(app, true, list_fn, &j);
}

op_rc app_ticket_count(struct app *app, const struct actor *who, const struct ticket_filter *f,
                       int64_t *out, struct op_err *err)
{
    UNUSED(err);
    struct list_job j = {app, who, f, NULL, 0, NULL, NULL, NULL, out};
    return app_run(app, true, list_fn, &j);
}

op_rc app_ticket_search(struct app *app, const struct actor *who, const char *q,
                        const struct ticket_filter *f, size_t offset, struct arena *a,
                        struct ticket_page *out, struct search_hit **hits, struct op_err *err)
{
    op_rc rc = check_filter(f, err);
    if (rc)
        return rc;
    if ((rc = check_text("q", q, 500, TEXT_LINE, false, err)))
        return rc;
    if (offset > 10000)
        return op_fail(err, OP_ERR_INVALID, "offset", MSG_ERR_RANGE, "0", "10000");
    struct list_job j = {app, who, f, q, offset, a, out, hits, NULL};
    rc = app_run(app, true, list_fn, &j);
    if (rc == OP_ERR_INVALID)
        return op_fail(err, OP_ERR_INVALID, "q", MSG_ERR_SEARCH_QUERY);
    return rc;
}

/* ---- comments and events ---- */

struct read_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id, after_id;
    size_t limit;
    struct arena *a;
    void *out;
    size_t *n;
    struct op_err *err;
};

static op_rc comment_list_fn(struct store_tx *tx, void *arg)
{
    struct read_job *j = arg;
    struct ticket t;
    op_rc rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err);
    if (rc)
        return rc;
    return tx->ops->comment_list(tx, j->ticket_id, !actor_is_staff(j->who), j->after_id, j->limit,
                                 j->a, (struct comment **)j->out, j->n);
}

op_rc app_comment_list(struct app *app, const struct actor *who, int64_t ticket_id,
                       int64_t after_id, size_t limit, struct arena *a, struct comment **out,
                       size_t *n, struct op_err *err)
{
    if (limit < 1 || limit > 1000)
        return op_fail(err, OP_ERR_INVALID, "limit", MSG_ERR_RANGE, "1", "1000");
    struct read_job j = {app, who, ticket_id, after_id, limit, a, out, n, err};
    return app_run(app, true, comment_list_fn, &j);
}

static op_rc event_list_fn(struct store_tx *tx, void *arg)
{
    struct read_job *j = arg;
    struct ticket t;
    op_rc rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, j->a, &t, j->err);
    if (rc)
        return rc;
    if (!actor_is_staff(j->who))
        return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    return tx->ops->event_list(tx, ENTITY_TICKET, j->ticket_id, j->after_id, j->limit, j->a,
                               (struct event **)j->out, j->n);
}

op_rc app_event_list(struct app *app, const struct actor *who, int64_t ticket_id,
                     int64_t after_id, size_t limit, struct arena *a, struct event **out,
                     size_t *n, struct op_err *err)
{
    if (limit < 1 || limit > 1000)
        return op_fail(err, OP_ERR_INVALID, "limit", MSG_ERR_RANGE, "1", "1000");
    struct read_job j = {app, who, ticket_id, after_id, limit, a, out, n, err};
    return app_run(app, true, event_list_fn, &j);
}

op_rc tx_event_last(struct store_tx *tx, struct app *app, const struct actor *who,
                    int64_t ticket_id, int64_t *all, int64_t *ticket)
{
    struct arena a = ARENA_INIT(0);
    struct ticket t;
    struct op_err err = {0};
    op_rc rc = tx->ops->event_last(tx, ENTITY_TICKET, 0, all);
    *ticket = 0;
    /* an invisible ticket reads as one without events: nothing leaks */
    if (!rc && who && ticket_id > 0 && !tx_visible_ticket(tx, app, who, ticket_id, &a, &t, &err))
        rc = tx->ops->event_last(tx, ENTITY_TICKET, ticket_id, ticket);
    arena_release(&a);
    return rc;
}

struct last_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id, *all, *ticket;
};

static op_rc last_fn(struct store_tx *tx, void *arg)
{
    struct last_job *j = arg;
    return tx_event_last(tx, j->app, j->who, j->ticket_id, j->all, j->ticket);
}

op_rc app_event_last(struct app *app, const struct actor *who, int64_t ticket_id, int64_t *all,
                     int64_t *ticket, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    struct last_job j = {app, who, ticket_id, all, ticket};
    return app_run(app, true, last_fn, &j);
}

static op_rc event_feed_fn(struct store_tx *tx, void *arg)
{
    struct read_job *j = arg;
    return tx->ops->event_feed(tx, j->after_id, j->limit, j->a, (struct event **)j->out, j->n);
}

op_rc app_event_feed(struct app *app, const struct actor *who, int64_t after_id, size_t limit,
                     struct arena *a, struct event **out, size_t *n, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    if (limit < 1 || limit > 10000)
        return op_fail(err, OP_ERR_INVALID, "limit", MSG_ERR_RANGE, "1", "10000");
    struct read_job j = {app, who, 0, after_id, limit, a, out, n, err};
    return app_run(app, true, event_feed_fn, &j);
}

/* ---- macros applied ---- */

struct macro_job {
    struct app *app;
    const struct actor *who;
    int64_t ticket_id, macro_id;
    bool preview;
    struct arena *a;
    struct ticket *out;
    struct comment **comments;
    size_t *n_comments;
    struct op_err *err;
};

static op_rc macro_apply_fn(struct store_tx *tx, void *arg)
{
    struct macro_job *j = arg;
    struct arena *a = j->a;
    struct macro m;
    struct ticket t;
    char b[24];
    op_rc rc;
    if ((rc = tx_visible_ticket(tx, j->app, j->who, j->ticket_id, a, &t, j->err)))
        return rc;
    if (!actor_is_staff(j->who))
        return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    rc = tx->ops->macro_get(tx, j->macro_id, a, &m);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_MACRO_NOT_FOUND,
                       id_str(j->macro_id, b));
    if (rc)
        return rc;
    if (!m.active)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_MACRO_INACTIVE, id_str(m.id, b));

    /* what the placeholders can say */
    struct user requester = {0}, assignee = {0}, me = {0};
    struct organization org = {0};
    struct group group = {0};
    struct placeholder_ctx ctx = {.ticket = &t, .lang = LANG_EN};
    if (!tx->ops->user_get(tx, t.requester_id, a, &requester)) {
        ctx.requester = &requester;
        int l = i18n_lang_parse(requester.language);
        ctx.lang = l >= 0 ? (enum lang)l : LANG_EN;
    }
    if (t.assignee_id && !tx->ops->user_get(tx, t.assignee_id, a, &assignee))
        ctx.assignee = &assignee;
    if (j->who->id && !tx->ops->user_get(tx, j->who->id, a, &me))
        ctx.current_user = &me;
    if (t.organization_id && !tx->ops->org_get(tx, t.organization_id, a, &org))
        ctx.organization = &org;
    if (t.group_id && !tx->ops->group_get(tx, t.group_id, a, &group))
        ctx.group = &group;

    struct macro_result res;
    if ((rc = macro_expand(&m, &ctx, j->who->id, a, &res, j->err)))
        return rc;
    struct comment_input *cs = arena_alloc(a, 2 * sizeof(*cs));
    struct comment *cout = arena_alloc(a, 2 * sizeof(*cout));
    if (!cs || !cout)
        return OP_ERR_NOMEM;
    size_t nc = 0;
    if (res.public_reply)
        cs[nc++] = (struct comment_input){.body = res.public_reply, .public = true};
    if (res.note)
        cs[nc++] = (struct comment_input){.body = res.note, .public = false};
    struct change ch = {&res.in, cs, nc, &m, j->preview};
    if ((rc = change_tx(tx, j->app, j->who, j->ticket_id, &ch, a, j->out, cout, j->err)))
        return rc;
    *j->comments = cout;
    *j->n_comments = nc;
    return OP_OK;
}

op_rc app_macro_apply(struct app *app, const struct actor *who, int64_t ticket_id,
                      int64_t macro_id, bool preview, struct arena *a, struct ticket *out,
                      struct comment **comments, size_t *n_comments, struct op_err *err)
{
    struct macro_job j = {app, who, ticket_id, macro_id, preview, a, out, comments, n_comments,
                          err};
    return app_run(app, preview, macro_apply_fn, &j);
}
