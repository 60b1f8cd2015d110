/* demo.h - a deterministic demo dataset, made through the real use cases.
 *
 * Every ticket lives a simulated life - created through its channel, taken
 * by an L1 agent, answered (sometimes with a macro), escalated to L2 and the
 * technical department and handed back, put on pending, reopened, solved,
 * closed - with the app's clock set to each moment, so the event log is
 * exactly what the real system would have written. The same seed (and the
 * same `now`) gives the same data.
 *
 * The history is meant to look like a real team's on the KPI dashboard
 * (tests/integration/test_demo_kpi.py checks it): customers write at any
 * hour, staff act in the working hours of the SLA calendar (Moscow 5/2;
 * urgent tickets and a few others around the clock), so business-time
 * first responses have a spread (median about 45 min, some SLA breaches);
 * about two tickets in three are answered and solved in one reply (FCR
 * about 60 %), the rest need information, a conversation or an escalation;
 * some 7 % are reopened. */
#ifndef OPORA_DEMO_H
#define OPORA_DEMO_H

#include "app/app.h"

struct demo_options {
    unsigned tickets;        /* 3000 */
    unsigned customers;      /* 300 */
    unsigned organizations;  /* 40 */
    unsigned days;           /* 90: the history ends now and starts this many days before */
    uint64_t seed;
    op_time now;             /* the end of the history; 0 = the wall clock */
    const char *password;    /* of every demo login */
    unsigned batch;          /* operations per transaction (0 = 2000) */
    void (*progress)(unsigned done, unsigned total, void *ctx);
    void *progress_ctx;
};

struct demo_summary {
    unsigned organizations, customers, staff, groups, macros, tickets;
    unsigned long operations, skipped;
};

/* Fills an empty database through app. The app's clock is borrowed while it
 * runs. Returns OP_OK, or the first error that is not an expected refusal. */
op_rc demo_generate(struct app *app, const struct demo_options *o, struct demo_summary *out,
                    struct op_err *err);

/* The demo logins, for printing: NULL-terminated {email, role} pairs. */
extern const char *const demo_logins[][2];

#endif
