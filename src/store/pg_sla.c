/* pg_sla.c - calendars, SLA policies, ticket clocks and notifications in
 * PostgreSQL (store_sla.h; schema: migrations/pg/0003_sla.sql): the queries
 * of sqlite_sla.c. The clocks are bytea, read back as hex text. */
#include "base/common.h"

#include "base/log.h"
#include "store/pgInt.h"
#include "store/store_sla.h"

static void bind_limit(struct pg_stmt *st, size_t limit)
{
    pg_bind_id(st, limit > INT64_MAX ? 0 : (int64_t)limit); /* 0: NULL, no limit */
}

/* ---- calendars ---- */

#define CAL_COLS "id, name, time_zone, always, week, recompute_after, created_at, updated_at"

/* "a|b|c|d|e|f|g" with each day's text, from a. */
static char *week_format(const struct cal_day week[7], struct arena *a)
{
    char *out = arena_alloc(a, 7 * CAL_DAY_TEXT_MAX + 8);
    if (!out) return NULL;
    size_t at = 0;
    for (int d = 0; d < 7; d++) {
        char day[CAL_DAY_TEXT_MAX];
        cal_day_format(&week[d], day);
        at += (size_t)snprintf(out + at, 7 * CAL_DAY_TEXT_MAX + 8 - at, "%s%s", d ? "|" : "", day);
    }
    return out;
}

static op_rc week_parse(const char *s, struct cal_day week[7])
{
    char buf[7 * CAL_DAY_TEXT_MAX + 8];
    snprintf(buf, sizeof(buf), "%s", s);
    char *p = buf;
    for (int d = 0; d < 7; d++) {
        char *bar = strchr(p, '|');
        if (bar)
            *bar = '\0';
        else if (d < 6)
            return OP_ERR_IO;
        if (cal_day_parse(p, "week", &week[d], NULL)) return OP_ERR_IO;
        p = bar ? bar + 1 : p + strlen(p);
    }
    return OP_OK;
}

static op_rc cal_row(struct pg_row *r, void *out)
{
    struct calendar_row *c = out;
    memset(c, 0, sizeof(*c));
    c->id = pg_col_int(r, 0);
    c->name = pg_col_text(r, 1);
    c->time_zone = pg_col_text(r, 2);
    c->always = pg_col_int(r, 3) != 0;
    if (week_parse(PQgetvalue(r->res, r->i, 4), c->week)) {
        log_error("msg=\"damaged calendar week\" calendar=%" PRId64, c->id);
        return OP_ERR_IO;
    }
    c->recompute_after = pg_col_int(r, 5);
    c->created_at = pg_col_int(r, 6);
    c->updated_at = pg_col_int(r, 7);
    c->n_exc = (size_t)pg_col_int(r, 8);
    return OP_OK;
}

static void cal_bind(struct pg_stmt *st, const struct calendar_row *c, const char *week)
{
    pg_bind_text(st, c->name);
    pg_bind_text(st, c->time_zone);
    pg_bind_int(st, c->always);
    pg_bind_text(st, week);
    pg_bind_int(st, c->recompute_after);
    pg_bind_int(st, c->created_at);
    pg_bind_int(st, c->updated_at);
}

static op_rc days_write(struct pg_tx *tx, const struct calendar_row *c)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM calendar_days WHERE calendar_id = $1");
    pg_bind_int(&st, c->id);
    op_rc rc = pg_run(tx, &st, NULL, "calendar_days_clear");
    for (size_t i = 0; i < c->n_exc && rc == OP_OK; i++) {
        const struct cal_exception *e = &c->exc[i];
        char hours[CAL_DAY_TEXT_MAX];
        cal_day_format(&e->hours, hours);
        pg_st_init(&st, "INSERT INTO calendar_days(calendar_id, date, kind, hours, name) "
                        "VALUES ($1, $2, $3, $4, $5)");
        pg_bind_int(&st, c->id);
        pg_bind_int(&st, e->date);
        pg_bind_int(&st, e->kind == CAL_WORKDAY);
        pg_bind_text(&st, hours);
        pg_bind_text(&st, e->name);
        rc = pg_run(tx, &st, NULL, "calendar_day_insert");
    }
    return rc;
}

static op_rc calendar_insert(struct store_tx *t, struct calendar_row *c)
{
    struct pg_tx *tx = pg_tx(t);
    struct arena a = ARENA_INIT(0);
    char *week = week_format(c->week, &a);
    op_rc rc = week ? OP_OK : OP_ERR_NOMEM;
    if (rc == OP_OK) {
        struct pg_stmt st;
        pg_st_init(&st, "INSERT INTO calendars(name, time_zone, always, week, recompute_after, "
                        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
        cal_bind(&st, c, week);
        rc = pg_run_insert(tx, &st, &c->id, "calendar_insert");
    }
    arena_release(&a);
    return rc ? rc : days_write(tx, c);
}

static op_rc calendar_update(struct store_tx *t, const struct calendar_row *c)
{
    struct pg_tx *tx = pg_tx(t);
    struct arena a = ARENA_INIT(0);
    char *week = week_format(c->week, &a);
    op_rc rc = week ? OP_OK : OP_ERR_NOMEM;
    if (rc == OP_OK) {
        struct pg_stmt st;
        pg_st_init(&st, "UPDATE calendars SET name = $1, time_zone = $2, always = $3, week = $4, "
                        "recompute_after = $5, created_at = $6, updated_at = $7, "
                        "version = version + 1 WHERE id = $8");
        cal_bind(&st, c, week);
        pg_bind_int(&st, c->id);
        rc = pg_run_update(tx, &st, "calendar_update");
    }
    arena_release(&a);
    return rc ? rc : days_write(tx, c);
}

static op_rc day_row(struct pg_row *r, void *out)
{
    struct cal_exception *e = out;
    e->date = (int32_t)pg_col_int(r, 0);
    e->kind = pg_col_int(r, 1) ? CAL_WORKDAY : CAL_HOLIDAY;
    if (cal_day_parse(PQgetvalue(r->res, r->i, 2), "hours", &e->hours, NULL)) return OP_ERR_IO;
    e->name = pg_col_text(r, 3);
    return OP_OK;
}

static op_rc calendar_get(struct store_tx *t, int64_t id, struct arena *a, struct calendar_row *out)
{
    struct pg_tx *tx = pg_tx(t);
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " CAL_COLS ", 0 FROM calendars WHERE id = $1");
    pg_bind_int(&st, id);
    op_rc rc = pg_one(tx, &st, cal_row, a, out, "calendar_get");
    if (rc) return rc;
    pg_st_init(&st, "SELECT date, kind, hours, name FROM calendar_days "
                    "WHERE calendar_id = $1 ORDER BY date");
    pg_bind_int(&st, id);
    void *v;
    rc = pg_list(tx, &st, day_row, sizeof(struct cal_exception), a, &v, &out->n_exc,
                 "calendar_days");
    out->exc = v;
    return rc;
}

static op_rc calendar_list(struct store_tx *t, struct arena *a, struct calendar_row **out,
                           size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " CAL_COLS ", (SELECT count(*) FROM calendar_days d "
                    "WHERE d.calendar_id = c.id) FROM calendars c ORDER BY lower(name), id");
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, cal_row, sizeof(**out), a, &v, n, "calendar_list");
    *out = v;
    return rc;
}

static op_rc calendar_delete(struct store_tx *t, int64_t id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM calendars WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "calendar_delete");
}

static op_rc version_row(struct pg_row *r, void *out)
{
    *(int64_t *)out = pg_col_int(r, 0);
    return OP_OK;
}

static op_rc calendar_version(struct store_tx *t, int64_t id, int64_t *version)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT version FROM calendars WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, version_row, NULL, version, "calendar_version");
}

static op_rc calendar_set_recompute(struct store_tx *t, int64_t id, int64_t after)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE calendars SET recompute_after = $1 WHERE id = $2");
    pg_bind_int(&st, after);
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "calendar_set_recompute");
}

/* ---- policies ---- */

#define POLICY_COLS                                                                                \
    "id, name, position, active, priority_mask, channel_mask, type_mask, group_ids, "              \
    "organization_ids, first_response_min, first_response_business, next_response_min, "           \
    "next_response_business, resolution_min, resolution_business, calendar_id, "                   \
    "pause_on_pending, pause_on_hold, warn_percent, actions, escalate_group_id, "                  \
    "escalate_tier, created_at, updated_at"

static op_rc ids_parse(struct pg_row *r, int col, struct id_list *out)
{
    const char *s = PQgetvalue(r->res, r->i, col);
    out->v = NULL;
    out->n = 0;
    if (!s || !*s) return OP_OK;
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ' ';
    if (!(out->v = arena_alloc(r->a, cap * sizeof(int64_t)))) return OP_ERR_NOMEM;
    char *end;
    for (const char *p = s; *p && out->n < cap;) {
        long long v = strtoll(p, &end, 10);
        if (end == p) return OP_ERR_IO;
        out->v[out->n++] = v;
        p = *end == ' ' ? end + 1 : end;
    }
    return OP_OK;
}

static char *ids_format(const struct id_list *l, struct arena *a)
{
    char *s = arena_alloc(a, l->n * 21 + 1);
    if (!s) return NULL;
    size_t at = 0;
    s[0] = '\0';
    for (size_t i = 0; i < l->n; i++)
        at += (size_t)snprintf(s + at, 22, "%s%" PRId64, i ? " " : "", l->v[i]);
    return s;
}

static op_rc policy_row(struct pg_row *r, void *out)
{
    struct sla_policy *p = out;
    memset(p, 0, sizeof(*p));
    p->id = pg_col_int(r, 0);
    p->name = pg_col_text(r, 1);
    p->position = (int)pg_col_int(r, 2);
    p->active = pg_col_int(r, 3) != 0;
    p->priority_mask = (unsigned)pg_col_int(r, 4);
    p->channel_mask = (unsigned)pg_col_int(r, 5);
    p->type_mask = (unsigned)pg_col_int(r, 6);
    op_rc rc = ids_parse(r, 7, &p->group_ids);
    if (rc || (rc = ids_parse(r, 8, &p->organization_ids))) return rc;
    for (int m = 0; m < SLA__METRICS; m++) {
        p->target[m].minutes = pg_col_int(r, 9 + 2 * m);
        p->target[m].business = pg_col_int(r, 10 + 2 * m) != 0;
    }
    p->calendar_id = pg_col_int(r, 15);
    p->pause_on_pending = pg_col_int(r, 16) != 0;
    p->pause_on_hold = pg_col_int(r, 17) != 0;
    p->warn_percent = (int)pg_col_int(r, 18);
    p->actions = (unsigned)pg_col_int(r, 19);
    p->escalate_group_id = pg_col_int(r, 20);
    p->escalate_tier = (int)pg_col_int(r, 21);
    p->created_at = pg_col_int(r, 22);
    p->updated_at = pg_col_int(r, 23);
    return OP_OK;
}

/* Binds every column but id as $1..$23; the id lists' text is made in a. */
static op_rc policy_bind(struct pg_stmt *st, const struct sla_policy *p, struct arena *a)
{
    char *groups = ids_format(&p->group_ids, a), *orgs = ids_format(&p->organization_ids, a);
    if (!groups || !orgs) return OP_ERR_NOMEM;
    pg_bind_text(st, p->name);
    pg_bind_int(st, p->position);
    pg_bind_int(st, p->active);
    pg_bind_int(st, p->priority_mask);
    pg_bind_int(st, p->channel_mask);
    pg_bind_int(st, p->type_mask);
    pg_bind_text(st, groups);
    pg_bind_text(st, orgs);
    for (int m = 0; m < SLA__METRICS; m++) {
        pg_bind_int(st, p->target[m].minutes);
        pg_bind_int(st, p->target[m].business);
    }
    pg_bind_id(st, p->calendar_id);
    pg_bind_int(st, p->pause_on_pending);
    pg_bind_int(st, p->pause_on_hold);
    pg_bind_int(st, p->warn_percent);
    pg_bind_int(st, p->actions);
    pg_bind_id(st, p->escalate_group_id);
    pg_bind_int(st, p->escalate_tier);
    pg_bind_int(st, p->created_at);
    pg_bind_int(st, p->updated_at);
    return OP_OK;
}

static op_rc policy_insert(struct store_tx *t, struct sla_policy *p)
{
    struct arena a = ARENA_INIT(0);
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO sla_policies(name, position, active, priority_mask, "
                    "channel_mask, type_mask, group_ids, organization_ids, "
                    "first_response_min, first_response_business, next_response_min, "
                    "next_response_business, resolution_min, resolution_business, "
                    "calendar_id, pause_on_pending, pause_on_hold, warn_percent, actions, "
                    "escalate_group_id, escalate_tier, created_at, updated_at) VALUES "
                    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
                    "$17, $18, $19, $20, $21, $22, $23) RETURNING id");
    op_rc rc = policy_bind(&st, p, &a);
    if (rc == OP_OK) rc = pg_run_insert(pg_tx(t), &st, &p->id, "policy_insert");
    arena_release(&a);
    return rc;
}

static op_rc policy_update(struct store_tx *t, const struct sla_policy *p)
{
    struct arena a = ARENA_INIT(0);
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE sla_policies SET name = $1, position = $2, active = $3, "
                    "priority_mask = $4, channel_mask = $5, type_mask = $6, group_ids = $7, "
                    "organization_ids = $8, first_response_min = $9, "
                    "first_response_business = $10, next_response_min = $11, "
                    "next_response_business = $12, resolution_min = $13, "
                    "resolution_business = $14, calendar_id = $15, pause_on_pending = $16, "
                    "pause_on_hold = $17, warn_percent = $18, actions = $19, "
                    "escalate_group_id = $20, escalate_tier = $21, created_at = $22, "
                    "updated_at = $23 WHERE id = $24");
    op_rc rc = policy_bind(&st, p, &a);
    pg_bind_int(&st, p->id);
    if (rc == OP_OK) rc = pg_run_update(pg_tx(t), &st, "policy_update");
    arena_release(&a);
    return rc;
}

static op_rc policy_get(struct store_tx *t, int64_t id, struct arena *a, struct sla_policy *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " POLICY_COLS " FROM sla_policies WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_one(pg_tx(t), &st, policy_row, a, out, "policy_get");
}

static op_rc policy_list(struct store_tx *t, struct arena *a, struct sla_policy **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " POLICY_COLS " FROM sla_policies ORDER BY position, id");
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, policy_row, sizeof(**out), a, &v, n, "policy_list");
    *out = v;
    return rc;
}

static op_rc policy_delete(struct store_tx *t, int64_t id)
{
    struct pg_stmt st;
    pg_st_init(&st, "DELETE FROM sla_policies WHERE id = $1");
    pg_bind_int(&st, id);
    return pg_run_update(pg_tx(t), &st, "policy_delete");
}

static op_rc policy_using_calendar(struct store_tx *t, int64_t calendar_id, int64_t *policy_id)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT coalesce(min(id), 0) FROM sla_policies WHERE calendar_id = $1");
    pg_bind_int(&st, calendar_id);
    return pg_scalar(pg_tx(t), &st, policy_id, "policy_using_calendar");
}

/* ---- ticket clocks ---- */

#define STATE_COLS                                                                                 \
    "s.ticket_id, s.policy_id, s.calendar_id, encode(s.clocks, 'hex'), d.next_at, d.due_at, "      \
    "d.breached"
#define STATE_FROM " FROM ticket_sla s JOIN ticket_sla_due d ON d.ticket_id = s.ticket_id"

static op_rc state_row(struct pg_row *r, void *out)
{
    struct sla_state *s = out;
    memset(s, 0, sizeof(*s));
    uint8_t b[SLA_STATE_BYTES];
    if (!pg_col_hex(r, 3, b, sizeof(b)) || sla_state_decode(b, sizeof(b), s)) {
        log_error("msg=\"damaged SLA clocks\" ticket=%" PRId64, pg_col_int(r, 0));
        return OP_ERR_IO;
    }
    s->ticket_id = pg_col_int(r, 0);
    s->policy_id = pg_col_int(r, 1);
    s->calendar_id = pg_col_int(r, 2);
    s->next_at = pg_col_int(r, 4);
    s->due_at = pg_col_int(r, 5);
    s->breached = pg_col_int(r, 6) != 0;
    return OP_OK;
}

static op_rc state_get(struct store_tx *t, int64_t ticket_id, struct sla_state *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " STATE_COLS STATE_FROM " WHERE s.ticket_id = $1");
    pg_bind_int(&st, ticket_id);
    return pg_one(pg_tx(t), &st, state_row, NULL, out, "sla_state_get");
}

static bool state_running(const struct sla_state *s)
{
    for (int m = 0; m < SLA__METRICS; m++)
        if (s->c[m].running_since && s->c[m].target_ms) return true;
    return false;
}

/* One row in each of ticket_sla and ticket_sla_due, written whole: upserts
 * (PostgreSQL has no statement journal to avoid); writing the due row frees
 * its lease, as on SQLite. */
static op_rc state_put(struct store_tx *t, const struct sla_state *s)
{
    struct pg_tx *tx = pg_tx(t);
    uint8_t clocks[SLA_STATE_BYTES];
    sla_state_encode(s, clocks);
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO ticket_sla(clocks, running, ticket_id, policy_id, calendar_id) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT(ticket_id) DO UPDATE SET "
                    "clocks = excluded.clocks, running = excluded.running, "
                    "policy_id = excluded.policy_id, calendar_id = excluded.calendar_id");
    pg_bind_blob(&st, clocks, SLA_STATE_BYTES);
    pg_bind_int(&st, state_running(s));
    pg_bind_int(&st, s->ticket_id);
    pg_bind_id(&st, s->policy_id);
    pg_bind_id(&st, s->calendar_id);
    op_rc rc = pg_run(tx, &st, NULL, "sla_state_put");
    if (rc) return rc;
    pg_st_init(&st, "INSERT INTO ticket_sla_due(next_at, due_at, breached, ticket_id) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT(ticket_id) DO UPDATE SET "
                    "next_at = excluded.next_at, due_at = excluded.due_at, "
                    "breached = excluded.breached, lease_owner = NULL, lease_until = NULL");
    pg_bind_id(&st, s->next_at);
    pg_bind_id(&st, s->due_at);
    pg_bind_int(&st, s->breached);
    pg_bind_int(&st, s->ticket_id);
    return pg_run(tx, &st, NULL, "sla_due_put");
}

static op_rc state_reschedule(struct store_tx *t, const struct sla_state *s)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE ticket_sla_due SET next_at = $1, due_at = $2, breached = $3 "
                    "WHERE ticket_id = $4");
    pg_bind_id(&st, s->next_at);
    pg_bind_id(&st, s->due_at);
    pg_bind_int(&st, s->breached);
    pg_bind_int(&st, s->ticket_id);
    return pg_run_update(pg_tx(t), &st, "sla_state_reschedule");
}

static op_rc state_claim(struct store_tx *t, op_time now, const char *owner, op_time lease_until,
                         size_t limit, struct arena *a, struct id_list *out)
{
    struct pg_stmt st;
    /* SKIP LOCKED: rows another transaction is claiming are left to it */
    pg_st_init(&st, "UPDATE ticket_sla_due SET lease_owner = $1, lease_until = $2 "
                    "WHERE ticket_id IN (SELECT ticket_id FROM ticket_sla_due "
                    "WHERE next_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) "
                    "ORDER BY next_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING ticket_id");
    pg_bind_text(&st, owner);
    pg_bind_int(&st, lease_until);
    pg_bind_int(&st, now);
    bind_limit(&st, limit);
    return pg_list_ids(pg_tx(t), &st, a, out);
}

static op_rc state_lease_held(struct store_tx *t, int64_t ticket_id, const char *owner, op_time now,
                              bool *held)
{
    struct pg_stmt st;
    int64_t n = 0;
    pg_st_init(&st, "SELECT count(*) FROM ticket_sla_due WHERE ticket_id = $1 "
                    "AND lease_owner = $2 AND lease_until > $3");
    pg_bind_int(&st, ticket_id);
    pg_bind_text(&st, owner);
    pg_bind_int(&st, now);
    op_rc rc = pg_scalar(pg_tx(t), &st, &n, "sla_lease_held");
    *held = n > 0;
    return rc;
}

static op_rc state_next_at(struct store_tx *t, op_time *out)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT coalesce(min(next_at), 0) FROM ticket_sla_due");
    return pg_scalar(pg_tx(t), &st, out, "sla_state_next_at");
}

static op_rc state_scan(struct store_tx *t, int64_t calendar_id, int64_t after, size_t limit,
                        struct arena *a, struct sla_state **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT " STATE_COLS STATE_FROM " WHERE s.calendar_id = $1 AND s.running <> 0 "
                    "AND s.ticket_id > $2 ORDER BY s.ticket_id LIMIT $3");
    pg_bind_int(&st, calendar_id);
    pg_bind_int(&st, after);
    bind_limit(&st, limit);
    void *v;
    op_rc rc = pg_list(pg_tx(t), &st, state_row, sizeof(**out), a, &v, n, "sla_state_scan");
    *out = v;
    return rc;
}

/* ---- notifications ---- */

static op_rc notification_row(struct pg_row *r, void *out)
{
    struct notification *n = out;
    n->id = pg_col_int(r, 0);
    n->user_id = pg_col_int(r, 1);
    n->ticket_id = pg_col_int(r, 2);
    n->kind = pg_col_text(r, 3);
    n->text = pg_col_text(r, 4);
    n->created_at = pg_col_int(r, 5);
    n->read_at = pg_col_int(r, 6);
    return OP_OK;
}

static op_rc notification_insert(struct store_tx *t, struct notification *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "INSERT INTO notifications(user_id, ticket_id, kind, text, created_at, "
                    "read_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
    pg_bind_int(&st, n->user_id);
    pg_bind_id(&st, n->ticket_id);
    pg_bind_text(&st, n->kind);
    pg_bind_text(&st, n->text);
    pg_bind_int(&st, n->created_at);
    pg_bind_id(&st, n->read_at);
    return pg_run_insert(pg_tx(t), &st, &n->id, "notification_insert");
}

static op_rc notification_list(struct store_tx *t, int64_t user_id, bool unread_only,
                               int64_t after_id, size_t limit, struct arena *a,
                               struct notification **out, size_t *n)
{
    struct pg_stmt st;
    pg_st_init(&st, "SELECT id, user_id, ticket_id, kind, text, created_at, read_at "
                    "FROM notifications WHERE user_id = $1 AND id > $2 "
                    "AND ($3::integer = 0 OR read_at IS NULL) ORDER BY id LIMIT $4");
    pg_bind_int(&st, user_id);
    pg_bind_int(&st, after_id);
    pg_bind_int(&st, unread_only);
    bind_limit(&st, limit);
    void *v;
    op_rc rc =
        pg_list(pg_tx(t), &st, notification_row, sizeof(**out), a, &v, n, "notification_list");
    *out = v;
    return rc;
}

static op_rc notification_read(struct store_tx *t, int64_t user_id, int64_t id, op_time at)
{
    struct pg_stmt st;
    pg_st_init(&st, "UPDATE notifications SET read_at = coalesce(read_at, $1) "
                    "WHERE user_id = $2 AND ($3::bigint = 0 OR id = $3)");
    pg_bind_int(&st, at);
    pg_bind_int(&st, user_id);
    pg_bind_int(&st, id);
    if (id) return pg_run_update(pg_tx(t), &st, "notification_read");
    return pg_run(pg_tx(t), &st, NULL, "notification_read");
}

const struct store_sla_ops pg_sla_ops = {
    .calendar_insert = calendar_insert,
    .calendar_update = calendar_update,
    .calendar_get = calendar_get,
    .calendar_list = calendar_list,
    .calendar_delete = calendar_delete,
    .calendar_set_recompute = calendar_set_recompute,
    .calendar_version = calendar_version,
    .policy_insert = policy_insert,
    .policy_update = policy_update,
    .policy_get = policy_get,
    .policy_list = policy_list,
    .policy_delete = policy_delete,
    .policy_using_calendar = policy_using_calendar,
    .state_get = state_get,
    .state_put = state_put,
    .state_reschedule = state_reschedule,
    .state_claim = state_claim,
    .state_lease_held = state_lease_held,
    .state_next_at = state_next_at,
    .state_scan = state_scan,
    .notification_insert = notification_insert,
    .notification_list = notification_list,
    .notification_read = notification_read,
};
