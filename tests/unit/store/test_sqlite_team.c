/* test_sqlite_team.c - the team's tables in the SQLite backend
 * (src/store/sqlite_team.c) on a real database file: shift templates, the
 * rota and its overlap query, on-call, presence intervals, activity,
 * languages, routing settings and candidates, reassign checks with leases,
 * team settings. */
#include "base/common.h"

#include "sqlite_fixture.h"
#include "store/store_team.h"

#define H ((int64_t)3600 * 1000)
#define T0 ((int64_t)1790000000000) /* some instant in 2026 */

static const struct store_team_ops *team(struct store_tx *tx)
{
    return tx->ops->team;
}

/* ---- shift templates ---- */

struct shifts {
    struct shift_template day, dup, night;
    op_rc rc_dup, rc_upd, rc_del_missing;
};

static op_rc shifts_fn(struct store_tx *tx, void *arg)
{
    struct shifts *s = arg;
    op_rc rc = team(tx)->shift_insert(tx, &s->day);
    if (rc || (rc = team(tx)->shift_insert(tx, &s->night)))
        return rc;
    s->rc_dup = team(tx)->shift_insert(tx, &s->dup);
    s->night.duration_min = 600;
    s->rc_upd = team(tx)->shift_update(tx, &s->night);
    s->rc_del_missing = team(tx)->shift_delete(tx, 999);
    return OP_OK;
}

static void test_shifts(void **state)
{
    struct fx *f = *state;
    struct shifts s = {
        .day = {.name = "day", .start_min = 540, .duration_min = 540, .time_zone = "",
                .created_at = 1, .updated_at = 1},
        .dup = {.name = "DAY", .start_min = 0, .duration_min = 60, .time_zone = ""},
        .night = {.name = "night", .start_min = 1320, .duration_min = 480,
                  .time_zone = "Europe/Berlin"},
    };
    assert_int_equal(store_write(f->s, shifts_fn, &s), OP_OK);
    assert_true(s.day.id > 0 && s.night.id > s.day.id);
    assert_int_equal(s.rc_dup, OP_ERR_CONFLICT); /* names are case-insensitive */
    assert_int_equal(s.rc_upd, OP_OK);
    assert_int_equal(s.rc_del_missing, OP_ERR_NOTFOUND);

    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM shift_templates"), 2);
    assert_int_equal(fx_raw_int(db, "SELECT duration_min FROM shift_templates WHERE name = 'night'"),
                     600);
    /* the CHECKs hold even behind the store's back */
    assert_int_not_equal(sqlite3_exec(db,
                                      "INSERT INTO shift_templates(name, start_min, duration_min, "
                                      "created_at, updated_at) VALUES ('x', 1440, 60, 1, 1)",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
}

/* ---- the rota ---- */

struct rota {
    int64_t agent, agent2, group, shift;
    struct rota_entry e[4];
    op_rc rc_overlap_hit, rc_overlap_touch, rc_overlap_self, rc_del_used, rc_fk;
    struct rota_entry hit;
    struct arena *ar; /* outlives the write: the test reads hit's name */
};

static op_rc rota_fn(struct store_tx *tx, void *arg)
{
    struct rota *r = arg;
    struct arena *a = r->ar;
    struct shift_template s = {.name = "day", .start_min = 540, .duration_min = 540,
                               .time_zone = ""};
    op_rc rc = team(tx)->shift_insert(tx, &s);
    if (rc)
        return rc;
    r->shift = s.id;
    for (int i = 0; i < 4; i++) {
        r->e[i] = (struct rota_entry){.agent_id = i < 3 ? r->agent : r->agent2,
                                      .date = 20788 + (i < 3 ? i : 0), .shift_id = s.id,
                                      .start_at = T0 + i * 24 * H, .end_at = T0 + i * 24 * H + 9 * H,
                                      .created_at = 5};
        if ((rc = team(tx)->rota_insert(tx, &r->e[i])))
            return rc;
    }
    /* overlaps entry 1 at its end */
    r->rc_overlap_hit = team(tx)->rota_overlap(tx, r->agent, T0 + 24 * H + 8 * H, T0 + 24 * H + 20 * H,
                                               0, a, &r->hit);
    /* touching entry 0's end: no overlap */
    struct rota_entry other;
    r->rc_overlap_touch = team(tx)->rota_overlap(tx, r->agent, T0 + 9 * H, T0 + 24 * H, 0, a,
                                                 &other);
    r->rc_overlap_self = team(tx)->rota_overlap(tx, r->agent, T0, T0 + 9 * H, r->e[0].id, a,
                                                &other);
    r->rc_del_used = team(tx)->shift_delete(tx, s.id);
    struct rota_entry bad = r->e[0];
    bad.agent_id = 99999;
    r->rc_fk = team(tx)->rota_insert(tx, &bad);
    return OP_OK;
}

static op_rc members_fn(struct store_tx *tx, void *arg)
{
    struct rota *r = arg;
    int64_t ids[] = {r->agent2};
    struct id_list l = {ids, 1};
    return tx->ops->group_set_members(tx, r->group, &l);
}

struct list_q {
    struct rota_filter *f;
    struct arena *a;
    struct rota_entry **v;
    size_t *n;
};

static op_rc list_fn(struct store_tx *t, void *arg)
{
    struct list_q *q = arg;
    return team(t)->rota_list(t, q->f, q->a, q->v, q->n);
}

static void test_rota(void **state)
{
    struct fx *f = *state;
    struct rota r = {.ar = &f->a};
    r.agent = fx_add_user(f, "Ann", "ann@example.com", ROLE_AGENT, 0);
    r.agent2 = fx_add_user(f, "Bob", "bob@example.com", ROLE_AGENT, 0);
    r.group = fx_add_group(f, "L1", TIER_L1);
    assert_int_equal(store_write(f->s, members_fn, &r), OP_OK);
    assert_int_equal(store_write(f->s, rota_fn, &r), OP_OK);
    assert_int_equal(r.rc_overlap_hit, OP_OK);
    assert_int_equal(r.hit.id, r.e[1].id);
    assert_string_equal(r.hit.shift_name, "day");
    assert_int_equal(r.rc_overlap_touch, OP_ERR_NOTFOUND);
    assert_int_equal(r.rc_overlap_self, OP_ERR_NOTFOUND);
    assert_int_equal(r.rc_del_used, OP_ERR_CONFLICT);
    assert_int_equal(r.rc_fk, OP_ERR_NOTFOUND);

    struct rota_filter flt = {.agent_id = r.agent, .from = 20789, .to = 20790};
    struct rota_entry *v;
    size_t n;
    struct list_q q = {&flt, &f->a, &v, &n};
    assert_int_equal(store_read(f->s, list_fn, &q), OP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].date, 20789);
    assert_int_equal(v[1].date, 20790);
    flt = (struct rota_filter){.group_id = r.group, .from = 20788, .to = 20800};
    assert_int_equal(store_read(f->s, list_fn, &q), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].agent_id, r.agent2);
    flt = (struct rota_filter){.from = 20788, .to = 20788};
    assert_int_equal(store_read(f->s, list_fn, &q), OP_OK);
    assert_int_equal(n, 2);
    assert_true(v[0].agent_id < v[1].agent_id);

    /* the overlap query is answered by an index on the agent's starts */
    sqlite3 *db = fx_raw(f);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "EXPLAIN QUERY PLAN SELECT id FROM rota_entries r "
                                        "WHERE r.agent_id = 1 AND r.start_at < 5 AND "
                                        "r.start_at > 1 AND r.end_at > 2",
                                        -1, &st, NULL),
                     SQLITE_OK);
    bool indexed = false;
    while (sqlite3_step(st) == SQLITE_ROW)
        indexed |= strstr((const char *)sqlite3_column_text(st, 3), "rota_agent_start") != NULL;
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(indexed);
}

/* ---- on-call ---- */

struct oncall_w {
    int64_t agent;
    struct oncall a, b;
    op_rc rc_hit, rc_touch, rc_self;
    struct oncall hit;
    struct oncall *list;
    size_t n;
    struct arena *ar;
};

static op_rc oncall_fn(struct store_tx *tx, void *arg)
{
    struct oncall_w *w = arg;
    w->a = (struct oncall){.agent_id = w->agent, .start_at = T0, .end_at = T0 + 12 * H,
                           .note = "weekend", .created_at = 1};
    w->b = (struct oncall){.agent_id = w->agent, .start_at = T0 + 24 * H, .end_at = T0 + 36 * H,
                           .note = "", .created_at = 1};
    op_rc rc = team(tx)->oncall_insert(tx, &w->a);
    if (rc || (rc = team(tx)->oncall_insert(tx, &w->b)))
        return rc;
    w->rc_hit = team(tx)->oncall_overlap(tx, w->agent, T0 + 11 * H, T0 + 13 * H, 0, &w->hit);
    struct oncall o;
    w->rc_touch = team(tx)->oncall_overlap(tx, w->agent, T0 + 12 * H, T0 + 24 * H, 0, &o);
    w->rc_self = team(tx)->oncall_overlap(tx, w->agent, T0, T0 + 1, w->a.id, &o);
    return team(tx)->oncall_list(tx, 0, T0 + 6 * H, T0 + 30 * H, w->ar, &w->list, &w->n);
}

static void test_oncall(void **state)
{
    struct fx *f = *state;
    struct oncall_w w = {.ar = &f->a};
    w.agent = fx_add_user(f, "Ann", "ann@example.com", ROLE_AGENT, 0);
    assert_int_equal(store_write(f->s, oncall_fn, &w), OP_OK);
    assert_int_equal(w.rc_hit, OP_OK);
    assert_int_equal(w.hit.id, w.a.id);
    assert_int_equal(w.rc_touch, OP_ERR_NOTFOUND);
    assert_int_equal(w.rc_self, OP_ERR_NOTFOUND);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.list[0].note, "weekend");
}

/* ---- presence and activity ---- */

struct presence_w {
    int64_t agent, other;
    struct presence_interval p1, p2, p3, cur;
    op_rc rc_none, rc_dup_open;
    struct presence_interval *list;
    size_t n;
    struct presence_watch *watch;
    size_t n_watch;
    struct arena *ar;
};

static op_rc presence_fn(struct store_tx *tx, void *arg)
{
    struct presence_w *w = arg;
    struct presence_interval x;
    w->rc_none = team(tx)->presence_current(tx, w->agent, &x);
    op_rc rc = team(tx)->presence_set(tx, w->agent, PRESENCE_ONLINE, PSRC_AGENT, T0, &w->p1);
    if (rc || (rc = team(tx)->presence_set(tx, w->agent, PRESENCE_BREAK, PSRC_AGENT, T0 + H,
                                           &w->p2)))
        return rc;
    /* a time before the open interval's start does not run it backwards */
    if ((rc = team(tx)->presence_set(tx, w->agent, PRESENCE_ONLINE, PSRC_AGENT, T0 + H - 5,
                                     &w->p3)))
        return rc;
    if ((rc = team(tx)->presence_current(tx, w->agent, &w->cur)))
        return rc;
    if ((rc = team(tx)->presence_set(tx, w->other, PRESENCE_OFFLINE, PSRC_LOGOUT, T0, &x)))
        return rc;
    if ((rc = team(tx)->activity_touch(tx, w->agent, T0 + 2 * H)) ||
        (rc = team(tx)->activity_touch(tx, w->agent, T0 + H))) /* never moves back */
        return rc;
    uint8_t hash[32] = {1};
    struct session s = {.user_id = w->agent, .csrf = "x", .created_at = T0,
                        .expires_at = T0 + 10 * H, .last_seen_at = T0};
    if ((rc = tx->ops->session_insert(tx, hash, &s)))
        return rc;
    if ((rc = team(tx)->presence_list(tx, w->agent, T0 + 30 * 60000, T0 + 5 * H, w->ar, &w->list,
                                      &w->n)))
        return rc;
    return team(tx)->presence_open_all(tx, T0 + 3 * H, w->ar, &w->watch, &w->n_watch);
}

static void test_presence(void **state)
{
    struct fx *f = *state;
    struct presence_w w = {.ar = &f->a};
    w.agent = fx_add_user(f, "Ann", "ann@example.com", ROLE_AGENT, 0);
    w.other = fx_add_user(f, "Bob", "bob@example.com", ROLE_AGENT, 0);
    assert_int_equal(store_write(f->s, presence_fn, &w), OP_OK);
    assert_int_equal(w.rc_none, OP_ERR_NOTFOUND);
    assert_int_equal(w.cur.id, w.p3.id);
    assert_int_equal(w.cur.status, PRESENCE_ONLINE);
    assert_int_equal(w.cur.start_at, T0 + H); /* clamped to the break's start */
    assert_int_equal(w.cur.end_at, 0);

    /* intervals overlapping [T0+30min, T0+5h): all three, in order */
    assert_int_equal(w.n, 3);
    assert_int_equal(w.list[0].status, PRESENCE_ONLINE);
    assert_int_equal(w.list[0].end_at, T0 + H);
    assert_int_equal(w.list[1].status, PRESENCE_BREAK);
    assert_int_equal(w.list[1].start_at, T0 + H);
    assert_int_equal(w.list[1].end_at, T0 + H); /* a zero-length break */
    assert_int_equal(w.list[2].end_at, 0);

    /* the sweep sees the agent (online, activity, live session), not Bob (offline) */
    assert_int_equal(w.n_watch, 1);
    assert_int_equal(w.watch[0].cur.agent_id, w.agent);
    assert_int_equal(w.watch[0].last_active_at, T0 + 2 * H);
    assert_true(w.watch[0].live_session);

    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM presence_intervals WHERE end_at IS NULL"),
                     2);
    /* one open interval per agent, even behind the store's back */
    char sql[200];
    snprintf(sql, sizeof(sql),
             "INSERT INTO presence_intervals(agent_id, status, source, start_at) "
             "VALUES (%" PRId64 ", 1, 0, 5)",
             w.agent);
    assert_int_not_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* ---- routing ---- */

struct routing_w {
    int64_t g, a1, a2, a3, cust, shift;
    struct routing_settings before, after;
    struct route_candidate *c;
    size_t n;
    struct arena *ar;
    struct str_list langs;
};

static op_rc routing_fn(struct store_tx *tx, void *arg)
{
    struct routing_w *w = arg;
    op_rc rc = team(tx)->routing_get(tx, w->g, &w->before);
    if (rc)
        return rc;
    struct routing_settings s = {.group_id = w->g, .mode = ROUTING_LEAST_LOADED, .cap = 3,
                                 .reassign_after_min = 15, .lang_rule = RLANG_PREFER,
                                 .updated_at = 7};
    if ((rc = team(tx)->routing_put(tx, &s)) ||
        (rc = team(tx)->routing_picked(tx, w->g, w->a2, T0 - H)) ||
        (rc = team(tx)->routing_put(tx, &s)) || /* keeps the pointer */
        (rc = team(tx)->routing_get(tx, w->g, &w->after)))
        return rc;
    int64_t ids[] = {w->a1, w->a2, w->a3, w->cust};
    struct id_list m = {ids, 4};
    if ((rc = tx->ops->group_set_members(tx, w->g, &m)))
        return rc;
    /* a1: on shift (now inside), online, "en ru", two open tickets, one solved */
    struct shift_template sh = {.name = "d", .start_min = 0, .duration_min = 600, .time_zone = ""};
    if ((rc = team(tx)->shift_insert(tx, &sh)))
        return rc;
    struct rota_entry e1 = {.agent_id = w->a1, .date = 1, .shift_id = sh.id, .start_at = T0 - H,
                            .end_at = T0 + H, .created_at = 1};
    /* a2: shift ended; a3: shift that starts later */
    struct rota_entry e2 = {.agent_id = w->a2, .date = 1, .shift_id = sh.id,
                            .start_at = T0 - 10 * H, .end_at = T0, .created_at = 1};
    struct rota_entry e3 = {.agent_id = w->a3, .date = 1, .shift_id = sh.id, .start_at = T0 + 1,
                            .end_at = T0 + H, .created_at = 1};
    struct presence_interval p;
    char *en_ru[] = {"en", "ru"};
    struct str_list l = {en_ru, 2};
    if ((rc = team(tx)->rota_insert(tx, &e1)) || (rc = team(tx)->rota_insert(tx, &e2)) ||
        (rc = team(tx)->rota_insert(tx, &e3)) ||
        (rc = team(tx)->presence_set(tx, w->a1, PRESENCE_ONLINE, PSRC_AGENT, T0 - H, &p)) ||
        (rc = team(tx)->presence_set(tx, w->a2, PRESENCE_AWAY, PSRC_IDLE, T0 - H, &p)) ||
        (rc = team(tx)->languages_set(tx, w->a1, &l)) ||
        (rc = team(tx)->languages_get(tx, w->a1, w->ar, &w->langs)))
        return rc;
    for (int i = 0; i < 3; i++) {
        struct ticket t = {.subject = "s", .description = "", .status = i == 2 ? STATUS_SOLVED
                                                                                 : STATUS_OPEN,
                           .requester_id = w->cust, .group_id = w->g, .assignee_id = w->a1,
                           .custom_fields = "{}", .created_at = 1, .updated_at = 1};
        if ((rc = tx->ops->ticket_insert(tx, &t)))
            return rc;
    }
    return team(tx)->routing_candidates(tx, w->g, T0, w->ar, &w->c, &w->n);
}

static void test_routing(void **state)
{
    struct fx *f = *state;
    struct routing_w w = {.ar = &f->a};
    w.g = fx_add_group(f, "L1", TIER_L1);
    w.a1 = fx_add_user(f, "A1", "a1@example.com", ROLE_AGENT, 0);
    w.a2 = fx_add_user(f, "A2", "a2@example.com", ROLE_AGENT, 0);
    w.a3 = fx_add_user(f, "A3", "a3@example.com", ROLE_LEAD, 0);
    w.cust = fx_add_user(f, "C", "c@example.com", ROLE_CUSTOMER, 0);
    assert_int_equal(store_write(f->s, routing_fn, &w), OP_OK);
    assert_int_equal(w.before.mode, ROUTING_OFF);
    assert_int_equal(w.before.group_id, w.g);
    assert_int_equal(w.after.mode, ROUTING_LEAST_LOADED);
    assert_int_equal(w.after.cap, 3);
    assert_int_equal(w.after.reassign_after_min, 15);
    assert_int_equal(w.after.lang_rule, RLANG_PREFER);
    assert_int_equal(w.after.rr_last_agent_id, w.a2);
    assert_int_equal(w.langs.n, 2);
    assert_string_equal(w.langs.v[0], "en");

    assert_int_equal(w.n, 3); /* the customer member is not a candidate */
    assert_int_equal(w.c[0].agent_id, w.a1);
    assert_true(w.c[0].on_shift);
    assert_true(w.c[0].online);
    assert_int_equal(w.c[0].open_tickets, 2);
    assert_string_equal(w.c[0].languages, "en ru");
    assert_int_equal(w.c[0].last_assigned_at, 0);
    assert_false(w.c[1].on_shift); /* ended at now: [start, end) */
    assert_false(w.c[1].online);   /* away */
    assert_int_equal(w.c[1].last_assigned_at, T0 - H);
    assert_false(w.c[2].on_shift); /* starts after now */
    assert_string_equal(w.c[2].languages, "");
}

/* ---- reassign checks ---- */

struct reassign_w {
    int64_t agent, cust, ticket, ticket2;
    struct reassign_check *c1, *c2, *c3;
    size_t n1, n2, n3;
    op_rc rc_fire_other, rc_fire, rc_fire_again;
    bool replied_before, replied_after;
    struct arena *ar;
};

static op_rc reassign_fn(struct store_tx *tx, void *arg)
{
    struct reassign_w *w = arg;
    op_rc rc;
    for (int i = 0; i < 2; i++) {
        struct ticket t = {.subject = "s", .description = "", .status = STATUS_OPEN,
                           .requester_id = w->cust, .assignee_id = w->agent,
                           .custom_fields = "{}", .created_at = 1, .updated_at = 1};
        if ((rc = tx->ops->ticket_insert(tx, &t)))
            return rc;
        *(i ? &w->ticket2 : &w->ticket) = t.id;
    }
    /* a second check of the same ticket replaces the first */
    if ((rc = team(tx)->reassign_add(tx, w->ticket, w->agent, T0 - 100, T0 - 50)) ||
        (rc = team(tx)->reassign_add(tx, w->ticket, w->agent, T0 - 10, T0)) ||
        (rc = team(tx)->reassign_add(tx, w->ticket2, w->agent, T0, T0 + H)))
        return rc;
    if ((rc = team(tx)->reassign_claim(tx, "node-a", T0, T0 + 60000, 10, w->ar, &w->c1, &w->n1)))
        return rc;
    /* leased: another node gets nothing until the lease runs out */
    if ((rc = team(tx)->reassign_claim(tx, "node-b", T0 + 1000, T0 + 61000, 10, w->ar, &w->c2,
                                       &w->n2)))
        return rc;
    w->rc_fire_other = team(tx)->reassign_fire(tx, w->c1[0].id, "node-b", T0 + 1000);
    w->rc_fire = team(tx)->reassign_fire(tx, w->c1[0].id, "node-a", T0 + 1000);
    w->rc_fire_again = team(tx)->reassign_fire(tx, w->c1[0].id, "node-a", T0 + 2000);
    if ((rc = team(tx)->reassign_claim(tx, "node-b", T0 + 2 * H, T0 + 3 * H, 10, w->ar, &w->c3,
                                       &w->n3)))
        return rc;
    struct comment c = {.ticket_id = w->ticket, .author_id = w->agent, .public = true,
                        .body = "hello", .via = VIA_WEB, .created_at = T0 + 5};
    if ((rc = team(tx)->public_reply_since(tx, w->ticket, w->agent, T0, &w->replied_before)) ||
        (rc = tx->ops->comment_insert(tx, &c)) ||
        (rc = team(tx)->public_reply_since(tx, w->ticket, w->agent, T0, &w->replied_after)))
        return rc;
    return team(tx)->reassign_cancel(tx, w->ticket2);
}

static void test_reassign(void **state)
{
    struct fx *f = *state;
    struct reassign_w w = {.ar = &f->a};
    w.agent = fx_add_user(f, "A", "a@example.com", ROLE_AGENT, 0);
    w.cust = fx_add_user(f, "C", "c@example.com", ROLE_CUSTOMER, 0);
    assert_int_equal(store_write(f->s, reassign_fn, &w), OP_OK);
    assert_int_equal(w.n1, 1);
    assert_int_equal(w.c1[0].ticket_id, w.ticket);
    assert_int_equal(w.c1[0].assigned_at, T0 - 10);
    assert_int_equal(w.n2, 0);
    assert_int_equal(w.rc_fire_other, OP_ERR_NOTFOUND);
    assert_int_equal(w.rc_fire, OP_OK);
    assert_int_equal(w.rc_fire_again, OP_ERR_NOTFOUND); /* fires once */
    assert_int_equal(w.n3, 1);                          /* ticket2's, due later */
    assert_int_equal(w.c3[0].ticket_id, w.ticket2);
    assert_false(w.replied_before);
    assert_true(w.replied_after);
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM reassign_checks"), 1);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM reassign_checks WHERE fired_at IS NOT NULL"),
                     1);
    sqlite3_close(db);
}

/* ---- settings ---- */

struct settings_w {
    struct team_settings before, after;
};

static op_rc settings_fn(struct store_tx *tx, void *arg)
{
    struct settings_w *w = arg;
    op_rc rc = team(tx)->settings_get(tx, &w->before);
    struct team_settings s = {.away_after_min = 3, .grace_min = 0, .updated_at = 9};
    if (rc || (rc = team(tx)->settings_put(tx, &s)) || (rc = team(tx)->settings_put(tx, &s)))
        return rc;
    return team(tx)->settings_get(tx, &w->after);
}

static void test_settings(void **state)
{
    struct fx *f = *state;
    struct settings_w w;
    assert_int_equal(store_write(f->s, settings_fn, &w), OP_OK);
    assert_int_equal(w.before.away_after_min, 10);
    assert_int_equal(w.before.grace_min, 5);
    assert_int_equal(w.after.away_after_min, 3);
    assert_int_equal(w.after.grace_min, 0);
    assert_int_equal(w.after.updated_at, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shifts, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_rota, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_oncall, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_presence, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_routing, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_reassign, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_settings, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
