/* team.h - the team's use cases: shift templates, the monthly rota,
 * on-call duty, presence (set by agents, swept to away and offline),
 * adherence reports, agents' languages, and routing of tickets to agents on
 * shift and online, with reassignment of unanswered tickets.
 *
 * Who may do what: admins and team leads plan (templates, rota, on-call,
 * routing, settings) and see everyone's presence and reports; an agent sees
 * the rota and on-call plan, sets their own presence and sees their own
 * presence and report. Customers see none of it (OP_ERR_FORBIDDEN).
 *
 * Conventions of app.h: the acting user, a caller's arena for results,
 * struct op_err naming the field at fault; a write is durable on OP_OK and
 * stores nothing on failure. */
#ifndef OPORA_APP_TEAM_H
#define OPORA_APP_TEAM_H

#include "app/app.h"
#include "core/team.h"
#include "store/store_team.h"

/* ---- shift templates (team.c) ---- */

enum { SHF_NAME = 1u << 0, SHF_START = 1u << 1, SHF_DURATION = 1u << 2, SHF_TIME_ZONE = 1u << 3 };
struct shift_input {
    unsigned set;
    const char *name;
    int start_min;          /* minutes from local midnight */
    int duration_min;
    const char *time_zone;  /* "" = the agent's */
};

/* Create needs name, start and duration. OP_ERR_INVALID (the field; a
 * taken name is "name", MSG_ERR_DUPLICATE), OP_ERR_FORBIDDEN. Changing a
 * template does not move rota entries already planned with it. */
op_rc app_shift_create(struct app *app, const struct actor *who, const struct shift_input *in,
                       struct arena *a, struct shift_template *out, struct op_err *err);
op_rc app_shift_update(struct app *app, const struct actor *who, int64_t id,
                       const struct shift_input *in, struct arena *a, struct shift_template *out,
                       struct op_err *err);
/* OP_ERR_CONFLICT while the rota uses it. */
op_rc app_shift_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err);
op_rc app_shift_list(struct app *app, const struct actor *who, struct arena *a,
                     struct shift_template **out, size_t *n, struct op_err *err);

/* ---- the rota (team.c) ---- */

/* One planned day: the shift by id, or by name when shift_id is 0. */
struct rota_input {
    int64_t agent_id;
    int32_t date;
    int64_t shift_id;
    const char *shift_name;
};

/* Plans one shift. The agent must be active staff (not a customer:
 * "agent_id"), the shift must exist ("shift_id"), the agent's time zone must
 * be known, and the shift must not overlap another of the agent's
 * ("date", MSG_ERR_TEAM_ROTA_OVERLAP). */
op_rc app_rota_add(struct app *app, const struct actor *who, const struct rota_input *in,
                   struct arena *a, struct rota_entry *out, struct op_err *err);
op_rc app_rota_remove(struct app *app, const struct actor *who, int64_t id, struct op_err *err);
/* The entries of f (dates at most TEAM_RANGE_DAYS_MAX apart). Agents may
 * only ask for their own (f->agent_id 0 means their own). */
op_rc app_rota_list(struct app *app, const struct actor *who, const struct rota_filter *f,
                    struct arena *a, struct rota_entry **out, size_t *n, struct op_err *err);

/* Replaces the month [f->from, f->to] of one agent (f->agent_id) or of the
 * members of a group (f->group_id) with entries, in one transaction: the
 * first bad entry ("entries[i].field") fails the whole and nothing is
 * stored. Entries must belong to the scope. *out: the month as stored. */
op_rc app_rota_put(struct app *app, const struct actor *who, const struct rota_filter *f,
                   const struct rota_input *entries, size_t n_entries, struct arena *a,
                   struct rota_entry **out, size_t *n, struct op_err *err);

/* ---- on-call (team.c) ---- */

enum { OCF_AGENT = 1u << 0, OCF_START = 1u << 1, OCF_END = 1u << 2, OCF_NOTE = 1u << 3 };
struct oncall_input {
    unsigned set;
    int64_t agent_id;
    op_time start_at, end_at;
    const char *note;
};
/* An agent's periods must not overlap ("start_at", MSG_ERR_TEAM_ONCALL_OVERLAP);
 * end after start ("end_at"). */
op_rc app_oncall_create(struct app *app, const struct actor *who, const struct oncall_input *in,
                        struct arena *a, struct oncall *out, struct op_err *err);
op_rc app_oncall_update(struct app *app, const struct actor *who, int64_t id,
                        const struct oncall_input *in, struct arena *a, struct oncall *out,
                        struct op_err *err);
op_rc app_oncall_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err);
/* The periods that overlap [from, to) of agent_id (0: everyone). */
op_rc app_oncall_list(struct app *app, const struct actor *who, int64_t agent_id, op_time from,
                      op_time to, struct arena *a, struct oncall **out, size_t *n,
                      struct op_err *err);

/* ---- presence (presence.c) ---- */

/* Sets who's own status (staff only), closing the open interval and
 * opening the next in one transaction; the same status again changes
 * nothing. *out: the open interval. */
op_rc app_presence_set(struct app *app, const struct actor *who, enum presence_status status,
                       struct presence_interval *out, struct op_err *err);

struct presence_now {
    int64_t agent_id;
    const char *name;
    enum presence_status status;
    enum presence_source source;
    op_time since;              /* 0: offline since always */
};
/* The current status of every active staff member (leads and admins), or
 * of the caller alone (agents); by id. */
op_rc app_presence_list(struct app *app, const struct actor *who, struct arena *a,
                        struct presence_now **out, size_t *n, struct op_err *err);

/* Notes that who made an authenticated request now: cheap, in memory; the
 * background job writes it to the database at most once a minute per agent
 * and brings an agent who went away idle back online. Customers and the
 * system are ignored. Thread-safe. */
void team_note_activity(struct app *app, const struct actor *who);

/* Inside app_logout's transaction: the agent of the session with this
 * token hash goes offline. OP_OK when there is no such session. */
op_rc presence_tx_logout(struct app *app, struct store_tx *tx, const uint8_t hash[32]);

/* The background job (jobs.c): writes activity, turns idle online agents
 * away and agents without activity or a live session for the session TTL
 * offline (under a lease: one node at a time), fires due reassign checks. */
op_rc team_job(struct app *app, op_time now, op_time *next_at);

/* ---- reports (team.c) ---- */

struct adherence_agent {
    int64_t agent_id;
    const char *name;
    const char *time_zone;      /* the zone days are counted in */
    struct adh_report r;
};
/* Adherence for local dates [from, to] of one agent, of a group's members,
 * or (both 0) of every active staff member; agents may only ask for their
 * own. Each agent's days are in their own zone. */
op_rc app_adherence_report(struct app *app, const struct actor *who, int32_t from, int32_t to,
                           int64_t agent_id, int64_t group_id, struct arena *a,
                           struct adherence_agent **out, size_t *n, struct op_err *err);

/* ---- languages and settings (team.c) ---- */

/* A user's languages for routing (codes of 2-3 lower-case letters, at most
 * TEAM_LANGS_MAX); set replaces them (admins and leads, or the agent
 * themself). */
op_rc app_languages_get(struct app *app, const struct actor *who, int64_t user_id,
                        struct arena *a, struct str_list *out, struct op_err *err);
op_rc app_languages_set(struct app *app, const struct actor *who, int64_t user_id,
                        const struct str_list *langs, struct arena *a, struct str_list *out,
                        struct op_err *err);

enum { TSF_AWAY = 1u << 0, TSF_GRACE = 1u << 1 };
struct team_settings_input {
    unsigned set;
    int away_after_min, grace_min;
};
op_rc app_team_settings_get(struct app *app, const struct actor *who, struct team_settings *out,
                            struct op_err *err);
op_rc app_team_settings_put(struct app *app, const struct actor *who,
                            const struct team_settings_input *in, struct team_settings *out,
                            struct op_err *err);

/* ---- routing (routing.c) ---- */

enum { RTF_MODE = 1u << 0, RTF_CAP = 1u << 1, RTF_REASSIGN = 1u << 2, RTF_LANG = 1u << 3 };
struct routing_input {
    unsigned set;
    enum routing_mode mode;
    int cap;                    /* 0..1000 */
    int reassign_after_min;     /* 0..10080 */
    enum routing_lang lang_rule;
};
op_rc app_routing_get(struct app *app, const struct actor *who, int64_t group_id,
                      struct routing_settings *out, struct op_err *err);
op_rc app_routing_put(struct app *app, const struct actor *who, int64_t group_id,
                      const struct routing_input *in, struct routing_settings *out,
                      struct op_err *err);

/* From ticket_after_write, in the action's transaction: when t is in a
 * group whose routing is on, has no assignee and is not solved or closed,
 * assigns it to the agent route_pick chooses (an EV_CHANGED "assignee_id"
 * by the system in action_id; t is rewritten); when t got an assignee and
 * the group reassigns after X minutes, records the check; when it lost it,
 * or was solved, drops the check. */
op_rc routing_after_write(struct app *app, struct store_tx *tx, const struct actor *who,
                          const struct ticket *old, struct ticket *t, int64_t action_id,
                          struct arena *a);

/* The job's part: fires the reassign checks due at now (routing.c). */
op_rc routing_reassign_due(struct app *app, op_time now);

/* Routes the waiting unassigned tickets of routed groups to agents who may
 * take them now (the team job runs it): *routed (may be NULL) counts them. */
op_rc routing_drain(struct app *app, op_time now, size_t *routed);

#endif
