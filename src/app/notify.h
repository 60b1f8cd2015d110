/* notify.h - the node's change watcher: the newest event id that any node
 * has committed, so that held-open live pages (web/live.c) learn of a
 * change as it happens, and the credential cache's generation across nodes.
 *
 * One thread per process. On PostgreSQL it listens (store_wait_change:
 * every write NOTIFYs at commit) and, whenever the listener (re)connects,
 * re-reads event_last so that nothing is missed. On SQLite it re-reads
 * event_last after every write committed in this process (notify_poke)
 * and every NOTIFY_POLL_MS for writes of other processes (the CLI, a second
 * node on the same file). */
#ifndef OPORA_APP_NOTIFY_H
#define OPORA_APP_NOTIFY_H

#include "app/app.h"

#define NOTIFY_TICK_MS 250 /* how often listeners are called without a change */
#define NOTIFY_POLL_MS 500 /* SQLite, or PostgreSQL while not listening */

/* Starts the watcher over app (which must outlive notify_stop). OP_ERR_IO
 * when the thread cannot start, OP_ERR_CONFLICT when one runs already. */
op_rc notify_start(struct app *app);

/* Stops and joins the watcher; nothing when none runs. Listeners are no
 * longer called once it returns. */
void notify_stop(void);

/* A write committed in this process: look at the log now rather than at the
 * next poll. Cheap; safe from any thread, and when no watcher runs. */
void notify_poke(void);

/* Whether the watcher runs. */
bool notify_running(void);

/* The newest event id the watcher knows of (0 before its first look). */
int64_t notify_event_last(void);

/* Called on the watcher thread after each change and every NOTIFY_TICK_MS,
 * with the newest event id. It must be quick (no database work). */
typedef void notify_fn(void *cls, int64_t event_last);

/* Adds/removes a listener (at most NOTIFY_LISTENERS_MAX; OP_ERR_TOOBIG
 * beyond). After notify_unlisten returns, fn is not running and will not
 * be called again. */
#define NOTIFY_LISTENERS_MAX 4
op_rc notify_listen(notify_fn *fn, void *cls);
void notify_unlisten(notify_fn *fn, void *cls);

/* What a live page needs to know, read in one snapshot: the newest event
 * id of the whole log (*all) and of ticket ticket_id (*ticket; 0 when
 * ticket_id is 0 or who may not see it). Unlike app_event_last it serves
 * customers too (the portal's request page), who learn only of their own
 * tickets. OP_ERR_IO when the store fails. */
op_rc app_live_last(struct app *app, const struct actor *who, int64_t ticket_id, int64_t *all,
                    int64_t *ticket, struct op_err *err);

#endif
