/* store.h - the one storage interface of opora.
 *
 * A backend (sqlite.c now, pg.c later) fills a struct store_ops and is chosen
 * by the scheme of the database URL. The domain and the HTTP layer see only
 * this file; no SQL lives outside src/store/.
 *
 * Transactions. Work is a function run inside a transaction:
 *   - store_read() runs fn on a pooled read connection in one snapshot;
 *   - store_write() hands fn to the backend's writer, which runs the functions
 *     of all concurrent callers one after another in a single transaction
 *     (each inside its own savepoint, so one failing rolls back alone) and
 *     commits them with one fsync: group commit. store_write returns only
 *     when that commit is durable, with fn's own result, or OP_ERR_IO if the
 *     commit failed (then nothing of fn is stored).
 * fn must not call store_read/store_write itself; it may be run on another
 * thread than the caller's, while the caller waits. A store call that fails
 * may have written part of its rows: fn must then fail too (return an
 * error), and its savepoint undoes everything it wrote.
 *
 * Outputs. Strings and arrays that a call returns are allocated from the
 * arena the caller passes and live as long as it does. */
#ifndef OPORA_STORE_H
#define OPORA_STORE_H

#include "base/arena.h"
#include "base/rc.h"
#include "core/types.h"

struct store;
struct store_ops;
/* Subsystems keep their tables behind their own tables of functions, each
 * declared in its own header, so that store_ops does not grow into one list
 * of everything: store_sla.h (calendars, SLA policies and clocks, timers),
 * store_team.h (shifts, rota, presence, routing), store_mail.h (mailboxes,
 * message ids, the outbox). */
struct store_sla_ops;
struct store_team_ops;
struct store_mail_ops;
struct store_kpi_ops;
struct store_survey_ops;
struct store_motivation_ops;
struct store_viewers_ops;
struct store_portal_ops;
struct store_account_ops;

/* Every backend's transaction handle starts with this. */
struct store_tx {
    const struct store_ops *ops;
};

typedef op_rc (*store_fn)(struct store_tx *tx, void *arg);

struct store_options {
    bool migrate;          /* apply pending migrations at open (else fail if any are pending) */
    bool create;           /* create the database if it does not exist */
    int read_connections;  /* size of the read pool; 0 = a default */
    bool durable;          /* fsync every commit (default true; bulk generators turn it off) */
};

/* ---- queries ---- */

/* Which tickets a caller may see, as the authorization policy decided;
 * lists and searches are filtered by it inside the store. */
struct ticket_scope {
    bool all;                 /* everything */
    struct id_list group_ids; /* tickets of these groups */
    bool ungrouped;           /* tickets that have no group */
    int64_t assignee_id;      /* tickets assigned to this user */
    int64_t requester_id;     /* tickets this user requested (first or further requester) */
    int64_t organization_id;  /* tickets of this organization */
    bool public_only;         /* search only public comments */
};

/* SORT_DUE: the SLA due time, soonest first (tickets without one last). */
enum ticket_sort { SORT_CREATED, SORT_UPDATED, SORT_PRIORITY, SORT_DUE };

/* A position in a sorted list: the sort key and id of the last row seen. */
struct cursor {
    bool set;
    int64_t key;
    int64_t id;
};

#define ID_NONE (-1) /* in a filter: "the field is empty", e.g. unassigned */

struct ticket_filter {
    unsigned status_mask;     /* bit (1 << status); 0 = any */
    unsigned priority_mask;
    int64_t group_id;         /* 0 = any, ID_NONE = no group */
    int64_t assignee_id;      /* 0 = any, ID_NONE = unassigned */
    int64_t requester_id;
    int64_t organization_id;
    const char *tag;          /* NULL = any */
    op_time updated_since;    /* 0 = any */
    bool sla_breached;        /* only tickets with a clock past its target */
    op_time sla_due_before;   /* 0 = any; else only tickets due at or before */
    enum ticket_sort sort;
    bool asc;                 /* priority: asc means lowest first, oldest last */
    struct cursor after;
    size_t limit;             /* 1..1000 */
};

struct ticket_page {
    struct ticket *v;
    size_t n;
    bool more;
    struct cursor next;       /* valid when more */
};

struct search_hit {
    int64_t ticket_id;
    double score;             /* lower is better (bm25) */
};

struct user_filter {
    unsigned role_mask;       /* 0 = any */
    int64_t organization_id;
    const char *q;            /* prefix of name or email; NULL = any */
    int64_t after_id;
    size_t limit;
};

/* What store_wait_change learned: changes committed by any node. */
struct store_change {
    int64_t event_id; /* the newest event id announced; 0 when none */
    bool auth;        /* a user, group, organization, session or token changed */
    bool resync;      /* the listener (re)connected: anything may have moved meanwhile */
};

struct store_counts {
    int64_t users, organizations, groups, tickets, comments, events, macros;
};

/* ---- the interface ---- */

struct store_ops {
    const char *name;

    /* The backend's own handle is opaque here (void *); store.c wraps it. */
    /* Opens the database at url; *impl is the backend's handle, released by close. */
    op_rc (*open)(const char *url, const struct store_options *opt, void **impl,
                  struct op_err *err);
    void (*close)(void *impl);
    op_rc (*read)(void *impl, store_fn fn, void *arg);
    op_rc (*write)(void *impl, store_fn fn, void *arg);
    /* The schema version the database is at, and the newest this binary knows. */
    op_rc (*schema_version)(void *impl, int *current, int *latest);
    /* An online copy of the whole database to path. */
    op_rc (*backup)(void *impl, const char *path, struct op_err *err);
    /* Waits up to timeout_ms for changes committed by any node (pushed by
     * the database) and says what they were in *out (zeroed first). One
     * caller at a time: the node's watcher (app/notify.h). OP_ERR_IO while
     * the database cannot be listened to (it retries with back-off);
     * OP_ERR_UNAVAILABLE at once on a backend that cannot push (SQLite: the
     * watcher polls event_last). */
    op_rc (*wait_change)(void *impl, int timeout_ms, struct store_change *out);

    op_rc (*counts)(struct store_tx *tx, struct store_counts *out);

    /* organizations; insert sets ->id; CONFLICT when the name is taken */
    op_rc (*org_insert)(struct store_tx *tx, struct organization *o);
    op_rc (*org_update)(struct store_tx *tx, const struct organization *o);
    op_rc (*org_get)(struct store_tx *tx, int64_t id, struct arena *a, struct organization *out);
    op_rc (*org_list)(struct store_tx *tx, const char *q, int64_t after_id, size_t limit,
                      struct arena *a, struct organization **out, size_t *n);
    /* deletes the organization: NOTFOUND when none; CONFLICT, nothing changed, while a
     * user or ticket refers to it (*used_by = "users" or "tickets", a static string) */
    op_rc (*org_delete)(struct store_tx *tx, int64_t id, const char **used_by);

    /* users; CONFLICT when the email is taken */
    op_rc (*user_insert)(struct store_tx *tx, struct user *u);
    op_rc (*user_update)(struct store_tx *tx, const struct user *u);
    op_rc (*user_get)(struct store_tx *tx, int64_t id, struct arena *a, struct user *out);
    op_rc (*user_get_by_email)(struct store_tx *tx, const char *email, struct arena *a,
                               struct user *out);
    op_rc (*user_list)(struct store_tx *tx, const struct user_filter *f, struct arena *a,
                       struct user **out, size_t *n);
    /* the groups a user is a member of */
    op_rc (*user_groups)(struct store_tx *tx, int64_t user_id, struct arena *a,
                         struct id_list *out);

    /* groups; get fills ->members */
    op_rc (*group_insert)(struct store_tx *tx, struct group *g);
    op_rc (*group_update)(struct store_tx *tx, const struct group *g);
    op_rc (*group_get)(struct store_tx *tx, int64_t id, struct arena *a, struct group *out);
    op_rc (*group_list)(struct store_tx *tx, struct arena *a, struct group **out, size_t *n);
    op_rc (*group_set_members)(struct store_tx *tx, int64_t group_id, const struct id_list *ids);
    /* deletes the group with its members and routing settings: NOTFOUND when none;
     * CONFLICT, nothing changed, while a ticket or survey refers to it (*used_by =
     * "tickets" or "surveys"). SLA policies and macros name groups in their own
     * values: the caller checks those. */
    op_rc (*group_delete)(struct store_tx *tx, int64_t id, const char **used_by);

    /* tickets; insert sets ->id and stores tags; update rewrites every field and the tags */
    op_rc (*ticket_insert)(struct store_tx *tx, struct ticket *t);
    op_rc (*ticket_update)(struct store_tx *tx, const struct ticket *t);
    op_rc (*ticket_get)(struct store_tx *tx, int64_t id, struct arena *a, struct ticket *out);
    op_rc (*ticket_add_requester)(struct store_tx *tx, int64_t ticket_id, int64_t user_id);
    op_rc (*ticket_list)(struct store_tx *tx, const struct ticket_filter *f,
                         const struct ticket_scope *scope, struct arena *a,
                         struct ticket_page *out);
    op_rc (*ticket_count)(struct store_tx *tx, const struct ticket_filter *f,
                          const struct ticket_scope *scope, int64_t *out);
    /* Full-text search: the matching visible tickets that also pass f, best
     * first, from offset. The text part runs first; f.sort and f.after are ignored. */
    op_rc (*ticket_search)(struct store_tx *tx, const char *query, const struct ticket_filter *f,
                           const struct ticket_scope *scope, size_t offset, struct arena *a,
                           struct ticket_page *out, struct search_hit **hits);

    /* comments; insert sets ->id and attaches ->attachment_ids */
    op_rc (*comment_insert)(struct store_tx *tx, struct comment *c);
    op_rc (*comment_list)(struct store_tx *tx, int64_t ticket_id, bool public_only,
                          int64_t after_id, size_t limit, struct arena *a, struct comment **out,
                          size_t *n);
    op_rc (*comment_count)(struct store_tx *tx, int64_t ticket_id, bool public_only, int64_t *n);
    op_rc (*comment_get)(struct store_tx *tx, int64_t id, struct arena *a, struct comment *out);
    /* moves every comment of from onto to, keeping origin_ticket_id; *moved = count */
    op_rc (*comment_move)(struct store_tx *tx, int64_t from, int64_t to, int64_t *moved);

    op_rc (*attachment_insert)(struct store_tx *tx, struct attachment *at);
    op_rc (*attachment_get)(struct store_tx *tx, int64_t id, struct arena *a,
                            struct attachment *out);
    op_rc (*attachment_list)(struct store_tx *tx, const struct id_list *ids, struct arena *a,
                             struct attachment **out, size_t *n);

    /* links; CONFLICT when the same link exists */
    op_rc (*link_insert)(struct store_tx *tx, struct link *l);
    op_rc (*link_get)(struct store_tx *tx, int64_t id, struct link *out);
    op_rc (*link_delete)(struct store_tx *tx, int64_t id);
    op_rc (*link_list)(struct store_tx *tx, int64_t ticket_id, struct arena *a, struct link **out,
                       size_t *n);

    /* macros */
    op_rc (*macro_insert)(struct store_tx *tx, struct macro *m);
    op_rc (*macro_update)(struct store_tx *tx, const struct macro *m);
    op_rc (*macro_get)(struct store_tx *tx, int64_t id, struct arena *a, struct macro *out);
    op_rc (*macro_list)(struct store_tx *tx, bool active_only, struct arena *a,
                        struct macro **out, size_t *n);
    op_rc (*macro_delete)(struct store_tx *tx, int64_t id);

    /* The event log: append only. append sets ->id, and ->action_id to ->id
     * when it is 0. list gives one object's events in order after after_id;
     * feed gives every event after after_id. */
    op_rc (*event_append)(struct store_tx *tx, struct event *e);
    op_rc (*event_list)(struct store_tx *tx, enum entity entity, int64_t entity_id,
                        int64_t after_id, size_t limit, struct arena *a, struct event **out,
                        size_t *n);
    op_rc (*event_feed)(struct store_tx *tx, int64_t after_id, size_t limit, struct arena *a,
                        struct event **out, size_t *n);
    /* The id of the newest event of one object (entity_id > 0), or of the
     * whole log (entity_id 0); 0 when there is none. What live pages poll:
     * it moves whichever node wrote. */
    op_rc (*event_last)(struct store_tx *tx, enum entity entity, int64_t entity_id,
                        int64_t *out);

    /* sessions and API tokens, found by the hash of their secret */
    op_rc (*session_insert)(struct store_tx *tx, const uint8_t hash[32], struct session *s);
    op_rc (*session_get)(struct store_tx *tx, const uint8_t hash[32], struct session *out);
    op_rc (*session_touch)(struct store_tx *tx, int64_t id, op_time last_seen, op_time expires);
    op_rc (*session_delete)(struct store_tx *tx, const uint8_t hash[32]);
    op_rc (*session_delete_user)(struct store_tx *tx, int64_t user_id);
    op_rc (*token_insert)(struct store_tx *tx, const uint8_t hash[32], struct api_token *t);
    op_rc (*token_get)(struct store_tx *tx, const uint8_t hash[32], struct arena *a,
                       struct api_token *out);
    op_rc (*token_list)(struct store_tx *tx, int64_t user_id, struct arena *a,
                        struct api_token **out, size_t *n);
    op_rc (*token_revoke)(struct store_tx *tx, int64_t id, int64_t user_id, op_time at);
    op_rc (*token_touch)(struct store_tx *tx, int64_t id, op_time at);

    /* Leases: background work that one node at a time may do (a mailbox
     * poll, a sweep). Takes the lease called name for owner until `until`
     * when it is free, expired (held until <= now) or already owner's;
     * *got says whether owner holds it now. release gives it up early. */
    op_rc (*lease_take)(struct store_tx *tx, const char *name, const char *owner, op_time now,
                        op_time until, bool *got);
    op_rc (*lease_release)(struct store_tx *tx, const char *name, const char *owner);

    /* the subsystems (see the top of this file) */
    const struct store_sla_ops *sla;
    const struct store_team_ops *team;
    const struct store_mail_ops *mail;
    const struct store_kpi_ops *kpi; /* store_kpi.h: KPI facts and reports */
    const struct store_survey_ops *survey;
    const struct store_motivation_ops *motivation; /* store_motivation.h: levels, pay, bonus months */
    const struct store_viewers_ops *viewers; /* store_viewers.h: who has a ticket open */
    const struct store_portal_ops *portal; /* store_portal.h: sign-in links */
    const struct store_account_ops *account; /* store_account.h: staff invitations, resets */
};

/* The backend for url: PostgreSQL for "postgres://..." or "postgresql://...", else SQLite ("sqlite:PATH"
 * or a plain path). */
const struct store_ops *store_backend(const char *url);

/* Opens url with its backend. You own *out; release with store_close. */
op_rc store_open(const char *url, const struct store_options *opt, struct store **out,
                 struct op_err *err);
void store_close(struct store *s);
op_rc store_read(struct store *s, store_fn fn, void *arg);
op_rc store_write(struct store *s, store_fn fn, void *arg);
op_rc store_schema_version(struct store *s, int *current, int *latest);
op_rc store_backup(struct store *s, const char *path, struct op_err *err);
const char *store_backend_name(struct store *s);
/* store_ops.wait_change; OP_ERR_UNAVAILABLE (at once) when the backend has none. */
op_rc store_wait_change(struct store *s, int timeout_ms, struct store_change *out);

#endif
