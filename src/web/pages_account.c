/* pages_account.c - staff accounts by mail (app/account.h): "forgot
 * password" from the sign-in page, the page a mailed link opens (choose a
 * password), and the admin's "send invitation" on a user's page.
 *
 * Opening a link only reads it: mail scanners fetch links, and a link must
 * still work when its owner opens it. The form of that page uses it. */
#include "base/common.h"

#include "app/account.h"
#include "core/validate.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

/* ---- forgot password ---- */

static void forgot_page(struct http_req *r, int status, const char *email, bool sent,
                        const char *error)
{
    struct arena *a = r->arena;
    struct tv *d = tv_map(a);
    char minutes[16];
    snprintf(minutes, sizeof(minutes), "%lld", (long long)(ACCOUNT_RESET_TTL_MS / 60000));
    op_rc rc = d ? tv_set_str(a, d, "email", email ? email : "") : OP_ERR_NOMEM;
    if (!rc) rc = tv_set_bool(a, d, "sent", sent);
    if (!rc) rc = tv_set_str(a, d, "minutes", minutes);
    if (!rc && error) rc = tv_set_str(a, d, "error", error);
    if (rc) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    web_render_public(r, status, "account_forgot.html", d);
}

void w_account_forgot_form(struct http_req *r)
{
    forgot_page(r, 200, "", false, NULL);
}

void w_account_forgot(struct http_req *r)
{
    struct web_form f;
    struct op_err err = {0};
    int retry_after = 0;
    if (web_form_parse(r, &f)) {
        web_error_page(r, 400, MSG_WEB_BAD_FORM);
        return;
    }
    const char *email = web_form_get(&f, "email");
    op_rc rc = app_password_reset_request(r->ctx, email, r->client_ip, &retry_after, &err);
    if (rc == OP_ERR_RATELIMIT) {
        char s[16];
        snprintf(s, sizeof(s), "%d", retry_after);
        http_set_header(r, "Retry-After", s);
    }
    if (rc) {
        forgot_page(r,
                    rc == OP_ERR_RATELIMIT ? 429
                    : rc == OP_ERR_INVALID ? 422
                                           : 503,
                    email, false, web_err_text(r->arena, r->lang, &err));
        return;
    }
    /* the same answer whether or not the address is known */
    forgot_page(r, 200, email, true, NULL);
}

/* ---- the link's page: choose a password ---- */

/* The status of a refused link: 404 unknown, 410 used or expired. */
static int link_status(op_rc rc)
{
    return rc == OP_ERR_NOTFOUND ? 404 : rc == OP_ERR_CONFLICT || rc == OP_ERR_AUTH ? 410 : 503;
}

/* The page of a link: the form (link valid) or the reason it is refused
 * (problem). ferr: a refused form's error at its field. */
static void password_page(struct http_req *r, int status, const char *token,
                          const struct account_link *l, const char *problem,
                          const struct op_err *ferr)
{
    struct arena *a = r->arena;
    struct tv *d = tv_map(a);
    char min[8];
    snprintf(min, sizeof(min), "%d", LIMIT_PASSWORD_MIN);
    op_rc rc = d ? tv_set_str(a, d, "min", min) : OP_ERR_NOMEM;
    if (!rc) rc = tv_set_str(a, d, "token", token ? token : "");
    if (!rc && problem) rc = tv_set_str(a, d, "problem", problem);
    if (!rc && l) {
        rc = tv_set_bool(a, d, "invite", l->kind == ACCOUNT_INVITE);
        if (!rc) rc = tv_set_str(a, d, "name", l->name ? l->name : "");
        if (!rc) rc = tv_set_str(a, d, "email", l->email ? l->email : "");
        if (!rc) rc = tv_set_bool(a, d, "form", true);
    }
    if (!rc && ferr && ferr->rc) {
        const char *text = web_err_text(a, r->lang, ferr);
        const char *key = strcmp(ferr->field, "repeat") == 0     ? "repeat_error"
                          : strcmp(ferr->field, "password") == 0 ? "password_error"
                                                                 : "error";
        rc = tv_set_str(a, d, key, text);
    }
    if (rc) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    web_render_public(r, status, "account_password.html", d);
}

/* The page in the language of the link's user rather than the browser's. */
static void page_lang(struct http_req *r, const struct account_link *l)
{
    int lang = i18n_lang_parse(l->language ? l->language : "");
    if (lang >= 0) r->lang = (enum lang)lang;
}

void w_account_password_form(struct http_req *r)
{
    struct op_err err = {0};
    struct account_link l;
    const char *token = http_query(r, "token");
    op_rc rc = app_account_link_check(r->ctx, token, r->arena, &l, &err);
    if (rc) {
        password_page(r, link_status(rc), NULL, NULL, web_err_text(r->arena, r->lang, &err), NULL);
        return;
    }
    page_lang(r, &l);
    password_page(r, 200, token, &l, NULL, NULL);
}

void w_account_password(struct http_req *r)
{
    struct web_form f;
    struct op_err err = {0};
    struct account_link l;
    struct user u;
    char *token = NULL, *csrf = NULL;
    if (web_form_parse(r, &f)) {
        web_error_page(r, 400, MSG_WEB_BAD_FORM);
        return;
    }
    const char *link = web_form_get(&f, "token");
    op_rc rc =
        app_password_set_by_token(r->ctx, link, web_form_get(&f, "password"),
                                  web_form_get(&f, "repeat"), r->arena, &token, &csrf, &u, &err);
    if (rc == OP_ERR_INVALID) {
        /* the form again, the error at its field (passwords are not kept) */
        struct op_err lerr = {0};
        if (app_account_link_check(r->ctx, link, r->arena, &l, &lerr) == OP_OK) {
            page_lang(r, &l);
            password_page(r, 422, link, &l, NULL, &err);
            return;
        }
        rc = lerr.rc;
        err = lerr;
    }
    if (rc) {
        password_page(r, link_status(rc), NULL, NULL, web_err_text(r->arena, r->lang, &err), NULL);
        return;
    }
    if (web_session_cookie(r, token)) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    /* the form was posted from our own page: a redirect keeps the
     * SameSite=Strict cookie (unlike the mail's link itself) */
    web_redirect(r, "/queue/mine");
}

/* ---- the admin's user page ---- */

op_rc account_admin_form(struct web_ctx *c, const struct user *u)
{
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct account_state st;
    struct admin_form f;
    enum lang lang = c->r->lang;
    op_rc rc;
    /* customers sign in on the portal; a deactivated user gets nothing */
    if (u->role == ROLE_CUSTOMER || !u->active || !u->email || !*u->email) return OP_OK;
    const char *done = http_query(c->r, "done");
    const char *args[1] = {u->email};
    char text[512];
    if (done && (strcmp(done, "invited") == 0 || strcmp(done, "reset_sent") == 0)) {
        i18n_format(lang,
                    strcmp(done, "invited") == 0 ? MSG_WEB_ACCOUNT_ADM_INVITED
                                                 : MSG_WEB_ACCOUNT_ADM_RESET_SENT,
                    args, 1, text, sizeof(text));
        if ((rc = tv_set_str(a, c->data, "notice", arena_strdup(a, text)))) return rc;
    }
    if ((rc = app_account_state(c->app, &c->who, u->id, &st, &err))) return rc;
    /* without SMTP a button would only fail: say why there is none */
    if (!st.can_mail)
        return tv_set_str(a, c->data, "intro",
                          arena_printf(a, "%s: %s", i18n_text(lang, MSG_WEB_ACCOUNT_ADM_HEAD),
                                       i18n_text(lang, MSG_ACCOUNT_NO_MAIL)));
    const char *action = arena_printf(a, "/admin/users/%" PRId64 "/invite", u->id);
    if (!action) return OP_ERR_NOMEM;
    if ((rc = admin_form_begin(&f, c, action,
                               st.has_password ? MSG_WEB_ACCOUNT_ADM_RESET
                                               : MSG_WEB_ACCOUNT_ADM_INVITE,
                               false, false)))
        return rc;
    const char *intro = i18n_text(lang, st.has_password ? MSG_WEB_ACCOUNT_ADM_HAS_PASSWORD
                                                        : MSG_WEB_ACCOUNT_ADM_NO_PASSWORD);
    if (st.pending) {
        const char *when[2] = {web_time(c, st.last.created_at), web_time(c, st.last.expires_at)};
        i18n_format(lang, MSG_WEB_ACCOUNT_ADM_PENDING, when, 2, text, sizeof(text));
        intro = arena_printf(a, "%s %s", intro, text);
    }
    if (!intro) return OP_ERR_NOMEM;
    if ((rc = tv_set_str(a, f.form, "heading", i18n_text(lang, MSG_WEB_ACCOUNT_ADM_HEAD))) ||
        (rc = tv_set_str(a, f.form, "intro", intro)))
        return rc;
    return OP_OK;
}

void w_account_invite(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct user u;
    enum account_kind sent = ACCOUNT_INVITE;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc frc = app_invite_send(c.app, &c.who, id, &sent, &err);
    if (!frc) {
        const char *to = arena_printf(r->arena, "/admin/users/%" PRId64 "?done=%s", id,
                                      sent == ACCOUNT_INVITE ? "invited" : "reset_sent");
        web_redirect(r, to ? to : "/admin/users");
        return;
    }
    /* refused: the reason, and the way back to the user */
    CHECK(admin_page(&c, MSG_WEB_ACCOUNT_ADM_HEAD));
    CHECK(tv_set_str(r->arena, c.data, "notice", web_err_text(r->arena, r->lang, &err)));
    if (app_user_get(c.app, &c.who, id, r->arena, &u, &err) == OP_OK) {
        CHECK(tv_set_str(r->arena, c.data, "subtitle", u.name));
        CHECK(admin_link(&c, arena_printf(r->arena, "/admin/users/%" PRId64, id),
                         i18n_text(r->lang, MSG_WEB_ADM_USER_EDIT)));
    }
    CHECK(admin_link(&c, "/admin/users", i18n_text(r->lang, MSG_WEB_ADM_USERS)));
    admin_render(&c, frc == OP_ERR_UNAVAILABLE ? 503 : admin_status(frc));
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}
