/* types.h - the objects of a helpdesk: people, groups, tickets and their
 * conversation, links, macros, and the event log.
 *
 * Plain data. Strings are owned by whoever owns the struct (usually a request
 * arena). Ids are positive int64; 0 means "none". Times are op_time (ms UTC),
 * 0 meaning "not yet". Nothing here knows about HTTP or SQL. */
#ifndef OPORA_CORE_TYPES_H
#define OPORA_CORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/timeutil.h"

/* ---- enumerations; each has a name table in enums.c ---- */

enum user_role { ROLE_CUSTOMER, ROLE_AGENT, ROLE_LEAD, ROLE_ADMIN, ROLE__COUNT };
enum staff_level { LEVEL_NONE, LEVEL_JUNIOR, LEVEL_MIDDLE, LEVEL_SENIOR, LEVEL__COUNT };
/* Tiers are ordered: escalation goes up, hand-back goes down. */
enum group_tier { TIER_L1, TIER_L2, TIER_TECH, TIER__COUNT };
enum ticket_status {
    STATUS_NEW, STATUS_OPEN, STATUS_PENDING, STATUS_ON_HOLD, STATUS_SOLVED, STATUS_CLOSED,
    STATUS__COUNT
};
enum ticket_priority { PRIO_LOW, PRIO_NORMAL, PRIO_HIGH, PRIO_URGENT, PRIO__COUNT };
enum ticket_type { TYPE_QUESTION, TYPE_INCIDENT, TYPE_PROBLEM, TYPE_TASK, TYPE__COUNT };
/* Where a ticket came from. */
enum channel { CH_EMAIL, CH_CHAT, CH_WEB, CH_PHONE, CH_TELEGRAM, CH_API, CH__COUNT };
/* Through what a change was made: the channels, plus the system itself and the CLI. */
enum via {
    VIA_EMAIL, VIA_CHAT, VIA_WEB, VIA_PHONE, VIA_TELEGRAM, VIA_API, VIA_SYSTEM, VIA_CLI,
    VIA__COUNT
};
/* related: symmetric; parent: a is the parent of b; duplicate: a duplicates b. */
enum link_kind { LINK_RELATED, LINK_PARENT, LINK_DUPLICATE, LINK__COUNT };
/* What an event is about. */
enum entity { ENTITY_TICKET, ENTITY_USER, ENTITY_ORGANIZATION, ENTITY_GROUP, ENTITY_MACRO,
              ENTITY_CALENDAR, ENTITY_SLA_POLICY, ENTITY_SHIFT, ENTITY_ROTA, ENTITY_ONCALL,
              ENTITY_TEAM, ENTITY__COUNT };

enum event_kind {
    EV_CREATED,      /* the object came into being; its initial fields follow as EV_CHANGED */
    EV_CHANGED,      /* field went from old to new */
    EV_COMMENT,      /* new = comment id; field = "public" or "note" */
    EV_ESCALATED,    /* old, new = group ids; data = reason; field = "L1>L2" tiers */
    EV_HANDED_BACK,  /* old, new = group ids; data = reason */
    EV_LINKED,       /* field = link kind and direction; new = other ticket id */
    EV_UNLINKED,     /* likewise, old = other ticket id */
    EV_MERGED_INTO,  /* on the source: new = target id */
    EV_MERGED_FROM,  /* on the target: new = source id */
    EV_MACRO,        /* a macro was applied: new = macro id, data = its name */
    EV_REQUESTER_ADDED, /* new = user id */
    /* SLA (core/sla.h): field = the metric ("first_response", "next_response",
     * "resolution"); old = the target in ms, new = working ms elapsed when
     * it happened; data = the policy id. By the system (actor 0). */
    EV_SLA_WARNING,  /* the warning share of the target has passed */
    EV_SLA_BREACHED, /* the target has passed without the clock stopping */
    EV_SLA_MET,      /* the clock stopped within its target */
    /* A customer answered a survey: on the ticket (CSAT: field "csat") or
     * on the customer (NPS: field "nps"); new = the score, data = the
     * survey id. By the customer. A changed answer is a new event. */
    EV_RATED,
    EV__COUNT
};

/* Names <-> values. *_name never returns NULL; *_parse returns -1 for an unknown name. */
const char *role_name(enum user_role v);
int role_parse(const char *s);
const char *level_name(enum staff_level v);
int level_parse(const char *s);
const char *tier_name(enum group_tier v);
int tier_parse(const char *s);
const char *status_name(enum ticket_status v);
int status_parse(const char *s);
const char *priority_name(enum ticket_priority v);
int priority_parse(const char *s);
const char *type_name(enum ticket_type v);
int type_parse(const char *s);
const char *channel_name(enum channel v);
int channel_parse(const char *s);
const char *via_name(enum via v);
int via_parse(const char *s);
const char *link_kind_name(enum link_kind v);
int link_kind_parse(const char *s);
const char *entity_name(enum entity v);
int entity_parse(const char *s);
const char *event_kind_name(enum event_kind v);
int event_kind_parse(const char *s);

/* "new, open, pending, ..." for error messages. */
const char *status_names_list(void);
const char *priority_names_list(void);
const char *type_names_list(void);
const char *channel_names_list(void);
const char *role_names_list(void);
const char *level_names_list(void);
const char *tier_names_list(void);
const char *link_kind_names_list(void);
const char *macro_action_names_list(void);
const char *via_names_list(void);
const char *entity_names_list(void);
const char *event_kind_names_list(void);

/* ---- small collections ---- */

struct id_list {
    int64_t *v;
    size_t n;
};

struct str_list {
    char **v;
    size_t n;
};

bool id_list_has(const struct id_list *l, int64_t id);
bool str_list_has(const struct str_list *l, const char *s);

/* ---- people and structure ---- */

struct organization {
    int64_t id;
    char *name;
    char *domains;        /* space-separated email domains, "" if none */
    char *notes;
    bool shared_tickets;  /* members see each other's tickets */
    op_time created_at, updated_at;
};

struct user {
    int64_t id;
    enum user_role role;
    enum staff_level level;  /* LEVEL_NONE for customers */
    char *name;
    char *email;             /* unique, case-insensitive; "" allowed for customers with phone only */
    char *phone;
    char *telegram;
    int64_t organization_id;
    char *language;          /* "ru" or "en" */
    char *time_zone;         /* IANA name, "" = the server's */
    bool active;
    char *password_hash;     /* argon2id string, "" = cannot log in; never leaves the app */
    op_time created_at, updated_at;
};

struct group {
    int64_t id;
    char *name;
    enum group_tier tier;
    char *description;
    struct id_list members;  /* user ids, filled by calls that say so */
    op_time created_at, updated_at;
};

/* ---- tickets ---- */

struct ticket {
    int64_t id;
    char *subject;
    char *description;
    enum ticket_status status;
    enum ticket_priority priority;
    enum ticket_type type;
    enum channel channel;
    int64_t requester_id;
    int64_t organization_id;
    int64_t group_id;
    int64_t assignee_id;
    struct str_list tags;      /* sorted, unique */
    char *custom_fields;       /* a JSON object, "{}" when none */
    int64_t merged_into;       /* the target when this ticket was merged, else 0 */
    op_time created_at, updated_at, solved_at, closed_at;
    struct id_list requesters; /* further requesters (after a merge, CCs); filled on get */
    /* SLA, read along with the ticket (written by the SLA clocks, never by
     * ticket_update): the earliest due time of a running clock, 0 none;
     * whether a clock is past its target and not yet stopped. */
    op_time sla_due_at;
    bool sla_breached;
};

struct comment {
    int64_t id;
    int64_t ticket_id;
    int64_t author_id;
    bool public;               /* false: internal note, never shown to customers */
    char *body;
    enum via via;
    int64_t origin_ticket_id;  /* where it was written, if it moved in a merge */
    op_time created_at;
    struct id_list attachment_ids;
};

struct attachment {
    int64_t id;
    char sha256[65];           /* hex; the file's name in the file store */
    int64_t size;
    char *content_type;
    char *filename;
    int64_t uploader_id;
    int64_t comment_id;        /* 0 until a comment takes it */
    op_time created_at;
};

struct link {
    int64_t id;
    enum link_kind kind;
    int64_t a_id, b_id;
    int64_t creator_id;
    op_time created_at;
};

/* ---- macros ---- */

enum macro_action_kind {
    MA_SET_STATUS, MA_SET_PRIORITY, MA_SET_TYPE, MA_SET_GROUP, MA_SET_ASSIGNEE,
    MA_ADD_TAGS, MA_REMOVE_TAGS, MA_SET_TAGS, MA_PUBLIC_REPLY, MA_NOTE, MA_SET_CUSTOM_FIELD,
    MA__COUNT
};

struct macro_action {
    enum macro_action_kind kind;
    char *value;         /* the value as text: a status name, an id, a template, a tag list */
    char *field;         /* MA_SET_CUSTOM_FIELD: the field name */
};

struct macro {
    int64_t id;
    char *name;
    char *description;
    bool active;
    struct macro_action *actions;
    size_t n_actions;
    int64_t created_by;
    op_time created_at, updated_at;
};

const char *macro_action_name(enum macro_action_kind v);
int macro_action_parse(const char *s);

/* ---- the event log ---- */

struct event {
    int64_t id;          /* ascending: the log's order */
    int64_t action_id;   /* the first event of the same action; equal to id for the first */
    enum entity entity;
    int64_t entity_id;   /* the ticket id for ticket events */
    op_time at;
    int64_t actor_id;    /* 0: the system */
    enum via via;
    enum event_kind kind;
    char *field;         /* "" when none */
    char *old_value;     /* text, "" when none */
    char *new_value;
    char *data;          /* free text: a reason, a name */
};

/* ---- sessions and tokens ---- */

struct session {
    int64_t id;
    int64_t user_id;
    char csrf[44];       /* base64url of 32 random bytes */
    op_time created_at, expires_at, last_seen_at;
};

struct api_token {
    int64_t id;
    int64_t user_id;
    char *name;
    op_time created_at, last_used_at, revoked_at;
};

#endif
