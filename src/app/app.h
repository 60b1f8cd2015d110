/* app.h - opora's use cases: what a caller (HTTP handler, CLI command,
 * channel) asks of the helpdesk, with authorization, validation, the event
 * log and durability handled here once.
 *
 * Every call takes the acting user (struct actor), a caller-owned arena for
 * what it returns, and a struct op_err for what went wrong. Writes go through
 * store_write (group commit): when a call returns OP_OK its change is
 * durable. Objects the actor may not see are OP_ERR_NOTFOUND, never
 * OP_ERR_FORBIDDEN, so their existence does not leak. */
#ifndef OPORA_APP_H
#define OPORA_APP_H

#include <stdatomic.h>

#include "base/arena.h"
#include "base/rc.h"
#include "core/macro.h"
#include "core/ticket.h"
#include "core/types.h"
#include "i18n/i18n.h"
#include "store/store.h"

struct ratelimit;
struct filestore;

enum agent_scope {
    AGENT_SCOPE_GROUPS, /* agents see tickets of their groups, unrouted ones, and their own */
    AGENT_SCOPE_ALL     /* agents see every ticket */
};

struct app_config {
    enum agent_scope agent_scope;
    int64_t session_ttl_ms;        /* idle sessions expire after this */
    uint64_t attachment_max;       /* bytes per attachment */
    const char *files_dir;         /* where attachments are kept (content-addressed) */
    const char *public_url;        /* the server as customers reach it, for links in mail */
    unsigned long long pwhash_ops; /* argon2id cost; 0 = libsodium's "interactive" */
    size_t pwhash_mem;
    unsigned login_max_failures;   /* per email and per address, within login_window_s */
    unsigned login_window_s;
};

void app_config_defaults(struct app_config *c);

struct app {
    struct store *store;
    struct app_config cfg;
    op_time (*clock)(void *ctx);   /* the time of every event; injectable for tests */
    void *clock_ctx;
    struct ratelimit *logins;
    struct filestore *files;
    char *dummy_hash;              /* verified against when an email is unknown */
    struct authcache *auth_cache;  /* credentials resolved in the last second */
    _Atomic uint64_t auth_gen;     /* bumped when a user, group, organization or credential changes */
    /* When set, every call runs inside this transaction instead of its own:
     * bulk generators (opora demo) put thousands of calls in one commit. Only
     * for single-threaded tools; a failing call is not rolled back alone. */
    struct store_tx *batch_tx;
    char node_id[40];              /* this process among the nodes on one database: host:pid:random */
    struct jobs *jobs;             /* the background thread (jobs.h), when started */
    struct sla_cache *sla_cache;   /* calendars, by version (sla_env.h) */
};

/* Sets up app over an open store (which stays the caller's). Returns
 * OP_ERR_IO when the files directory cannot be made. */
op_rc app_init(struct app *app, struct store *store, const struct app_config *cfg,
               struct op_err *err);
void app_release(struct app *app);
op_time app_now(const struct app *app);

/* Who is acting, resolved once per request. */
struct actor {
    int64_t id;                /* 0: the system itself */
    enum user_role role;
    enum staff_level level;
    int64_t organization_id;
    bool org_shared;           /* the organization shares tickets among its members */
    struct id_list groups;     /* the groups a staff member belongs to */
    enum via via;              /* through what this actor reaches us now */
    enum lang lang;
    const char *name;
    const char *email;
    int64_t session_id;        /* when authenticated by a session cookie */
    const char *csrf;          /* that session's CSRF token */
};

static inline bool actor_is_staff(const struct actor *a)
{
    return a->role != ROLE_CUSTOMER;
}

/* The system actor, for the demo generator and internal jobs. */
void actor_system(struct actor *a, enum via via);

/* ---- authentication (auth.c) ---- */

/* Hashes a password with argon2id; the string is allocated from a. */
op_rc app_password_hash(const struct app *app, const char *password, struct arena *a, char **out,
                        struct op_err *err);

/* Checks email/password, rate-limited per email and per client address;
 * on success creates a session and returns its secret token (to put in a
 * cookie) and CSRF token, both from a. OP_ERR_AUTH on a wrong pair (the same
 * answer for an unknown email), OP_ERR_RATELIMIT when blocked (retry_after_s). */
op_rc app_login(struct app *app, const char *email, const char *password, const char *client,
                struct arena *a, char **session_token, char **csrf, struct user *user,
                int *retry_after_s, struct op_err *err);
op_rc app_logout(struct app *app, const char *session_token, struct op_err *err);

/* Resolves a session cookie or a bearer token into an actor (strings from a).
 * OP_ERR_AUTH when unknown, expired, revoked, or the user is inactive. */
op_rc app_auth_session(struct app *app, const char *token, enum via via, struct arena *a,
                       struct actor *out, struct op_err *err);
op_rc app_auth_token(struct app *app, const char *token, enum via via, struct arena *a,
                     struct actor *out, struct op_err *err);
/* The actor for a user id (the CLI acts as a named user). */
op_rc app_actor_for_user(struct app *app, int64_t user_id, enum via via, struct arena *a,
                         struct actor *out, struct op_err *err);

/* Personal API tokens: the secret is returned once (from a), stored hashed. */
op_rc app_token_create(struct app *app, const struct actor *who, int64_t user_id,
                       const char *name, struct arena *a, struct api_token *out, char **secret,
                       struct op_err *err);
op_rc app_token_list(struct app *app, const struct actor *who, struct arena *a,
                     struct api_token **out, size_t *n, struct op_err *err);
op_rc app_token_revoke(struct app *app, const struct actor *who, int64_t token_id,
                       struct op_err *err);

/* ---- people and structure (people.c) ---- */

/* Fields of a user create/update; `set` bits say which are given. */
enum {
    UF_NAME = 1u << 0, UF_EMAIL = 1u << 1, UF_PHONE = 1u << 2, UF_TELEGRAM = 1u << 3,
    UF_ORGANIZATION = 1u << 4, UF_LANGUAGE = 1u << 5, UF_ROLE = 1u << 6, UF_LEVEL = 1u << 7,
    UF_ACTIVE = 1u << 8, UF_PASSWORD = 1u << 9, UF_TIME_ZONE = 1u << 10
};
struct user_input {
    unsigned set;
    const char *name, *email, *phone, *telegram, *language, *password, *time_zone;
    int64_t organization_id;
    enum user_role role;
    enum staff_level level;
    bool active;
    const char *current_password; /* required to change one's own password */
};

op_rc app_user_create(struct app *app, const struct actor *who, const struct user_input *in,
                      struct arena *a, struct user *out, struct op_err *err);
op_rc app_user_update(struct app *app, const struct actor *who, int64_t id,
                      const struct user_input *in, struct arena *a, struct user *out,
                      struct op_err *err);
op_rc app_user_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                   struct user *out, struct op_err *err);
op_rc app_user_list(struct app *app, const struct actor *who, const struct user_filter *f,
                    struct arena *a, struct user **out, size_t *n, struct op_err *err);
/* Finds the customer with email, or creates one (name defaults to the email). */
op_rc app_customer_find_or_create(struct app *app, const struct actor *who, const char *email,
                                  const char *name, struct arena *a, struct user *out,
                                  struct op_err *err);

enum { OF_NAME = 1u << 0, OF_DOMAINS = 1u << 1, OF_NOTES = 1u << 2, OF_SHARED = 1u << 3 };
struct org_input {
    unsigned set;
    const char *name, *domains, *notes;
    bool shared_tickets;
};
op_rc app_org_create(struct app *app, const struct actor *who, const struct org_input *in,
                     struct arena *a, struct organization *out, struct op_err *err);
op_rc app_org_update(struct app *app, const struct actor *who, int64_t id,
                     const struct org_input *in, struct arena *a, struct organization *out,
                     struct op_err *err);
op_rc app_org_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                  struct organization *out, struct op_err *err);
op_rc app_org_list(struct app *app, const struct actor *who, const char *q, int64_t after_id,
                   size_t limit, struct arena *a, struct organization **out, size_t *n,
                   struct op_err *err);
/* Deletes organization id and appends its event. OP_ERR_CONFLICT, nothing
 * changed, while a user, a ticket or an SLA policy condition refers to it
 * (the message names which); OP_ERR_NOTFOUND when there is none. */
op_rc app_org_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err);

enum { GF_NAME = 1u << 0, GF_TIER = 1u << 1, GF_DESCRIPTION = 1u << 2, GF_MEMBERS = 1u << 3 };
struct group_input {
    unsigned set;
    const char *name, *description;
    enum group_tier tier;
    struct id_list members;
};
op_rc app_group_create(struct app *app, const struct actor *who, const struct group_input *in,
                       struct arena *a, struct group *out, struct op_err *err);
op_rc app_group_update(struct app *app, const struct actor *who, int64_t id,
                       const struct group_input *in, struct arena *a, struct group *out,
                       struct op_err *err);
/* Puts staff member user_id into exactly the groups group_ids (the admin's
 * user page): one transaction, one action, an event per group joined or
 * left on that group. OP_ERR_INVALID at "groups" for an unknown group or
 * more than 1000, at "user" for a customer given any group; OP_ERR_NOTFOUND
 * for no user. */
op_rc app_user_groups_set(struct app *app, const struct actor *who, int64_t user_id,
                          const struct id_list *group_ids, struct arena *a, struct op_err *err);
op_rc app_group_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                    struct group *out, struct op_err *err);
op_rc app_group_list(struct app *app, const struct actor *who, struct arena *a,
                     struct group **out, size_t *n, struct op_err *err);
/* Deletes group id with its members and routing settings, appending an event
 * per member it had and one for the delete. OP_ERR_CONFLICT, nothing changed,
 * while a ticket (any status), an SLA policy or a macro refers to it (the
 * message names which); OP_ERR_NOTFOUND when there is none. */
op_rc app_group_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err);

/* ---- macros (macros.c) ---- */

enum { MF_NAME = 1u << 0, MF_DESCRIPTION = 1u << 1, MF_ACTIVE = 1u << 2, MF_ACTIONS = 1u << 3 };
struct macro_input {
    unsigned set;
    const char *name, *description;
    bool active;
    struct macro_action *actions;
    size_t n_actions;
};
op_rc app_macro_create(struct app *app, const struct actor *who, const struct macro_input *in,
                       struct arena *a, struct macro *out, struct op_err *err);
op_rc app_macro_update(struct app *app, const struct actor *who, int64_t id,
                       const struct macro_input *in, struct arena *a, struct macro *out,
                       struct op_err *err);
op_rc app_macro_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err);
op_rc app_macro_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                    struct macro *out, struct op_err *err);
op_rc app_macro_list(struct app *app, const struct actor *who, bool include_inactive,
                     struct arena *a, struct macro **out, size_t *n, struct op_err *err);

/* ---- tickets (tickets.c) ---- */

/* A comment as asked for. */
struct comment_input {
    const char *body;
    bool public;
    struct id_list attachment_ids;  /* uploaded by the same actor, not yet attached */
};

/* The requester of a new ticket may be named by id or by email (found or
 * created as a customer); customers are always their own requester. */
struct ticket_create {
    struct ticket_input in;
    const char *requester_email;
    const char *requester_name;
    const struct comment_input *comment; /* optional first comment besides the description */
};

op_rc app_ticket_create(struct app *app, const struct actor *who, const struct ticket_create *c,
                        struct arena *a, struct ticket *out, struct op_err *err);
op_rc app_ticket_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                     struct ticket *out, struct op_err *err);
/* Changes fields and, optionally, adds a comment in the same action. */
op_rc app_ticket_update(struct app *app, const struct actor *who, int64_t id,
                        const struct ticket_input *in, const struct comment_input *comment,
                        struct arena *a, struct ticket *out, struct comment *comment_out,
                        struct op_err *err);
op_rc app_ticket_list(struct app *app, const struct actor *who, const struct ticket_filter *f,
                      struct arena *a, struct ticket_page *out, struct op_err *err);
op_rc app_ticket_count(struct app *app, const struct actor *who, const struct ticket_filter *f,
                       int64_t *out, struct op_err *err);
op_rc app_ticket_search(struct app *app, const struct actor *who, const char *q,
                        const struct ticket_filter *f, size_t offset, struct arena *a,
                        struct ticket_page *out, struct search_hit **hits, struct op_err *err);

op_rc app_comment_add(struct app *app, const struct actor *who, int64_t ticket_id,
                      const struct comment_input *in, struct arena *a, struct comment *out,
                      struct op_err *err);
op_rc app_comment_list(struct app *app, const struct actor *who, int64_t ticket_id,
                       int64_t after_id, size_t limit, struct arena *a, struct comment **out,
                       size_t *n, struct op_err *err);

/* The ticket's history (staff only). */
op_rc app_event_list(struct app *app, const struct actor *who, int64_t ticket_id,
                     int64_t after_id, size_t limit, struct arena *a, struct event **out,
                     size_t *n, struct op_err *err);
/* Where the log is (staff): the newest event id of all (*all) and of
 * ticket_id (*ticket, 0 when it is 0 or not visible to who) — what live
 * pages compare to see that something moved, on whichever node. */
op_rc app_event_last(struct app *app, const struct actor *who, int64_t ticket_id, int64_t *all,
                     int64_t *ticket, struct op_err *err);

/* Every event after after_id (leads and admins): the feed KPIs are computed from. */
op_rc app_event_feed(struct app *app, const struct actor *who, int64_t after_id, size_t limit,
                     struct arena *a, struct event **out, size_t *n, struct op_err *err);

/* Links as seen from ticket_id: "related", "parent_of", "child_of",
 * "duplicate_of", "duplicated_by". */
enum link_view { LV_RELATED, LV_PARENT_OF, LV_CHILD_OF, LV_DUPLICATE_OF, LV_DUPLICATED_BY,
                 LV__COUNT };
const char *link_view_name(enum link_view v);
int link_view_parse(const char *s);
const char *link_view_names_list(void);
enum link_view link_view_of(const struct link *l, int64_t ticket_id);

op_rc app_link_add(struct app *app, const struct actor *who, int64_t ticket_id,
                   enum link_view kind, int64_t other_id, struct arena *a, struct link *out,
                   struct op_err *err);
op_rc app_link_remove(struct app *app, const struct actor *who, int64_t ticket_id,
                      int64_t link_id, struct op_err *err);
op_rc app_link_list(struct app *app, const struct actor *who, int64_t ticket_id,
                    struct arena *a, struct link **out, size_t *n, struct op_err *err);

/* Merges each source into target: conversation and requesters move over,
 * the source is closed with a pointer to target. */
op_rc app_ticket_merge(struct app *app, const struct actor *who, int64_t target_id,
                       const struct id_list *source_ids, struct arena *a, struct ticket *out,
                       struct op_err *err);

/* Escalation to a group of a higher tier, with a reason; assignee_id
 * optional (0), must be a member of that group. */
op_rc app_ticket_escalate(struct app *app, const struct actor *who, int64_t ticket_id,
                          int64_t group_id, int64_t assignee_id, const char *reason,
                          struct arena *a, struct ticket *out, struct op_err *err);
/* Hand-back to group_id (0: to where the last escalation came from, and to
 * the agent who had it if they still can take it), with a reason. */
op_rc app_ticket_handback(struct app *app, const struct actor *who, int64_t ticket_id,
                          int64_t group_id, const char *reason, struct arena *a,
                          struct ticket *out, struct op_err *err);

/* Applies a macro in one action (preview: compute, store nothing). */
op_rc app_macro_apply(struct app *app, const struct actor *who, int64_t ticket_id,
                      int64_t macro_id, bool preview, struct arena *a, struct ticket *out,
                      struct comment **comments, size_t *n_comments, struct op_err *err);

/* ---- attachments (attachments.c) ---- */

/* Stores data (durably, content-addressed) and records it as uploaded by who,
 * not yet attached to a comment. OP_ERR_TOOBIG over attachment_max. */
op_rc app_attachment_upload(struct app *app, const struct actor *who, const char *filename,
                            const char *content_type, const void *data, size_t size,
                            struct arena *a, struct attachment *out, struct op_err *err);
/* Metadata, if who may see it: the uploader, or anyone who may see the
 * ticket of its comment (customers only public comments). */
op_rc app_attachment_get(struct app *app, const struct actor *who, int64_t id,
                         struct arena *a, struct attachment *out, struct op_err *err);
/* Opens the content for reading; you own *fd. */
op_rc app_attachment_open(struct app *app, const struct attachment *at, int *fd,
                          struct op_err *err);

/* ---- health ---- */
/* Whether the database answers a read, cheaply (a load balancer asks often):
 * OP_OK, or what the store said. */
op_rc app_health(struct app *app, struct op_err *err);

#endif
