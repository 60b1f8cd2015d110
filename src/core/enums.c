/* enums.c - the names of every enumeration, as the API and the store spell them. */
#include "base/common.h"
#include "core/types.h"

static int parse_in(const char *const *names, int count, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < count; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static const char *join_names(char *out, size_t cap, const char *const *names, int count)
{
    if (out[0])
        return out;
    size_t len = 0;
    for (int i = 0; i < count; i++) {
        int n = snprintf(out + len, cap - len, "%s%s", i ? ", " : "", names[i]);
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
    }
    return out;
}

/* The lists are built once at start-up (enums_init is a constructor) so that
 * concurrent readers never see a half-written one. */
#define ENUM_NAMES(prefix, type, count, ...)                                        \
    static const char *const prefix##_names[count] = {__VA_ARGS__};               \
    static char prefix##_list_buf[256];                                           \
    const char *prefix##_name(type v)                                             \
    {                                                                             \
        return (unsigned)v < (unsigned)(count) ? prefix##_names[v] : "unknown";    \
    }                                                                             \
    int prefix##_parse(const char *s)                                             \
    {                                                                             \
        return parse_in(prefix##_names, count, s);                                \
    }                                                                             \
    static void prefix##_list_init(void)                                          \
    {                                                                             \
        join_names(prefix##_list_buf, sizeof(prefix##_list_buf), prefix##_names, count); \
    }

ENUM_NAMES(role, enum user_role, ROLE__COUNT, "customer", "agent", "lead", "admin")
ENUM_NAMES(level, enum staff_level, LEVEL__COUNT, "none", "junior", "middle", "senior")
ENUM_NAMES(tier, enum group_tier, TIER__COUNT, "l1", "l2", "tech")
ENUM_NAMES(status, enum ticket_status, STATUS__COUNT, "new", "open", "pending", "on_hold",
           "solved", "closed")
ENUM_NAMES(priority, enum ticket_priority, PRIO__COUNT, "low", "normal", "high", "urgent")
ENUM_NAMES(type, enum ticket_type, TYPE__COUNT, "question", "incident", "problem", "task")
ENUM_NAMES(channel, enum channel, CH__COUNT, "email", "chat", "web", "phone", "telegram", "api")
ENUM_NAMES(via, enum via, VIA__COUNT, "email", "chat", "web", "phone", "telegram", "api",
           "system", "cli")
ENUM_NAMES(link_kind, enum link_kind, LINK__COUNT, "related", "parent", "duplicate")
ENUM_NAMES(entity, enum entity, ENTITY__COUNT, "ticket", "user", "organization", "group",
           "macro", "calendar", "sla_policy", "shift", "rota_entry", "oncall", "team")
ENUM_NAMES(event_kind, enum event_kind, EV__COUNT, "created", "changed", "comment", "escalated",
           "handed_back", "linked", "unlinked", "merged_into", "merged_from", "macro_applied",
           "requester_added", "sla_warning", "sla_breached", "sla_met", "rated")
ENUM_NAMES(macro_action, enum macro_action_kind, MA__COUNT, "set_status", "set_priority",
           "set_type", "set_group", "set_assignee", "add_tags", "remove_tags", "set_tags",
           "public_reply", "note", "set_custom_field")

__attribute__((constructor)) static void enums_init(void)
{
    role_list_init();
    level_list_init();
    tier_list_init();
    status_list_init();
    priority_list_init();
    type_list_init();
    channel_list_init();
    via_list_init();
    link_kind_list_init();
    entity_list_init();
    event_kind_list_init();
    macro_action_list_init();
}

const char *status_names_list(void) { return status_list_buf; }
const char *priority_names_list(void) { return priority_list_buf; }
const char *type_names_list(void) { return type_list_buf; }
const char *channel_names_list(void) { return channel_list_buf; }
const char *role_names_list(void) { return role_list_buf; }
const char *level_names_list(void) { return level_list_buf; }
const char *tier_names_list(void) { return tier_list_buf; }
const char *link_kind_names_list(void) { return link_kind_list_buf; }
const char *macro_action_names_list(void) { return macro_action_list_buf; }
const char *via_names_list(void) { return via_list_buf; }
const char *entity_names_list(void) { return entity_list_buf; }
const char *event_kind_names_list(void) { return event_kind_list_buf; }

bool id_list_has(const struct id_list *l, int64_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == id)
            return true;
    return false;
}

bool str_list_has(const struct str_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}
