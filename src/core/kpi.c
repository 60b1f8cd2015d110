/* kpi.c - one ticket's KPI facts from its event log; report statistics.
 * The rules are those of docs/kpi.md. */
#include "base/common.h"

#include "core/kpi.h"
#include "core/sla.h"

/* ---- facts ---- */

static int64_t bus_between(const struct calendar *cal, op_time a, op_time b)
{
    if (b <= a) return 0;
    return cal ? cal_between(cal, a, b) : b - a;
}

static struct kpi_dur dur_of(const struct calendar *cal, op_time a, op_time b)
{
    return (struct kpi_dur){.cal = b > a ? b - a : 0, .bus = bus_between(cal, a, b)};
}

/* The requester waits on the team while the ticket is new or open. */
static bool waiting_status(int st)
{
    return st == STATUS_NEW || st == STATUS_OPEN;
}

static bool done_status(int st)
{
    return st == STATUS_SOLVED || st == STATUS_CLOSED;
}

static int64_t id_of(const char *s)
{
    if (!s || !*s) return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    return errno || *end || v < 0 ? 0 : (int64_t)v;
}

struct walk {
    const struct kpi_ticket *t;
    const struct calendar *cal;
    kpi_is_staff_fn *is_staff;
    void *ctx;
    struct kpi_facts *f;
    int status;
    op_time wait_since; /* 0: not waiting */
    struct kpi_dur waited;
    int64_t assignee, group;
    int64_t solve_action; /* the action of the latest solve, 0 none */
    int64_t create_action;
    bool nr_open;
    op_time nr_since;
    int64_t cur_action, counted_action;
    op_time cur_action_at, prev_action_at;
};

static void set_status(struct walk *w, const struct event *e, int to)
{
    struct kpi_facts *f = w->f;
    if (to < 0 || to == w->status) return;
    bool was_waiting = waiting_status(w->status), now_waiting = waiting_status(to);
    if (was_waiting && !now_waiting && w->wait_since) {
        struct kpi_dur d = dur_of(w->cal, w->wait_since, e->at);
        w->waited.cal += d.cal;
        w->waited.bus += d.bus;
        w->wait_since = 0;
    } else if (!was_waiting && now_waiting) {
        w->wait_since = e->at;
    }
    if (done_status(w->status) && !done_status(to)) {
        f->reopens++;
        f->solved_at = 0;
        f->closed_at = 0;
        w->solve_action = 0;
    }
    if (to == STATUS_SOLVED || (to == STATUS_CLOSED && !f->solved_at)) {
        f->solved_at = e->at;
        w->solve_action = e->action_id;
    }
    if (to == STATUS_CLOSED) f->closed_at = e->at;
    w->status = to;
}

static void comment(struct walk *w, const struct event *e)
{
    struct kpi_facts *f = w->f;
    if (strcmp(e->field, "public") != 0 || e->actor_id == 0 || e->action_id == w->create_action)
        return;
    if (w->is_staff(w->ctx, e->actor_id)) {
        f->public_replies++;
        if (!f->first_response_at) {
            f->first_response_at = e->at;
            f->first_response = dur_of(w->cal, f->created_at, e->at);
        } else if (w->nr_open) {
            struct kpi_dur d = dur_of(w->cal, w->nr_since, e->at);
            f->next_n++;
            f->next_sum_cal += d.cal;
            f->next_sum_bus += d.bus;
            if (d.cal > f->next_worst.cal) f->next_worst.cal = d.cal;
            if (d.bus > f->next_worst.bus) f->next_worst.bus = d.bus;
            w->nr_open = false;
        }
    } else if (f->first_response_at && !w->nr_open) {
        /* the oldest unanswered customer message starts the wait */
        w->nr_open = true;
        w->nr_since = e->at;
    }
}

static void escalated(struct kpi_facts *f, const struct event *e)
{
    if (strcmp(e->field, "l1>l2") == 0)
        f->esc_l1_l2++;
    else if (strcmp(e->field, "l2>tech") == 0)
        f->esc_l2_tech++;
    else
        f->esc_other++;
}

/* Handling time v1: each action of a staff member adds the time since the
 * ticket's previous action, capped: the time the agent plausibly spent on it. */
static void handling(struct walk *w, const struct event *e)
{
    int64_t action = e->action_id ? e->action_id : e->id;
    if (action != w->cur_action) {
        w->prev_action_at = w->cur_action ? w->cur_action_at : w->f->created_at;
        w->cur_action = action;
        w->cur_action_at = e->at;
    }
    if (e->actor_id == 0 || w->counted_action == action || !w->is_staff(w->ctx, e->actor_id))
        return;
    w->counted_action = action;
    int64_t gap = e->at - w->prev_action_at;
    w->f->aht_ms += gap < 0 ? 0 : MIN(gap, (int64_t)KPI_AHT_GAP_MS);
}

void kpi_facts_compute(const struct kpi_ticket *t, const struct event *ev, size_t n,
                       const struct calendar *cal, kpi_is_staff_fn *is_staff, void *ctx,
                       struct kpi_facts *out)
{
    *out = (struct kpi_facts){
        .ticket_id = t->id,
        .created_at = t->created_at,
        .channel = t->channel,
        .organization_id = t->organization_id,
        .first_response = {KPI_NONE, KPI_NONE},
        .resolution = {KPI_NONE, KPI_NONE},
        .requester_wait = {KPI_NONE, KPI_NONE},
        .next_worst = {0, 0},
    };
    struct walk w = {.t = t,
                     .cal = cal,
                     .is_staff = is_staff,
                     .ctx = ctx,
                     .f = out,
                     .status = STATUS_NEW,
                     .wait_since = t->created_at};
    for (size_t i = 0; i < n; i++) {
        const struct event *e = &ev[i];
        if (e->entity != ENTITY_TICKET || e->entity_id != t->id) continue;
        out->last_event_id = MAX(out->last_event_id, e->id);
        handling(&w, e);
        switch (e->kind) {
        case EV_CREATED:
            w.create_action = e->action_id ? e->action_id : e->id;
            break;
        case EV_CHANGED:
            if (strcmp(e->field, "status") == 0)
                set_status(&w, e, status_parse(e->new_value));
            else if (strcmp(e->field, "assignee_id") == 0)
                w.assignee = id_of(e->new_value);
            else if (strcmp(e->field, "group_id") == 0)
                w.group = id_of(e->new_value);
            break;
        case EV_COMMENT:
            comment(&w, e);
            break;
        case EV_ESCALATED:
            escalated(out, e);
            break;
        case EV_HANDED_BACK:
            out->handed_back++;
            break;
        case EV_SLA_MET:
        case EV_SLA_BREACHED: {
            int m = sla_metric_parse(e->field);
            if (m >= 0 && m < SLA__METRICS)
                (e->kind == EV_SLA_MET ? out->sla_met : out->sla_breached)[m]++;
            break;
        }
        default:
            break;
        }
        /* the credited agent and group: as the solving action leaves them */
        if (w.solve_action && (e->action_id ? e->action_id : e->id) == w.solve_action) {
            out->agent_id = w.assignee;
            out->group_id = w.group;
        }
    }
    if (out->solved_at) {
        out->resolution = dur_of(cal, out->created_at, out->solved_at);
        out->requester_wait = w.waited;
    } else {
        out->agent_id = t->assignee_id ? t->assignee_id : w.assignee;
        out->group_id = t->group_id ? t->group_id : w.group;
    }
    if (!out->next_n) out->next_worst = (struct kpi_dur){KPI_NONE, KPI_NONE};
}

/* ---- first-contact resolution ---- */

static const char *const fcr_names[KPI_FCR__COUNT] = {"one_reply", "no_reopen"};

const char *kpi_fcr_name(enum kpi_fcr_rule r)
{
    return (unsigned)r < KPI_FCR__COUNT ? fcr_names[r] : "?";
}

int kpi_fcr_parse(const char *s)
{
    for (int i = 0; i < KPI_FCR__COUNT; i++)
        if (s && strcmp(s, fcr_names[i]) == 0) return i;
    return -1;
}

bool kpi_fcr(const struct kpi_facts *f, enum kpi_fcr_rule rule)
{
    if (!f->solved_at || f->reopens || f->esc_l1_l2 || f->esc_l2_tech || f->esc_other) return false;
    return rule == KPI_FCR_NO_REOPEN || f->public_replies <= 1;
}

/* ---- statistics ---- */

static void swap64(int64_t *a, int64_t *b)
{
    int64_t t = *a;
    *a = *b;
    *b = t;
}

/* Reorders v[0..n) so that v[k] is the value a sort would put there, with
 * nothing greater before it and nothing smaller after (quickselect with a
 * median-of-three pivot): linear on average, where a sort of a month's
 * 300,000 durations per metric would be most of a report's time. */
static void select_kth(int64_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo]) swap64(&v[mid], &v[lo]);
        if (v[hi] < v[lo]) swap64(&v[hi], &v[lo]);
        if (v[hi] < v[mid]) swap64(&v[hi], &v[mid]);
        int64_t pivot = v[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap64(&v[i], &v[j]);
                i++;
                if (j == 0) break;
                j--;
            }
        }
        /* now v[lo..j] <= pivot <= v[i..hi], and i > j */
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return; /* between: equal to the pivot */
    }
}

void kpi_stat_of(int64_t *v, size_t n, struct kpi_stat *out)
{
    *out =
        (struct kpi_stat){.n = (int64_t)n, .median = KPI_NONE, .mean = KPI_NONE, .p90 = KPI_NONE};
    if (!n) return;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    out->sum = sum;
    out->mean = (sum + (int64_t)n / 2) / (int64_t)n; /* durations are >= 0 */
    size_t k = n / 2;
    select_kth(v, n, k);
    out->median = v[k];
    if (n % 2 == 0) {
        int64_t below = v[0]; /* the (k-1)-th: the greatest of v[0..k) */
        for (size_t i = 1; i < k; i++)
            below = MAX(below, v[i]);
        out->median = (below + v[k]) / 2;
    }
    size_t rank = (9 * n + 9) / 10; /* ceil(0.9 n), 1-based; rank - 1 >= k */
    select_kth(v + k, n - k, rank - 1 - k);
    out->p90 = v[rank - 1];
}

op_rc kpi_vec_push(struct kpi_vec *vec, int64_t x)
{
    if (x == KPI_NONE) return OP_OK;
    if (vec->n == vec->cap) {
        size_t cap = vec->cap ? vec->cap * 2 : 64;
        int64_t *v = realloc(vec->v, cap * sizeof(*v));
        if (!v) return OP_ERR_NOMEM;
        vec->v = v;
        vec->cap = cap;
    }
    vec->v[vec->n++] = x;
    return OP_OK;
}

op_rc kpi_vec_reserve(struct kpi_vec *vec, size_t n)
{
    if (n <= vec->cap) return OP_OK;
    int64_t *v = realloc(vec->v, n * sizeof(*v));
    if (!v) return OP_ERR_NOMEM;
    vec->v = v;
    vec->cap = n;
    return OP_OK;
}

void kpi_vec_release(struct kpi_vec *vec)
{
    free(vec->v);
    *vec = (struct kpi_vec){0};
}
