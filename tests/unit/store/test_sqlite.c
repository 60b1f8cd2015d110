/* test_sqlite.c - the SQLite backend: opening and migrations, every entity's
 * round trip, the append-only log, group commit, backup. Lists, scopes and
 * search are in test_sqlite_tickets.c. */
#include "base/common.h"

#include <pthread.h>
#include <sys/stat.h>

#include "sqlite_fixture.h"
#include "store/migrations.h"

/* ---- the table ---- */

/* Every member of the interface is implemented: a member added to store.h
 * and not here would be a NULL call at run time. */
static void test_ops_complete(void **state)
{
    UNUSED(state);
    typedef void (*any_fn)(void);
    const struct store_ops *ops = &sqlite_store_ops;
    size_t first = offsetof(struct store_ops, open);
    size_t n = (sizeof(*ops) - first) / sizeof(any_fn);
    assert_int_equal(first + n * sizeof(any_fn), sizeof(*ops)); /* only pointers follow */
    for (size_t i = 0; i < n; i++) {
        any_fn fn;
        memcpy(&fn, (const char *)ops + first + i * sizeof(any_fn), sizeof(fn));
        if (!fn) fail_msg("store_ops member %zu (after open) is not implemented", i);
    }
    assert_string_equal(ops->name, "sqlite");
}

/* ---- open and migrations ---- */

static void test_open_missing(void **state)
{
    struct fx *f = *state;
    struct op_err err;
    assert_int_equal(fx_open(f, false, true, &err), OP_ERR_NOTFOUND);
    assert_int_equal(err.msg, MSG_ERR_DB_MISSING);
    assert_string_equal(err.field, "db");
    assert_string_equal(err.arg[0], f->path);
    struct stat sb;
    assert_int_not_equal(stat(f->path, &sb), 0); /* nothing was created */
}

static void test_open_pending_then_migrate(void **state)
{
    struct fx *f = *state;
    struct op_err err;
    int latest = sqlite_migrations[sqlite_migrations_count - 1].version;

    /* created but not migrated: refused, and says where it stands */
    assert_int_equal(fx_open(f, true, false, &err), OP_ERR_CONFLICT);
    assert_int_equal(err.msg, MSG_ERR_DB_PENDING);
    assert_string_equal(err.arg[0], "0");
    char want[16];
    snprintf(want, sizeof(want), "%d", latest);
    assert_string_equal(err.arg[1], want);

    assert_int_equal(fx_open(f, false, true, &err), OP_OK);
    int cur = -1, lat = -1;
    assert_int_equal(store_schema_version(f->s, &cur, &lat), OP_OK);
    assert_int_equal(cur, latest);
    assert_int_equal(lat, latest);
    assert_string_equal(store_backend_name(f->s), "sqlite");
    store_close(f->s);

    /* up to date: opens without migrate, also as "sqlite:PATH" */
    char url[200];
    snprintf(url, sizeof(url), "sqlite:%s", f->path);
    struct store_options opt = {.durable = true};
    assert_int_equal(store_open(url, &opt, &f->s, &err), OP_OK);

    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM schema_migrations"),
                     (int64_t)sqlite_migrations_count);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_open_newer(void **state)
{
    struct fx *f = *state;
    struct op_err err;
    assert_int_equal(fx_open(f, true, true, &err), OP_OK);
    store_close(f->s);
    f->s = NULL;
    sqlite3 *db = fx_raw(f);
    assert_int_equal(
        sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (9999, 'x', 0)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fx_open(f, false, true, &err), OP_ERR_CONFLICT);
    assert_int_equal(err.msg, MSG_ERR_DB_NEWER);
    assert_string_equal(err.arg[0], "9999");
}

static void test_open_not_a_database(void **state)
{
    struct fx *f = *state;
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("this is not an SQLite file, just text. ", fp);
    fclose(fp);
    struct op_err err;
    assert_int_equal(fx_open(f, false, true, &err), OP_ERR_IO);
    assert_int_equal(err.msg, MSG_ERR_DB_OPEN);
    assert_string_equal(err.arg[0], f->path);
}

/* ---- people ---- */

struct people_ctx {
    struct fx *f;
    int64_t org, u1, u2, u3, g1;
};

static op_rc check_people(struct store_tx *tx, void *arg)
{
    struct people_ctx *c = arg;
    struct arena *a = &c->f->a;

    struct organization o;
    assert_int_equal(tx->ops->org_get(tx, c->org, a, &o), OP_OK);
    assert_string_equal(o.name, "Acme");
    assert_string_equal(o.domains, "acme.test acme.example");
    assert_string_equal(o.notes, ""); /* NULL went in, "" comes out */
    assert_true(o.shared_tickets);
    assert_int_equal(o.created_at, 11);
    assert_int_equal(o.updated_at, 12);
    assert_int_equal(tx->ops->org_get(tx, 9999, a, &o), OP_ERR_NOTFOUND);

    struct organization *orgs;
    size_t n;
    assert_int_equal(tx->ops->org_list(tx, "ac", 0, 10, a, &orgs, &n), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(orgs[0].id, c->org);
    assert_int_equal(tx->ops->org_list(tx, "a%", 0, 10, a, &orgs, &n), OP_OK);
    assert_int_equal(n, 0); /* % is literal */
    assert_int_equal(tx->ops->org_list(tx, NULL, 0, 0, a, &orgs, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(tx->ops->org_list(tx, NULL, orgs[0].id, 0, a, &orgs, &n), OP_OK);
    assert_int_equal(n, 1);

    struct user u;
    assert_int_equal(tx->ops->user_get(tx, c->u1, a, &u), OP_OK);
    assert_int_equal(u.role, ROLE_AGENT);
    assert_int_equal(u.level, LEVEL_MIDDLE);
    assert_string_equal(u.name, "Анна Агентова");
    assert_string_equal(u.email, "anna@acme.test");
    assert_string_equal(u.phone, "+7 900 000-00-00");
    assert_string_equal(u.telegram, "");
    assert_int_equal(u.organization_id, c->org);
    assert_string_equal(u.language, "ru");
    assert_string_equal(u.time_zone, "Europe/Moscow");
    assert_true(u.active);
    assert_string_equal(u.password_hash, "$argon2id$x");
    assert_int_equal(u.created_at, 100);
    assert_int_equal(u.updated_at, 200);

    /* case-insensitive email */
    assert_int_equal(tx->ops->user_get_by_email(tx, "ANNA@Acme.Test", a, &u), OP_OK);
    assert_int_equal(u.id, c->u1);
    assert_int_equal(tx->ops->user_get_by_email(tx, "nobody@acme.test", a, &u), OP_ERR_NOTFOUND);
    assert_int_equal(tx->ops->user_get_by_email(tx, "", a, &u), OP_ERR_NOTFOUND);

    /* no email, no org: "" and 0 */
    assert_int_equal(tx->ops->user_get(tx, c->u2, a, &u), OP_OK);
    assert_string_equal(u.email, "");
    assert_int_equal(u.organization_id, 0);

    struct user *users;
    struct user_filter uf = {.role_mask = 1u << ROLE_CUSTOMER, .limit = 10};
    assert_int_equal(tx->ops->user_list(tx, &uf, a, &users, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(users[0].id, c->u2);
    assert_int_equal(users[1].id, c->u3);
    uf = (struct user_filter){.q = "ann", .limit = 10};
    assert_int_equal(tx->ops->user_list(tx, &uf, a, &users, &n), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(users[0].id, c->u1);
    uf = (struct user_filter){.organization_id = c->org, .limit = 10};
    assert_int_equal(tx->ops->user_list(tx, &uf, a, &users, &n), OP_OK);
    assert_int_equal(n, 1);
    uf = (struct user_filter){.after_id = c->u1, .limit = 1};
    assert_int_equal(tx->ops->user_list(tx, &uf, a, &users, &n), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(users[0].id, c->u2);

    struct group g;
    assert_int_equal(tx->ops->group_get(tx, c->g1, a, &g), OP_OK);
    assert_string_equal(g.name, "Первая линия");
    assert_int_equal(g.tier, TIER_L1);
    assert_int_equal(g.members.n, 2);
    assert_int_equal(g.members.v[0], c->u1);
    assert_int_equal(g.members.v[1], c->u3);
    struct id_list groups;
    assert_int_equal(tx->ops->user_groups(tx, c->u1, a, &groups), OP_OK);
    assert_int_equal(groups.n, 1);
    assert_int_equal(groups.v[0], c->g1);
    struct group *gs;
    assert_int_equal(tx->ops->group_list(tx, a, &gs, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(gs[0].name, "L2"); /* by name */
    return OP_OK;
}

struct members_ctx {
    int64_t group;
    struct id_list ids;
};

static op_rc set_members(struct store_tx *tx, void *arg)
{
    struct members_ctx *m = arg;
    return tx->ops->group_set_members(tx, m->group, &m->ids);
}

static void test_people(void **state)
{
    struct fx *f = *state;
    struct people_ctx c = {.f = f};

    struct organization o = {.name = "Acme",
                             .domains = "acme.test acme.example",
                             .shared_tickets = true,
                             .created_at = 11,
                             .updated_at = 12};
    assert_int_equal(store_write(f->s, fx_org_insert, &o), OP_OK);
    c.org = o.id;
    assert_true(c.org > 0);
    struct organization dup = {.name = "ACME", .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_org_insert, &dup), OP_ERR_CONFLICT);
    assert_int_equal(dup.id, 0);
    fx_add_org(f, "Beta");
    struct organization missing = {.id = 9999, .name = "x"};
    assert_int_equal(store_write(f->s, fx_org_update, &missing), OP_ERR_NOTFOUND);

    struct user u = fx_user("Анна", "anna@acme.test", ROLE_AGENT, c.org);
    u.level = LEVEL_JUNIOR;
    assert_int_equal(store_write(f->s, fx_user_insert, &u), OP_OK);
    c.u1 = u.id;
    u.name = "Анна Агентова";
    u.level = LEVEL_MIDDLE;
    u.phone = "+7 900 000-00-00";
    u.language = "ru";
    u.time_zone = "Europe/Moscow";
    u.password_hash = "$argon2id$x";
    u.created_at = 100;
    u.updated_at = 200;
    assert_int_equal(store_write(f->s, fx_user_update, &u), OP_OK);

    /* two customers without email: "" is not a duplicate */
    c.u2 = fx_add_user(f, "Phone Only", "", ROLE_CUSTOMER, 0);
    c.u3 = fx_add_user(f, "Telegram Only", NULL, ROLE_CUSTOMER, 0);
    struct user same = fx_user("Other", "Anna@ACME.test", ROLE_CUSTOMER, 0);
    assert_int_equal(store_write(f->s, fx_user_insert, &same), OP_ERR_CONFLICT);
    struct user bad_org = fx_user("Nobody", "n@x.test", ROLE_CUSTOMER, 777);
    assert_int_equal(store_write(f->s, fx_user_insert, &bad_org), OP_ERR_NOTFOUND);

    c.g1 = fx_add_group(f, "Первая линия", TIER_L1);
    fx_add_group(f, "L2", TIER_L2);
    struct group gdup = {.name = "первая линия", .created_at = 1, .updated_at = 1};
    /* NOCASE folds ASCII only, so Cyrillic names differing in case are
     * distinct; an exact duplicate is not */
    gdup.name = "Первая линия";
    assert_int_equal(store_write(f->s, fx_group_insert, &gdup), OP_ERR_CONFLICT);

    int64_t ids[] = {c.u3, c.u1, c.u1};
    struct members_ctx m = {c.g1, {ids, 3}};
    assert_int_equal(store_write(f->s, set_members, &m), OP_OK);
    /* an unknown user fails the whole call and keeps the old members */
    int64_t bad[] = {c.u2, 4242};
    struct members_ctx mb = {c.g1, {bad, 2}};
    assert_int_equal(store_write(f->s, set_members, &mb), OP_ERR_NOTFOUND);
    struct members_ctx mg = {9999, {ids, 1}};
    assert_int_equal(store_write(f->s, set_members, &mg), OP_ERR_NOTFOUND);

    assert_int_equal(store_read(f->s, check_people, &c), OP_OK);
}

/* ---- tickets, comments, attachments, links ---- */

struct convo_ctx {
    struct fx *f;
    int64_t agent, cust, cust2, org, group, t1, t2, at1, at2, at3, c1, c2, moved;
    op_rc rc_move;
};

static op_rc check_ticket(struct store_tx *tx, void *arg)
{
    struct convo_ctx *c = arg;
    struct arena *a = &c->f->a;
    struct ticket t;
    assert_int_equal(tx->ops->ticket_get(tx, c->t1, a, &t), OP_OK);
    assert_string_equal(t.subject, "Не работает оплата");
    assert_string_equal(t.description, "Карта отклонена");
    assert_int_equal(t.status, STATUS_PENDING);
    assert_int_equal(t.priority, PRIO_HIGH);
    assert_int_equal(t.type, TYPE_INCIDENT);
    assert_int_equal(t.channel, CH_TELEGRAM);
    assert_int_equal(t.requester_id, c->cust);
    assert_int_equal(t.organization_id, c->org);
    assert_int_equal(t.group_id, c->group);
    assert_int_equal(t.assignee_id, c->agent);
    assert_int_equal(t.tags.n, 2);
    assert_string_equal(t.tags.v[0], "billing");
    assert_string_equal(t.tags.v[1], "vip");
    assert_string_equal(t.custom_fields, "{\"order\":\"A-1\"}");
    assert_int_equal(t.merged_into, 0);
    assert_int_equal(t.created_at, 1000);
    assert_int_equal(t.updated_at, 3000);
    assert_int_equal(t.solved_at, 2500);
    assert_int_equal(t.closed_at, 0);
    assert_int_equal(t.requesters.n, 1);
    assert_int_equal(t.requesters.v[0], c->cust2);

    assert_int_equal(tx->ops->ticket_get(tx, c->t2, a, &t), OP_OK);
    assert_int_equal(t.tags.n, 0);
    assert_string_equal(t.custom_fields, "{}");
    assert_int_equal(t.group_id, 0);
    assert_int_equal(t.assignee_id, 0);
    assert_int_equal(t.organization_id, 0);
    assert_int_equal(t.requesters.n, 0);
    assert_int_equal(tx->ops->ticket_get(tx, 9999, a, &t), OP_ERR_NOTFOUND);

    /* the tag filter reads ticket_tags: the update replaced "urgent" */
    struct ticket_filter tf = {.tag = "vip", .limit = 10};
    struct ticket_scope all = {.all = true};
    int64_t n;
    assert_int_equal(tx->ops->ticket_count(tx, &tf, &all, &n), OP_OK);
    assert_int_equal(n, 1);
    tf.tag = "urgent";
    assert_int_equal(tx->ops->ticket_count(tx, &tf, &all, &n), OP_OK);
    assert_int_equal(n, 0);

    /* comments: moved to t2, origin kept, attachments listed */
    struct comment *cs;
    size_t nc;
    assert_int_equal(tx->ops->comment_list(tx, c->t1, false, 0, 0, a, &cs, &nc), OP_OK);
    assert_int_equal(nc, 0);
    assert_int_equal(tx->ops->comment_list(tx, c->t2, false, 0, 0, a, &cs, &nc), OP_OK);
    assert_int_equal(nc, 3);
    assert_int_equal(cs[0].id, c->c1);
    assert_string_equal(cs[0].body, "Пришлите скриншот");
    assert_true(cs[0].public);
    assert_int_equal(cs[0].via, VIA_WEB);
    assert_int_equal(cs[0].author_id, c->agent);
    assert_int_equal(cs[0].ticket_id, c->t2);
    assert_int_equal(cs[0].origin_ticket_id, c->t1);
    assert_int_equal(cs[0].created_at, 1100);
    assert_int_equal(cs[0].attachment_ids.n, 2);
    assert_int_equal(cs[0].attachment_ids.v[0], c->at1);
    assert_int_equal(cs[0].attachment_ids.v[1], c->at2);
    assert_false(cs[1].public);
    assert_int_equal(cs[1].attachment_ids.n, 0);
    assert_int_equal(cs[2].origin_ticket_id, 0); /* written on t2 itself */
    assert_int_equal(tx->ops->comment_list(tx, c->t2, true, 0, 0, a, &cs, &nc), OP_OK);
    assert_int_equal(nc, 2);
    assert_int_equal(tx->ops->comment_list(tx, c->t2, false, c->c1, 1, a, &cs, &nc), OP_OK);
    assert_int_equal(nc, 1);
    assert_int_equal(cs[0].id, c->c2);
    assert_int_equal(tx->ops->comment_count(tx, c->t2, false, &n), OP_OK);
    assert_int_equal(n, 3);
    assert_int_equal(tx->ops->comment_count(tx, c->t2, true, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(c->moved, 2);
    struct comment one;
    assert_int_equal(tx->ops->comment_get(tx, c->c1, a, &one), OP_OK);
    assert_int_equal(one.ticket_id, c->t2);
    assert_string_equal(one.body, "Пришлите скриншот");
    assert_int_equal(one.attachment_ids.n, 2);
    assert_int_equal(one.attachment_ids.v[1], c->at2);
    assert_int_equal(tx->ops->comment_get(tx, 9999, a, &one), OP_ERR_NOTFOUND);

    struct attachment at;
    assert_int_equal(tx->ops->attachment_get(tx, c->at1, a, &at), OP_OK);
    assert_string_equal(at.sha256,
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assert_int_equal(at.size, 1234);
    assert_string_equal(at.content_type, "image/png");
    assert_string_equal(at.filename, "скрин.png");
    assert_int_equal(at.uploader_id, c->cust);
    assert_int_equal(at.comment_id, c->c1);
    assert_int_equal(at.created_at, 1050);
    assert_int_equal(tx->ops->attachment_get(tx, c->at3, a, &at), OP_OK);
    assert_int_equal(at.comment_id, 0); /* the failed comment did not keep it */
    struct attachment *ats;
    int64_t want[] = {c->at3, 424242, c->at1};
    struct id_list wl = {want, 3};
    assert_int_equal(tx->ops->attachment_list(tx, &wl, a, &ats, &nc), OP_OK);
    assert_int_equal(nc, 2);
    assert_int_equal(ats[0].id, c->at3);
    assert_int_equal(ats[1].id, c->at1);
    return OP_OK;
}

static op_rc make_ticket_changes(struct store_tx *tx, void *arg)
{
    struct convo_ctx *c = arg;
    op_rc rc = tx->ops->ticket_add_requester(tx, c->t1, c->cust2);
    if (rc) return rc;
    /* a second time is a conflict, a missing ticket is not found */
    if (tx->ops->ticket_add_requester(tx, c->t1, c->cust2) != OP_ERR_CONFLICT)
        return OP_ERR_INVALID;
    if (tx->ops->ticket_add_requester(tx, 9999, c->cust2) != OP_ERR_NOTFOUND) return OP_ERR_INVALID;
    return OP_OK;
}

static op_rc move_comments(struct store_tx *tx, void *arg)
{
    struct convo_ctx *c = arg;
    return tx->ops->comment_move(tx, c->t1, c->t2, &c->moved);
}

static void test_tickets_and_comments(void **state)
{
    struct fx *f = *state;
    struct convo_ctx c = {.f = f};
    c.org = fx_add_org(f, "Acme");
    c.agent = fx_add_user(f, "Agent", "agent@x.test", ROLE_AGENT, 0);
    c.cust = fx_add_user(f, "Cust", "cust@acme.test", ROLE_CUSTOMER, c.org);
    c.cust2 = fx_add_user(f, "Cust2", "cust2@acme.test", ROLE_CUSTOMER, c.org);
    c.group = fx_add_group(f, "Billing", TIER_L1);

    char *tags1[] = {"billing", "urgent"};
    struct ticket t = {.subject = "Не работает оплата",
                       .description = "Карта отклонена",
                       .status = STATUS_NEW,
                       .priority = PRIO_NORMAL,
                       .type = TYPE_INCIDENT,
                       .channel = CH_TELEGRAM,
                       .requester_id = c.cust,
                       .organization_id = c.org,
                       .group_id = c.group,
                       .assignee_id = c.agent,
                       .tags = {tags1, 2},
                       .custom_fields = "{\"order\":\"A-1\"}",
                       .created_at = 1000,
                       .updated_at = 1000};
    assert_int_equal(store_write(f->s, fx_ticket_insert, &t), OP_OK);
    c.t1 = t.id;
    assert_true(c.t1 > 0);
    char *tags2[] = {"billing", "vip"};
    t.tags = (struct str_list){tags2, 2};
    t.status = STATUS_PENDING;
    t.priority = PRIO_HIGH;
    t.updated_at = 3000;
    t.solved_at = 2500;
    assert_int_equal(store_write(f->s, fx_ticket_update, &t), OP_OK);
    struct ticket missing = t;
    missing.id = 9999;
    assert_int_equal(store_write(f->s, fx_ticket_update, &missing), OP_ERR_NOTFOUND);
    char *bad_tags[] = {"two words"};
    struct ticket bad = t;
    bad.tags = (struct str_list){bad_tags, 1};
    assert_int_equal(store_write(f->s, fx_ticket_update, &bad), OP_ERR_INVALID);
    struct ticket no_requester = {.subject = "x", .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_ticket_insert, &no_requester), OP_ERR_INVALID);
    assert_int_equal(no_requester.id, 0);

    struct ticket t2 = {
        .subject = "Second", .requester_id = c.cust, .created_at = 2000, .updated_at = 2000};
    assert_int_equal(store_write(f->s, fx_ticket_insert, &t2), OP_OK);
    c.t2 = t2.id;
    assert_int_equal(store_write(f->s, make_ticket_changes, &c), OP_OK);

    struct attachment at = {.sha256 =
                                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                            .size = 1234,
                            .content_type = "image/png",
                            .filename = "скрин.png",
                            .uploader_id = c.cust,
                            .created_at = 1050};
    assert_int_equal(store_write(f->s, fx_attachment_insert, &at), OP_OK);
    c.at1 = at.id;
    at.id = 0;
    assert_int_equal(store_write(f->s, fx_attachment_insert, &at), OP_OK);
    c.at2 = at.id;
    at.id = 0;
    assert_int_equal(store_write(f->s, fx_attachment_insert, &at), OP_OK);
    c.at3 = at.id;

    int64_t ats[] = {c.at1, c.at2};
    struct comment cm = {.ticket_id = c.t1,
                         .author_id = c.agent,
                         .public = true,
                         .body = "Пришлите скриншот",
                         .via = VIA_WEB,
                         .created_at = 1100,
                         .attachment_ids = {ats, 2}};
    assert_int_equal(store_write(f->s, fx_comment_insert, &cm), OP_OK);
    c.c1 = cm.id;
    /* at2 is taken: the whole comment is refused, at3 stays free */
    int64_t taken[] = {c.at3, c.at2};
    struct comment cm2 = {.ticket_id = c.t1,
                          .author_id = c.agent,
                          .public = true,
                          .body = "dup",
                          .via = VIA_WEB,
                          .created_at = 1150,
                          .attachment_ids = {taken, 2}};
    assert_int_equal(store_write(f->s, fx_comment_insert, &cm2), OP_ERR_CONFLICT);
    assert_int_equal(cm2.id, 0);
    struct comment note = {.ticket_id = c.t1,
                           .author_id = c.agent,
                           .public = false,
                           .body = "internal",
                           .via = VIA_WEB,
                           .created_at = 1200};
    assert_int_equal(store_write(f->s, fx_comment_insert, &note), OP_OK);
    c.c2 = note.id;
    struct comment own = {.ticket_id = c.t2,
                          .author_id = c.cust,
                          .public = true,
                          .body = "own",
                          .via = VIA_EMAIL,
                          .created_at = 2100};
    assert_int_equal(store_write(f->s, fx_comment_insert, &own), OP_OK);
    assert_int_equal(store_write(f->s, move_comments, &c), OP_OK);

    assert_int_equal(store_read(f->s, check_ticket, &c), OP_OK);
}

struct link_ctx {
    struct fx *f;
    int64_t t1, t2, t3;
    struct link l1;
};

static op_rc check_links(struct store_tx *tx, void *arg)
{
    struct link_ctx *c = arg;
    struct link l;
    assert_int_equal(tx->ops->link_get(tx, c->l1.id, &l), OP_OK);
    assert_int_equal(l.kind, LINK_RELATED);
    assert_int_equal(l.a_id, c->t1);
    assert_int_equal(l.b_id, c->t2);
    assert_int_equal(l.created_at, 77);
    assert_int_equal(tx->ops->link_get(tx, 9999, &l), OP_ERR_NOTFOUND);
    struct link *ls;
    size_t n;
    assert_int_equal(tx->ops->link_list(tx, c->t2, &c->f->a, &ls, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ls[0].id, c->l1.id);
    assert_int_equal(ls[1].kind, LINK_PARENT);
    return OP_OK;
}

static op_rc delete_link(struct store_tx *tx, void *arg)
{
    return tx->ops->link_delete(tx, *(int64_t *)arg);
}

static void test_links(void **state)
{
    struct fx *f = *state;
    struct link_ctx c = {.f = f};
    int64_t u = fx_add_user(f, "U", "u@x.test", ROLE_CUSTOMER, 0);
    struct ticket t = {.subject = "a", .requester_id = u, .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_ticket_insert, &t), OP_OK);
    c.t1 = t.id;
    t.id = 0;
    assert_int_equal(store_write(f->s, fx_ticket_insert, &t), OP_OK);
    c.t2 = t.id;
    t.id = 0;
    assert_int_equal(store_write(f->s, fx_ticket_insert, &t), OP_OK);
    c.t3 = t.id;

    c.l1 = (struct link){
        .kind = LINK_RELATED, .a_id = c.t1, .b_id = c.t2, .creator_id = u, .created_at = 77};
    assert_int_equal(store_write(f->s, fx_link_insert, &c.l1), OP_OK);
    struct link again = {
        .kind = LINK_RELATED, .creator_id = u, .a_id = c.t2, .b_id = c.t1, .created_at = 1};
    assert_int_equal(store_write(f->s, fx_link_insert, &again), OP_ERR_CONFLICT);
    struct link self = {
        .kind = LINK_PARENT, .creator_id = u, .a_id = c.t1, .b_id = c.t1, .created_at = 1};
    assert_int_equal(store_write(f->s, fx_link_insert, &self), OP_ERR_INVALID);
    struct link nowhere = {
        .kind = LINK_PARENT, .creator_id = u, .a_id = c.t1, .b_id = 999, .created_at = 1};
    assert_int_equal(store_write(f->s, fx_link_insert, &nowhere), OP_ERR_NOTFOUND);
    struct link parent = {
        .kind = LINK_PARENT, .creator_id = u, .a_id = c.t3, .b_id = c.t2, .created_at = 1};
    assert_int_equal(store_write(f->s, fx_link_insert, &parent), OP_OK);
    assert_int_equal(store_read(f->s, check_links, &c), OP_OK);

    assert_int_equal(store_write(f->s, delete_link, &parent.id), OP_OK);
    assert_int_equal(store_write(f->s, delete_link, &parent.id), OP_ERR_NOTFOUND);
}

/* ---- macros ---- */

struct macro_ctx {
    struct fx *f;
    int64_t id, inactive;
};

static op_rc check_macros(struct store_tx *tx, void *arg)
{
    struct macro_ctx *c = arg;
    struct macro m;
    assert_int_equal(tx->ops->macro_get(tx, c->id, &c->f->a, &m), OP_OK);
    assert_string_equal(m.name, "Ждём ответа");
    assert_string_equal(m.description, "");
    assert_true(m.active);
    assert_int_equal(m.n_actions, 3);
    assert_int_equal(m.actions[0].kind, MA_SET_STATUS);
    assert_string_equal(m.actions[0].value, "pending");
    assert_string_equal(m.actions[0].field, "");
    assert_int_equal(m.actions[1].kind, MA_SET_CUSTOM_FIELD);
    assert_string_equal(m.actions[1].field, "order");
    assert_string_equal(m.actions[1].value, "A-\"1\"");
    assert_int_equal(m.actions[2].kind, MA_PUBLIC_REPLY);
    assert_string_equal(m.actions[2].value, "Здравствуйте, {{requester.name}}!");
    assert_int_equal(m.created_by, 0);
    assert_int_equal(m.updated_at, 9);

    struct macro *ms;
    size_t n;
    assert_int_equal(tx->ops->macro_list(tx, true, &c->f->a, &ms, &n), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(tx->ops->macro_list(tx, false, &c->f->a, &ms, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_string_equal(ms[0].name, "Close"); /* by name */

    /* the stored form is the documented JSON */
    sqlite3 *db = sq_tx(tx)->db;
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT actions FROM macros WHERE id = ?", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(st, 1, c->id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_non_null(strstr((const char *)sqlite3_column_text(st, 0),
                           "{\"action\":\"set_status\",\"value\":\"pending\"}"));
    sqlite3_finalize(st);
    return OP_OK;
}

static op_rc delete_macro(struct store_tx *tx, void *arg)
{
    return tx->ops->macro_delete(tx, *(int64_t *)arg);
}

static void test_macros(void **state)
{
    struct fx *f = *state;
    struct macro_ctx c = {.f = f};
    struct macro_action acts[] = {
        {MA_SET_STATUS, "pending", NULL},
        {MA_SET_CUSTOM_FIELD, "A-\"1\"", "order"},
        {MA_PUBLIC_REPLY, "Здравствуйте, {{requester.name}}!", ""},
    };
    struct macro m = {.name = "Ждём ответа",
                      .active = true,
                      .actions = acts,
                      .n_actions = 1,
                      .created_at = 5,
                      .updated_at = 5};
    assert_int_equal(store_write(f->s, fx_macro_insert, &m), OP_OK);
    c.id = m.id;
    m.n_actions = 3;
    m.updated_at = 9;
    assert_int_equal(store_write(f->s, fx_macro_update, &m), OP_OK);
    struct macro dup = {.name = "Ждём ответа", .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_macro_insert, &dup), OP_ERR_CONFLICT);
    struct macro close = {.name = "Close", .active = false, .created_at = 1, .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_macro_insert, &close), OP_OK);
    c.inactive = close.id;
    assert_int_equal(store_read(f->s, check_macros, &c), OP_OK);
    assert_int_equal(store_write(f->s, delete_macro, &c.inactive), OP_OK);
    assert_int_equal(store_write(f->s, delete_macro, &c.inactive), OP_ERR_NOTFOUND);
}

/* ---- events ---- */

struct events_ctx {
    struct fx *f;
    struct event e[4];
    op_rc rc[4];
};

static op_rc append_action(struct store_tx *tx, void *arg)
{
    struct events_ctx *c = arg;
    /* one action of three events: the first names it */
    for (int i = 0; i < 3; i++) {
        if (i > 0) c->e[i].action_id = c->e[0].action_id;
        op_rc rc = tx->ops->event_append(tx, &c->e[i]);
        if (rc) return rc;
    }
    return OP_OK;
}

static op_rc check_events(struct store_tx *tx, void *arg)
{
    struct events_ctx *c = arg;
    struct event *ev;
    size_t n;
    assert_int_equal(tx->ops->event_list(tx, ENTITY_TICKET, 7, 0, 0, &c->f->a, &ev, &n), OP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ev[0].id, c->e[0].id);
    assert_int_equal(ev[0].action_id, ev[0].id);
    assert_int_equal(ev[0].kind, EV_CREATED);
    assert_int_equal(ev[0].actor_id, 0);
    assert_int_equal(ev[0].via, VIA_SYSTEM);
    assert_int_equal(ev[0].at, 1234);
    assert_string_equal(ev[0].field, "");
    assert_string_equal(ev[0].data, "");
    assert_int_equal(ev[1].kind, EV_CHANGED);
    assert_string_equal(ev[1].field, "status");
    assert_string_equal(ev[1].old_value, "new");
    assert_string_equal(ev[1].new_value, "open");
    assert_int_equal(ev[1].action_id, ev[0].id);
    assert_int_equal(ev[1].actor_id, 3);
    assert_int_equal(tx->ops->event_list(tx, ENTITY_TICKET, 7, ev[0].id, 0, &c->f->a, &ev, &n),
                     OP_OK);
    assert_int_equal(n, 1);

    assert_int_equal(tx->ops->event_feed(tx, 0, 0, &c->f->a, &ev, &n), OP_OK);
    assert_int_equal(n, 4);
    for (size_t i = 1; i < n; i++)
        assert_true(ev[i].id > ev[i - 1].id);
    assert_int_equal(ev[3].action_id, ev[3].id);
    assert_int_equal(tx->ops->event_feed(tx, ev[1].id, 1, &c->f->a, &ev, &n), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].entity, ENTITY_USER);
    return OP_OK;
}

static void test_events(void **state)
{
    struct fx *f = *state;
    struct events_ctx c = {.f = f};
    c.e[0] = (struct event){
        .entity = ENTITY_TICKET, .entity_id = 7, .at = 1234, .via = VIA_SYSTEM, .kind = EV_CREATED};
    c.e[1] = (struct event){.entity = ENTITY_TICKET,
                            .entity_id = 7,
                            .at = 1234,
                            .actor_id = 3,
                            .via = VIA_WEB,
                            .kind = EV_CHANGED,
                            .field = "status",
                            .old_value = "new",
                            .new_value = "open"};
    c.e[2] = (struct event){.entity = ENTITY_USER,
                            .entity_id = 3,
                            .at = 1234,
                            .via = VIA_WEB,
                            .kind = EV_CHANGED,
                            .field = "name"};
    assert_int_equal(store_write(f->s, append_action, &c), OP_OK);
    assert_int_equal(c.e[0].action_id, c.e[0].id);
    assert_int_equal(c.e[1].id, c.e[0].id + 1);
    c.e[3] = (struct event){
        .entity = ENTITY_GROUP, .entity_id = 1, .at = 2000, .via = VIA_CLI, .kind = EV_CREATED};
    assert_int_equal(store_write(f->s, fx_event_append, &c.e[3]), OP_OK);
    assert_int_equal(c.e[3].action_id, c.e[3].id);
    assert_int_equal(store_read(f->s, check_events, &c), OP_OK);

    /* append-only, whoever asks */
    sqlite3 *db = fx_raw(f);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE events SET data = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM events", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM events WHERE data = ''"), 4);
    sqlite3_close(db);
}

/* ---- sessions and tokens ---- */

struct auth_ctx {
    struct fx *f;
    uint8_t h1[32], h2[32];
    int64_t user, other;
    struct session s;
    struct api_token t;
    op_rc rc[8];
};

static op_rc auth_writes(struct store_tx *tx, void *arg)
{
    struct auth_ctx *c = arg;
    c->rc[0] = tx->ops->session_insert(tx, c->h1, &c->s);
    struct session dup = c->s;
    c->rc[1] = tx->ops->session_insert(tx, c->h1, &dup);
    c->rc[2] = tx->ops->session_touch(tx, c->s.id, 500, 900);
    c->rc[3] = tx->ops->session_touch(tx, 999, 500, 900);
    c->rc[4] = tx->ops->token_insert(tx, c->h2, &c->t);
    c->rc[5] = tx->ops->token_touch(tx, c->t.id, 600);
    c->rc[6] = tx->ops->token_revoke(tx, c->t.id, c->other, 700); /* not theirs */
    c->rc[7] = tx->ops->token_revoke(tx, c->t.id, c->user, 700);
    return OP_OK;
}

static op_rc check_auth(struct store_tx *tx, void *arg)
{
    struct auth_ctx *c = arg;
    struct session s;
    assert_int_equal(tx->ops->session_get(tx, c->h1, &s), OP_OK);
    assert_int_equal(s.id, c->s.id);
    assert_int_equal(s.user_id, c->user);
    assert_string_equal(s.csrf, c->s.csrf);
    assert_int_equal(s.created_at, 100);
    assert_int_equal(s.last_seen_at, 500);
    assert_int_equal(s.expires_at, 900);
    assert_int_equal(tx->ops->session_get(tx, c->h2, &s), OP_ERR_NOTFOUND);

    struct api_token t;
    assert_int_equal(tx->ops->token_get(tx, c->h2, &c->f->a, &t), OP_OK);
    assert_string_equal(t.name, "ci");
    assert_int_equal(t.user_id, c->user);
    assert_int_equal(t.last_used_at, 600);
    assert_int_equal(t.revoked_at, 700);
    struct api_token *ts;
    size_t n;
    assert_int_equal(tx->ops->token_list(tx, c->user, &c->f->a, &ts, &n), OP_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ts[0].id, c->t.id);
    assert_int_equal(tx->ops->token_list(tx, c->other, &c->f->a, &ts, &n), OP_OK);
    assert_int_equal(n, 0);
    return OP_OK;
}

static op_rc auth_deletes(struct store_tx *tx, void *arg)
{
    struct auth_ctx *c = arg;
    c->rc[0] = tx->ops->session_delete(tx, c->h1);
    c->rc[1] = tx->ops->session_delete(tx, c->h1);
    c->rc[2] = tx->ops->session_insert(tx, c->h2, &c->s);
    c->rc[3] = tx->ops->session_delete_user(tx, c->user);
    struct session s;
    c->rc[4] = tx->ops->session_get(tx, c->h2, &s);
    return OP_OK;
}

static void test_sessions_tokens(void **state)
{
    struct fx *f = *state;
    struct auth_ctx c = {.f = f};
    for (int i = 0; i < 32; i++) {
        c.h1[i] = (uint8_t)i;
        c.h2[i] = (uint8_t)(255 - i);
    }
    c.user = fx_add_user(f, "U", "u@x.test", ROLE_AGENT, 0);
    c.other = fx_add_user(f, "O", "o@x.test", ROLE_AGENT, 0);
    c.s = (struct session){
        .user_id = c.user, .created_at = 100, .expires_at = 200, .last_seen_at = 100};
    snprintf(c.s.csrf, sizeof(c.s.csrf), "%s", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
    c.t = (struct api_token){.user_id = c.user, .name = "ci", .created_at = 100};
    assert_int_equal(store_write(f->s, auth_writes, &c), OP_OK);
    op_rc want[8] = {OP_OK, OP_ERR_CONFLICT, OP_OK,           OP_ERR_NOTFOUND,
                     OP_OK, OP_OK,           OP_ERR_NOTFOUND, OP_OK};
    for (int i = 0; i < 8; i++)
        assert_int_equal(c.rc[i], want[i]);
    assert_int_equal(store_read(f->s, check_auth, &c), OP_OK);

    assert_int_equal(store_write(f->s, auth_deletes, &c), OP_OK);
    op_rc want2[5] = {OP_OK, OP_ERR_NOTFOUND, OP_OK, OP_OK, OP_ERR_NOTFOUND};
    for (int i = 0; i < 5; i++)
        assert_int_equal(c.rc[i], want2[i]);
}

/* ---- group commit ---- */

#define WRITERS 16
#define WRITES_EACH 200

struct writer_arg {
    struct fx *f;
    int failures;
};

static void *writer_thread(void *p)
{
    struct writer_arg *w = p;
    for (int i = 0; i < WRITES_EACH; i++) {
        struct event e = {
            .entity = ENTITY_TICKET, .entity_id = i, .at = i, .via = VIA_API, .kind = EV_CHANGED};
        if (store_write(w->f->s, fx_event_append, &e) != OP_OK || e.action_id != e.id)
            w->failures++;
    }
    return NULL;
}

static void test_group_commit_many_writers(void **state)
{
    struct fx *f = *state;
    pthread_t th[WRITERS];
    struct writer_arg w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer_arg){f, 0};
        assert_int_equal(pthread_create(&th[i], NULL, writer_thread, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM events"), WRITERS * WRITES_EACH);
    assert_int_equal(fx_raw_int(db, "SELECT count(DISTINCT id) FROM events"),
                     WRITERS * WRITES_EACH);
    assert_int_equal(fx_raw_int(db, "SELECT max(id) FROM events"), WRITERS * WRITES_EACH);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM events WHERE action_id <> id"), 0);
    sqlite3_close(db);
}

/* A job that holds the writer until released, so that the jobs queued
 * meanwhile all land in the next batch together. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool entered, open;
};

static op_rc gate_job(struct store_tx *tx, void *arg)
{
    UNUSED(tx);
    struct gate *g = arg;
    pthread_mutex_lock(&g->mu);
    g->entered = true;
    pthread_cond_broadcast(&g->cv);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    return OP_OK;
}

struct batch_job {
    struct fx *f;
    const char *name;
    bool fail;   /* insert, then fail */
    bool poison; /* leave a deferred FK violation: the COMMIT fails */
    op_rc rc;
    int64_t pending; /* rows of earlier jobs in this transaction, not yet committed */
};

static int64_t count_orgs_on(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM organizations", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static op_rc batch_fn(struct store_tx *tx, void *arg)
{
    struct batch_job *j = arg;
    /* what this transaction sees, less what is committed (no asserts here:
     * this runs on the writer thread) */
    sqlite3 *raw = NULL;
    if (sqlite3_open_v2(j->f->path, &raw, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        j->pending = count_orgs_on(sq_tx(tx)->db) - count_orgs_on(raw);
    sqlite3_close(raw);
    struct organization o = {.name = (char *)j->name, .created_at = 1, .updated_at = 1};
    op_rc rc = tx->ops->org_insert(tx, &o);
    if (rc) return rc;
    if (j->poison) {
        sqlite3 *db = sq_tx(tx)->db;
        if (sqlite3_exec(db,
                         "PRAGMA defer_foreign_keys = ON; "
                         "INSERT INTO group_members(group_id, user_id) VALUES (777, 777)",
                         NULL, NULL, NULL) != SQLITE_OK)
            return OP_ERR_IO;
    }
    return j->fail ? OP_ERR_CONFLICT : OP_OK;
}

static void *batch_thread(void *p)
{
    struct batch_job *j = p;
    j->rc = store_write(j->f->s, batch_fn, j);
    return NULL;
}

struct gate_arg {
    struct fx *f;
    struct gate *g;
    op_rc rc;
};

static void *gate_thread(void *p)
{
    struct gate_arg *ga = p;
    ga->rc = store_write(ga->f->s, gate_job, ga->g);
    return NULL;
}

/* Holds the writer with a gate job, queues jobs in order, opens the gate:
 * the jobs run as one batch. Returns whether anything was committed (PRAGMA
 * data_version moves when another connection commits changes). */
static bool batch_together(struct fx *f, struct batch_job *jobs, int n)
{
    sqlite3 *db = fx_raw(f);
    int64_t v0 = fx_raw_int(db, "PRAGMA data_version");
    struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false};
    struct gate_arg ga = {f, &g, OP_ERR_IO};
    pthread_t gt, th[8];
    assert_true(n <= 8);
    assert_int_equal(pthread_create(&gt, NULL, gate_thread, &ga), 0);
    pthread_mutex_lock(&g.mu);
    while (!g.entered)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    /* one by one, with time to queue behind the gate, so that they queue
     * in this order */
    struct timespec ts = {0, 30 * 1000 * 1000};
    for (int i = 0; i < n; i++) {
        jobs[i].f = f;
        jobs[i].pending = -1;
        assert_int_equal(pthread_create(&th[i], NULL, batch_thread, &jobs[i]), 0);
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&g.mu);
    g.open = true;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_join(gt, NULL);
    assert_int_equal(ga.rc, OP_OK);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    bool changed = fx_raw_int(db, "PRAGMA data_version") != v0;
    sqlite3_close(db);
    return changed;
}

static void test_group_commit_one_fails(void **state)
{
    struct fx *f = *state;
    struct batch_job jobs[] = {{.name = "a"},
                               {.name = "b", .fail = true},
                               {.name = "c"},
                               {.name = "a"} /* duplicate of the first */};
    assert_true(batch_together(f, jobs, 4));
    assert_int_equal(jobs[0].rc, OP_OK);
    assert_int_equal(jobs[1].rc, OP_ERR_CONFLICT);
    assert_int_equal(jobs[2].rc, OP_OK);
    assert_int_equal(jobs[3].rc, OP_ERR_CONFLICT);
    /* one transaction: each job saw the earlier ones' rows uncommitted, and
     * b's row was gone again when c ran */
    assert_int_equal(jobs[0].pending, 0);
    assert_int_equal(jobs[1].pending, 1);
    assert_int_equal(jobs[2].pending, 1);
    assert_int_equal(jobs[3].pending, 2);
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM organizations"), 2);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM organizations WHERE name = 'b'"), 0);
    sqlite3_close(db);
}

static void test_group_commit_commit_fails(void **state)
{
    struct fx *f = *state;
    struct batch_job jobs[] = {{.name = "a"}, {.name = "b", .poison = true}, {.name = "c"}};
    assert_false(batch_together(f, jobs, 3)); /* nothing committed */
    assert_int_equal(jobs[2].pending, 2);     /* they did share the transaction */
    for (int i = 0; i < 3; i++)
        assert_int_equal(jobs[i].rc, OP_ERR_IO);
    sqlite3 *db = fx_raw(f);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM organizations"), 0);
    sqlite3_close(db);
    /* and the writer goes on */
    struct batch_job later = {.f = f, .name = "d"};
    batch_thread(&later);
    assert_int_equal(later.rc, OP_OK);
}

struct nest_ctx {
    struct fx *f;
    op_rc inner;
};

static op_rc noop(struct store_tx *tx, void *arg)
{
    UNUSED(tx);
    UNUSED(arg);
    return OP_OK;
}

static op_rc nested_write(struct store_tx *tx, void *arg)
{
    UNUSED(tx);
    struct nest_ctx *c = arg;
    c->inner = store_write(c->f->s, noop, NULL);
    return OP_OK;
}

static op_rc nested_read(struct store_tx *tx, void *arg)
{
    UNUSED(tx);
    struct nest_ctx *c = arg;
    c->inner = store_read(c->f->s, noop, NULL);
    return OP_OK;
}

static op_rc write_in_read(struct store_tx *tx, void *arg)
{
    struct organization o = {.name = "r", .created_at = 1, .updated_at = 1};
    UNUSED(arg);
    return tx->ops->org_insert(tx, &o);
}

static void test_nested_calls_fail(void **state)
{
    struct fx *f = *state;
    struct nest_ctx c = {f, OP_OK};
    assert_int_equal(store_write(f->s, nested_write, &c), OP_OK);
    assert_int_equal(c.inner, OP_ERR_INVALID);
    c.inner = OP_OK;
    assert_int_equal(store_write(f->s, nested_read, &c), OP_OK);
    assert_int_equal(c.inner, OP_ERR_INVALID);
    c.inner = OP_OK;
    assert_int_equal(store_read(f->s, nested_read, &c), OP_OK);
    assert_int_equal(c.inner, OP_ERR_INVALID);
    /* a read transaction cannot write */
    assert_int_equal(store_read(f->s, write_in_read, NULL), OP_ERR_IO);
}

/* ---- the read pool ---- */

struct reader_arg {
    struct fx *f;
    int failures;
};

static op_rc count_orgs(struct store_tx *tx, void *arg)
{
    struct store_counts *c = arg;
    return tx->ops->counts(tx, c);
}

static void *reader_thread(void *p)
{
    struct reader_arg *r = p;
    for (int i = 0; i < 50; i++) {
        struct store_counts c;
        if (store_read(r->f->s, count_orgs, &c) != OP_OK || c.organizations != 1) r->failures++;
    }
    return NULL;
}

static void test_read_pool(void **state)
{
    struct fx *f = *state; /* 4 read connections, 12 readers */
    fx_add_org(f, "Acme");
    pthread_t th[12];
    struct reader_arg r[12];
    for (int i = 0; i < 12; i++) {
        r[i] = (struct reader_arg){f, 0};
        assert_int_equal(pthread_create(&th[i], NULL, reader_thread, &r[i]), 0);
    }
    for (int i = 0; i < 12; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(r[i].failures, 0);
    }
}

/* ---- backup ---- */

static void test_backup(void **state)
{
    struct fx *f = *state;
    int64_t org = fx_add_org(f, "Acme");
    int64_t u = fx_add_user(f, "U", "u@x.test", ROLE_CUSTOMER, org);
    fx_add_group(f, "G", TIER_L1);
    for (int i = 0; i < 20; i++) {
        struct ticket t = {
            .subject = "оплата", .requester_id = u, .created_at = i, .updated_at = i};
        assert_int_equal(store_write(f->s, fx_ticket_insert, &t), OP_OK);
        struct event e = {.entity = ENTITY_TICKET, .entity_id = t.id, .kind = EV_CREATED};
        assert_int_equal(store_write(f->s, fx_event_append, &e), OP_OK);
    }
    struct store_counts before, after;
    assert_int_equal(store_read(f->s, count_orgs, &before), OP_OK);
    assert_int_equal(before.tickets, 20);
    assert_int_equal(before.events, 20);

    char path[200];
    snprintf(path, sizeof(path), "%s/backup.db", f->dir);
    struct op_err err;
    assert_int_equal(store_backup(f->s, path, &err), OP_OK);
    assert_int_equal(store_backup(f->s, path, &err), OP_ERR_CONFLICT);
    assert_int_equal(err.msg, MSG_ERR_DUPLICATE);

    struct store *copy;
    struct store_options opt = {.durable = true};
    assert_int_equal(store_open(path, &opt, &copy, &err), OP_OK);
    assert_int_equal(store_read(copy, count_orgs, &after), OP_OK);
    assert_memory_equal(&before, &after, sizeof(before));
    store_close(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ops_complete),
        cmocka_unit_test_setup_teardown(test_open_missing, fx_setup_empty, fx_teardown),
        cmocka_unit_test_setup_teardown(test_open_pending_then_migrate, fx_setup_empty,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_open_newer, fx_setup_empty, fx_teardown),
        cmocka_unit_test_setup_teardown(test_open_not_a_database, fx_setup_empty, fx_teardown),
        cmocka_unit_test_setup_teardown(test_people, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_tickets_and_comments, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_links, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_macros, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_events, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_sessions_tokens, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_many_writers, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_one_fails, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_commit_fails, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_nested_calls_fail, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_read_pool, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_backup, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
