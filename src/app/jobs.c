/* jobs.c - the background thread and the table of jobs. */
#include "base/common.h"

#include <pthread.h>

#include "app/jobs.h"
#include "app/internal.h"
#include "app/kpi.h"
#include "app/mail.h"
#include "app/sla.h"
#include "app/surveys.h"
#include "app/team.h"
#include "base/log.h"

static const struct job {
    const char *name;
    job_fn *fn;
} jobs_table[] = {
    {"sla", sla_job},
    {"surveys", survey_job},
    {"team", team_job},
    {"mail_poll", mail_poll_job},
    {"mail_outbox", mail_outbox_job},
    {"kpi", kpi_job},
};
#define NJOBS (sizeof(jobs_table) / sizeof(jobs_table[0]))

struct jobs {
    struct app *app;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, woken;
    unsigned tick_ms;
    /* A job runs again when either clock reaches its time: the app's
     * clock (which a test moves in jumps) or the monotonic one (which goes
     * on while a test clock stands still). */
    op_time next_app[NJOBS];
    int64_t next_mono[NJOBS];
};

static int64_t mono_ms(void)
{
    return time_mono_us() / 1000;
}

static void run_job(struct app *app, size_t i, op_time now, op_time *next)
{
    op_time want = 0;
    int64_t t0 = time_mono_us();
    op_rc rc = jobs_table[i].fn(app, now, &want);
    int64_t us = time_mono_us() - t0;
    if (rc)
        log_error("msg=\"job failed\" job=%s rc=%s us=%" PRId64, jobs_table[i].name,
                  op_rc_name(rc), us);
    else if (us > 500000)
        log_warn("msg=\"slow job\" job=%s us=%" PRId64, jobs_table[i].name, us);
    *next = rc ? 0 : want;
}

static void *jobs_main(void *arg)
{
    struct jobs *j = arg;
    pthread_mutex_lock(&j->mu);
    while (!j->stop) {
        bool woken = j->woken;
        j->woken = false;
        pthread_mutex_unlock(&j->mu);

        op_time now = app_now(j->app);
        int64_t mono = mono_ms();
        int64_t wait_ms = j->tick_ms;
        for (size_t i = 0; i < NJOBS; i++) {
            if (woken || j->next_app[i] <= now || j->next_mono[i] <= mono) {
                op_time want = 0;
                run_job(j->app, i, now, &want);
                int64_t delay = want > now ? want - now : (int64_t)j->tick_ms;
                j->next_app[i] = now + delay;
                j->next_mono[i] = mono_ms() + delay;
            }
            int64_t left = MIN(j->next_app[i] - app_now(j->app), j->next_mono[i] - mono_ms());
            if (left < wait_ms)
                wait_ms = left; /* never more than a tick: other nodes add work too */
        }
        if (wait_ms < 1)
            wait_ms = 1;

        pthread_mutex_lock(&j->mu);
        if (!j->stop && !j->woken) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += wait_ms / 1000;
            ts.tv_nsec += (wait_ms % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&j->cv, &j->mu, &ts);
        }
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

op_rc jobs_start(struct app *app, unsigned tick_ms)
{
    struct jobs *j = calloc(1, sizeof(*j));
    if (!j)
        return OP_ERR_NOMEM;
    j->app = app;
    j->tick_ms = tick_ms ? tick_ms : 1000;
    pthread_mutex_init(&j->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&j->thread, NULL, jobs_main, j)) {
        pthread_cond_destroy(&j->cv);
        pthread_mutex_destroy(&j->mu);
        free(j);
        return OP_ERR_IO;
    }
    app->jobs = j;
    return OP_OK;
}

void jobs_stop(struct app *app)
{
    struct jobs *j = app->jobs;
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->stop = true;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    pthread_join(j->thread, NULL);
    pthread_cond_destroy(&j->cv);
    pthread_mutex_destroy(&j->mu);
    free(j);
    app->jobs = NULL;
}

void jobs_wake(struct app *app)
{
    struct jobs *j = app->jobs;
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->woken = true;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
}

op_rc jobs_run_once(struct app *app)
{
    op_rc first = OP_OK;
    op_time now = app_now(app);
    for (size_t i = 0; i < NJOBS; i++) {
        op_time next = 0;
        op_rc rc = jobs_table[i].fn(app, now, &next);
        if (rc && !first)
            first = rc;
    }
    return first;
}
