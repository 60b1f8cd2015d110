/* jobs.h - the background work of a server: SLA timers, routing checks,
 * presence sweeps, mailbox polls, the outbox.
 *
 * One thread runs every job of the table in jobs.c in turn. A job is a
 * function that does what is due at `now` (each in its own transactions)
 * and says when it wants to run again. Work that only one node of several
 * on one database may do takes a lease (store.h lease_take) or claims rows
 * with lease columns; a job must not assume it is the only runner. */
#ifndef OPORA_APP_JOBS_H
#define OPORA_APP_JOBS_H

#include "app/app.h"

/* Does what is due at now. *next_at: when to run again (0: after one tick).
 * A failure is logged by the runner, and the job runs again after a tick. */
typedef op_rc job_fn(struct app *app, op_time now, op_time *next_at);

/* Starts the thread (app->jobs). tick_ms: the longest sleep between two
 * rounds (0: 1000; tests with a file clock use less). OP_ERR_NOMEM or
 * OP_ERR_IO when the thread cannot start. */
op_rc jobs_start(struct app *app, unsigned tick_ms);

/* Stops and joins the thread; a job that is running finishes first. */
void jobs_stop(struct app *app);

/* Something became due sooner than the jobs expected (a new timer): run a
 * round now. Cheap; safe from any thread, and when no thread runs. */
void jobs_wake(struct app *app);

/* Runs one round of every job now, on the caller's thread (the CLI and
 * tests). Returns the first failure, after running them all. */
op_rc jobs_run_once(struct app *app);

#endif
