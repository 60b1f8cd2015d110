/* kpi.c - keeping the KPI facts (job, rebuild) and the reports made from
 * them. The rules are docs/kpi.md; the per-ticket arithmetic is core/kpi.c. */
#include "base/common.h"

#include "app/internal.h"
#include "app/kpi.h"
#include "app/sla_env.h"
#include "app/surveys.h"
#include "base/log.h"
#include "base/tz.h"
#include "store/store_kpi.h"

#define KPI_LEASE "kpi"
#define KPI_LEASE_MS 60000
#define KPI_REBUILD_BATCH 2000 /* tickets per transaction */
#define KPI_JOB_EVENTS 5000    /* events per job step */
#define KPI_MAX_DAYS 1100      /* a report spans at most about three years */
#define KPI_MAX_KEYS 8192      /* rows of one report */

/* ---- computing facts ---- */

/* staff_ids is ascending: a binary search (13.9M events in a rebuild). */
static bool staff_has(void *ctx, int64_t id)
{
    const struct id_list *l = ctx;
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->v[mid] == id)
            return true;
        if (l->v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Computes and writes the facts of the tickets of src. */
static op_rc put_sources(struct store_tx *tx, struct sla_ctx *sc, const struct id_list *staff,
                         const struct kpi_source *src, size_t n)
{
    op_rc rc = OP_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const struct calendar *cal = NULL;
        if (src[i].calendar_id && (rc = sla_ctx_calendar(tx, sc, src[i].calendar_id, &cal))) {
            if (rc != OP_ERR_NOTFOUND) return rc;
            cal = NULL; /* a deleted calendar: calendar time, as for tickets without one */
            rc = OP_OK;
        }
        struct kpi_facts f;
        kpi_facts_compute(&src[i].t, src[i].ev, src[i].nev, cal, staff_has, (void *)staff, &f);
        rc = tx->ops->kpi->facts_put(tx, &f);
    }
    return rc;
}

struct rebuild_job {
    struct app *app;
    int64_t lo, hi;    /* ticket ids of this batch */
    int64_t max_event; /* the cursor to set (last batch) */
    bool first, last, busy;
    int64_t done;
};

static op_rc rebuild_fn(struct store_tx *tx, void *arg)
{
    struct rebuild_job *j = arg;
    struct arena a = ARENA_INIT(0);
    op_time now = app_now(j->app);
    bool got = false;
    struct id_list staff;
    struct kpi_source *src;
    size_t n = 0;
    struct sla_ctx sc;
    op_rc rc = tx->ops->lease_take(tx, KPI_LEASE, j->app->node_id, now, now + KPI_LEASE_MS, &got);
    if (rc) goto end;
    if (!got) {
        j->busy = true;
        goto end;
    }
    if (j->first && (rc = tx->ops->kpi->facts_clear(tx))) goto end;
    sla_ctx_init(&sc, j->app, &a);
    if ((rc = tx->ops->kpi->staff_ids(tx, &a, &staff)) ||
        (rc = tx->ops->kpi->sources(tx, j->lo, j->hi, &a, &src, &n)) ||
        (rc = put_sources(tx, &sc, &staff, src, n)))
        goto end;
    j->done += (int64_t)n;
    if (j->last && ((rc = tx->ops->kpi->cursor_put(tx, j->max_event)) ||
                    (rc = tx->ops->lease_release(tx, KPI_LEASE, j->app->node_id))))
        goto end;
end:
    arena_release(&a);
    return rc;
}

static op_rc max_ids_fn(struct store_tx *tx, void *arg)
{
    int64_t *v = arg;
    return tx->ops->kpi ? tx->ops->kpi->max_ids(tx, &v[0], &v[1]) : OP_ERR_UNAVAILABLE;
}

op_rc kpi_rebuild(struct app *app, int64_t *tickets, struct op_err *err)
{
    int64_t max[2] = {0, 0};
    *tickets = 0;
    op_rc rc = app_run(app, true, max_ids_fn, max);
    if (rc) return rc;
    struct rebuild_job j = {.app = app, .max_event = max[1], .first = true};
    for (int64_t lo = 1;; lo += KPI_REBUILD_BATCH) {
        j.lo = lo;
        j.hi = lo + KPI_REBUILD_BATCH - 1;
        j.last = j.hi >= max[0];
        if ((rc = app_run(app, false, rebuild_fn, &j))) return rc;
        if (j.busy) return op_fail(err, OP_ERR_CONFLICT, "kpi", MSG_ERR_KPI_BUSY);
        j.first = false;
        if (j.last) break;
    }
    *tickets = j.done;
    return OP_OK;
}

/* One step of the job in two transactions: the facts of the tickets the
 * next events touched are computed in a read snapshot, then written with
 * the cursor in a short write transaction (a long one would hold up every
 * request's write behind it). Events that come in between are after the
 * cursor: the next step recomputes their tickets. */
struct catch_job {
    struct app *app;
    size_t limit;
    bool more, busy;
    struct arena *a;
    int64_t cursor, last;
    struct kpi_facts *facts;
    size_t n;
};

static op_rc compute_fn(struct store_tx *tx, void *arg)
{
    struct catch_job *j = arg;
    struct id_list touched, staff;
    struct sla_ctx sc;
    op_rc rc;
    j->n = 0;
    if ((rc = tx->ops->kpi->cursor_get(tx, &j->cursor)) ||
        (rc = tx->ops->kpi->touched(tx, j->cursor, j->limit, j->a, &touched, &j->last)) ||
        j->last == j->cursor)
        return rc;
    if (!(j->facts = arena_alloc(j->a, (touched.n + 1) * sizeof(*j->facts))))
        return OP_ERR_NOMEM;
    sla_ctx_init(&sc, j->app, j->a);
    if ((rc = tx->ops->kpi->staff_ids(tx, j->a, &staff)))
        return rc;
    for (size_t i = 0; i < touched.n && !rc; i++) {
        struct kpi_source *src;
        size_t n;
        if ((rc = tx->ops->kpi->sources(tx, touched.v[i], touched.v[i], j->a, &src, &n)))
            break;
        for (size_t k = 0; k < n && !rc; k++) {
            const struct calendar *cal = NULL;
            if (src[k].calendar_id && (rc = sla_ctx_calendar(tx, &sc, src[k].calendar_id, &cal))) {
                if (rc != OP_ERR_NOTFOUND)
                    break;
                cal = NULL; /* a deleted calendar: calendar time */
                rc = OP_OK;
            }
            kpi_facts_compute(&src[k].t, src[k].ev, src[k].nev, cal, staff_has, &staff,
                              &j->facts[j->n++]);
        }
    }
    return rc;
}

static op_rc catch_fn(struct store_tx *tx, void *arg)
{
    struct catch_job *j = arg;
    op_time now = app_now(j->app);
    bool got = false;
    int64_t cursor = 0, max_t = 0, max_e = 0;
    op_rc rc = tx->ops->lease_take(tx, KPI_LEASE, j->app->node_id, now, now + KPI_LEASE_MS, &got);
    if (rc)
        return rc;
    if (!got) {
        j->busy = true; /* another node is on it */
        return OP_OK;
    }
    if ((rc = tx->ops->kpi->cursor_get(tx, &cursor)))
        return rc;
    if (cursor == j->cursor) { /* else a rebuild or another node moved on: compute again */
        for (size_t i = 0; i < j->n && !rc; i++)
            rc = tx->ops->kpi->facts_put(tx, &j->facts[i]);
        if (rc || (rc = tx->ops->kpi->cursor_put(tx, j->last)))
            return rc;
    }
    if ((rc = tx->ops->kpi->max_ids(tx, &max_t, &max_e)))
        return rc;
    j->more = max_e > (cursor == j->cursor ? j->last : cursor);
    /* held only for this step: a rebuild (which holds it across its
     * batches) may take it between two steps */
    return tx->ops->lease_release(tx, KPI_LEASE, j->app->node_id);
}

struct peek {
    int64_t cursor, max_t, max_e;
};

static op_rc peek_fn(struct store_tx *tx, void *arg)
{
    struct peek *p = arg;
    if (!tx->ops->kpi) return OP_OK; /* a backend without KPI tables yet: nothing to follow */
    op_rc rc = tx->ops->kpi->cursor_get(tx, &p->cursor);
    return rc ? rc : tx->ops->kpi->max_ids(tx, &p->max_t, &p->max_e);
}

op_rc kpi_catch_up(struct app *app, size_t limit, bool *more)
{
    struct peek p = {0};
    *more = false;
    /* a read first: an idle server does not write every tick */
    op_rc rc = app_run(app, true, peek_fn, &p);
    if (rc || p.cursor >= p.max_e) return rc;
    struct arena a = ARENA_INIT(0);
    struct catch_job j = {.app = app, .limit = limit ? limit : KPI_JOB_EVENTS, .a = &a};
    rc = app_run(app, true, compute_fn, &j);
    if (!rc && j.last != j.cursor)
        rc = app_run(app, false, catch_fn, &j);
    *more = !rc && j.more && !j.busy;
    arena_release(&a);
    return rc;
}

op_rc kpi_job(struct app *app, op_time now, op_time *next_at)
{
    bool more = false;
    op_rc rc = kpi_catch_up(app, 0, &more);
    *next_at = more ? now : 0; /* behind: again at once; else the next tick */
    return rc;
}

/* ---- reports: grouping ---- */

static const char *const group_by_names[KG__COUNT] = {
    "none", "agent", "group", "tier", "channel", "organization", "day", "week", "month"};

const char *kpi_group_by_name(enum kpi_group_by g)
{
    return (unsigned)g < KG__COUNT ? group_by_names[g] : "?";
}

int kpi_group_by_parse(const char *s)
{
    for (int i = 0; i < KG__COUNT; i++)
        if (s && strcmp(s, group_by_names[i]) == 0) return i;
    return -1;
}

const char *const kpi_age_bucket_names[KPI_AGE_BUCKETS] = {"lt_1d", "1d_3d", "3d_7d", "7d_30d",
                                                           "ge_30d"};

/* The durations a report row collects, for its medians and p90s. */
enum vec_kind {
    V_FRT_C,
    V_FRT_B,
    V_RES_C,
    V_RES_B,
    V_WAIT_C,
    V_WAIT_B,
    V_NRW_C,
    V_NRW_B,
    V_AHT,
    NVEC
};

/* The accumulating form of a report row. */
struct acc {
    struct kpi_row r;
    struct kpi_vec vec[NVEC]; /* the durations of solved tickets, by enum vec_kind */
    int64_t nr_sum_c, nr_sum_b;
    int64_t age[KPI_AGE_BUCKETS]; /* backlog */
};

/* Rows by key. Its memory is malloc'd (rows and their vectors grow with
 * the period); table_release frees it all. */
struct table {
    int64_t *keys; /* open addressing; KEY_EMPTY free */
    int32_t *slot_row;
    size_t cap;
    struct acc *rows;
    size_t n, rows_cap;
};

#define KEY_EMPTY INT64_MIN

static void acc_release(struct acc *x)
{
    for (int i = 0; i < NVEC; i++)
        kpi_vec_release(&x->vec[i]);
}

static op_rc table_init(struct table *t)
{
    *t = (struct table){.cap = 2 * KPI_MAX_KEYS};
    t->keys = malloc(t->cap * sizeof(*t->keys));
    t->slot_row = malloc(t->cap * sizeof(*t->slot_row));
    if (!t->keys || !t->slot_row) return OP_ERR_NOMEM;
    for (size_t i = 0; i < t->cap; i++)
        t->keys[i] = KEY_EMPTY;
    return OP_OK;
}

static void table_release(struct table *t)
{
    for (size_t i = 0; i < t->n; i++)
        acc_release(&t->rows[i]);
    free(t->keys);
    free(t->slot_row);
    free(t->rows);
    *t = (struct table){0};
}

static op_rc table_get(struct table *t, int64_t key, struct acc **out)
{
    size_t i = ((uint64_t)key * 0x9E3779B97F4A7C15ull >> 20) & (t->cap - 1);
    while (t->keys[i] != KEY_EMPTY && t->keys[i] != key)
        i = (i + 1) & (t->cap - 1);
    if (t->keys[i] == KEY_EMPTY) {
        if (t->n == KPI_MAX_KEYS) return OP_ERR_TOOBIG;
        if (t->n == t->rows_cap) {
            size_t cap = t->rows_cap ? t->rows_cap * 2 : 64;
            struct acc *rows = realloc(t->rows, cap * sizeof(*rows));
            if (!rows) return OP_ERR_NOMEM;
            t->rows = rows;
            t->rows_cap = cap;
        }
        t->keys[i] = key;
        t->slot_row[i] = (int32_t)t->n;
        t->rows[t->n] = (struct acc){.r = {.key = key, .label = "", .online_ms = -1}};
        t->n++;
    }
    *out = &t->rows[t->slot_row[i]];
    return OP_OK;
}

/* ---- reports: the period and buckets ---- */

static int32_t local_date(const struct tz *z, op_time t)
{
    int64_t s = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
    int64_t l = s + tz_offset(z, s);
    return (int32_t)(l >= 0 ? l / 86400 : -((-l + 86399) / 86400));
}

static op_time date_start(const struct tz *z, int32_t date)
{
    return tz_utc_of_local(z, (int64_t)date * 86400) * 1000;
}

static int32_t bucket_of(enum kpi_group_by g, const struct tz *z, op_time t)
{
    int32_t d = local_date(z, t);
    if (g == KG_WEEK) return d - cal_weekday(d);
    if (g == KG_MONTH) {
        int y, m, dd;
        cal_ymd(d, &y, &m, &dd);
        return cal_date(y, m, 1);
    }
    return d;
}

static int64_t tier_of(const struct group *g, size_t ng, int64_t group_id)
{
    for (size_t i = 0; i < ng; i++)
        if (g[i].id == group_id) return g[i].tier;
    return -1;
}

/* The key of f's row under g, for time buckets at instant t. */
static int64_t key_of(enum kpi_group_by g, const struct tz *z, const struct kpi_facts *f, op_time t,
                      const struct group *groups, size_t ng)
{
    switch (g) {
    case KG_AGENT:
        return f->agent_id;
    case KG_GROUP:
        return f->group_id;
    case KG_TIER:
        return tier_of(groups, ng, f->group_id);
    case KG_CHANNEL:
        return f->channel;
    case KG_ORGANIZATION:
        return f->organization_id;
    case KG_DAY:
    case KG_WEEK:
    case KG_MONTH:
        return bucket_of(g, z, t);
    default:
        return 0;
    }
}

static op_rc push_pair(struct kpi_vec *c, struct kpi_vec *b, struct kpi_dur d)
{
    op_rc rc = kpi_vec_push(c, d.cal);
    return rc ? rc : kpi_vec_push(b, d.bus);
}

/* Adds f's solved-ticket numbers to x. */
static op_rc add_solved(struct acc *x, const struct kpi_facts *f, enum kpi_fcr_rule fcr,
                        bool values)
{
    struct kpi_row *r = &x->r;
    r->solved++;
    r->reopened += f->reopens > 0;
    r->reopens += f->reopens;
    r->escalated[0] += f->esc_l1_l2;
    r->escalated[1] += f->esc_l2_tech;
    r->escalated[2] += f->esc_other;
    r->handed_back += f->handed_back;
    r->fcr += kpi_fcr(f, fcr);
    r->next_n += f->next_n;
    x->nr_sum_c += f->next_sum_cal;
    x->nr_sum_b += f->next_sum_bus;
    for (int m = 0; m < 3; m++) {
        r->sla_met[m] += f->sla_met[m];
        r->sla_breached[m] += f->sla_breached[m];
    }
    if (!values) return OP_OK; /* the total's come from its rows' (concat_total) */
    struct kpi_vec *v = x->vec;
    op_rc rc = push_pair(&v[V_FRT_C], &v[V_FRT_B], f->first_response);
    rc = rc ? rc : push_pair(&v[V_RES_C], &v[V_RES_B], f->resolution);
    rc = rc ? rc : push_pair(&v[V_WAIT_C], &v[V_WAIT_B], f->requester_wait);
    rc = rc ? rc : push_pair(&v[V_NRW_C], &v[V_NRW_B], f->next_worst);
    rc = rc ? rc : kpi_vec_push(&v[V_AHT], f->aht_ms);
    return rc;
}

/* The total's values: its rows' together (each solved ticket is in exactly
 * one row), copied once at the exact size rather than pushed twice. */
static op_rc concat_total(struct acc *total, const struct table *t)
{
    for (int k = 0; k < NVEC; k++) {
        size_t n = 0;
        for (size_t i = 0; i < t->n; i++)
            n += t->rows[i].vec[k].n;
        struct kpi_vec *v = &total->vec[k];
        if (!n) continue;
        if (!(v->v = malloc(n * sizeof(*v->v)))) return OP_ERR_NOMEM;
        v->cap = n;
        for (size_t i = 0; i < t->n; i++) {
            const struct kpi_vec *r = &t->rows[i].vec[k];
            if (r->n) memcpy(v->v + v->n, r->v, r->n * sizeof(*r->v));
            v->n += r->n;
        }
    }
    return OP_OK;
}

static int64_t mean_of(int64_t sum, int64_t n)
{
    return n ? (sum + n / 2) / n : KPI_NONE;
}

static void finish(struct acc *x)
{
    struct kpi_row *r = &x->r;
    struct kpi_vec *v = x->vec;
    kpi_stat_of(v[V_FRT_C].v, v[V_FRT_C].n, &r->first_response.cal);
    kpi_stat_of(v[V_FRT_B].v, v[V_FRT_B].n, &r->first_response.bus);
    kpi_stat_of(v[V_RES_C].v, v[V_RES_C].n, &r->resolution.cal);
    kpi_stat_of(v[V_RES_B].v, v[V_RES_B].n, &r->resolution.bus);
    kpi_stat_of(v[V_WAIT_C].v, v[V_WAIT_C].n, &r->requester_wait.cal);
    kpi_stat_of(v[V_WAIT_B].v, v[V_WAIT_B].n, &r->requester_wait.bus);
    kpi_stat_of(v[V_NRW_C].v, v[V_NRW_C].n, &r->next_response_worst.cal);
    kpi_stat_of(v[V_NRW_B].v, v[V_NRW_B].n, &r->next_response_worst.bus);
    kpi_stat_of(v[V_AHT].v, v[V_AHT].n, &r->aht);
    r->next_mean_cal = mean_of(x->nr_sum_c, r->next_n);
    r->next_mean_bus = mean_of(x->nr_sum_b, r->next_n);
}

static int cmp_row(const void *pa, const void *pb)
{
    const struct kpi_row *a = pa, *b = pb;
    return (a->key > b->key) - (a->key < b->key);
}

/* ---- reports: access and input ---- */

/* Checks who may ask for agent_id's numbers; an agent's 0 becomes their id. */
static op_rc report_access(const struct actor *who, int64_t *agent_id, struct op_err *err)
{
    if (!actor_is_staff(who)) return op_fail(err, OP_ERR_FORBIDDEN, "", MSG_ERR_FORBIDDEN);
    if (who->role == ROLE_AGENT) {
        if (*agent_id && *agent_id != who->id)
            return op_fail(err, OP_ERR_FORBIDDEN, "agent_id", MSG_ERR_KPI_OWN_ONLY);
        *agent_id = who->id;
    }
    return OP_OK;
}

static op_rc check_filters(struct store_tx *tx, int64_t agent_id, int64_t group_id, struct arena *a,
                           struct op_err *err)
{
    struct user u;
    op_rc rc = OP_OK;
    if (agent_id && (rc = tx_check_user(tx, agent_id, "agent_id", a, &u, err))) return rc;
    if (agent_id && u.role == ROLE_CUSTOMER) {
        char b[24];
        return op_fail(err, OP_ERR_INVALID, "agent_id", MSG_ERR_USER_NOT_FOUND,
                       id_str(agent_id, b));
    }
    if (group_id) rc = tx_check_group(tx, group_id, "group_id", a, NULL, err);
    return rc;
}

/* The names of the rows' keys. */
static op_rc label_rows(struct store_tx *tx, enum kpi_group_by g, const struct tz *z,
                        const struct group *groups, size_t ng, struct kpi_row *rows, size_t n,
                        struct arena *a)
{
    op_rc rc = OP_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        struct kpi_row *r = &rows[i];
        const char *s = "";
        char d[11];
        switch (g) {
        case KG_AGENT: {
            struct user u;
            if (r->key && (rc = tx->ops->user_get(tx, r->key, a, &u)) == OP_OK) s = u.name;
            break;
        }
        case KG_GROUP:
            for (size_t k = 0; k < ng; k++)
                if (groups[k].id == r->key) s = groups[k].name;
            break;
        case KG_TIER:
            s = r->key >= 0 ? tier_name((enum group_tier)r->key) : "";
            break;
        case KG_CHANNEL:
            s = channel_name((enum channel)r->key);
            break;
        case KG_ORGANIZATION: {
            struct organization o;
            if (r->key && (rc = tx->ops->org_get(tx, r->key, a, &o)) == OP_OK) s = o.name;
            break;
        }
        case KG_DAY:
        case KG_WEEK:
            cal_format_date((int32_t)r->key, d);
            s = arena_strdup(a, d);
            break;
        case KG_MONTH:
            cal_format_date((int32_t)r->key, d);
            s = arena_strndup(a, d, 7);
            break;
        default:
            break;
        }
        if (rc == OP_ERR_NOTFOUND) rc = OP_OK; /* deleted since: no name */
        r->label = s ? s : "";
        if (!s) rc = OP_ERR_NOMEM;
    }
    (void)z;
    return rc;
}

struct report_job {
    struct app *app;
    const struct actor *who;
    const struct kpi_request *req;
    struct arena *a;
    struct kpi_report *out;
    struct op_err *err;
    const struct tz *z;
};

/* What the per-row callbacks of a report share. */
struct report_acc {
    struct table *t;
    struct acc *total;
    struct arena *a;
    enum kpi_group_by g;
    enum kpi_fcr_rule fcr;
    const struct tz *z;
    const struct group *groups;
    size_t ng;
};

static op_rc on_solved(void *ctx, const struct kpi_facts *f)
{
    struct report_acc *x = ctx;
    struct acc *row;
    op_rc rc = add_solved(x->total, f, x->fcr, false);
    if (!rc) rc = table_get(x->t, key_of(x->g, x->z, f, f->solved_at, x->groups, x->ng), &row);
    return rc ? rc : add_solved(row, f, x->fcr, true);
}

static op_rc on_created(void *ctx, const struct kpi_facts *f)
{
    struct report_acc *x = ctx;
    struct acc *row;
    x->total->r.created++;
    op_rc rc = table_get(x->t, key_of(x->g, x->z, f, f->created_at, x->groups, x->ng), &row);
    if (!rc) row->r.created++;
    return rc;
}

static op_rc on_closed(void *ctx, const struct kpi_facts *f)
{
    struct report_acc *x = ctx;
    struct acc *row;
    x->total->r.closed++;
    op_rc rc = table_get(x->t, key_of(x->g, x->z, f, f->closed_at, x->groups, x->ng), &row);
    if (!rc) row->r.closed++;
    return rc;
}

/* Without grouping, every solved ticket lands in the one row: its vectors
 * get their exact size at once (a month of the benchmark is 300,000+
 * values per metric, and doubling copied them over and over). */
static op_rc reserve_one_row(struct store_tx *tx, const struct kpi_query *q, struct table *t)
{
    int64_t n = 0;
    struct acc *row;
    op_rc rc = tx->ops->kpi->facts_count(tx, q, KPI_BY_SOLVED, &n);
    if (rc || !n || (rc = table_get(t, 0, &row))) return rc;
    for (int k = 0; k < NVEC && !rc; k++)
        rc = kpi_vec_reserve(&row->vec[k], (size_t)n);
    return rc;
}

static op_rc report_fn(struct store_tx *tx, void *arg)
{
    struct report_job *j = arg;
    struct kpi_report *out = j->out;
    struct arena *a = j->a;
    const struct kpi_request *req = j->req;
    int64_t agent_id = req->agent_id;
    struct group *groups = NULL;
    size_t ng = 0, non = 0;
    struct kpi_online *on = NULL;
    struct table t = {0};
    struct acc total = {.r = {.label = "", .online_ms = -1}};
    enum kpi_group_by g = out->group_by;
    op_rc rc = report_access(j->who, &agent_id, j->err);
    if (!rc && !tx->ops->kpi) rc = OP_ERR_UNAVAILABLE; /* a backend without KPI tables yet */
    if (rc || (rc = check_filters(tx, agent_id, req->group_id, a, j->err)) ||
        (rc = tx->ops->group_list(tx, a, &groups, &ng)) || (rc = table_init(&t)))
        goto end;
    struct kpi_query q = {
        .from = out->from, .to = out->to, .agent_id = agent_id, .group_id = req->group_id};
    struct report_acc x = {&t, &total, a, g, out->fcr, j->z, groups, ng};
    if (g == KG_NONE && (rc = reserve_one_row(tx, &q, &t))) goto end;
    if ((rc = tx->ops->kpi->facts_each(tx, &q, KPI_BY_SOLVED, on_solved, &x)) ||
        (rc = tx->ops->kpi->facts_each(tx, &q, KPI_BY_CREATED, on_created, &x)) ||
        (rc = tx->ops->kpi->facts_each(tx, &q, KPI_BY_CLOSED, on_closed, &x)))
        goto end;
    /* online time: agent rows and the total (efficiency = solved per online hour) */
    if ((g == KG_AGENT || g == KG_NONE || agent_id) && !req->group_id) {
        if ((rc = tx->ops->kpi->online_ms(tx, agent_id, q.from, q.to, app_now(j->app), a, &on,
                                          &non)))
            goto end;
        total.r.online_ms = 0;
        for (size_t i = 0; i < non && !rc; i++) {
            total.r.online_ms += on[i].ms;
            struct acc *row;
            if (g == KG_AGENT && !(rc = table_get(&t, on[i].agent_id, &row)))
                row->r.online_ms = on[i].ms;
        }
        for (size_t i = 0; g == KG_AGENT && i < t.n; i++)
            if (t.rows[i].r.online_ms < 0) t.rows[i].r.online_ms = 0;
        if (g == KG_NONE && t.n) t.rows[0].r.online_ms = total.r.online_ms;
        if (rc) goto end;
    }
    if (g == KG_NONE && t.n) {
        /* one row holding everything: the total is that row */
        finish(&t.rows[0]);
        int64_t online = total.r.online_ms;
        total.r = t.rows[0].r;
        total.r.key = 0;
        total.r.online_ms = online;
    } else {
        if ((rc = concat_total(&total, &t))) goto end;
        finish(&total);
    }
    out->total = total.r;
    out->n = t.n;
    out->rows = arena_alloc(a, (t.n ? t.n : 1) * sizeof(*out->rows));
    if (!out->rows) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    for (size_t i = 0; i < t.n; i++) {
        if (g != KG_NONE) finish(&t.rows[i]);
        out->rows[i] = t.rows[i].r;
    }
    qsort(out->rows, out->n, sizeof(*out->rows), cmp_row);
    rc = label_rows(tx, g, j->z, groups, ng, out->rows, out->n, a);
end:
    acc_release(&total);
    table_release(&t);
    return rc;
}

/* CSAT, CSI and NPS of the rows and the total, from the surveys answered
 * in the report's range (app_survey_report: same access rules). */
static op_rc add_surveys(struct app *app, const struct actor *who, const struct kpi_request *req,
                         struct arena *a, struct kpi_report *out, struct op_err *err)
{
    enum survey_group_by by = out->group_by == KG_AGENT   ? SGB_AGENT
                              : out->group_by == KG_GROUP ? SGB_GROUP
                                                          : SGB_NONE;
    struct survey_row *v = NULL;
    size_t n = 0;
    op_rc rc;
    if (out->group_by != KG_NONE && by == SGB_NONE) return OP_OK;
    if (by != SGB_NONE) {
        if ((rc = app_survey_report(app, who, out->from, out->to, by, req->agent_id,
                                    req->group_id, a, &v, &n, err)))
            return rc;
        for (size_t i = 0; i < out->n; i++) {
            out->rows[i].has_surveys = true;
            for (size_t k = 0; k < n; k++)
                if (v[k].key == out->rows[i].key) out->rows[i].surveys = v[k].t;
        }
    }
    if ((rc = app_survey_report(app, who, out->from, out->to, SGB_NONE, req->agent_id,
                                req->group_id, a, &v, &n, err)))
        return rc;
    out->total.has_surveys = true;
    if (n) out->total.surveys = v[0].t;
    for (size_t i = 0; by == SGB_NONE && i < out->n; i++) {
        out->rows[i].has_surveys = true;
        out->rows[i].surveys = out->total.surveys;
    }
    return OP_OK;
}

op_rc kpi_report(struct app *app, const struct actor *who, const struct kpi_request *req,
                 struct arena *a, struct kpi_report *out, struct op_err *err)
{
    *out = (struct kpi_report){0};
    const struct tz *z = tz_utc();
    int g = KG_NONE, fcr = KPI_FCR_ONE_REPLY;
    if (!req->from || !*req->from) return op_fail(err, OP_ERR_INVALID, "from", MSG_ERR_REQUIRED);
    if (!req->to || !*req->to) return op_fail(err, OP_ERR_INVALID, "to", MSG_ERR_REQUIRED);
    if (cal_parse_date(req->from, &out->from_date))
        return op_fail(err, OP_ERR_INVALID, "from", MSG_ERR_DATE);
    if (cal_parse_date(req->to, &out->to_date))
        return op_fail(err, OP_ERR_INVALID, "to", MSG_ERR_DATE);
    if (out->to_date < out->from_date)
        return op_fail(err, OP_ERR_INVALID, "to", MSG_ERR_KPI_PERIOD);
    if (out->to_date - out->from_date >= KPI_MAX_DAYS)
        return op_fail(err, OP_ERR_INVALID, "to", MSG_ERR_KPI_PERIOD_LONG, "1100");
    if (req->group_by && *req->group_by && (g = kpi_group_by_parse(req->group_by)) < 0)
        return op_fail(err, OP_ERR_INVALID, "group_by", MSG_ERR_ENUM, req->group_by,
                       "none, agent, group, tier, channel, organization, day, week, month");
    if (req->fcr && *req->fcr && (fcr = kpi_fcr_parse(req->fcr)) < 0)
        return op_fail(err, OP_ERR_INVALID, "fcr", MSG_ERR_ENUM, req->fcr, "one_reply, no_reopen");
    if (req->tz && *req->tz && tz_load(req->tz, &z))
        return op_fail(err, OP_ERR_INVALID, "tz", MSG_ERR_TIME_ZONE, req->tz);
    if (req->agent_id < 0)
        return op_fail(err, OP_ERR_INVALID, "agent_id", MSG_ERR_USER_NOT_FOUND, "?");
    if (req->group_id < 0)
        return op_fail(err, OP_ERR_INVALID, "group_id", MSG_ERR_GROUP_NOT_FOUND, "?");
    out->group_by = (enum kpi_group_by)g;
    out->fcr = (enum kpi_fcr_rule)fcr;
    out->tz = tz_name(z);
    out->from = date_start(z, out->from_date);
    out->to = date_start(z, out->to_date + 1);
    struct report_job j = {app, who, req, a, out, err, z};
    op_rc rc = app_run(app, true, report_fn, &j);
    return rc ? rc : add_surveys(app, who, req, a, out, err);
}

/* ---- backlog ---- */

static int age_bucket(int64_t ms)
{
    const int64_t day = 86400000;
    return ms < day ? 0 : ms < 3 * day ? 1 : ms < 7 * day ? 2 : ms < 30 * day ? 3 : 4;
}

struct backlog_job {
    const struct actor *who;
    op_time at;
    enum kpi_group_by g;
    int64_t agent_id, group_id;
    struct arena *a;
    struct kpi_backlog *out;
    struct op_err *err;
};

static op_rc backlog_fn(struct store_tx *tx, void *arg)
{
    struct backlog_job *j = arg;
    struct kpi_backlog *out = j->out;
    struct group *groups = NULL;
    struct kpi_facts *f = NULL;
    struct kpi_row *rows = NULL;
    size_t ng = 0, nf = 0;
    struct table t = {0};
    op_rc rc = report_access(j->who, &j->agent_id, j->err);
    if (!rc && !tx->ops->kpi) rc = OP_ERR_UNAVAILABLE;
    if (rc || (rc = check_filters(tx, j->agent_id, j->group_id, j->a, j->err)) ||
        (rc = tx->ops->group_list(tx, j->a, &groups, &ng)) || (rc = table_init(&t)) ||
        (rc = tx->ops->kpi->facts_open_at(tx, j->at, j->agent_id, j->group_id, j->a, &f, &nf)))
        goto end;
    for (size_t i = 0; i < nf && !rc; i++) {
        int b = age_bucket(j->at - f[i].created_at);
        struct acc *row;
        out->total.count++;
        out->total.age[b]++;
        if (!(rc = table_get(&t, key_of(j->g, tz_utc(), &f[i], 0, groups, ng), &row))) {
            row->age[b]++;
            row->r.created++; /* the row's count */
        }
    }
    if (rc) goto end;
    rows = arena_alloc(j->a, (t.n ? t.n : 1) * sizeof(*rows));
    out->rows = arena_alloc(j->a, (t.n ? t.n : 1) * sizeof(*out->rows));
    if (!rows || !out->rows) {
        rc = OP_ERR_NOMEM;
        goto end;
    }
    for (size_t i = 0; i < t.n; i++)
        rows[i] = t.rows[i].r;
    qsort(rows, t.n, sizeof(*rows), cmp_row);
    if ((rc = label_rows(tx, j->g, tz_utc(), groups, ng, rows, t.n, j->a))) goto end;
    for (size_t i = 0; i < t.n; i++) {
        struct acc *x;
        table_get(&t, rows[i].key, &x); /* present: no failure */
        out->rows[i] = (struct kpi_backlog_row){
            .key = rows[i].key, .label = rows[i].label, .count = rows[i].created};
        memcpy(out->rows[i].age, x->age, sizeof(x->age));
    }
    out->n = t.n;
end:
    table_release(&t);
    return rc;
}

op_rc kpi_backlog(struct app *app, const struct actor *who, op_time at, const char *group_by,
                  int64_t agent_id, int64_t group_id, struct arena *a, struct kpi_backlog *out,
                  struct op_err *err)
{
    *out = (struct kpi_backlog){.at = at ? at : app_now(app), .total = {.label = ""}};
    int g = KG_NONE;
    if (group_by && *group_by &&
        ((g = kpi_group_by_parse(group_by)) < 0 || g == KG_DAY || g == KG_WEEK || g == KG_MONTH))
        return op_fail(err, OP_ERR_INVALID, "group_by", MSG_ERR_ENUM, group_by,
                       "none, agent, group, tier, channel, organization");
    if (at < 0) return op_fail(err, OP_ERR_INVALID, "at", MSG_ERR_KPI_AT);
    if (agent_id < 0) return op_fail(err, OP_ERR_INVALID, "agent_id", MSG_ERR_USER_NOT_FOUND, "?");
    if (group_id < 0) return op_fail(err, OP_ERR_INVALID, "group_id", MSG_ERR_GROUP_NOT_FOUND, "?");
    out->group_by = (enum kpi_group_by)g;
    struct backlog_job j = {who, out->at, out->group_by, agent_id, group_id, a, out, err};
    return app_run(app, true, backlog_fn, &j);
}
