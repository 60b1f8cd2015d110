/* internal.h - what the app's files share: the authorization policy and
 * helpers that run inside store transactions. Not for callers of app.h. */
#ifndef OPORA_APP_INTERNAL_H
#define OPORA_APP_INTERNAL_H

#include "app/app.h"

/* ---- access.c: who may see and do what ---- */

/* The tickets who may see, as a store filter. */
struct ticket_scope access_ticket_scope(const struct app *app, const struct actor *who);

/* Whether who may see t (t->requesters filled). */
bool access_ticket_visible(const struct app *app, const struct actor *who,
                           const struct ticket *t);

/* OP_OK when who's role is at least min; else OP_ERR_FORBIDDEN. */
op_rc access_require(const struct actor *who, enum user_role min, struct op_err *err);

/* ---- auth.c ---- */

/* True when password matches the argon2id hash (constant time in libsodium). */
bool password_verify(const char *hash, const char *password);

/* The language u reads in (English when theirs is not one opora speaks). */
static inline enum lang user_lang(const struct user *u)
{
    int l = i18n_lang_parse(u->language);
    return l < 0 ? LANG_EN : (enum lang)l;
}

/* ---- ratelimit.c: counting failures per key in a sliding window ---- */

/* A table of at most `slots` keys; the oldest entries are forgotten first. */
struct ratelimit *ratelimit_new(size_t slots, unsigned max_failures, unsigned window_s);
void ratelimit_free(struct ratelimit *rl);
/* 0 when key may try now, else the seconds until it may. */
int ratelimit_check(struct ratelimit *rl, const char *key, op_time now);
void ratelimit_fail(struct ratelimit *rl, const char *key, op_time now);
void ratelimit_reset(struct ratelimit *rl, const char *key);

/* ---- authcache.c: resolved credentials, for a second ---- */

#define AUTHCACHE_TTL_MS 1000
enum { AUTHCACHE_SESSION = 1, AUTHCACHE_TOKEN = 2 };
struct authcache;
struct authcache *authcache_new(size_t slots);
void authcache_free(struct authcache *c);
/* Copies the actor remembered for key into out (strings from a) when there
 * is one made at generation gen and not older than its time. */
bool authcache_get(struct authcache *c, int kind, const uint8_t key[32], uint64_t gen,
                   int64_t now_ms, enum via via, struct arena *a, struct actor *out);
void authcache_put(struct authcache *c, int kind, const uint8_t key[32], uint64_t gen,
                   int64_t until_ms, const struct actor *who);
/* Something that decides who may do what changed: forget every credential. */
void auth_changed(struct app *app);

/* ---- tx helpers (txutil.c) ---- */

/* Appends the events of l; the first event's id becomes the action id of the
 * rest, and of later lists when *action_id is passed in as 0 and set here. */
op_rc tx_append_events(struct store_tx *tx, struct event_list *l, int64_t *action_id);

/* The newest event id of the whole log into *all and, when who (not NULL)
 * may see ticket ticket_id, of that ticket into *ticket (0 otherwise: an
 * invisible ticket reads as one without events). */
op_rc tx_event_last(struct store_tx *tx, struct app *app, const struct actor *who,
                    int64_t ticket_id, int64_t *all, int64_t *ticket);

/* Loads ticket id if who may see it; OP_ERR_NOTFOUND (with a message) if
 * it does not exist or who may not see it. */
op_rc tx_visible_ticket(struct store_tx *tx, const struct app *app, const struct actor *who,
                        int64_t id, struct arena *a, struct ticket *out, struct op_err *err);

/* Checks that user_id is an active staff member and, when group_id is set, a
 * member of that group. field names the input. */
op_rc tx_check_assignee(struct store_tx *tx, int64_t user_id, int64_t group_id,
                        const char *field, struct arena *a, struct op_err *err);

/* Checks existence, with a field-level error naming the id. */
op_rc tx_check_user(struct store_tx *tx, int64_t id, const char *field, struct arena *a,
                    struct user *out, struct op_err *err);
op_rc tx_check_group(struct store_tx *tx, int64_t id, const char *field, struct arena *a,
                     struct group *out, struct op_err *err);
op_rc tx_check_org(struct store_tx *tx, int64_t id, const char *field, struct arena *a,
                   struct organization *out, struct op_err *err);

/* ---- ticket_hooks.c: what follows every ticket action ---- */

/* Runs, inside the action's transaction, what the subsystems do after a
 * ticket was written: routing (may assign t and rewrite it), the SLA clocks,
 * notifications. old is the ticket before (NULL on create), t as written,
 * l the events of the action (appended already; may be empty), action_id
 * their action. Any failure fails the action. */
op_rc ticket_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                         const struct ticket *old, struct ticket *t, const struct event_list *l,
                         int64_t action_id, struct arena *a);

/* Takes the lease called name for this node (app->node_id) for ttl_ms, in
 * a transaction of its own; *got says whether this node holds it. */
op_rc app_lease(struct app *app, const char *name, int64_t ttl_ms, bool *got);

/* "123" into buf. */
const char *id_str(int64_t id, char buf[24]);

/* The channel a ticket gets when it arrives through via. */
enum channel channel_of_via(enum via via);
enum via via_of_channel(enum channel ch);

/* Runs fn in a write (or, for read_only, a read) transaction and returns its
 * result; the usual shape of every app call. */
op_rc app_run(struct app *app, bool read_only, store_fn fn, void *arg);

/* app_attachment_upload, for bytes already in the files store under
 * stored_sha256 (written and fsynced by the caller, e.g. mail_prepare):
 * the checks and the row, without hashing and storing them again. NULL
 * stored_sha256: stores them first, as the upload does. */
op_rc attachment_add(struct app *app, const struct actor *who, const char *filename,
                     const char *content_type, const void *data, size_t size,
                     const char *stored_sha256, struct arena *a, struct attachment *out,
                     struct op_err *err);

/* ---- secrets (auth.c) ---- */

/* A new secret: prefix and 32 random bytes in base64url, as text from a;
 * hash: what it is stored under (secret_hash). OP_ERR_NOMEM. */
op_rc secret_new(const char *prefix, struct arena *a, char **text, uint8_t hash[32]);

/* The hash (BLAKE2b-256) every secret of opora is stored under: sessions,
 * API tokens, portal and account links. The text itself is never stored. */
void secret_hash(const char *text, uint8_t hash[32]);

/* A new session of user_id from now: its token and CSRF token as text
 * (from a), the hash the token is stored under, and *s to insert with it.
 * OP_ERR_NOMEM. */
op_rc session_new(struct app *app, int64_t user_id, struct arena *a, char **token, char **csrf,
                  uint8_t hash[32], struct session *s);

#endif
