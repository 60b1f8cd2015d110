/* sqlite_sla.c - calendars, SLA policies, ticket clocks and notifications in
 * SQLite (schema: migrations/sqlite/0002_sla.sql). */
#include "base/common.h"

#include "base/log.h"
#include "store/sqliteInt.h"
#include "store/store_sla.h"

/* ---- calendars ---- */

#define CAL_COLS "id, name, time_zone, always, week, recompute_after, created_at, updated_at"

/* "a|b|c|d|e|f|g" with each day's text, into out (from a). */
static char *week_format(const struct cal_day week[7], struct arena *a)
{
    char *out = arena_alloc(a, 7 * CAL_DAY_TEXT_MAX + 8);
    if (!out)
        return NULL;
    size_t at = 0;
    for (int d = 0; d < 7; d++) {
        char day[CAL_DAY_TEXT_MAX];
        cal_day_format(&week[d], day);
        at += (size_t)snprintf(out + at, 7 * CAL_DAY_TEXT_MAX + 8 - at, "%s%s", d ? "|" : "",
                               day);
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
        if (cal_day_parse(p, "week", &week[d], NULL))
            return OP_ERR_IO;
        p = bar ? bar + 1 : p + strlen(p);
    }
    return OP_OK;
}

static op_rc cal_row(struct sq_row *r, void *out)
{
    struct calendar_row *c = out;
    memset(c, 0, sizeof(*c));
    c->id = sq_col_int(r, 0);
    c->name = sq_col_text(r, 1);
    c->time_zone = sq_col_text(r, 2);
    c->always = sq_col_int(r, 3) != 0;
    const char *week = (const char *)sqlite3_column_text(r->st, 4);
    if (week_parse(week ? week : "", c->week)) {
        log_error("msg=\"damaged calendar week\" calendar=%" PRId64, c->id);
        return OP_ERR_IO;
    }
    c->recompute_after = sq_col_int(r, 5);
    c->created_at = sq_col_int(r, 6);
    c->updated_at = sq_col_int(r, 7);
    c->n_exc = (size_t)sqlite3_column_int64(r->st, 8);
    return OP_OK;
}

static op_rc cal_bind(sqlite3_stmt *st, const struct calendar_row *c, const char *week)
{
    int src = sq_bind_text(st, 1, c->name);
    src = src ? src : sq_bind_text(st, 2, c->time_zone);
    src = src ? src : sq_bind_int(st, 3, c->always);
    src = src ? src : sq_bind_text(st, 4, week);
    src = src ? src : sq_bind_int(st, 5, c->recompute_after);
    src = src ? src : sq_bind_int(st, 6, c->created_at);
    src = src ? src : sq_bind_int(st, 7, c->updated_at);
    return src;
}

static op_rc days_write(struct sq_tx *tx, const struct calendar_row *c)
{
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM calendar_days WHERE calendar_id = ?", c->id, &st);
    if (rc || (rc = sq_run(tx, st, SQLITE_OK, "calendar_days_clear")))
        return rc;
    for (size_t i = 0; i < c->n_exc; i++) {
        const struct cal_exception *e = &c->exc[i];
        char hours[CAL_DAY_TEXT_MAX];
        cal_day_format(&e->hours, hours);
        if ((rc = sq_prep(tx,
                          "INSERT INTO calendar_days(calendar_id, date, kind, hours, name) "
                          "VALUES (?, ?, ?, ?, ?)",
                          &st)))
            return rc;
        int src = sq_bind_int(st, 1, c->id);
        src = src ? src : sq_bind_int(st, 2, e->date);
        src = src ? src : sq_bind_int(st, 3, e->kind == CAL_WORKDAY);
        src = src ? src : sq_bind_text(st, 4, hours);
        src = src ? src : sq_bind_text(st, 5, e->name);
        if ((rc = sq_run(tx, st, src, "calendar_day_insert")))
            return rc;
    }
    return OP_OK;
}

static op_rc sq_calendar_insert(struct store_tx *t, struct calendar_row *c)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    struct arena a;
    arena_init(&a, 0);
    char *week = week_format(c->week, &a);
    op_rc rc = week ? OP_OK : OP_ERR_NOMEM;
    if (!rc)
        rc = sq_prep(tx,
                     "INSERT INTO calendars(name, time_zone, always, week, recompute_after, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     &st);
    if (!rc)
        rc = sq_run_insert(tx, st, cal_bind(st, c, week), "calendar_insert", &c->id);
    arena_release(&a);
    return rc ? rc : days_write(tx, c);
}

static op_rc sq_calendar_update(struct store_tx *t, const struct calendar_row *c)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    struct arena a;
    arena_init(&a, 0);
    char *week = week_format(c->week, &a);
    op_rc rc = week ? OP_OK : OP_ERR_NOMEM;
    if (!rc)
        rc = sq_prep(tx,
                     "UPDATE calendars SET name = ?, time_zone = ?, always = ?, week = ?, "
                     "recompute_after = ?, created_at = ?, updated_at = ?, "
                     "version = version + 1 WHERE id = ?",
                     &st);
    if (!rc) {
        int src = cal_bind(st, c, week);
        rc = sq_run_update(tx, st, src ? src : sq_bind_int(st, 8, c->id), "calendar_update");
    }
    arena_release(&a);
    return rc ? rc : days_write(tx, c);
}

static op_rc day_row(struct sq_row *r, void *out)
{
    struct cal_exception *e = out;
    e->date = (int32_t)sq_col_int(r, 0);
    e->kind = sq_col_int(r, 1) ? CAL_WORKDAY : CAL_HOLIDAY;
    const char *hours = (const char *)sqlite3_column_text(r->st, 2);
    if (cal_day_parse(hours ? hours : "", "hours", &e->hours, NULL))
        return OP_ERR_IO;
    e->name = sq_col_text(r, 3);
    return OP_OK;
}

static op_rc sq_calendar_get(struct store_tx *t, int64_t id, struct arena *a,
                             struct calendar_row *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          "SELECT " CAL_COLS ", 0 FROM calendars WHERE id = ?", id, &st);
    if (rc || (rc = sq_one(tx, st, cal_row, a, out, "calendar_get")))
        return rc;
    if ((rc = sq_prep_id(tx,
                         "SELECT date, kind, hours, name FROM calendar_days "
                         "WHERE calendar_id = ? ORDER BY date",
                         id, &st)))
        return rc;
    void *v;
    rc = sq_list(tx, st, day_row, sizeof(struct cal_exception), a, &v, &out->n_exc,
                 "calendar_days");
    out->exc = v;
    return rc;
}

static op_rc sq_calendar_list(struct store_tx *t, struct arena *a, struct calendar_row **out,
                              size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " CAL_COLS ", (SELECT count(*) FROM calendar_days d "
                       "WHERE d.calendar_id = c.id) FROM calendars c ORDER BY name, id",
                       &st);
    if (rc)
        return rc;
    void *v;
    rc = sq_list(tx, st, cal_row, sizeof(**out), a, &v, n, "calendar_list");
    *out = v;
    return rc;
}

static op_rc sq_calendar_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM calendars WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "calendar_delete");
}

static op_rc sq_calendar_version(struct store_tx *t, int64_t id, int64_t *version)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT version FROM calendars WHERE id = ?", id, &st);
    if (rc)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *version = sqlite3_column_int64(st, 0);
    sq_done(tx, st);
    return src == SQLITE_ROW ? OP_OK : src == SQLITE_DONE ? OP_ERR_NOTFOUND
                                                          : sq_fail(tx, src, "calendar_version");
}

static op_rc sq_calendar_set_recompute(struct store_tx *t, int64_t id, int64_t after)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "UPDATE calendars SET recompute_after = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, after);
    src = src ? src : sq_bind_int(st, 2, id);
    return sq_run_update(tx, st, src, "calendar_set_recompute");
}

/* ---- policies ---- */

#define POLICY_COLS                                                                            \
    "id, name, position, active, priority_mask, channel_mask, type_mask, group_ids, "          \
    "organization_ids, first_response_min, first_response_business, next_response_min, "      \
    "next_response_business, resolution_min, resolution_business, calendar_id, "               \
    "pause_on_pending, pause_on_hold, warn_percent, actions, escalate_group_id, "              \
    "escalate_tier, created_at, updated_at"

static op_rc ids_parse(struct sq_row *r, int col, struct id_list *out)
{
    const char *s = (const char *)sqlite3_column_text(r->st, col);
    out->v = NULL;
    out->n = 0;
    if (!s || !*s)
        return OP_OK;
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ' ';
    if (!(out->v = arena_alloc(r->a, cap * sizeof(int64_t))))
        return OP_ERR_NOMEM;
    char *end;
    for (const char *p = s; *p && out->n < cap;) {
        long long v = strtoll(p, &end, 10);
        if (end == p)
            return OP_ERR_IO;
        out->v[out->n++] = v;
        p = *end == ' ' ? end + 1 : end;
    }
    return OP_OK;
}

static char *ids_format(const struct id_list *l, struct arena *a)
{
    char *s = arena_alloc(a, l->n * 21 + 1);
    if (!s)
        return NULL;
    size_t at = 0;
    s[0] = '\0';
    for (size_t i = 0; i < l->n; i++)
        at += (size_t)snprintf(s + at, 22, "%s%" PRId64, i ? " " : "", l->v[i]);
    return s;
}

static op_rc policy_row(struct sq_row *r, void *out)
{
    struct sla_policy *p = out;
    memset(p, 0, sizeof(*p));
    p->id = sq_col_int(r, 0);
    p->name = sq_col_text(r, 1);
    p->position = (int)sq_col_int(r, 2);
    p->active = sq_col_int(r, 3) != 0;
    p->priority_mask = (unsigned)sq_col_int(r, 4);
    p->channel_mask = (unsigned)sq_col_int(r, 5);
    p->type_mask = (unsigned)sq_col_int(r, 6);
    op_rc rc = ids_parse(r, 7, &p->group_ids);
    if (rc || (rc = ids_parse(r, 8, &p->organization_ids)))
        return rc;
    for (int m = 0; m < SLA__METRICS; m++) {
        p->target[m].minutes = sq_col_int(r, 9 + 2 * m);
        p->target[m].business = sq_col_int(r, 10 + 2 * m) != 0;
    }
    p->calendar_id = sq_col_int(r, 15);
    p->pause_on_pending = sq_col_int(r, 16) != 0;
    p->pause_on_hold = sq_col_int(r, 17) != 0;
    p->warn_percent = (int)sq_col_int(r, 18);
    p->actions = (unsigned)sq_col_int(r, 19);
    p->escalate_group_id = sq_col_int(r, 20);
    p->escalate_tier = (int)sq_col_int(r, 21);
    p->created_at = sq_col_int(r, 22);
    p->updated_at = sq_col_int(r, 23);
    return OP_OK;
}

/* Binds every column but id to 1..23; the id lists' text is made in a. */
static int policy_bind(sqlite3_stmt *st, const struct sla_policy *p, struct arena *a)
{
    char *groups = ids_format(&p->group_ids, a), *orgs = ids_format(&p->organization_ids, a);
    if (!groups || !orgs)
        return SQLITE_NOMEM;
    int src = sq_bind_text(st, 1, p->name);
    src = src ? src : sq_bind_int(st, 2, p->position);
    src = src ? src : sq_bind_int(st, 3, p->active);
    src = src ? src : sq_bind_int(st, 4, p->priority_mask);
    src = src ? src : sq_bind_int(st, 5, p->channel_mask);
    src = src ? src : sq_bind_int(st, 6, p->type_mask);
    src = src ? src : sqlite3_bind_text(st, 7, groups, -1, SQLITE_TRANSIENT);
    src = src ? src : sqlite3_bind_text(st, 8, orgs, -1, SQLITE_TRANSIENT);
    for (int m = 0; m < SLA__METRICS; m++) {
        src = src ? src : sq_bind_int(st, 9 + 2 * m, p->target[m].minutes);
        src = src ? src : sq_bind_int(st, 10 + 2 * m, p->target[m].business);
    }
    src = src ? src : sq_bind_id(st, 15, p->calendar_id);
    src = src ? src : sq_bind_int(st, 16, p->pause_on_pending);
    src = src ? src : sq_bind_int(st, 17, p->pause_on_hold);
    src = src ? src : sq_bind_int(st, 18, p->warn_percent);
    src = src ? src : sq_bind_int(st, 19, p->actions);
    src = src ? src : sq_bind_id(st, 20, p->escalate_group_id);
    src = src ? src : sq_bind_int(st, 21, p->escalate_tier);
    src = src ? src : sq_bind_int(st, 22, p->created_at);
    src = src ? src : sq_bind_int(st, 23, p->updated_at);
    return src;
}

static op_rc sq_policy_insert(struct store_tx *t, struct sla_policy *p)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    struct arena a;
    arena_init(&a, 0);
    op_rc rc = sq_prep(tx,
                       "INSERT INTO sla_policies(name, position, active, priority_mask, "
                       "channel_mask, type_mask, group_ids, organization_ids, "
                       "first_response_min, first_response_business, next_response_min, "
                       "next_response_business, resolution_min, resolution_business, "
                       "calendar_id, pause_on_pending, pause_on_hold, warn_percent, actions, "
                       "escalate_group_id, escalate_tier, created_at, updated_at) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st);
    if (!rc)
        rc = sq_run_insert(tx, st, policy_bind(st, p, &a), "policy_insert", &p->id);
    arena_release(&a);
    return rc;
}

static op_rc sq_policy_update(struct store_tx *t, const struct sla_policy *p)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    struct arena a;
    arena_init(&a, 0);
    op_rc rc = sq_prep(tx,
                       "UPDATE sla_policies SET name = ?, position = ?, active = ?, "
                       "priority_mask = ?, channel_mask = ?, type_mask = ?, group_ids = ?, "
                       "organization_ids = ?, first_response_min = ?, "
                       "first_response_business = ?, next_response_min = ?, "
                       "next_response_business = ?, resolution_min = ?, "
                       "resolution_business = ?, calendar_id = ?, pause_on_pending = ?, "
                       "pause_on_hold = ?, warn_percent = ?, actions = ?, "
                       "escalate_group_id = ?, escalate_tier = ?, created_at = ?, "
                       "updated_at = ? WHERE id = ?",
                       &st);
    if (!rc) {
        int src = policy_bind(st, p, &a);
        rc = sq_run_update(tx, st, src ? src : sq_bind_int(st, 24, p->id), "policy_update");
    }
    arena_release(&a);
    return rc;
}

static op_rc sq_policy_get(struct store_tx *t, int64_t id, struct arena *a,
                           struct sla_policy *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " POLICY_COLS " FROM sla_policies WHERE id = ?", id, &st);
    return rc ? rc : sq_one(tx, st, policy_row, a, out, "policy_get");
}

static op_rc sq_policy_list(struct store_tx *t, struct arena *a, struct sla_policy **out,
                            size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT " POLICY_COLS " FROM sla_policies ORDER BY position, id", &st);
    if (rc)
        return rc;
    void *v;
    rc = sq_list(tx, st, policy_row, sizeof(**out), a, &v, n, "policy_list");
    *out = v;
    return rc;
}

static op_rc sq_policy_delete(struct store_tx *t, int64_t id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "DELETE FROM sla_policies WHERE id = ?", id, &st);
    return rc ? rc : sq_run_update(tx, st, SQLITE_OK, "policy_delete");
}

static op_rc sq_policy_using_calendar(struct store_tx *t, int64_t calendar_id, int64_t *policy_id)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx,
                          "SELECT coalesce(min(id), 0) FROM sla_policies WHERE calendar_id = ?",
                          calendar_id, &st);
    return rc ? rc : sq_scalar(tx, st, policy_id, "policy_using_calendar");
}

/* ---- ticket clocks ---- */

#define STATE_COLS                                                                             \
    "s.ticket_id, s.policy_id, s.calendar_id, s.clocks, d.next_at, d.due_at, d.breached"
#define STATE_FROM " FROM ticket_sla s JOIN ticket_sla_due d ON d.ticket_id = s.ticket_id"

static op_rc state_row(struct sq_row *r, void *out)
{
    struct sla_state *s = out;
    memset(s, 0, sizeof(*s));
    const void *b = sqlite3_column_blob(r->st, 3);
    int n = sqlite3_column_bytes(r->st, 3);
    if (sla_state_decode(b, (size_t)n, s)) {
        log_error("msg=\"damaged SLA clocks\" ticket=%" PRId64, sq_col_int(r, 0));
        return OP_ERR_IO;
    }
    s->ticket_id = sq_col_int(r, 0);
    s->policy_id = sq_col_int(r, 1);
    s->calendar_id = sq_col_int(r, 2);
    s->next_at = sq_col_int(r, 4);
    s->due_at = sq_col_int(r, 5);
    s->breached = sq_col_int(r, 6) != 0;
    return OP_OK;
}

static op_rc sq_state_get(struct store_tx *t, int64_t ticket_id, struct sla_state *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep_id(tx, "SELECT " STATE_COLS STATE_FROM " WHERE s.ticket_id = ?",
                          ticket_id, &st);
    return rc ? rc : sq_one(tx, st, state_row, NULL, out, "sla_state_get");
}

static bool state_running(const struct sla_state *s)
{
    for (int m = 0; m < SLA__METRICS; m++)
        if (s->c[m].running_since && s->c[m].target_ms)
            return true;
    return false;
}

/* The narrow row: next_at, due_at, breached of s; frees the lease. */
static op_rc due_put(struct sq_tx *tx, const struct sla_state *s, bool insert)
{
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       insert ? "INSERT INTO ticket_sla_due(next_at, due_at, breached, ticket_id) "
                                "VALUES (?1, ?2, ?3, ?4)"
                              : "UPDATE ticket_sla_due SET next_at = ?1, due_at = ?2, "
                                "breached = ?3, lease_owner = NULL, lease_until = NULL "
                                "WHERE ticket_id = ?4",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_id(st, 1, s->next_at);
    src = src ? src : sq_bind_id(st, 2, s->due_at);
    src = src ? src : sq_bind_int(st, 3, s->breached);
    src = src ? src : sq_bind_int(st, 4, s->ticket_id);
    return sq_run(tx, st, src, "sla_due_put");
}

/* Writing a ticket's clocks is an UPDATE of one row by its key, and an
 * INSERT only the first time: an upsert or a statement that may touch a
 * foreign key opens a statement journal, whose release walks every page
 * the transaction has written so far (a recompute of a million clocks in
 * chunks of 20,000 took minutes that way). */
static op_rc sq_state_put(struct store_tx *t, const struct sla_state *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    uint8_t clocks[SLA_STATE_BYTES];
    sla_state_encode(s, clocks);
    op_rc rc = sq_prep(tx, "UPDATE ticket_sla SET clocks = ?1, running = ?2 WHERE ticket_id = ?3",
                       &st);
    if (rc)
        return rc;
    int src = sqlite3_bind_blob(st, 1, clocks, SLA_STATE_BYTES, SQLITE_STATIC);
    src = src ? src : sq_bind_int(st, 2, state_running(s));
    src = src ? src : sq_bind_int(st, 3, s->ticket_id);
    if ((rc = sq_run(tx, st, src, "sla_state_put")))
        return rc;
    if (sqlite3_changes(tx->db) == 0) {
        if ((rc = sq_prep(tx,
                          "INSERT INTO ticket_sla(clocks, running, ticket_id, policy_id, "
                          "calendar_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                          &st)))
            return rc;
        src = sqlite3_bind_blob(st, 1, clocks, SLA_STATE_BYTES, SQLITE_STATIC);
        src = src ? src : sq_bind_int(st, 2, state_running(s));
        src = src ? src : sq_bind_int(st, 3, s->ticket_id);
        src = src ? src : sq_bind_id(st, 4, s->policy_id);
        src = src ? src : sq_bind_id(st, 5, s->calendar_id);
        if ((rc = sq_run(tx, st, src, "sla_state_put")))
            return rc;
        return due_put(tx, s, true);
    }
    if ((rc = due_put(tx, s, false)))
        return rc;
    /* the policy and calendar change rarely: only then touch their keys */
    int64_t policy = 0, calendar = 0;
    if ((rc = sq_prep_id(tx,
                         "SELECT coalesce(policy_id, 0), coalesce(calendar_id, 0) "
                         "FROM ticket_sla WHERE ticket_id = ?",
                         s->ticket_id, &st)))
        return rc;
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        policy = sqlite3_column_int64(st, 0);
        calendar = sqlite3_column_int64(st, 1);
    }
    sq_done(tx, st);
    if (src != SQLITE_ROW)
        return sq_fail(tx, src, "sla_state_put");
    if (policy == s->policy_id && calendar == s->calendar_id)
        return OP_OK;
    if ((rc = sq_prep(tx, "UPDATE ticket_sla SET policy_id = ?, calendar_id = ? WHERE ticket_id = ?",
                      &st)))
        return rc;
    src = sq_bind_id(st, 1, s->policy_id);
    src = src ? src : sq_bind_id(st, 2, s->calendar_id);
    src = src ? src : sq_bind_int(st, 3, s->ticket_id);
    return sq_run(tx, st, src, "sla_state_put");
}

static op_rc sq_state_reschedule(struct store_tx *t, const struct sla_state *s)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE ticket_sla_due SET next_at = ?1, due_at = ?2, breached = ?3 "
                       "WHERE ticket_id = ?4",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_id(st, 1, s->next_at);
    src = src ? src : sq_bind_id(st, 2, s->due_at);
    src = src ? src : sq_bind_int(st, 3, s->breached);
    src = src ? src : sq_bind_int(st, 4, s->ticket_id);
    return sq_run_update(tx, st, src, "sla_state_reschedule");
}

static op_rc sq_state_claim(struct store_tx *t, op_time now, const char *owner,
                            op_time lease_until, size_t limit, struct arena *a,
                            struct id_list *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE ticket_sla_due SET lease_owner = ?1, lease_until = ?2 "
                       "WHERE ticket_id IN (SELECT ticket_id FROM ticket_sla_due "
                       "WHERE next_at <= ?3 AND (lease_until IS NULL OR lease_until <= ?3) "
                       "ORDER BY next_at LIMIT ?4) RETURNING ticket_id",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_text(st, 1, owner);
    src = src ? src : sq_bind_int(st, 2, lease_until);
    src = src ? src : sq_bind_int(st, 3, now);
    src = src ? src : sq_bind_int(st, 4, sq_limit(limit));
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "sla_state_claim");
    }
    return sq_list_ids(tx, st, a, out);
}

static op_rc sq_state_lease_held(struct store_tx *t, int64_t ticket_id, const char *owner,
                                 op_time now, bool *held)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT count(*) FROM ticket_sla_due WHERE ticket_id = ? AND lease_owner = ? "
                       "AND lease_until > ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, ticket_id);
    src = src ? src : sq_bind_text(st, 2, owner);
    src = src ? src : sq_bind_int(st, 3, now);
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "sla_lease_held");
    }
    int64_t n = 0;
    rc = sq_scalar(tx, st, &n, "sla_lease_held");
    *held = n > 0;
    return rc;
}

static op_rc sq_state_next_at(struct store_tx *t, op_time *out)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx, "SELECT coalesce(min(next_at), 0) FROM ticket_sla_due", &st);
    return rc ? rc : sq_scalar(tx, st, out, "sla_state_next_at");
}

static op_rc sq_state_scan(struct store_tx *t, int64_t calendar_id, int64_t after, size_t limit,
                           struct arena *a, struct sla_state **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT " STATE_COLS STATE_FROM " WHERE s.calendar_id = ? AND s.running "
                       "AND s.ticket_id > ? ORDER BY s.ticket_id LIMIT ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, calendar_id);
    src = src ? src : sq_bind_int(st, 2, after);
    src = src ? src : sq_bind_int(st, 3, sq_limit(limit));
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "sla_state_scan");
    }
    void *v;
    rc = sq_list(tx, st, state_row, sizeof(**out), a, &v, n, "sla_state_scan");
    *out = v;
    return rc;
}

/* ---- notifications ---- */

static op_rc notification_row(struct sq_row *r, void *out)
{
    struct notification *n = out;
    n->id = sq_col_int(r, 0);
    n->user_id = sq_col_int(r, 1);
    n->ticket_id = sq_col_int(r, 2);
    n->kind = sq_col_text(r, 3);
    n->text = sq_col_text(r, 4);
    n->created_at = sq_col_int(r, 5);
    n->read_at = sq_col_int(r, 6);
    return OP_OK;
}

static op_rc sq_notification_insert(struct store_tx *t, struct notification *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "INSERT INTO notifications(user_id, ticket_id, kind, text, created_at, "
                       "read_at) VALUES (?, ?, ?, ?, ?, ?)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, n->user_id);
    src = src ? src : sq_bind_id(st, 2, n->ticket_id);
    src = src ? src : sq_bind_text(st, 3, n->kind);
    src = src ? src : sq_bind_text(st, 4, n->text);
    src = src ? src : sq_bind_int(st, 5, n->created_at);
    src = src ? src : sq_bind_id(st, 6, n->read_at);
    return sq_run_insert(tx, st, src, "notification_insert", &n->id);
}

static op_rc sq_notification_list(struct store_tx *t, int64_t user_id, bool unread_only,
                                  int64_t after_id, size_t limit, struct arena *a,
                                  struct notification **out, size_t *n)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "SELECT id, user_id, ticket_id, kind, text, created_at, read_at "
                       "FROM notifications WHERE user_id = ? AND id > ? "
                       "AND (? = 0 OR read_at IS NULL) ORDER BY id LIMIT ?",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, user_id);
    src = src ? src : sq_bind_int(st, 2, after_id);
    src = src ? src : sq_bind_int(st, 3, unread_only);
    src = src ? src : sq_bind_int(st, 4, sq_limit(limit));
    if (src) {
        sq_done(tx, st);
        return sq_fail(tx, src, "notification_list");
    }
    void *v;
    rc = sq_list(tx, st, notification_row, sizeof(**out), a, &v, n, "notification_list");
    *out = v;
    return rc;
}

static op_rc sq_notification_read(struct store_tx *t, int64_t user_id, int64_t id, op_time at)
{
    struct sq_tx *tx = sq_tx(t);
    sqlite3_stmt *st;
    op_rc rc = sq_prep(tx,
                       "UPDATE notifications SET read_at = coalesce(read_at, ?1) "
                       "WHERE user_id = ?2 AND (?3 = 0 OR id = ?3)",
                       &st);
    if (rc)
        return rc;
    int src = sq_bind_int(st, 1, at);
    src = src ? src : sq_bind_int(st, 2, user_id);
    src = src ? src : sq_bind_int(st, 3, id);
    if (id)
        return sq_run_update(tx, st, src, "notification_read");
    return sq_run(tx, st, src, "notification_read");
}

const struct store_sla_ops sqlite_sla_ops = {
    .calendar_insert = sq_calendar_insert,
    .calendar_update = sq_calendar_update,
    .calendar_get = sq_calendar_get,
    .calendar_list = sq_calendar_list,
    .calendar_delete = sq_calendar_delete,
    .calendar_set_recompute = sq_calendar_set_recompute,
    .calendar_version = sq_calendar_version,
    .policy_insert = sq_policy_insert,
    .policy_update = sq_policy_update,
    .policy_get = sq_policy_get,
    .policy_list = sq_policy_list,
    .policy_delete = sq_policy_delete,
    .policy_using_calendar = sq_policy_using_calendar,
    .state_get = sq_state_get,
    .state_put = sq_state_put,
    .state_reschedule = sq_state_reschedule,
    .state_claim = sq_state_claim,
    .state_lease_held = sq_state_lease_held,
    .state_next_at = sq_state_next_at,
    .state_scan = sq_state_scan,
    .notification_insert = sq_notification_insert,
    .notification_list = sq_notification_list,
    .notification_read = sq_notification_read,
};
