/* pages_agent.c - the agent workspace: queue views, the ticket page, and
 * its forms (reply or note with a macro, take, escalate, hand back, merge,
 * links, presence), and the heartbeat of "another agent has this open".
 *
 * A form that fails is shown again with what was typed and the error next
 * to its field, in the user's language; nothing is changed by it. */
#include "base/common.h"

#include <pthread.h>

#include "app/sla.h"
#include "app/team.h"
#include "app/viewers.h"
#include "core/escalation.h"
#include "core/sla.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

static const enum msg_id view_msgs[WV__COUNT] = {MSG_WEB_VIEW_MINE,       MSG_WEB_VIEW_GROUP,
                                                 MSG_WEB_VIEW_UNASSIGNED, MSG_WEB_VIEW_DUE_SOON,
                                                 MSG_WEB_VIEW_BREACHED,   MSG_WEB_VIEW_PENDING};

const char *web_view_label(enum lang lang, enum web_view v)
{
    return (unsigned)v < WV__COUNT ? i18n_text(lang, view_msgs[v]) : "";
}

/* "in 45 min" / "overdue by 1 h 5 min" for a due time. */
static const char *due_text(struct web_ctx *c, op_time due)
{
    struct arena *a = c->r->arena;
    char text[256];
    if (!due) return i18n_text(c->r->lang, MSG_WEB_NO_DUE);
    int64_t left = due - app_now(c->app);
    const char *d = web_duration(a, c->r->lang, left);
    const char *args[1] = {d ? d : ""};
    i18n_format(c->r->lang, left >= 0 ? MSG_WEB_DUE_IN : MSG_WEB_OVERDUE, args, 1, text,
                sizeof(text));
    return arena_strdup(a, text);
}

/* One ticket as a row of a list. */
static struct tv *ticket_row(struct web_ctx *c, const struct ticket *t)
{
    struct arena *a = c->r->arena;
    struct tv *m = tv_map(a);
    enum lang l = c->r->lang;
    if (tv_set_int(a, m, "id", t->id) || tv_set_str(a, m, "subject", t->subject) ||
        tv_set_str(a, m, "status", status_name(t->status)) ||
        tv_set_str(a, m, "status_text", web_status_text(l, t->status)) ||
        tv_set_str(a, m, "priority", priority_name(t->priority)) ||
        tv_set_str(a, m, "priority_text", web_priority_text(l, t->priority)) ||
        tv_set_str(a, m, "due", due_text(c, t->sla_due_at)) ||
        tv_set_bool(a, m, "breached", t->sla_breached) ||
        tv_set_str(a, m, "assignee",
                   t->assignee_id ? web_user_name(c, t->assignee_id)
                                  : i18n_text(l, MSG_WEB_NOBODY)))
        return NULL;
    return m;
}

/* ---- queues ---- */

/* The counts of the views in every page's header are the dearest part of a
 * page on a big database (six counts within the agent's scope: ~30 ms on 1M
 * tickets with migration 0009's index, 150+ ms without). They change only
 * when the event log moves (every ticket change appends to it) or, for "due
 * soon", with time; so they are kept per agent for the newest event id and
 * at most COUNTS_TTL_MS. While one request recounts, the others of that
 * agent take the previous counts rather than all counting at once. The key
 * has the agent's first group (the "group" view) and number of groups. */
#define COUNTS_TTL_MS 15000
#define COUNTS_SLOTS 64

struct counts_slot {
    int64_t user_id, first_group, event_id;
    size_t ngroups;
    op_time at; /* 0: no counts yet */
    bool busy;  /* being recounted */
    int64_t n[WV__COUNT];
};

static struct {
    pthread_mutex_t mu;
    struct counts_slot slot[COUNTS_SLOTS];
} counts_cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

op_rc web_view_counts(struct web_ctx *c, int64_t out[WV__COUNT])
{
    struct op_err err = {0};
    int64_t last = 0, none = 0;
    op_time now = app_now(c->app);
    int64_t g0 = c->who.groups.n ? c->who.groups.v[0] : 0;
    size_t k = (size_t)c->who.id % COUNTS_SLOTS;
    op_rc rc = app_event_last(c->app, &c->who, 0, &last, &none, &err);
    if (rc) return rc;
    pthread_mutex_lock(&counts_cache.mu);
    struct counts_slot *sl = &counts_cache.slot[k];
    bool mine = sl->user_id == c->who.id && sl->first_group == g0 &&
                sl->ngroups == c->who.groups.n && sl->at;
    bool fresh = mine && sl->event_id == last && now >= sl->at && now - sl->at < COUNTS_TTL_MS;
    bool use = fresh || (mine && sl->busy);
    if (use) {
        memcpy(out, sl->n, sizeof(sl->n));
    } else {
        if (!mine)
            *sl = (struct counts_slot){
                .user_id = c->who.id, .first_group = g0, .ngroups = c->who.groups.n};
        sl->busy = true;
    }
    pthread_mutex_unlock(&counts_cache.mu);
    if (use) return OP_OK;
    for (int v = 0; v < WV__COUNT && !rc; v++) {
        struct ticket_filter f;
        web_view_filter(c, (enum web_view)v, &f);
        rc = app_ticket_count(c->app, &c->who, &f, &out[v], &err);
    }
    pthread_mutex_lock(&counts_cache.mu);
    if (sl->user_id == c->who.id) { /* not taken over by another agent meanwhile */
        sl->busy = false;
        if (!rc) {
            sl->event_id = last;
            sl->at = now;
            memcpy(sl->n, out, sizeof(sl->n));
        }
    }
    pthread_mutex_unlock(&counts_cache.mu);
    return rc;
}

void w_queue(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct ticket_filter f;
    struct ticket_page page = {0};
    op_rc rc = OP_OK;
    if (!web_begin(r, &c)) return;
    int v = web_view_parse(r->params[0]);
    if (v < 0) {
        web_error_page(r, 404, MSG_WEB_NOT_FOUND_PAGE);
        return;
    }
    c.view = v;
    web_view_filter(&c, (enum web_view)v, &f);
    CHECK(app_ticket_list(c.app, &c.who, &f, r->arena, &page, &err));
    struct tv *rows = tv_list(r->arena);
    for (size_t i = 0; i < page.n; i++)
        CHECK(tv_push(r->arena, rows, ticket_row(&c, &page.v[i])));
    CHECK(tv_set(r->arena, c.data, "tickets", rows));
    CHECK(tv_set_str(r->arena, c.data, "view", web_view_name((enum web_view)v)));
    CHECK(tv_set_str(r->arena, c.data, "view_label", web_view_label(r->lang, (enum web_view)v)));
    CHECK(tv_set_str(r->arena, c.data, "title", web_view_label(r->lang, (enum web_view)v)));
    web_render(&c, 200, "queue.html");
    return;
end:
    web_error_page(r, rc == OP_ERR_NOTFOUND ? 404 : 500, MSG_WEB_FAILED);
}

/* ---- the ticket page ---- */

static const char *field_label(enum lang l, const char *field)
{
    static const struct {
        const char *field;
        enum msg_id msg;
    } fields[] = {{"status", MSG_WEB_FIELD_STATUS},
                  {"priority", MSG_WEB_FIELD_PRIORITY},
                  {"assignee_id", MSG_WEB_FIELD_ASSIGNEE},
                  {"group_id", MSG_WEB_FIELD_GROUP},
                  {"subject", MSG_WEB_FIELD_SUBJECT},
                  {"type", MSG_WEB_FIELD_TYPE},
                  {"tags", MSG_WEB_FIELD_TAGS}};
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        if (strcmp(field, fields[i].field) == 0) return i18n_text(l, fields[i].msg);
    return i18n_text(l, MSG_WEB_FIELD_OTHER);
}

/* A changed value for display: statuses and priorities by name, people by name. */
static const char *value_text(struct web_ctx *c, const char *field, const char *v)
{
    enum lang l = c->r->lang;
    if (!v || !*v) return i18n_text(l, MSG_WEB_NONE);
    if (strcmp(field, "status") == 0) {
        for (int s = 0; s < STATUS__COUNT; s++)
            if (strcmp(v, status_name((enum ticket_status)s)) == 0)
                return web_status_text(l, (enum ticket_status)s);
    } else if (strcmp(field, "priority") == 0) {
        for (int p = 0; p < PRIO__COUNT; p++)
            if (strcmp(v, priority_name((enum ticket_priority)p)) == 0)
                return web_priority_text(l, (enum ticket_priority)p);
    } else if (strcmp(field, "assignee_id") == 0 || strcmp(field, "requester_id") == 0) {
        char *e;
        long long id = strtoll(v, &e, 10);
        if (*e == '\0' && id > 0) return web_user_name(c, id);
    } else if (strcmp(field, "group_id") == 0) {
        char *e;
        long long id = strtoll(v, &e, 10);
        struct group g;
        struct op_err err = {0};
        if (*e == '\0' && id > 0 &&
            app_group_get(c->app, &c->who, id, c->r->arena, &g, &err) == OP_OK)
            return g.name;
    }
    return v;
}

static const char *metric_label(enum lang l, const char *metric)
{
    if (strcmp(metric, "first_response") == 0) return i18n_text(l, MSG_WEB_METRIC_FIRST_RESPONSE);
    if (strcmp(metric, "next_response") == 0) return i18n_text(l, MSG_WEB_METRIC_NEXT_RESPONSE);
    if (strcmp(metric, "resolution") == 0) return i18n_text(l, MSG_WEB_METRIC_RESOLUTION);
    return metric;
}

/* The event in words, in the user's language. */
static const char *event_text(struct web_ctx *c, const struct event *e)
{
    enum lang l = c->r->lang;
    const char *args[3] = {"", "", ""};
    enum msg_id msg;
    char text[1024];
    switch (e->kind) {
    case EV_CREATED:
        msg = MSG_WEB_EV_CREATED;
        break;
    case EV_CHANGED:
        msg = MSG_WEB_EV_CHANGED;
        args[0] = field_label(l, e->field);
        args[1] = value_text(c, e->field, e->old_value);
        args[2] = value_text(c, e->field, e->new_value);
        break;
    case EV_COMMENT:
        msg = strcmp(e->field, "note") == 0 ? MSG_WEB_EV_NOTE : MSG_WEB_EV_PUBLIC;
        break;
    case EV_ESCALATED:
        msg = MSG_WEB_EV_ESCALATED, args[0] = e->field, args[1] = e->data;
        break;
    case EV_HANDED_BACK:
        msg = MSG_WEB_EV_HANDED_BACK, args[0] = e->data;
        break;
    case EV_LINKED:
        msg = MSG_WEB_EV_LINKED, args[0] = e->new_value;
        break;
    case EV_UNLINKED:
        msg = MSG_WEB_EV_UNLINKED, args[0] = e->old_value;
        break;
    case EV_MERGED_INTO:
        msg = MSG_WEB_EV_MERGED_INTO, args[0] = e->new_value;
        break;
    case EV_MERGED_FROM:
        msg = MSG_WEB_EV_MERGED_FROM, args[0] = e->new_value;
        break;
    case EV_MACRO:
        msg = MSG_WEB_EV_MACRO, args[0] = e->data;
        break;
    case EV_REQUESTER_ADDED:
        msg = MSG_WEB_EV_REQUESTER_ADDED;
        args[0] = value_text(c, "requester_id", e->new_value);
        break;
    case EV_SLA_WARNING:
        msg = MSG_WEB_EV_SLA_WARNING, args[0] = metric_label(l, e->field);
        break;
    case EV_SLA_BREACHED:
        msg = MSG_WEB_EV_SLA_BREACHED, args[0] = metric_label(l, e->field);
        break;
    case EV_SLA_MET:
        msg = MSG_WEB_EV_SLA_MET, args[0] = metric_label(l, e->field);
        break;
    default:
        msg = MSG_WEB_FIELD_OTHER;
        break;
    }
    i18n_format(l, msg, args, 3, text, sizeof(text));
    return arena_strdup(c->r->arena, text);
}

static op_rc sla_values(struct web_ctx *c, int64_t ticket_id)
{
    struct arena *a = c->r->arena;
    struct ticket_sla_view v;
    struct op_err err = {0};
    enum lang l = c->r->lang;
    op_rc rc = app_ticket_sla(c->app, &c->who, ticket_id, a, &v, &err);
    if (rc) return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
    struct tv *timers = tv_list(a);
    for (int m = 0; m < SLA__METRICS && v.has; m++) {
        const struct sla_clock *k = &v.state.c[m];
        if (!k->target_ms) continue;
        struct tv *t = tv_map(a);
        int64_t el = v.elapsed_ms[m];
        const char *state;
        bool bad = false;
        char buf[256];
        const char *targs[1] = {web_duration(a, l, k->target_ms)};
        if (k->stopped_at) {
            bad = el > k->target_ms;
            state = i18n_text(l, bad ? MSG_WEB_SLA_BREACHED : MSG_WEB_SLA_MET);
        } else if (!k->started_at) {
            state = i18n_text(l, MSG_WEB_NONE);
        } else if (el > k->target_ms) {
            bad = true;
            const char *oargs[1] = {web_duration(a, l, el - k->target_ms)};
            i18n_format(l, MSG_WEB_OVERDUE, oargs, 1, buf, sizeof(buf));
            state = arena_strdup(a, buf);
        } else if (!k->running_since) {
            state = i18n_text(l, MSG_WEB_SLA_PAUSED);
        } else {
            const char *dargs[1] = {web_duration(a, l, k->target_ms - el)};
            i18n_format(l, MSG_WEB_DUE_IN, dargs, 1, buf, sizeof(buf));
            state = arena_strdup(a, buf);
        }
        i18n_format(l, MSG_WEB_SLA_TARGET, targs, 1, buf, sizeof(buf));
        if ((rc = tv_set_str(a, t, "metric",
                             metric_label(l, sla_metric_name((enum sla_metric)m)))) ||
            (rc = tv_set_str(a, t, "target", buf)) || (rc = tv_set_str(a, t, "state", state)) ||
            (rc = tv_set_bool(a, t, "bad", bad)) || (rc = tv_push(a, timers, t)))
            return rc;
    }
    return tv_set(a, c->data, "sla", timers);
}

static op_rc requester_values(struct web_ctx *c, const struct ticket *t)
{
    struct arena *a = c->r->arena;
    struct user u;
    struct op_err err = {0};
    struct tv *card = tv_map(a), *others = tv_list(a);
    op_rc rc = app_user_get(c->app, &c->who, t->requester_id, a, &u, &err);
    if (rc) return rc == OP_ERR_NOTFOUND ? OP_OK : rc;
    if ((rc = tv_set_str(a, card, "name", u.name)) ||
        (rc = tv_set_str(a, card, "email", u.email)) ||
        (rc = tv_set_str(a, card, "phone", u.phone)))
        return rc;
    if (u.organization_id) {
        struct organization o;
        if (app_org_get(c->app, &c->who, u.organization_id, a, &o, &err) == OP_OK &&
            (rc = tv_set_str(a, card, "organization", o.name)))
            return rc;
    }
    struct ticket_filter f = {.requester_id = t->requester_id, .sort = SORT_UPDATED, .limit = 11};
    struct ticket_page page = {0};
    if ((rc = app_ticket_list(c->app, &c->who, &f, a, &page, &err))) return rc;
    for (size_t i = 0; i < page.n; i++)
        if (page.v[i].id != t->id && (rc = tv_push(a, others, ticket_row(c, &page.v[i]))))
            return rc;
    if ((rc = tv_set(a, card, "tickets", others))) return rc;
    return tv_set(a, c->data, "requester", card);
}

/* "handback_to": the group a hand-back would return t to, set only when
 * one is possible (t came up by an escalation not yet handed back, and that
 * group is of a lower tier than t's now), as app_ticket_handback decides. */
static op_rc handback_values(struct web_ctx *c, const struct ticket *t, const struct event *ev,
                             size_t nev, const struct group *grp, size_t ngrp)
{
    int64_t gid = 0, aid = 0;
    const struct group *from = NULL, *to = NULL;
    if (t->status == STATUS_CLOSED || !handback_target(ev, nev, &gid, &aid) || !gid) return OP_OK;
    for (size_t i = 0; i < ngrp; i++) {
        if (grp[i].id == t->group_id) from = &grp[i];
        if (grp[i].id == gid) to = &grp[i];
    }
    if (!from || !to || to->tier >= from->tier) return OP_OK;
    return tv_set_str(c->r->arena, c->data, "handback_to", to->name);
}

static const enum msg_id link_msgs[LV__COUNT] = {MSG_WEB_LV_RELATED, MSG_WEB_LV_PARENT_OF,
                                                 MSG_WEB_LV_CHILD_OF, MSG_WEB_LV_DUPLICATE_OF,
                                                 MSG_WEB_LV_DUPLICATED_BY};

/* "links" (as seen from ticket id, with the other ticket's subject and
 * status when who may see it) and "link_kinds" for the form. */
static op_rc link_values(struct web_ctx *c, int64_t id)
{
    struct arena *a = c->r->arena;
    enum lang l = c->r->lang;
    struct link *ls = NULL;
    size_t n = 0;
    struct op_err err = {0};
    op_rc rc = app_link_list(c->app, &c->who, id, a, &ls, &n, &err);
    if (rc) return rc;
    struct tv *links = tv_list(a), *kinds = tv_list(a);
    for (size_t i = 0; i < n; i++) {
        enum link_view v = link_view_of(&ls[i], id);
        int64_t other = ls[i].a_id == id ? ls[i].b_id : ls[i].a_id;
        struct ticket o;
        struct op_err oerr = {0};
        bool visible = app_ticket_get(c->app, &c->who, other, a, &o, &oerr) == OP_OK;
        struct tv *m = tv_map(a);
        if ((rc = tv_set_int(a, m, "id", ls[i].id)) || (rc = tv_set_int(a, m, "other_id", other)) ||
            (rc = tv_set_str(a, m, "kind_text", i18n_text(l, link_msgs[v]))) ||
            (rc = tv_set_bool(a, m, "visible", visible)))
            return rc;
        if (visible && ((rc = tv_set_str(a, m, "subject", o.subject)) ||
                        (rc = tv_set_str(a, m, "status", status_name(o.status))) ||
                        (rc = tv_set_str(a, m, "status_text", web_status_text(l, o.status)))))
            return rc;
        if ((rc = tv_push(a, links, m))) return rc;
    }
    const char *chosen = web_form_get(&c->form, "kind");
    for (int k = 0; k < LV__COUNT; k++) {
        struct tv *m = tv_map(a);
        const char *name = link_view_name((enum link_view)k);
        if ((rc = tv_set_str(a, m, "name", name)) ||
            (rc = tv_set_str(a, m, "label", i18n_text(l, link_msgs[k]))) ||
            (rc = tv_set_bool(a, m, "selected", chosen && strcmp(chosen, name) == 0)) ||
            (rc = tv_push(a, kinds, m)))
            return rc;
    }
    if ((rc = tv_set(a, c->data, "links", links))) return rc;
    return tv_set(a, c->data, "link_kinds", kinds);
}

/* Another viewer as a sentence ("X also has this ticket open."), in c's arena. */
static const char *viewer_text(struct web_ctx *c, const struct ticket_viewer *v)
{
    char text[512];
    const char *args[1] = {web_user_name(c, v->user_id)};
    i18n_format(c->r->lang, v->typing ? MSG_WEB_VIEWER_TYPING : MSG_WEB_VIEWER, args, 1, text,
                sizeof(text));
    return arena_strdup(c->r->arena, text);
}

/* The other viewers for the page's notice. */
static struct tv *viewer_list(struct web_ctx *c, const struct ticket_viewer *v, size_t n)
{
    struct arena *a = c->r->arena;
    struct tv *list = tv_list(a);
    for (size_t i = 0; i < n; i++) {
        struct tv *m = tv_map(a);
        if (tv_set_str(a, m, "text", viewer_text(c, &v[i])) ||
            tv_set_bool(a, m, "typing", v[i].typing) || tv_set_int(a, m, "user_id", v[i].user_id) ||
            tv_push(a, list, m))
            return NULL;
    }
    return list;
}

/* "viewers" (the others who have the page open, a read: the page's script
 * records this visit with its first heartbeat) and "viewers_every". */
static op_rc viewer_values(struct web_ctx *c, int64_t id)
{
    struct arena *a = c->r->arena;
    struct ticket_viewer *v = NULL;
    size_t n = 0;
    struct op_err err = {0};
    op_rc rc = app_viewer_list(c->app, &c->who, id, a, &v, &n, &err);
    if (rc) return rc;
    struct tv *list = viewer_list(c, v, n);
    if (!list) return OP_ERR_NOMEM;
    if ((rc = tv_set(a, c->data, "viewers", list))) return rc;
    return tv_set_int(a, c->data, "viewers_every", VIEWER_BEAT_MS);
}

/* Fills c->data for the ticket page of id; the form's values (after a
 * failed submit) are set by the caller. */
static op_rc ticket_values(struct web_ctx *c, int64_t id, struct op_err *err)
{
    struct arena *a = c->r->arena;
    enum lang l = c->r->lang;
    struct ticket t;
    struct comment *cm = NULL;
    struct event *ev = NULL;
    struct macro *mac = NULL;
    struct group *grp = NULL;
    size_t ncm = 0, nev = 0, nmac = 0, ngrp = 0;
    op_rc rc;
    char title[512];
    if ((rc = app_ticket_get(c->app, &c->who, id, a, &t, err))) return rc;
    if ((rc = app_comment_list(c->app, &c->who, id, 0, 500, a, &cm, &ncm, err))) return rc;
    if ((rc = app_event_list(c->app, &c->who, id, 0, 500, a, &ev, &nev, err))) return rc;
    if ((rc = app_macro_list(c->app, &c->who, false, a, &mac, &nmac, err))) return rc;
    if ((rc = app_group_list(c->app, &c->who, a, &grp, &ngrp, err))) return rc;

    struct tv *tk = ticket_row(c, &t);
    char idtext[24];
    snprintf(idtext, sizeof(idtext), "%" PRId64, t.id);
    const char *targs[2] = {idtext, t.subject};
    i18n_format(l, MSG_WEB_TICKET_TITLE, targs, 2, title, sizeof(title));
    if ((rc = tv_set_str(a, tk, "title", title)) || (rc = tv_set_str(a, c->data, "title", title)) ||
        (rc = tv_set_str(a, tk, "description", t.description)) ||
        (rc = tv_set_str(a, tk, "created", web_time(c, t.created_at))) ||
        (rc = tv_set_bool(a, tk, "mine", t.assignee_id == c->who.id)) ||
        (rc = tv_set_int(a, tk, "last_comment", ncm ? cm[ncm - 1].id : 0)) ||
        (rc = tv_set(a, c->data, "ticket", tk)))
        return rc;
    for (size_t i = 0; i < ngrp; i++)
        if (grp[i].id == t.group_id && (rc = tv_set_str(a, tk, "group", grp[i].name))) return rc;

    struct tv *comments = tv_list(a);
    for (size_t i = 0; i < ncm; i++) {
        struct tv *m = tv_map(a);
        if ((rc = tv_set_int(a, m, "id", cm[i].id)) ||
            (rc = tv_set_str(a, m, "body", cm[i].body)) ||
            (rc = tv_set_bool(a, m, "public", cm[i].public)) ||
            (rc = tv_set_str(a, m, "author", web_user_name(c, cm[i].author_id))) ||
            (rc = tv_set_str(a, m, "at", web_time(c, cm[i].created_at))) ||
            (rc = tv_push(a, comments, m)))
            return rc;
    }
    struct tv *events = tv_list(a);
    int64_t created_action = 0;
    for (size_t i = 0; i < nev; i++) {
        /* the fields a ticket was created with are on the page already */
        if (ev[i].kind == EV_CREATED)
            created_action = ev[i].action_id;
        else if (ev[i].kind == EV_CHANGED && ev[i].action_id == created_action)
            continue;
        struct tv *m = tv_map(a);
        if ((rc = tv_set_str(a, m, "at", web_time(c, ev[i].at))) ||
            (rc = tv_set_str(a, m, "actor", web_user_name(c, ev[i].actor_id))) ||
            (rc = tv_set_str(a, m, "text", event_text(c, &ev[i]))) || (rc = tv_push(a, events, m)))
            return rc;
    }
    struct tv *macros = tv_list(a);
    const char *chosen = web_form_get(&c->form, "macro_id");
    for (size_t i = 0; i < nmac; i++) {
        struct tv *m = tv_map(a);
        char mid[24];
        snprintf(mid, sizeof(mid), "%" PRId64, mac[i].id);
        if ((rc = tv_set_int(a, m, "id", mac[i].id)) ||
            (rc = tv_set_str(a, m, "name", mac[i].name)) ||
            (rc = tv_set_bool(a, m, "selected", chosen && strcmp(chosen, mid) == 0)) ||
            (rc = tv_push(a, macros, m)))
            return rc;
    }
    /* escalation goes up a tier: only the groups above the ticket's */
    struct tv *groups = tv_list(a);
    int tier = -1;
    for (size_t i = 0; i < ngrp; i++)
        if (grp[i].id == t.group_id) tier = (int)grp[i].tier;
    for (size_t i = 0; i < ngrp; i++) {
        if ((int)grp[i].tier <= tier) continue;
        struct tv *m = tv_map(a);
        if ((rc = tv_set_int(a, m, "id", grp[i].id)) ||
            (rc = tv_set_str(a, m, "name", grp[i].name)) || (rc = tv_push(a, groups, m)))
            return rc;
    }
    if ((rc = tv_set(a, c->data, "comments", comments)) ||
        (rc = tv_set(a, c->data, "events", events)) ||
        (rc = tv_set(a, c->data, "macros", macros)) || (rc = tv_set(a, c->data, "groups", groups)))
        return rc;
    if ((rc = handback_values(c, &t, ev, nev, grp, ngrp)) || (rc = link_values(c, id)) ||
        (rc = viewer_values(c, id)) || (rc = sla_values(c, id)))
        return rc;
    return requester_values(c, &t);
}

/* Shows the ticket page; after a failed form, with its values and error. */
static void ticket_page(struct web_ctx *c, int64_t id, int status, const char *form,
                        const char *const *fields, const struct op_err *ferr)
{
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    op_rc rc = ticket_values(c, id, &err);
    if (rc) {
        web_error_page(c->r, rc == OP_ERR_NOTFOUND ? 404 : 500,
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
        return;
    }
    if (form) {
        struct tv *fv = tv_map(a);
        const char *kind = web_form_get(&c->form, "kind");
        if ((rc = tv_set_str(a, fv, "body", web_form_get(&c->form, "body"))) ||
            (rc = tv_set_bool(a, fv, "note", kind && strcmp(kind, "note") == 0)) ||
            (rc = tv_set_str(a, fv, "reason", web_form_get(&c->form, "reason"))) ||
            (rc = tv_set_str(a, fv, "target_id", web_form_get(&c->form, "target_id"))) ||
            (rc = tv_set_str(a, fv, "ticket_id", web_form_get(&c->form, "ticket_id"))) ||
            (rc = tv_set(a, c->data, form, fv))) {
            web_error_page(c->r, 500, MSG_WEB_FAILED);
            return;
        }
        /* next to its field when the form has it, else above the form */
        const char *text = web_err_text(a, c->r->lang, ferr);
        bool known = false;
        for (size_t i = 0; fields && fields[i]; i++)
            known |= strcmp(fields[i], ferr->field) == 0;
        const char *key = known ? arena_printf(a, "err_%s", ferr->field) : "error";
        if (!key || (rc = tv_set_str(a, fv, key, text))) {
            web_error_page(c->r, 500, MSG_WEB_FAILED);
            return;
        }
    }
    web_render(c, status, "ticket.html");
}

void w_ticket(struct http_req *r)
{
    struct web_ctx c;
    if (!web_begin(r, &c)) return;
    int64_t id = http_param_id(r, 0);
    if (!id) {
        web_error_page(r, 404, MSG_WEB_NOT_FOUND_PAGE);
        return;
    }
    ticket_page(&c, id, 200, NULL, NULL, NULL);
}

static int status_of(op_rc rc)
{
    switch (rc) {
    case OP_ERR_INVALID:
        return 422;
    case OP_ERR_NOTFOUND:
        return 404;
    case OP_ERR_FORBIDDEN:
        return 403;
    case OP_ERR_CONFLICT:
        return 409;
    case OP_ERR_TOOBIG:
        return 413;
    default:
        return 500;
    }
}

/* The id in form field name (0 when empty), or -1 when it is not one. */
static int64_t form_id(const struct web_form *f, const char *name)
{
    const char *s = web_form_get(f, name);
    char *e;
    if (!s || !*s) return 0;
    long long v = strtoll(s, &e, 10);
    return *e == '\0' && v > 0 ? v : -1;
}

static const char *ticket_path(struct http_req *r, int64_t id)
{
    return arena_printf(r->arena, "/tickets/%" PRId64, id);
}

void w_ticket_reply(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    op_rc rc = OP_OK;
    if (!web_begin(r, &c)) return;
    int64_t id = http_param_id(r, 0);
    if (!id) {
        web_error_page(r, 404, MSG_WEB_NOT_FOUND_PAGE);
        return;
    }
    const char *body = web_form_get(&c.form, "body");
    const char *kind = web_form_get(&c.form, "kind");
    int64_t macro_id = form_id(&c.form, "macro_id");
    bool has_body = body && body[strspn(body, " \t\r\n")] != '\0';
    if (macro_id < 0) {
        rc = op_fail(&err, OP_ERR_INVALID, "macro_id", MSG_ERR_ID);
    } else if (!has_body && !macro_id) {
        rc = op_fail(&err, OP_ERR_INVALID, "body", MSG_WEB_EMPTY_REPLY);
    } else if (kind && strcmp(kind, "note") != 0 && strcmp(kind, "public") != 0) {
        rc = op_fail(&err, OP_ERR_INVALID, "kind", MSG_ERR_ENUM, kind, "public, note");
    }
    /* the message and the macro are two actions: the macro is tried first
     * without storing anything, so that a refused one changes nothing */
    if (!rc && macro_id) {
        struct ticket t;
        struct comment *cms = NULL;
        size_t ncm = 0;
        rc = app_macro_apply(c.app, &c.who, id, macro_id, true, r->arena, &t, &cms, &ncm, &err);
        if (rc && !err.field[0]) snprintf(err.field, sizeof(err.field), "macro_id");
    }
    if (!rc && has_body) {
        struct comment_input ci = {.body = body, .public = !(kind && strcmp(kind, "note") == 0)};
        struct ticket t;
        struct comment out;
        struct ticket_input none = {0};
        rc = app_ticket_update(c.app, &c.who, id, &none, &ci, r->arena, &t, &out, &err);
        if (!rc) c.form.n = 0; /* sent: do not show it again */
    }
    if (!rc && macro_id) {
        struct ticket t;
        struct comment *cms = NULL;
        size_t ncm = 0;
        rc = app_macro_apply(c.app, &c.who, id, macro_id, false, r->arena, &t, &cms, &ncm, &err);
        if (rc && !err.field[0]) snprintf(err.field, sizeof(err.field), "macro_id");
    }
    if (rc) {
        if (rc == OP_ERR_NOTFOUND && !err.field[0]) {
            web_error_page(r, 404, MSG_WEB_NOT_FOUND_PAGE);
            return;
        }
        static const char *const fields[] = {"body", "macro_id", "kind", NULL};
        ticket_page(&c, id, err.field[0] ? 422 : status_of(rc), "reply", fields, &err);
        return;
    }
    web_redirect(r, ticket_path(r, id));
}

void w_ticket_back(struct http_req *r)
{
    int64_t id = http_param_id(r, 0);
    const char *to = id ? ticket_path(r, id) : NULL;
    web_redirect(r, to ? to : "/queue/mine");
}

void w_ticket_take(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!web_begin(r, &c)) return;
    int64_t id = http_param_id(r, 0);
    if (!id) {
        web_error_page(r, 404, MSG_WEB_NOT_FOUND_PAGE);
        return;
    }
    struct ticket_input in = {.set = TF_ASSIGNEE, .assignee_id = c.who.id};
    struct ticket t;
    op_rc rc = app_ticket_update(c.app, &c.who, id, &in, NULL, r->arena, &t, NULL, &err);
    if (rc) {
        ticket_page(&c, id, status_of(rc), "take", NULL, &err);
        return;
    }
    web_redirect(r, ticket_path(r, id));
}

void w_ticket_escalate(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    op_rc rc = OP_OK;
    if (!web_begin(r, &c)) return;
    int64_t id = http_param_id(r, 0);
    if (!id) {
        web_error_page(r, 404, MSG_WEB_NOT_FOUND_PAGE);
        return;
    }
    int64_t group_id = form_id(&c.form, "group_id");
    const char *reason = web_form_get(&c.form, "reason");
    struct ticket t;
    if (group_id <= 0)
        rc = op_fail(&err, OP_ERR_INVALID, "group_id", MSG_ERR_REQUIRED);
    else
        rc = app_ticket_escalate(c.app, &c.who, id, group_id, 0, reason ? reason : "", r->arena, &t,
                                 &err);
    if (rc) {
        static const char *const fields[] = {"group_id", "reason", NULL};
        ticket_page(&c, id, err.field[0] ? 422 : status_of(rc), "escalation", fields, &err);
        return;
    }
    /* an agent of the lower tier may no longer see it: back to the queue then */
    struct op_err gerr = {0};
    bool visible = app_ticket_get(c.app, &c.who, id, r->arena, &t, &gerr) == OP_OK;
    web_redirect(r, visible ? ticket_path(r, id) : "/queue/mine");
}

void w_presence(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct presence_interval out;
    if (!web_begin(r, &c)) return;
    const char *s = web_form_get(&c.form, "status");
    int st = s ? presence_parse(s) : -1;
    if (st < 0 || app_presence_set(c.app, &c.who, (enum presence_status)st, &out, &err)) {
        web_error_page(r, st < 0 ? 422 : 500, MSG_WEB_FAILED);
        return;
    }
    const char *back = web_form_get(&c.form, "back");
    if (!back || back[0] != '/' || back[1] == '/' || back[1] == '\\') back = "/queue/mine";
    web_redirect(r, back);
}

/* ---- hand back, merge, links ---- */

/* Where to go after an action that may have moved the ticket out of who's
 * sight (a lower tier): its page when who still sees it, else the queue. */
static void redirect_after(struct web_ctx *c, int64_t id, const char *anchor)
{
    struct ticket t;
    struct op_err err = {0};
    bool visible = app_ticket_get(c->app, &c->who, id, c->r->arena, &t, &err) == OP_OK;
    const char *to =
        visible ? arena_printf(c->r->arena, "/tickets/%" PRId64 "%s", id, anchor) : "/queue/mine";
    web_redirect(c->r, to ? to : "/queue/mine");
}

/* The ticket id from the URL, or replies 404 and returns 0. */
static int64_t page_id(struct web_ctx *c)
{
    int64_t id = http_param_id(c->r, 0);
    if (!id) web_error_page(c->r, 404, MSG_WEB_NOT_FOUND_PAGE);
    return id;
}

void w_ticket_handback(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct ticket t;
    if (!web_begin(r, &c)) return;
    int64_t id = page_id(&c);
    if (!id) return;
    const char *reason = web_form_get(&c.form, "reason");
    op_rc rc;
    /* the app takes an empty reason for "none"; the page asks for one */
    if (!reason || !reason[strspn(reason, " \t\r\n")])
        rc = op_fail(&err, OP_ERR_INVALID, "reason", MSG_ERR_REQUIRED);
    else
        rc = app_ticket_handback(c.app, &c.who, id, 0, reason, r->arena, &t, &err);
    if (rc) {
        static const char *const fields[] = {"reason", NULL};
        ticket_page(&c, id, status_of(rc), "handback", fields, &err);
        return;
    }
    redirect_after(&c, id, "");
}

/* Checks the merge target typed for ticket id; fills *t on OP_OK. */
static op_rc merge_target(struct web_ctx *c, int64_t id, int64_t target, struct ticket *t,
                          struct op_err *err)
{
    char b[24];
    snprintf(b, sizeof(b), "%" PRId64, target);
    if (target == 0) return op_fail(err, OP_ERR_INVALID, "target_id", MSG_ERR_REQUIRED);
    if (target < 0) return op_fail(err, OP_ERR_INVALID, "target_id", MSG_ERR_ID);
    if (target == id) return op_fail(err, OP_ERR_INVALID, "target_id", MSG_ERR_MERGE_SELF);
    struct op_err gerr = {0};
    op_rc rc = app_ticket_get(c->app, &c->who, target, c->r->arena, t, &gerr);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(err, OP_ERR_NOTFOUND, "target_id", MSG_ERR_TICKET_NOT_FOUND, b);
    if (rc) return op_fail(err, rc, NULL, MSG_ERR_STORAGE, "ticket_get");
    if (t->status == STATUS_CLOSED)
        return op_fail(err, OP_ERR_CONFLICT, "target_id", MSG_ERR_MERGE_CLOSED, b);
    return OP_OK;
}

/* Two steps: the number typed is checked and the target's subject shown
 * for confirmation (nothing changes); with confirm=1 the merge is done. */
void w_ticket_merge(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct ticket target, out;
    if (!web_begin(r, &c)) return;
    int64_t id = page_id(&c);
    if (!id) return;
    int64_t target_id = form_id(&c.form, "target_id");
    const char *confirm = web_form_get(&c.form, "confirm");
    static const char *const fields[] = {"target_id", NULL};
    op_rc rc = merge_target(&c, id, target_id, &target, &err);
    if (!rc && !(confirm && strcmp(confirm, "1") == 0)) {
        struct arena *a = r->arena;
        struct tv *m = tv_map(a);
        if (tv_set_int(a, m, "id", target.id) || tv_set_str(a, m, "subject", target.subject) ||
            tv_set_str(a, m, "status_text", web_status_text(r->lang, target.status)) ||
            tv_set(a, c.data, "merge_confirm", m)) {
            web_error_page(r, 500, MSG_WEB_FAILED);
            return;
        }
        ticket_page(&c, id, 200, NULL, NULL, NULL);
        return;
    }
    if (!rc) {
        int64_t src = id;
        struct id_list sources = {&src, 1};
        rc = app_ticket_merge(c.app, &c.who, target_id, &sources, r->arena, &out, &err);
        /* the target's troubles have no field (it is the merge's subject);
         * this ticket's ("source_ids") belong above the form */
        if (rc && !err.field[0] && (rc == OP_ERR_NOTFOUND || rc == OP_ERR_CONFLICT))
            snprintf(err.field, sizeof(err.field), "target_id");
    }
    if (rc) {
        ticket_page(&c, id, status_of(rc), "merge", fields, &err);
        return;
    }
    web_redirect(r, ticket_path(r, target_id));
}

void w_ticket_link(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct link out;
    op_rc rc;
    if (!web_begin(r, &c)) return;
    int64_t id = page_id(&c);
    if (!id) return;
    const char *kind = web_form_get(&c.form, "kind");
    int k = kind ? link_view_parse(kind) : -1;
    int64_t other = form_id(&c.form, "ticket_id");
    if (k < 0)
        rc = op_fail(&err, OP_ERR_INVALID, "kind", MSG_ERR_ENUM, kind ? kind : "",
                     link_view_names_list());
    else if (other <= 0)
        rc = op_fail(&err, OP_ERR_INVALID, "ticket_id", other ? MSG_ERR_ID : MSG_ERR_REQUIRED);
    else
        rc = app_link_add(c.app, &c.who, id, (enum link_view)k, other, r->arena, &out, &err);
    if (rc) {
        static const char *const fields[] = {"kind", "ticket_id", NULL};
        ticket_page(&c, id, err.field[0] ? 422 : status_of(rc), "link", fields, &err);
        return;
    }
    web_redirect(r, arena_printf(r->arena, "/tickets/%" PRId64 "#links", id));
}

void w_ticket_unlink(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!web_begin(r, &c)) return;
    int64_t id = page_id(&c);
    if (!id) return;
    int64_t link_id = http_param_id(r, 1);
    op_rc rc = link_id ? app_link_remove(c.app, &c.who, id, link_id, &err)
                       : op_fail(&err, OP_ERR_NOTFOUND, NULL, MSG_ERR_NOT_FOUND);
    if (rc) {
        ticket_page(&c, id, status_of(rc), "link", NULL, &err);
        return;
    }
    web_redirect(r, arena_printf(r->arena, "/tickets/%" PRId64 "#links", id));
}

/* ---- "another agent has this open" ---- */

/* The page's heartbeat (typing=1 while a reply is being written): records
 * the visit and answers with the others, as JSON {"viewers": [{"user_id",
 * "typing", "text"}]} for app.js to show; the texts are the page's. */
void w_ticket_viewers(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct ticket_viewer *v = NULL;
    size_t n = 0;
    if (!web_begin(r, &c)) return;
    int64_t id = page_id(&c);
    if (!id) return;
    const char *typing = web_form_get(&c.form, "typing");
    op_rc rc = app_viewer_beat(c.app, &c.who, id, typing && strcmp(typing, "1") == 0, r->arena, &v,
                               &n, &err);
    if (rc) {
        http_reply_status(r, status_of(rc));
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_int(&w, "every_ms", VIEWER_BEAT_MS);
    jsonw_array_begin(&w, "viewers");
    for (size_t i = 0; i < n; i++) {
        jsonw_object_begin(&w, NULL);
        jsonw_int(&w, "user_id", v[i].user_id);
        jsonw_bool(&w, "typing", v[i].typing);
        jsonw_str(&w, "text", viewer_text(&c, &v[i]));
        jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_object_end(&w);
    http_set_header(r, "Cache-Control", "no-store");
    http_reply_jsonw(r, 200, &w);
}

/* The page was closed (navigator.sendBeacon): forget the visit now rather
 * than when it expires. */
void w_ticket_viewers_leave(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!web_begin(r, &c)) return;
    int64_t id = page_id(&c);
    if (!id) return;
    op_rc rc = app_viewer_leave(c.app, &c.who, id, &err);
    http_reply_status(r, rc ? status_of(rc) : 204);
}
