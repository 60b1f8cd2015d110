/* sla.c - the SLA benchmarks of issue 3.
 *
 *   build/bench/sla recompute [--db FILE] [--tickets N]
 *       N open tickets (default 1,000,000) with running SLA clocks on one
 *       business-hours calendar (made once in FILE, reused after), then a
 *       change of that calendar's hours through the use case an admin's
 *       PATCH runs: prints how long moving every due time took.
 *
 *   build/bench/sla timers [--db FILE] [--per-minute N] [--minutes M]
 *       N timers (default 10,000) falling due evenly over each of M minutes
 *       (default 1), fired by the server's own job thread on a durable
 *       database: prints the delay of each firing behind its due time
 *       (p50, p99, max).
 *
 * Both print their figures and the command line; bench/RESULTS.md keeps them. */
#include "base/common.h"

#include <getopt.h>
#include <unistd.h>

#include "app/jobs.h"
#include "app/sla.h"
#include "base/log.h"
#include "base/tz.h"
#include "store/store_sla.h"

static void die(const char *what, op_rc rc)
{
    fprintf(stderr, "sla bench: %s: %s\n", what, op_rc_name(rc));
    exit(1);
}

static struct store *open_store(const char *db, bool durable)
{
    struct store *s;
    struct op_err err = {0};
    struct store_options opt = {.migrate = true, .create = true, .durable = durable};
    op_rc rc = store_open(db, &opt, &s, &err);
    if (rc)
        die("open", rc);
    return s;
}

static void open_app(struct app *app, struct store *s, const char *db)
{
    struct app_config c;
    struct op_err err = {0};
    char files[600];
    app_config_defaults(&c);
    snprintf(files, sizeof(files), "%s.files", db);
    c.files_dir = files;
    op_rc rc = app_init(app, s, &c, &err);
    if (rc)
        die("app", rc);
}

/* ---- filling: tickets with running clocks, in big transactions ---- */

struct fill {
    int64_t requester, calendar, policy;
    const struct calendar *cal;
    const struct sla_policy *pol;
    int64_t from, to;        /* ticket numbers of this chunk */
    op_time t0;
    uint32_t seed;
    bool due_soon;           /* timers: due at t0 + i * step */
    int64_t step_ms;
};

static op_rc fill_fn(struct store_tx *tx, void *arg)
{
    struct fill *f = arg;
    struct sla_env env = {f->pol, f->cal}, none = {0};
    for (int64_t i = f->from; i < f->to; i++) {
        op_time created = f->t0 - (int64_t)((i * 2654435761u) % (14 * 86400)) * 1000;
        struct ticket t = {.subject = "bench", .description = "", .status = STATUS_OPEN,
                           .priority = PRIO_NORMAL, .requester_id = f->requester,
                           .custom_fields = "{}", .created_at = created, .updated_at = created};
        op_rc rc = tx->ops->ticket_insert(tx, &t);
        if (rc)
            return rc;
        struct sla_state s;
        struct sla_verdict v[SLA_VERDICTS_MAX];
        size_t n = 0;
        sla_init(&s, t.id);
        sla_set_policy(&s, &none, &env, STATUS_NEW, created);
        sla_apply(&s, &env, &(struct sla_fact){.kind = SF_CREATED, .at = created}, v, &n);
        if (f->due_soon) {
            /* one clock, due exactly when this timer is meant to fire */
            s.c[SLA_RESOLUTION] = (struct sla_clock){0};
            s.c[SLA_FIRST_RESPONSE].business = false;
            s.c[SLA_FIRST_RESPONSE].target_ms = 3600000;
            s.c[SLA_FIRST_RESPONSE].started_at = s.c[SLA_FIRST_RESPONSE].running_since =
                f->t0 + (i - f->from) * f->step_ms - 3600000;
            s.warn_percent = 0;
            env.cal = NULL;
        }
        sla_schedule(&s, &env);
        if ((rc = tx->ops->sla->state_put(tx, &s)))
            return rc;
    }
    return OP_OK;
}

struct setup {
    struct app *app;
    int64_t requester, calendar, policy;
};

static op_rc setup_fn(struct store_tx *tx, void *arg)
{
    struct setup *s = arg;
    struct user u = {.role = ROLE_CUSTOMER, .name = "bench", .email = "", .phone = "+70000000000",
                     .telegram = "", .language = "en", .time_zone = "", .password_hash = "",
                     .active = true, .created_at = 1, .updated_at = 1};
    op_rc rc = tx->ops->user_insert(tx, &u);
    s->requester = u.id;
    return rc;
}

static void prepare(struct app *app, int64_t tickets, const char *db)
{
    struct actor sys;
    struct op_err err = {0};
    struct arena a = ARENA_INIT(0);
    actor_system(&sys, VIA_CLI);
    struct calendar_row *cals;
    size_t n;
    op_rc rc = app_calendar_list(app, &sys, &a, &cals, &n, &err);
    if (rc)
        die("calendar list", rc);
    if (n) {
        printf("using %s (made before)\n", db);
        arena_release(&a);
        return;
    }
    struct calendar_input ci = {.set = CF_NAME | CF_PRESET, .name = "bench",
                                .preset = "ru-production"};
    struct calendar_row cal;
    if ((rc = app_calendar_create(app, &sys, &ci, &a, &cal, &err)))
        die("calendar", rc);
    struct sla_policy_input pi = {.set = PF_NAME | PF_TARGETS | PF_CALENDAR,
                                  .target_set = (1u << SLA__METRICS) - 1};
    pi.p.name = "bench";
    pi.p.target[SLA_FIRST_RESPONSE] = (struct sla_target){240, true};
    pi.p.target[SLA_RESOLUTION] = (struct sla_target){2400, true};
    pi.p.calendar_id = cal.id;
    struct sla_policy pol;
    if ((rc = app_sla_policy_create(app, &sys, &pi, &a, &pol, &err)))
        die("policy", rc);
    struct setup st = {app};
    if ((rc = store_write(app->store, setup_fn, &st)))
        die("setup", rc);
    struct calendar c;
    const struct tz *z;
    tz_load(cal.time_zone, &z);
    c = (struct calendar){.id = cal.id, .name = cal.name, .tz = z, .n_exc = cal.n_exc,
                          .exc = cal.exc};
    memcpy(c.week, cal.week, sizeof(c.week));
    int64_t t0 = time_mono_us();
    for (int64_t i = 0; i < tickets; i += 50000) {
        struct fill f = {.requester = st.requester, .cal = &c, .pol = &pol, .from = i,
                         .to = MIN(i + 50000, tickets), .t0 = time_now_ms()};
        if ((rc = store_write(app->store, fill_fn, &f)))
            die("fill", rc);
    }
    printf("made %" PRId64 " open tickets with running clocks in %.1f s\n", tickets,
           (double)(time_mono_us() - t0) / 1e6);
    arena_release(&a);
}

static int recompute(const char *db, int64_t tickets)
{
    struct store *s = open_store(db, false);
    struct app app;
    open_app(&app, s, db);
    prepare(&app, tickets, db);
    app_release(&app);
    store_close(s);

    /* the measurement: durable, as the server runs */
    s = open_store(db, true);
    open_app(&app, s, db);
    struct actor sys;
    struct op_err err = {0};
    struct arena a = ARENA_INIT(0);
    actor_system(&sys, VIA_CLI);
    struct calendar_row *cals;
    size_t n;
    op_rc rc = app_calendar_list(&app, &sys, &a, &cals, &n, &err);
    if (rc || !n)
        die("calendar", rc);
    /* alternate between two weekly schedules so every run changes something */
    struct calendar_row cur;
    if ((rc = app_calendar_get(&app, &sys, cals[0].id, &a, &cur, &err)))
        die("calendar", rc);
    struct calendar_input in = {.set = CF_WEEK};
    memcpy(in.week, cur.week, sizeof(in.week));
    int end = in.week[0].s[0].to == 18 * 60 ? 20 * 60 : 18 * 60;
    for (int d = 0; d < 5; d++)
        in.week[d] = (struct cal_day){1, {{9 * 60, (int16_t)end}}};
    int64_t moved = 0;
    struct calendar_row out;
    int64_t t0 = time_mono_us();
    if ((rc = app_calendar_update(&app, &sys, cals[0].id, &in, &a, &out, &moved, &err)))
        die("update", rc);
    double secs = (double)(time_mono_us() - t0) / 1e6;
    printf("calendar change (Mon-Fri 09:00-%02d:00): moved the due times of %" PRId64
           " running clocks in %.2f s (%.0f tickets/s)\n",
           end / 60, moved, secs, (double)moved / secs);
    printf("command: build/bench/sla recompute --db %s --tickets %" PRId64 "\n", db, tickets);
    arena_release(&a);
    app_release(&app);
    store_close(s);
    return 0;
}

/* ---- timers ---- */

struct delays {
    int64_t *v;
    size_t n;
    struct arena *a;
};

static op_rc collect_fn(struct store_tx *tx, void *arg)
{
    struct delays *d = arg;
    int64_t after = 0;
    for (;;) {
        struct event *ev;
        size_t n;
        op_rc rc = tx->ops->event_feed(tx, after, 10000, d->a, &ev, &n);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++)
            if (ev[i].kind == EV_SLA_BREACHED) {
                /* the due time was running_since + target; new_value is the
                 * elapsed time at firing, so the delay is elapsed - target */
                int64_t target = strtoll(ev[i].old_value, NULL, 10);
                int64_t elapsed = strtoll(ev[i].new_value, NULL, 10);
                d->v[d->n++] = elapsed - target;
            }
        if (n < 10000)
            return OP_OK;
        after = ev[n - 1].id;
    }
}

static int cmp64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static int timers(const char *db, int64_t per_minute, int64_t minutes)
{
    unlink(db);
    char wal[600];
    snprintf(wal, sizeof(wal), "%s-wal", db);
    unlink(wal);
    struct store *s = open_store(db, true);
    struct app app;
    open_app(&app, s, db);
    struct setup st = {&app};
    op_rc rc = store_write(s, setup_fn, &st);
    if (rc)
        die("setup", rc);
    int64_t total = per_minute * minutes;
    int64_t step = 60000 / per_minute;
    op_time t0 = time_now_ms() + 5000;
    for (int64_t i = 0; i < total; i += 10000) {
        struct fill f = {.requester = st.requester, .from = i, .to = MIN(i + 10000, total),
                         .t0 = t0 + i * step, .due_soon = true, .step_ms = step};
        struct sla_policy none = {0};
        f.pol = &none;
        if ((rc = store_write(s, fill_fn, &f)))
            die("fill", rc);
    }
    printf("%" PRId64 " timers due from %.1f s from now, one every %" PRId64 " ms\n", total,
           (double)(t0 - time_now_ms()) / 1000, step);
    if ((rc = jobs_start(&app, 1000)))
        die("jobs", rc);
    op_time end = t0 + total * step + 3000;
    while (time_now_ms() < end)
        usleep(200000);
    jobs_stop(&app);

    struct arena a = ARENA_INIT(0);
    struct delays d = {.a = &a};
    d.v = arena_alloc(&a, (size_t)(total + 1) * sizeof(int64_t));
    if ((rc = store_read(s, collect_fn, &d)))
        die("collect", rc);
    qsort(d.v, d.n, sizeof(int64_t), cmp64);
    if (!d.n)
        die("no timer fired", OP_ERR_IO);
    printf("fired %zu of %" PRId64 " timers; delay behind due time: p50 %" PRId64
           " ms, p99 %" PRId64 " ms, max %" PRId64 " ms\n",
           d.n, total, d.v[d.n / 2], d.v[d.n * 99 / 100], d.v[d.n - 1]);
    printf("command: build/bench/sla timers --db %s --per-minute %" PRId64 " --minutes %" PRId64
           "\n", db, per_minute, minutes);
    arena_release(&a);
    app_release(&app);
    store_close(s);
    return d.n == (size_t)total ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int64_t tickets = 1000000, per_minute = 10000, minutes = 1;
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"tickets", required_argument, NULL, 't'},
                                         {"per-minute", required_argument, NULL, 'p'},
                                         {"minutes", required_argument, NULL, 'm'},
                                         {0}};
    if (argc < 2 || (strcmp(argv[1], "recompute") && strcmp(argv[1], "timers"))) {
        fprintf(stderr, "usage: sla recompute|timers [--db FILE] [--tickets N] "
                        "[--per-minute N] [--minutes M]\n");
        return 2;
    }
    const char *what = argv[1];
    int o;
    optind = 2;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (o) {
        case 'd': db = optarg; break;
        case 't': tickets = strtoll(optarg, &end, 10); break;
        case 'p': per_minute = strtoll(optarg, &end, 10); break;
        case 'm': minutes = strtoll(optarg, &end, 10); break;
        default: return 2;
        }
    }
    if (tickets < 1 || per_minute < 1 || per_minute > 60000 || minutes < 1)
        return 2;
    log_set_level(LOG_WARN);
    if (!strcmp(what, "recompute"))
        return recompute(db ? db : "bench-sla.db", tickets);
    return timers(db ? db : "bench-timers.db", per_minute, minutes);
}
