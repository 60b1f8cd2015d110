/* people.c - users, organizations and groups. */
#include "base/common.h"

#include <sys/stat.h>

#include "app/internal.h"
#include "app/sla.h"
#include "core/validate.h"

/* A time zone must be one the system's tz database knows (tzdata): the
 * schedules and SLA clocks of later work compute local time with it. */
static op_rc check_zone_known(const char *zone, struct op_err *err)
{
    op_rc rc = check_time_zone("time_zone", zone, err);
    if (rc || !*zone)
        return rc;
    const char *dir = getenv("TZDIR");
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return op_fail(err, OP_ERR_INVALID, "time_zone", MSG_ERR_TIME_ZONE, zone);
    return OP_OK;
}

/* ---- users ---- */

/* May who create or change a user of role `role` (the target's role before
 * and after a change)? Admins manage everyone; team leads manage agents and
 * customers; agents manage customers; customers only themselves (through
 * update, not create). */
static bool may_manage(const struct actor *who, enum user_role role)
{
    if (who->id == 0 || who->role == ROLE_ADMIN)
        return true;
    if (who->role == ROLE_LEAD)
        return role == ROLE_AGENT || role == ROLE_CUSTOMER;
    if (who->role == ROLE_AGENT)
        return role == ROLE_CUSTOMER;
    return false;
}

/* Validates the fields of in that are set; create says which are required. */
static op_rc user_input_check(const struct user_input *in, bool create, enum user_role role,
                              struct op_err *err)
{
    op_rc rc;
    unsigned s = in->set;
    if (create && !(s & UF_NAME))
        return op_fail(err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
    if ((s & UF_NAME) && (rc = check_text("name", in->name, LIMIT_NAME, TEXT_LINE, false, err)))
        return rc;
    if ((s & UF_EMAIL) && in->email && *in->email && (rc = check_email("email", in->email, err)))
        return rc;
    if (create && role != ROLE_CUSTOMER && !((s & UF_EMAIL) && in->email && *in->email))
        return op_fail(err, OP_ERR_INVALID, "email", MSG_ERR_REQUIRED);
    if (create && role == ROLE_CUSTOMER &&
        !(((s & UF_EMAIL) && in->email && *in->email) || ((s & UF_PHONE) && *in->phone) ||
          ((s & UF_TELEGRAM) && *in->telegram)))
        return op_fail(err, OP_ERR_INVALID, "email", MSG_ERR_CONTACT_REQUIRED);
    if ((s & UF_PHONE) && (rc = check_phone("phone", in->phone, err)))
        return rc;
    if ((s & UF_TELEGRAM) && (rc = check_telegram("telegram", in->telegram, err)))
        return rc;
    if ((s & UF_LANGUAGE) && i18n_lang_parse(in->language) < 0)
        return op_fail(err, OP_ERR_INVALID, "language", MSG_ERR_ENUM, in->language, "en, ru");
    if ((s & UF_TIME_ZONE) && (rc = check_zone_known(in->time_zone, err)))
        return rc;
    if ((s & UF_ROLE) && (unsigned)in->role >= ROLE__COUNT)
        return op_fail(err, OP_ERR_INVALID, "role", MSG_ERR_ENUM, "?", role_names_list());
    if ((s & UF_LEVEL) && (unsigned)in->level >= LEVEL__COUNT)
        return op_fail(err, OP_ERR_INVALID, "level", MSG_ERR_ENUM, "?", level_names_list());
    if ((s & UF_LEVEL) && role == ROLE_CUSTOMER && in->level != LEVEL_NONE)
        return op_fail(err, OP_ERR_INVALID, "level", MSG_ERR_LEVEL_CUSTOMER);
    if (s & UF_PASSWORD) {
        size_t n = in->password ? strlen(in->password) : 0;
        if (n < LIMIT_PASSWORD_MIN || n > LIMIT_PASSWORD_MAX) {
            char lo[8], hi[8];
            snprintf(lo, sizeof(lo), "%d", LIMIT_PASSWORD_MIN);
            snprintf(hi, sizeof(hi), "%d", LIMIT_PASSWORD_MAX);
            return op_fail(err, OP_ERR_INVALID, "password", MSG_ERR_PASSWORD_LENGTH, lo, hi);
        }
    }
    return OP_OK;
}

static op_rc user_events(struct store_tx *tx, const struct actor *who, const struct user *old,
                         const struct user *u, bool password_changed, struct arena *a,
                         op_time now)
{
    struct event_list l;
    int64_t action = 0;
    op_rc rc = OP_OK;
    static const struct user blank = {.name = "", .email = "", .phone = "", .telegram = "",
                                      .language = "", .time_zone = ""};
    const struct user *o = old ? old : &blank;
    event_list_init(&l, a, ENTITY_USER, u->id, now, who->id, who->via);
    if (!old)
        rc = event_add_ids(&l, EV_CREATED, "", 0, u->id, NULL);
    static const char *const texts[] = {"name", "email", "phone", "telegram", "language",
                                        "time_zone"};
    const char *was[] = {o->name, o->email, o->phone, o->telegram, o->language, o->time_zone};
    const char *now_[] = {u->name, u->email, u->phone, u->telegram, u->language, u->time_zone};
    for (size_t i = 0; !rc && i < ARRAY_SIZE(texts); i++)
        rc = event_add_if_changed(&l, texts[i], was[i], now_[i]);
    if (!rc && (!old || o->role != u->role))
        rc = event_add(&l, EV_CHANGED, "role", old ? role_name(o->role) : "", role_name(u->role),
                       NULL);
    if (!rc && (!old || o->level != u->level) && (old || u->level != LEVEL_NONE))
        rc = event_add(&l, EV_CHANGED, "level", old ? level_name(o->level) : "",
                       level_name(u->level), NULL);
    if (!rc && o->organization_id != u->organization_id)
        rc = event_add_ids(&l, EV_CHANGED, "organization_id", o->organization_id,
                           u->organization_id, NULL);
    if (!rc && old)
        rc = event_add_flag_if_changed(&l, "active", o->active, u->active);
    if (!rc && password_changed)
        rc = event_add(&l, EV_CHANGED, "password", "", "", NULL);
    if (!rc)
        rc = tx_append_events(tx, &l, &action);
    return rc;
}

struct user_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct user_input *in;
    const char *password_hash; /* computed before the transaction: hashing is slow */
    struct arena *a;
    struct user *out;
    struct op_err *err;
};

static op_rc user_create_fn(struct store_tx *tx, void *arg)
{
    struct user_job *j = arg;
    const struct user_input *in = j->in;
    op_time now = app_now(j->app);
    op_rc rc;
    struct user u = {
        .role = in->set & UF_ROLE ? in->role : ROLE_CUSTOMER,
        .name = (char *)in->name,
        .email = (in->set & UF_EMAIL) && in->email && *in->email ? (char *)in->email : NULL,
        .phone = in->set & UF_PHONE ? (char *)in->phone : "",
        .telegram = in->set & UF_TELEGRAM ? (char *)in->telegram : "",
        .organization_id = in->set & UF_ORGANIZATION ? in->organization_id : 0,
        .language = in->set & UF_LANGUAGE ? (char *)i18n_lang_code(i18n_lang_parse(in->language))
                                          : (char *)i18n_lang_code(j->who->lang),
        .time_zone = in->set & UF_TIME_ZONE ? (char *)in->time_zone : "",
        .active = in->set & UF_ACTIVE ? in->active : true,
        .password_hash = j->password_hash ? (char *)j->password_hash : "",
        .created_at = now,
        .updated_at = now,
    };
    u.level = in->set & UF_LEVEL ? in->level : (u.role == ROLE_CUSTOMER ? LEVEL_NONE : LEVEL_JUNIOR);
    if (!may_manage(j->who, u.role))
        return op_fail(j->err, OP_ERR_FORBIDDEN, in->set & UF_ROLE ? "role" : NULL,
                       MSG_ERR_FORBIDDEN);
    if ((rc = user_input_check(in, true, u.role, j->err)))
        return rc;
    if (u.organization_id &&
        (rc = tx_check_org(tx, u.organization_id, "organization_id", j->a, NULL, j->err)))
        return rc;
    rc = tx->ops->user_insert(tx, &u);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, "email", MSG_ERR_DUPLICATE, u.email);
    if (rc || (rc = user_events(tx, j->who, NULL, &u, false, j->a, now)))
        return rc;
    *j->out = u;
    j->out->password_hash = "";
    return OP_OK;
}

op_rc app_user_create(struct app *app, const struct actor *who, const struct user_input *in,
                      struct arena *a, struct user *out, struct op_err *err)
{
    struct user_job j = {app, who, 0, in, NULL, a, out, err};
    op_rc rc;
    if (!actor_is_staff(who) && who->id)
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if ((in->set & UF_PASSWORD) &&
        ((rc = user_input_check(&(struct user_input){.set = UF_PASSWORD, .password = in->password},
                                false, ROLE_AGENT, err)) ||
         (rc = app_password_hash(app, in->password, a, (char **)&j.password_hash, err))))
        return rc;
    return app_run(app, false, user_create_fn, &j);
}

static op_rc user_update_fn(struct store_tx *tx, void *arg)
{
    struct user_job j0 = *(struct user_job *)arg, *j = &j0;
    const struct user_input *in = j->in;
    const struct actor *who = j->who;
    op_time now = app_now(j->app);
    char b[24];
    struct user old, u;
    op_rc rc = tx->ops->user_get(tx, j->id, j->a, &old);
    bool self = who->id == j->id;
    if (rc == OP_ERR_NOTFOUND || (!rc && !self && !actor_is_staff(who)))
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_USER_NOT_FOUND, id_str(j->id, b));
    if (rc)
        return rc;
    u = old;
    enum user_role new_role = in->set & UF_ROLE ? in->role : old.role;
    if (!self || (in->set & (UF_ROLE | UF_LEVEL | UF_ACTIVE | UF_ORGANIZATION))) {
        if (!may_manage(who, old.role) || !may_manage(who, new_role))
            return op_fail(j->err, OP_ERR_FORBIDDEN, in->set & UF_ROLE ? "role" : NULL,
                           MSG_ERR_FORBIDDEN);
        /* an agent keeps a customer's details; levels and roles are for leads */
        if (who->role == ROLE_AGENT && (in->set & (UF_ROLE | UF_LEVEL | UF_PASSWORD)))
            return op_fail(j->err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_FORBIDDEN);
    }
    if (self && who->role == ROLE_ADMIN &&
        (((in->set & UF_ROLE) && in->role != ROLE_ADMIN) || ((in->set & UF_ACTIVE) && !in->active)))
        return op_fail(j->err, OP_ERR_CONFLICT, "role", MSG_ERR_LAST_ADMIN_SELF);
    if ((rc = user_input_check(in, false, new_role, j->err)))
        return rc;
    if ((in->set & UF_ROLE) && new_role == ROLE_CUSTOMER && !(in->set & UF_LEVEL))
        u.level = LEVEL_NONE;
    if ((in->set & UF_ROLE) && new_role != ROLE_CUSTOMER && old.role == ROLE_CUSTOMER &&
        !(in->set & UF_LEVEL))
        u.level = LEVEL_JUNIOR;
    if (in->set & UF_NAME)
        u.name = (char *)in->name;
    if (in->set & UF_EMAIL)
        u.email = in->email && *in->email ? (char *)in->email : NULL;
    if (u.role != ROLE_CUSTOMER && !(u.email && *u.email))
        return op_fail(j->err, OP_ERR_INVALID, "email", MSG_ERR_REQUIRED);
    if (in->set & UF_PHONE)
        u.phone = (char *)in->phone;
    if (in->set & UF_TELEGRAM)
        u.telegram = (char *)in->telegram;
    if (in->set & UF_LANGUAGE)
        u.language = (char *)i18n_lang_code(i18n_lang_parse(in->language));
    if (in->set & UF_TIME_ZONE)
        u.time_zone = (char *)in->time_zone;
    if (in->set & UF_ORGANIZATION) {
        if (in->organization_id &&
            (rc = tx_check_org(tx, in->organization_id, "organization_id", j->a, NULL, j->err)))
            return rc;
        u.organization_id = in->organization_id;
    }
    u.role = new_role;
    if (in->set & UF_LEVEL)
        u.level = in->level;
    if (in->set & UF_ACTIVE)
        u.active = in->active;
    if (j->password_hash)
        u.password_hash = (char *)j->password_hash;
    u.updated_at = now;
    rc = tx->ops->user_update(tx, &u);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, "email", MSG_ERR_DUPLICATE, u.email);
    if (rc || (rc = user_events(tx, who, &old, &u, j->password_hash != NULL, j->a, now)))
        return rc;
    /* a new password or a deactivation ends every session of the user */
    if ((j->password_hash || !u.active) && (rc = tx->ops->session_delete_user(tx, u.id)))
        return rc;
    *j->out = u;
    j->out->password_hash = "";
    return OP_OK;
}

/* Checks the current password before one changes one's own. */
struct pw_job {
    int64_t id;
    struct arena *a;
    char *hash;
};

static op_rc pw_fn(struct store_tx *tx, void *arg)
{
    struct pw_job *j = arg;
    struct user u;
    op_rc rc = tx->ops->user_get(tx, j->id, j->a, &u);
    if (!rc)
        j->hash = u.password_hash;
    return rc;
}

op_rc app_user_update(struct app *app, const struct actor *who, int64_t id,
                      const struct user_input *in, struct arena *a, struct user *out,
                      struct op_err *err)
{
    struct user_job j = {app, who, id, in, NULL, a, out, err};
    op_rc rc;
    if (in->set & UF_PASSWORD) {
        if ((rc = user_input_check(&(struct user_input){.set = UF_PASSWORD, .password = in->password},
                                   false, ROLE_AGENT, err)))
            return rc;
        if (who->id == id && who->role != ROLE_ADMIN) {
            struct pw_job pj = {id, a, NULL};
            if ((rc = app_run(app, true, pw_fn, &pj)))
                return rc;
            if (!in->current_password || !pj.hash[0] ||
                !password_verify(pj.hash, in->current_password))
                return op_fail(err, OP_ERR_FORBIDDEN, "current_password",
                               MSG_ERR_CURRENT_PASSWORD);
        }
        if ((rc = app_password_hash(app, in->password, a, (char **)&j.password_hash, err)))
            return rc;
    }
    op_rc rc2 = app_run(app, false, user_update_fn, &j);
    if (rc2 == OP_OK)
        auth_changed(app); /* role, level, organization, activity, password */
    return rc2;
}

struct user_read_job {
    const struct actor *who;
    int64_t id;
    const struct user_filter *f;
    struct arena *a;
    struct user *out;
    struct user **list;
    size_t *n;
    struct op_err *err;
};

static op_rc user_get_fn(struct store_tx *tx, void *arg)
{
    struct user_read_job *j = arg;
    char b[24];
    bool may = actor_is_staff(j->who) || j->who->id == j->id;
    op_rc rc = may ? tx->ops->user_get(tx, j->id, j->a, j->out) : OP_ERR_NOTFOUND;
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_USER_NOT_FOUND, id_str(j->id, b));
    if (!rc)
        j->out->password_hash = "";
    return rc;
}

op_rc app_user_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                   struct user *out, struct op_err *err)
{
    struct user_read_job j = {who, id, NULL, a, out, NULL, NULL, err};
    return app_run(app, true, user_get_fn, &j);
}

static op_rc user_list_fn(struct store_tx *tx, void *arg)
{
    struct user_read_job *j = arg;
    op_rc rc = tx->ops->user_list(tx, j->f, j->a, j->list, j->n);
    for (size_t i = 0; !rc && i < *j->n; i++)
        (*j->list)[i].password_hash = "";
    return rc;
}

op_rc app_user_list(struct app *app, const struct actor *who, const struct user_filter *f,
                    struct arena *a, struct user **out, size_t *n, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if (f->limit < 1 || f->limit > 1000)
        return op_fail(err, OP_ERR_INVALID, "limit", MSG_ERR_RANGE, "1", "1000");
    struct user_read_job j = {who, 0, f, a, NULL, out, n, err};
    return app_run(app, true, user_list_fn, &j);
}

struct find_job {
    struct user_job uj;
    const char *email;
};

static op_rc find_or_create_fn(struct store_tx *tx, void *arg)
{
    struct find_job *j = arg;
    op_rc rc = tx->ops->user_get_by_email(tx, j->email, j->uj.a, j->uj.out);
    if (rc != OP_ERR_NOTFOUND) {
        if (!rc)
            j->uj.out->password_hash = "";
        return rc;
    }
    return user_create_fn(tx, &j->uj);
}

op_rc app_customer_find_or_create(struct app *app, const struct actor *who, const char *email,
                                  const char *name, struct arena *a, struct user *out,
                                  struct op_err *err)
{
    op_rc rc = check_email("email", email, err);
    if (rc)
        return rc;
    struct user_input in = {.set = UF_NAME | UF_EMAIL, .name = name && *name ? name : email,
                            .email = email};
    struct find_job j = {{app, who, 0, &in, NULL, a, out, err}, email};
    return app_run(app, false, find_or_create_fn, &j);
}

/* ---- organizations ---- */

struct org_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct org_input *in;
    const char *q;
    int64_t after_id;
    size_t limit;
    struct arena *a;
    struct organization *out;
    struct organization **list;
    size_t *n;
    struct op_err *err;
};

static op_rc org_write_fn(struct store_tx *tx, void *arg)
{
    struct org_job *j = arg;
    const struct org_input *in = j->in;
    op_time now = app_now(j->app);
    struct organization old = {0}, o;
    char b[24];
    op_rc rc;
    if (j->id) {
        rc = tx->ops->org_get(tx, j->id, j->a, &old);
        if (rc == OP_ERR_NOTFOUND)
            return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_ORG_NOT_FOUND, id_str(j->id, b));
        if (rc)
            return rc;
        o = old;
    } else {
        if (!(in->set & OF_NAME))
            return op_fail(j->err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
        o = (struct organization){.domains = "", .notes = "", .created_at = now};
    }
    if ((in->set & OF_NAME) &&
        (rc = check_text("name", in->name, LIMIT_NAME, TEXT_LINE, false, j->err)))
        return rc;
    if ((in->set & OF_DOMAINS) &&
        (rc = check_text("domains", in->domains, LIMIT_DOMAINS, TEXT_LINE, true, j->err)))
        return rc;
    if ((in->set & OF_NOTES) &&
        (rc = check_text("notes", in->notes, LIMIT_NOTES, TEXT_MULTILINE, true, j->err)))
        return rc;
    if (in->set & OF_NAME)
        o.name = (char *)in->name;
    if (in->set & OF_DOMAINS)
        o.domains = (char *)in->domains;
    if (in->set & OF_NOTES)
        o.notes = (char *)in->notes;
    if (in->set & OF_SHARED)
        o.shared_tickets = in->shared_tickets;
    o.updated_at = now;
    rc = j->id ? tx->ops->org_update(tx, &o) : tx->ops->org_insert(tx, &o);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, "name", MSG_ERR_DUPLICATE, o.name);
    if (rc)
        return rc;

    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, j->a, ENTITY_ORGANIZATION, o.id, now, j->who->id, j->who->via);
    if (!j->id)
        rc = event_add_ids(&l, EV_CREATED, "", 0, o.id, NULL);
    if (!rc)
        rc = event_add_if_changed(&l, "name", old.name, o.name);
    if (!rc)
        rc = event_add_if_changed(&l, "domains", old.domains, o.domains);
    if (!rc)
        rc = event_add_if_changed(&l, "notes", old.notes, o.notes);
    if (!rc)
        rc = event_add_flag_if_changed(&l, "shared_tickets", old.shared_tickets,
                                       o.shared_tickets);
    if (!rc)
        rc = tx_append_events(tx, &l, &action);
    if (!rc)
        *j->out = o;
    return rc;
}

op_rc app_org_create(struct app *app, const struct actor *who, const struct org_input *in,
                     struct arena *a, struct organization *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    struct org_job j = {.app = app, .who = who, .in = in, .a = a, .out = out, .err = err};
    return app_run(app, false, org_write_fn, &j);
}

op_rc app_org_update(struct app *app, const struct actor *who, int64_t id,
                     const struct org_input *in, struct arena *a, struct organization *out,
                     struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    if (id <= 0)
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_NOT_FOUND);
    struct org_job j = {.app = app, .who = who, .id = id, .in = in, .a = a, .out = out,
                        .err = err};
    rc = app_run(app, false, org_write_fn, &j);
    if (rc == OP_OK)
        auth_changed(app); /* shared_tickets decides what members see */
    return rc;
}

static op_rc org_get_fn(struct store_tx *tx, void *arg)
{
    struct org_job *j = arg;
    char b[24];
    bool may = actor_is_staff(j->who) || j->who->organization_id == j->id;
    op_rc rc = may ? tx->ops->org_get(tx, j->id, j->a, j->out) : OP_ERR_NOTFOUND;
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_ORG_NOT_FOUND, id_str(j->id, b));
    return rc;
}

op_rc app_org_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                  struct organization *out, struct op_err *err)
{
    struct org_job j = {.app = app, .who = who, .id = id, .a = a, .out = out, .err = err};
    return app_run(app, true, org_get_fn, &j);
}

static op_rc org_list_fn(struct store_tx *tx, void *arg)
{
    struct org_job *j = arg;
    return tx->ops->org_list(tx, j->q, j->after_id, j->limit, j->a, j->list, j->n);
}

op_rc app_org_list(struct app *app, const struct actor *who, const char *q, int64_t after_id,
                   size_t limit, struct arena *a, struct organization **out, size_t *n,
                   struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    if (limit < 1 || limit > 1000)
        return op_fail(err, OP_ERR_INVALID, "limit", MSG_ERR_RANGE, "1", "1000");
    struct org_job j = {.app = app, .who = who, .q = q, .after_id = after_id, .limit = limit,
                        .a = a, .list = out, .n = n, .err = err};
    return app_run(app, true, org_list_fn, &j);
}

/* ---- groups ---- */

struct group_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    const struct group_input *in;
    struct arena *a;
    struct group *out;
    struct group **list;
    size_t *n;
    struct op_err *err;
};

static op_rc group_write_fn(struct store_tx *tx, void *arg)
{
    struct group_job *j = arg;
    const struct group_input *in = j->in;
    op_time now = app_now(j->app);
    struct group old = {0}, g;
    char b[24];
    op_rc rc;
    if (j->id) {
        rc = tx->ops->group_get(tx, j->id, j->a, &old);
        if (rc == OP_ERR_NOTFOUND)
            return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_GROUP_NOT_FOUND,
                           id_str(j->id, b));
        if (rc)
            return rc;
        g = old;
    } else {
        if (!(in->set & GF_NAME))
            return op_fail(j->err, OP_ERR_INVALID, "name", MSG_ERR_REQUIRED);
        if (!(in->set & GF_TIER))
            return op_fail(j->err, OP_ERR_INVALID, "tier", MSG_ERR_REQUIRED);
        g = (struct group){.description = "", .created_at = now};
    }
    if ((in->set & GF_NAME) &&
        (rc = check_text("name", in->name, LIMIT_GROUP_NAME, TEXT_LINE, false, j->err)))
        return rc;
    if ((in->set & GF_DESCRIPTION) &&
        (rc = check_text("description", in->description, LIMIT_NOTES, TEXT_MULTILINE, true,
                         j->err)))
        return rc;
    if ((in->set & GF_TIER) && (unsigned)in->tier >= TIER__COUNT)
        return op_fail(j->err, OP_ERR_INVALID, "tier", MSG_ERR_ENUM, "?", tier_names_list());
    if (in->set & GF_MEMBERS) {
        if (in->members.n > 1000)
            return op_fail(j->err, OP_ERR_INVALID, "member_ids", MSG_ERR_TOO_MANY, "1000");
        for (size_t i = 0; i < in->members.n; i++) {
            struct user u;
            if ((rc = tx_check_user(tx, in->members.v[i], "member_ids", j->a, &u, j->err)))
                return rc;
            if (u.role == ROLE_CUSTOMER)
                return op_fail(j->err, OP_ERR_INVALID, "member_ids", MSG_ERR_MEMBER_NOT_STAFF,
                               id_str(u.id, b));
        }
    }
    if (in->set & GF_NAME)
        g.name = (char *)in->name;
    if (in->set & GF_DESCRIPTION)
        g.description = (char *)in->description;
    if (in->set & GF_TIER)
        g.tier = in->tier;
    g.updated_at = now;
    rc = j->id ? tx->ops->group_update(tx, &g) : tx->ops->group_insert(tx, &g);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, "name", MSG_ERR_DUPLICATE, g.name);
    if (rc)
        return rc;

    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, j->a, ENTITY_GROUP, g.id, now, j->who->id, j->who->via);
    if (!j->id)
        rc = event_add_ids(&l, EV_CREATED, "", 0, g.id, NULL);
    if (!rc)
        rc = event_add_if_changed(&l, "name", old.name, g.name);
    if (!rc && (!j->id || old.tier != g.tier))
        rc = event_add(&l, EV_CHANGED, "tier", j->id ? tier_name(old.tier) : "",
                       tier_name(g.tier), NULL);
    if (!rc)
        rc = event_add_if_changed(&l, "description", old.description, g.description);
    if (!rc && (in->set & GF_MEMBERS)) {
        /* members that joined and left, one event each */
        for (size_t i = 0; !rc && i < in->members.n; i++)
            if (!id_list_has(&old.members, in->members.v[i]) &&
                !id_list_has(&(struct id_list){in->members.v, i}, in->members.v[i]))
                rc = event_add_ids(&l, EV_CHANGED, "member", 0, in->members.v[i], NULL);
        for (size_t i = 0; !rc && i < old.members.n; i++)
            if (!id_list_has(&in->members, old.members.v[i]))
                rc = event_add_ids(&l, EV_CHANGED, "member", old.members.v[i], 0, NULL);
        if (!rc)
            rc = tx->ops->group_set_members(tx, g.id, &in->members);
        g.members = in->members;
    }
    if (!rc)
        rc = tx_append_events(tx, &l, &action);
    if (!rc)
        *j->out = g;
    return rc;
}

op_rc app_group_create(struct app *app, const struct actor *who, const struct group_input *in,
                       struct arena *a, struct group *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    struct group_job j = {app, who, 0, in, a, out, NULL, NULL, err};
    rc = app_run(app, false, group_write_fn, &j);
    if (rc == OP_OK)
        auth_changed(app); /* members see the group's tickets */
    return rc;
}

op_rc app_group_update(struct app *app, const struct actor *who, int64_t id,
                       const struct group_input *in, struct arena *a, struct group *out,
                       struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    if (id <= 0)
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_NOT_FOUND);
    struct group_job j = {app, who, id, in, a, out, NULL, NULL, err};
    rc = app_run(app, false, group_write_fn, &j);
    if (rc == OP_OK)
        auth_changed(app);
    return rc;
}

struct user_groups_job {
    struct app *app;
    const struct actor *who;
    int64_t user_id;
    const struct id_list *want;
    struct arena *a;
    struct op_err *err;
};

static op_rc user_groups_fn(struct store_tx *tx, void *arg)
{
    struct user_groups_job *j = arg;
    struct user u;
    struct id_list have;
    struct group g;
    int64_t action = 0;
    op_time now = app_now(j->app);
    op_rc rc = tx_check_user(tx, j->user_id, "user", j->a, &u, j->err);
    if (rc) return rc;
    if (u.role == ROLE_CUSTOMER && j->want->n == 0) return OP_OK; /* never in any */
    if (u.role == ROLE_CUSTOMER) {
        char b[24];
        return op_fail(j->err, OP_ERR_INVALID, "user", MSG_ERR_MEMBER_NOT_STAFF,
                       id_str(u.id, b));
    }
    for (size_t i = 0; i < j->want->n; i++)
        if ((rc = tx_check_group(tx, j->want->v[i], "groups", j->a, &g, j->err))) return rc;
    if ((rc = tx->ops->user_groups(tx, u.id, j->a, &have))) return rc;
    /* the groups left, then those joined: each group's members rewritten
     * from what this transaction reads, so no concurrent edit is lost */
    for (int pass = 0; pass < 2 && !rc; pass++) {
        const struct id_list *from = pass ? j->want : &have, *other = pass ? &have : j->want;
        for (size_t i = 0; i < from->n && !rc; i++) {
            int64_t gid = from->v[i];
            if (id_list_has(other, gid) ||
                id_list_has(&(struct id_list){from->v, i}, gid)) /* repeated */
                continue;
            if ((rc = tx->ops->group_get(tx, gid, j->a, &g))) break;
            struct id_list m = {arena_alloc(j->a, (g.members.n + 1) * sizeof(int64_t)), 0};
            if (!m.v) return OP_ERR_NOMEM;
            for (size_t k = 0; k < g.members.n; k++)
                if (g.members.v[k] != u.id) m.v[m.n++] = g.members.v[k];
            if (pass) m.v[m.n++] = u.id;
            struct event_list l;
            event_list_init(&l, j->a, ENTITY_GROUP, gid, now, j->who->id, j->who->via);
            rc = event_add_ids(&l, EV_CHANGED, "member", pass ? 0 : u.id, pass ? u.id : 0, NULL);
            if (!rc) rc = tx->ops->group_set_members(tx, gid, &m);
            if (!rc) rc = tx_append_events(tx, &l, &action);
        }
    }
    return rc;
}

op_rc app_user_groups_set(struct app *app, const struct actor *who, int64_t user_id,
                          const struct id_list *group_ids, struct arena *a, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc) return rc;
    if (group_ids->n > 1000)
        return op_fail(err, OP_ERR_INVALID, "groups", MSG_ERR_TOO_MANY, "1000");
    struct user_groups_job j = {app, who, user_id, group_ids, a, err};
    rc = app_run(app, false, user_groups_fn, &j);
    if (rc == OP_OK) auth_changed(app); /* the groups' tickets are seen or not now */
    return rc;
}

static op_rc group_get_fn(struct store_tx *tx, void *arg)
{
    struct group_job *j = arg;
    char b[24];
    op_rc rc = tx->ops->group_get(tx, j->id, j->a, j->out);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_GROUP_NOT_FOUND, id_str(j->id, b));
    return rc;
}

op_rc app_group_get(struct app *app, const struct actor *who, int64_t id, struct arena *a,
                    struct group *out, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    struct group_job j = {app, who, id, NULL, a, out, NULL, NULL, err};
    return app_run(app, true, group_get_fn, &j);
}

static op_rc group_list_fn(struct store_tx *tx, void *arg)
{
    struct group_job *j = arg;
    return tx->ops->group_list(tx, j->a, j->list, j->n);
}

op_rc app_group_list(struct app *app, const struct actor *who, struct arena *a,
                     struct group **out, size_t *n, struct op_err *err)
{
    if (!actor_is_staff(who))
        return op_fail(err, OP_ERR_FORBIDDEN, NULL, MSG_ERR_STAFF_ONLY);
    struct group_job j = {app, who, 0, NULL, a, NULL, out, n, err};
    return app_run(app, true, group_list_fn, &j);
}

/* ---- deleting a group or an organization made by mistake ---- */

/* The first SLA policy whose conditions (or, for a group, escalation target)
 * name the group (group true) or organization id; NULL when none. */
static op_rc policy_naming(struct store_tx *tx, int64_t id, bool group, struct arena *a,
                           const struct sla_policy **out)
{
    struct sla_policy *p;
    size_t n;
    op_rc rc = tx->ops->sla->policy_list(tx, a, &p, &n);
    *out = NULL;
    for (size_t i = 0; !rc && i < n && !*out; i++)
        if (group ? id_list_has(&p[i].group_ids, id) || p[i].escalate_group_id == id
                  : id_list_has(&p[i].organization_ids, id))
            *out = &p[i];
    return rc;
}

/* The first macro (active or not) that moves tickets to group id; NULL when none. */
static op_rc macro_naming(struct store_tx *tx, int64_t id, struct arena *a,
                          const struct macro **out)
{
    struct macro *m;
    size_t n;
    op_rc rc = tx->ops->macro_list(tx, false, a, &m, &n);
    *out = NULL;
    for (size_t i = 0; !rc && i < n && !*out; i++)
        for (size_t k = 0; k < m[i].n_actions && !*out; k++) {
            const struct macro_action *ma = &m[i].actions[k];
            char *end;
            if (ma->kind == MA_SET_GROUP && ma->value &&
                strtoll(ma->value, &end, 10) == id && *end == '\0')
                *out = &m[i];
        }
    return rc;
}

static op_rc group_delete_fn(struct store_tx *tx, void *arg)
{
    struct group_job *j = arg;
    struct group g;
    const struct sla_policy *p;
    const struct macro *m;
    const char *used_by = "";
    char b[24];
    op_rc rc = tx->ops->group_get(tx, j->id, j->a, &g);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_GROUP_NOT_FOUND, id_str(j->id, b));
    if (rc || (rc = policy_naming(tx, j->id, true, j->a, &p)))
        return rc;
    if (p)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_GROUP_IN_POLICY, g.name, p->name);
    if ((rc = macro_naming(tx, j->id, j->a, &m)))
        return rc;
    if (m)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_GROUP_IN_MACRO, g.name, m->name);
    rc = tx->ops->group_delete(tx, j->id, &used_by);
    if (rc == OP_ERR_CONFLICT) /* tickets, or surveys of tickets that have moved on */
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_GROUP_HAS_TICKETS, g.name);
    if (rc)
        return rc;
    /* the members it had are in the log: the group can be made again as it was */
    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, j->a, ENTITY_GROUP, j->id, app_now(j->app), j->who->id, j->who->via);
    for (size_t i = 0; !rc && i < g.members.n; i++)
        rc = event_add_ids(&l, EV_CHANGED, "member", g.members.v[i], 0, NULL);
    if (!rc)
        rc = event_add(&l, EV_CHANGED, "deleted", "false", "true", g.name); /* data: its name */
    return rc ? rc : tx_append_events(tx, &l, &action);
}

op_rc app_group_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    char b[24];
    if (id <= 0)
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_GROUP_NOT_FOUND, id_str(id, b));
    struct arena a = ARENA_INIT(0); /* every policy and macro is read */
    struct group_job j = {app, who, id, NULL, &a, NULL, NULL, NULL, err};
    rc = app_run(app, false, group_delete_fn, &j);
    arena_release(&a);
    if (rc == OP_OK)
        auth_changed(app); /* its members no longer see its tickets through it */
    return rc;
}

static op_rc org_delete_fn(struct store_tx *tx, void *arg)
{
    struct org_job *j = arg;
    struct organization o;
    const struct sla_policy *p;
    const char *used_by = "";
    char b[24];
    op_rc rc = tx->ops->org_get(tx, j->id, j->a, &o);
    if (rc == OP_ERR_NOTFOUND)
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_ORG_NOT_FOUND, id_str(j->id, b));
    if (rc || (rc = policy_naming(tx, j->id, false, j->a, &p)))
        return rc;
    if (p)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL, MSG_ERR_ORG_IN_POLICY, o.name, p->name);
    rc = tx->ops->org_delete(tx, j->id, &used_by);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, NULL,
                       strcmp(used_by, "users") == 0 ? MSG_ERR_ORG_HAS_USERS
                                                     : MSG_ERR_ORG_HAS_TICKETS,
                       o.name);
    if (rc)
        return rc;
    struct event_list l;
    int64_t action = 0;
    event_list_init(&l, j->a, ENTITY_ORGANIZATION, j->id, app_now(j->app), j->who->id,
                    j->who->via);
    if ((rc = event_add(&l, EV_CHANGED, "deleted", "false", "true", o.name)))
        return rc;
    return tx_append_events(tx, &l, &action);
}

op_rc app_org_delete(struct app *app, const struct actor *who, int64_t id, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_LEAD, err);
    if (rc)
        return rc;
    char b[24];
    if (id <= 0)
        return op_fail(err, OP_ERR_NOTFOUND, NULL, MSG_ERR_ORG_NOT_FOUND, id_str(id, b));
    struct arena a = ARENA_INIT(0); /* every policy is read */
    struct org_job j = {.app = app, .who = who, .id = id, .a = &a, .err = err};
    rc = app_run(app, false, org_delete_fn, &j);
    arena_release(&a);
    if (rc == OP_OK)
        auth_changed(app); /* no user was in it; cheap, and no cache keeps its sharing rule */
    return rc;
}
