/* ticket.h - the rules of a ticket's life: which fields who may set, the
 * status state machine, what a comment does to the status, and the events
 * that record every change. Pure functions: no storage, no clock (times are
 * passed in). */
#ifndef OPORA_CORE_TICKET_H
#define OPORA_CORE_TICKET_H

#include "base/arena.h"
#include "base/rc.h"
#include "core/types.h"

/* Which fields a ticket_input carries (bits of ticket_input.set). */
enum {
    TF_SUBJECT = 1u << 0,
    TF_DESCRIPTION = 1u << 1,
    TF_STATUS = 1u << 2,
    TF_PRIORITY = 1u << 3,
    TF_TYPE = 1u << 4,
    TF_CHANNEL = 1u << 5,
    TF_REQUESTER = 1u << 6,
    TF_ORGANIZATION = 1u << 7,
    TF_GROUP = 1u << 8,
    TF_ASSIGNEE = 1u << 9,
    TF_TAGS = 1u << 10,        /* replace the tag list */
    TF_ADD_TAGS = 1u << 11,
    TF_REMOVE_TAGS = 1u << 12,
    TF_CUSTOM_FIELDS = 1u << 13 /* a JSON object merged into the fields; null values remove */
};

/* A create or a change, as asked for. Ids of 0 clear a field. */
struct ticket_input {
    unsigned set;
    const char *subject;
    const char *description;
    enum ticket_status status;
    enum ticket_priority priority;
    enum ticket_type type;
    enum channel channel;
    int64_t requester_id;
    int64_t organization_id;
    int64_t group_id;
    int64_t assignee_id;
    struct str_list tags, add_tags, remove_tags;
    const char *custom_fields;
};

/* The name of the input field behind a TF_ bit ("status", "assignee_id"). */
const char *ticket_field_name(unsigned bit);

/* May someone with role set the fields in `set`? Customers may create with
 * subject, description, type and custom fields, and may only solve their
 * ticket afterwards. Returns OP_OK or OP_ERR_FORBIDDEN naming the first field
 * they may not set. */
op_rc ticket_fields_allowed(unsigned set, bool create, enum user_role role, struct op_err *err);

/* Whether a ticket may go from one status to another by a direct change:
 * closed is final; nothing goes back to new; closed is reached only from
 * solved (merge closes by its own path). */
bool status_change_allowed(enum ticket_status from, enum ticket_status to);

/* Builds the ticket that results from applying in to old (old NULL: a new
 * ticket, whose ids and requester the caller has already checked). Values are
 * validated; the status change is checked; the rules that follow from a
 * change are applied: assigning a new ticket opens it; solving stamps
 * solved_at, closing closed_at, reopening clears solved_at. `now` stamps
 * updated_at (and created_at for a new ticket). Strings of out come from a
 * or are shared with old/in. Returns OP_OK, OP_ERR_INVALID or OP_ERR_CONFLICT
 * (e.g. the ticket is closed). */
op_rc ticket_apply(const struct ticket *old, const struct ticket_input *in, op_time now,
                   struct arena *a, struct ticket *out, struct op_err *err);

/* The status a ticket takes after a comment, when the same request does not
 * set one: a requester's public reply reopens solved and pending tickets; an
 * agent's public reply opens a new one; notes change nothing. */
enum ticket_status status_after_comment(const struct ticket *t, bool by_staff, bool public);

/* Sets t's status to s with its time stamps (solved_at, closed_at). */
void ticket_set_status(struct ticket *t, enum ticket_status s, op_time now);

/* ---- events ---- */

/* A growing list of events of one action, allocated from an arena. */
struct event_list {
    struct event *v;
    size_t n, cap;
    struct arena *a;
    /* what every event of the action shares */
    enum entity entity;
    int64_t entity_id;
    op_time at;
    int64_t actor_id;
    enum via via;
};

void event_list_init(struct event_list *l, struct arena *a, enum entity entity, int64_t id,
                     op_time at, int64_t actor_id, enum via via);

/* Appends an event; the strings are copied into the arena. NULL strings are "". */
op_rc event_add(struct event_list *l, enum event_kind kind, const char *field, const char *old_value,
                const char *new_value, const char *data);
op_rc event_add_ids(struct event_list *l, enum event_kind kind, const char *field, int64_t old_id,
                    int64_t new_id, const char *data);

/* Appends EV_CHANGED for field when the texts differ (NULL reads as ""),
 * nothing when they are the same; a flag is written "true" / "false". */
op_rc event_add_if_changed(struct event_list *l, const char *field, const char *old_value,
                           const char *new_value);
op_rc event_add_flag_if_changed(struct event_list *l, const char *field, bool old_value,
                                bool new_value);

/* The events that record old -> new: for a new ticket (old NULL) EV_CREATED and
 * an EV_CHANGED for each field that has a value; for a change, an EV_CHANGED
 * per field that differs (custom fields one event per key: "custom_fields.key").
 * Ids are written in decimal, "" for none; enums by name; tags space-separated. */
op_rc ticket_diff(const struct ticket *old, const struct ticket *t, struct event_list *out);

#endif
