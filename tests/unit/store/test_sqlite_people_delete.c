/* test_sqlite_people_delete.c - deleting a group or an organization in the
 * store: what goes with it (members, routing settings), and the refusals
 * (CONFLICT, nothing changed) while tickets or users refer to it. Run on
 * PostgreSQL too by test_pg_people_delete.c. */
#include "base/common.h"

#include "core/team.h"
#include "sqlite_fixture.h"
#include "store/store_team.h"

struct del_ctx {
    struct fx *f;
    int64_t id;
    const char *used_by;
    op_rc rc;
};

/* store_write callbacks record; the test asserts afterwards (see the fixture) */
static op_rc do_group_delete(struct store_tx *tx, void *arg)
{
    struct del_ctx *d = arg;
    d->used_by = NULL;
    d->rc = tx->ops->group_delete(tx, d->id, &d->used_by);
    return OP_OK;
}

static op_rc do_org_delete(struct store_tx *tx, void *arg)
{
    struct del_ctx *d = arg;
    d->used_by = NULL;
    d->rc = tx->ops->org_delete(tx, d->id, &d->used_by);
    return OP_OK;
}

struct setup_ctx {
    int64_t group, members[2];
};

static op_rc group_setup(struct store_tx *tx, void *arg)
{
    struct setup_ctx *s = arg;
    struct routing_settings rs = {
        .group_id = s->group, .mode = ROUTING_ROUND_ROBIN, .cap = 3, .updated_at = 5};
    op_rc rc = tx->ops->group_set_members(tx, s->group, &(struct id_list){s->members, 2});
    return rc ? rc : tx->ops->team->routing_put(tx, &rs);
}

struct look_ctx {
    struct fx *f;
    int64_t gone, kept, member, org_gone, org_kept;
};

static op_rc look(struct store_tx *tx, void *arg)
{
    struct look_ctx *l = arg;
    struct arena *a = &l->f->a;
    struct group g;
    struct organization o;
    struct id_list in;
    struct routing_settings rs;
    assert_int_equal(tx->ops->group_get(tx, l->gone, a, &g), OP_ERR_NOTFOUND);
    assert_int_equal(tx->ops->group_get(tx, l->kept, a, &g), OP_OK);
    assert_int_equal(g.members.n, 2); /* a refused delete changed nothing */
    assert_int_equal(tx->ops->user_groups(tx, l->member, a, &in), OP_OK);
    assert_int_equal(in.n, 1);
    assert_int_equal(in.v[0], l->kept);
    /* the deleted group's routing row went with it: defaults again */
    assert_int_equal(tx->ops->team->routing_get(tx, l->gone, &rs), OP_OK);
    assert_int_equal(rs.mode, ROUTING_OFF);
    assert_int_equal(rs.cap, 0);
    assert_int_equal(tx->ops->team->routing_get(tx, l->kept, &rs), OP_OK);
    assert_int_equal(rs.cap, 3);
    assert_int_equal(tx->ops->org_get(tx, l->org_gone, a, &o), OP_ERR_NOTFOUND);
    assert_int_equal(tx->ops->org_get(tx, l->org_kept, a, &o), OP_OK);
    return OP_OK;
}

static void test_delete(void **state)
{
    struct fx *f = *state;
    int64_t with_user = fx_add_org(f, "Acme");
    int64_t with_ticket = fx_add_org(f, "Beta");
    int64_t empty_org = fx_add_org(f, "Gamma");
    int64_t a1 = fx_add_user(f, "Agent One", "a1@x.test", ROLE_AGENT, 0);
    int64_t a2 = fx_add_user(f, "Agent Two", "a2@x.test", ROLE_AGENT, 0);
    int64_t cust = fx_add_user(f, "Cust", "c@acme.test", ROLE_CUSTOMER, with_user);
    int64_t unused = fx_add_group(f, "Unused", TIER_L1);
    int64_t busy = fx_add_group(f, "Busy", TIER_L2);
    struct setup_ctx s1 = {unused, {a1, a2}}, s2 = {busy, {a1, a2}};
    assert_int_equal(store_write(f->s, group_setup, &s1), OP_OK);
    assert_int_equal(store_write(f->s, group_setup, &s2), OP_OK);
    struct ticket t = {.subject = "s",
                       .description = "",
                       .status = STATUS_SOLVED,
                       .priority = PRIO_NORMAL,
                       .type = TYPE_QUESTION,
                       .channel = CH_EMAIL,
                       .requester_id = cust,
                       .organization_id = with_ticket,
                       .group_id = busy,
                       .custom_fields = "{}",
                       .created_at = 1,
                       .updated_at = 1};
    assert_int_equal(store_write(f->s, fx_ticket_insert, &t), OP_OK);

    struct del_ctx d = {.f = f, .id = busy};
    assert_int_equal(store_write(f->s, do_group_delete, &d), OP_OK);
    assert_int_equal(d.rc, OP_ERR_CONFLICT);
    assert_non_null(d.used_by);
    assert_string_equal(d.used_by, "tickets");
    d.id = unused;
    assert_int_equal(store_write(f->s, do_group_delete, &d), OP_OK);
    assert_int_equal(d.rc, OP_OK);
    assert_int_equal(store_write(f->s, do_group_delete, &d), OP_OK);
    assert_int_equal(d.rc, OP_ERR_NOTFOUND); /* already gone */

    d.id = with_user;
    assert_int_equal(store_write(f->s, do_org_delete, &d), OP_OK);
    assert_int_equal(d.rc, OP_ERR_CONFLICT);
    assert_string_equal(d.used_by, "users");
    d.id = with_ticket;
    assert_int_equal(store_write(f->s, do_org_delete, &d), OP_OK);
    assert_int_equal(d.rc, OP_ERR_CONFLICT);
    assert_string_equal(d.used_by, "tickets");
    d.id = empty_org;
    assert_int_equal(store_write(f->s, do_org_delete, &d), OP_OK);
    assert_int_equal(d.rc, OP_OK);
    d.id = 99999;
    assert_int_equal(store_write(f->s, do_org_delete, &d), OP_OK);
    assert_int_equal(d.rc, OP_ERR_NOTFOUND);

    struct look_ctx l = {f, unused, busy, a1, empty_org, with_user};
    assert_int_equal(store_read(f->s, look, &l), OP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_delete, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
