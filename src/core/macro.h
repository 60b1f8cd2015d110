/* macro.h - macros: named sets of actions applied to a ticket in one step,
 * with {{placeholders}} in their reply and note texts. */
#ifndef OPORA_CORE_MACRO_H
#define OPORA_CORE_MACRO_H

#include "base/arena.h"
#include "base/rc.h"
#include "core/ticket.h"
#include "core/types.h"
#include "i18n/i18n.h"

/* What placeholders can refer to. Any pointer may be NULL (its values render empty). */
struct placeholder_ctx {
    const struct ticket *ticket;
    const struct user *requester;
    const struct user *assignee;
    const struct user *current_user;
    const struct organization *organization;
    const struct group *group;
    enum lang lang;            /* for names of statuses and priorities */
};

/* The placeholder names macros may use, NULL-terminated. */
extern const char *const placeholder_names[];

/* Checks every {{...}} in tmpl names a known placeholder and is closed.
 * Returns OP_OK or OP_ERR_INVALID naming field and the placeholder. */
op_rc placeholder_check(const char *field, const char *tmpl, struct op_err *err);

/* Renders tmpl with ctx into a string from a. Unknown placeholders (which
 * placeholder_check refuses) are left as written. */
op_rc placeholder_render(const char *tmpl, const struct placeholder_ctx *ctx, struct arena *a,
                         char **out);

/* Checks a macro: name, 1..LIMIT_MACRO_ACTIONS actions, each action's value
 * (status names, ids, tag lists, templates with known placeholders). */
op_rc macro_validate(const struct macro *m, struct op_err *err);

/* What applying a macro asks for. */
struct macro_result {
    struct ticket_input in;    /* field changes */
    char *public_reply;        /* rendered; NULL when the macro has none */
    char *note;
};

/* Expands m for a ticket: field actions become `in`, templates are rendered.
 * "current_user" as set_assignee's value means current_user_id. */
op_rc macro_expand(const struct macro *m, const struct placeholder_ctx *ctx,
                   int64_t current_user_id, struct arena *a, struct macro_result *out,
                   struct op_err *err);

#endif
