/* viewers.h - "another agent has this open": who has a ticket page open
 * now, across every node on one database. A page beats every
 * VIEWER_BEAT_MS; a viewer counts until VIEWER_TTL_MS after its last beat.
 * Views are not actions: nothing here writes the event log. */
#ifndef OPORA_APP_VIEWERS_H
#define OPORA_APP_VIEWERS_H

#include "app/app.h"
#include "store/store_viewers.h"

#define VIEWER_BEAT_MS 15000
#define VIEWER_TTL_MS 40000

/* Records that who (staff) has ticket_id open, typing a reply or not, drops
 * every viewer of any ticket not seen for VIEWER_TTL_MS, and returns the
 * other staff who have ticket_id open (*out from a, by user id; who is not
 * among them). OP_ERR_FORBIDDEN for a customer, OP_ERR_NOTFOUND when who
 * may not see the ticket; nothing is stored then. */
op_rc app_viewer_beat(struct app *app, const struct actor *who, int64_t ticket_id, bool typing,
                      struct arena *a, struct ticket_viewer **out, size_t *n, struct op_err *err);

/* The other staff who have ticket_id open now, as app_viewer_beat returns
 * them, without recording who (a read). Same failures. */
op_rc app_viewer_list(struct app *app, const struct actor *who, int64_t ticket_id, struct arena *a,
                      struct ticket_viewer **out, size_t *n, struct op_err *err);

/* who closed ticket_id's page: forgets them at once (OP_OK when they were
 * not recorded). OP_ERR_FORBIDDEN for a customer. */
op_rc app_viewer_leave(struct app *app, const struct actor *who, int64_t ticket_id,
                       struct op_err *err);

#endif
