/* pages_portal.c - the customer portal: sign-in by a mailed link (opening
 * it asks "sign in as ...?", the answer signs in), my requests (and the
 * organization's, when it shares them), a new request with files, the
 * request page (the public conversation only, files, a reply, the CSAT
 * rating after a solve), and the survey mail's page.
 *
 * Customers reach only these pages (web_begin_portal); staff visiting them
 * go to their queue. A form that fails is shown again with what was typed
 * and the error at its field, in the customer's language; it changes
 * nothing: every field and file is checked before anything is stored. */
#include "base/common.h"

#include <sodium.h>

#include "app/portal.h"
#include "app/surveys.h"
#include "base/utf8.h"
#include "core/validate.h"
#include "http/api.h"
#include "http/json_in.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

#define PORTAL_PAGE 20     /* requests per page of the list */
#define PORTAL_FILES_MAX 5 /* files per form */

/* ---- shared ---- */

static op_rc portal_values(struct web_ctx *c, const char *title)
{
    struct arena *a = c->r->arena;
    struct app *app = c->app;
    op_rc rc = tv_set_str(a, c->data, "title", title);
    if (!rc) rc = tv_set_int(a, c->data, "files_max", PORTAL_FILES_MAX);
    if (!rc) rc = tv_set_int(a, c->data, "files_mb", (int64_t)(app->cfg.attachment_max >> 20));
    return rc;
}

/* The name of a comment's author as the customer sees it: their own
 * "You", anyone else's name (agents sign their replies; the mail says the
 * same). Read as the system: a customer may not read other users. */
static const char *author_name(struct web_ctx *c, int64_t id, bool *staff)
{
    struct user u;
    struct actor sys;
    struct op_err err = {0};
    *staff = false;
    if (id == c->who.id) return i18n_text(c->r->lang, MSG_WEB_PORTAL_YOU);
    if (id == 0) return i18n_text(c->r->lang, MSG_WEB_SYSTEM);
    actor_system(&sys, VIA_WEB);
    if (app_user_get(c->app, &sys, id, c->r->arena, &u, &err) != OP_OK) return "";
    *staff = u.role != ROLE_CUSTOMER;
    return u.name ? u.name : "";
}

/* A text field as typed, with a browser's CRLF line ends made LF (as
 * mail and the API store text); NULL when absent. In c's arena. */
static const char *field_text(struct web_ctx *c, const char *name)
{
    const char *v = web_form_get(&c->form, name);
    if (!v || !strchr(v, '\r')) return v;
    char *out = arena_alloc(c->r->arena, strlen(v) + 1), *o = out;
    if (!out) return v;
    for (const char *p = v; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n')) *o++ = *p;
    *o = '\0';
    return out;
}

/* The text of a field's error, or NULL when err is about another field. */
static const char *field_error(struct web_ctx *c, const struct op_err *err, const char *field)
{
    if (strcmp(err->field, field) != 0) return NULL;
    return web_err_text(c->r->arena, c->r->lang, err);
}

/* Checks a required text field; fills err naming it. */
static op_rc check_field(const char *field, const char *v, size_t max, struct op_err *err)
{
    char n[24];
    if (!v || !*v || strspn(v, " \t\r\n") == strlen(v))
        return op_fail(err, OP_ERR_INVALID, field, MSG_WEB_PORTAL_REQUIRED);
    if (utf8_count(v, strlen(v)) > max) {
        snprintf(n, sizeof(n), "%zu", max);
        return op_fail(err, OP_ERR_INVALID, field, MSG_WEB_PORTAL_TOO_LONG, n);
    }
    return OP_OK;
}

/* Checks the form's files against the caps before anything is stored. */
static op_rc check_files(struct web_ctx *c, struct op_err *err)
{
    char n[24], mb[24];
    uint64_t max = c->app->cfg.attachment_max;
    snprintf(mb, sizeof(mb), "%llu", (unsigned long long)(max >> 20));
    if (c->nfiles > PORTAL_FILES_MAX) {
        snprintf(n, sizeof(n), "%d", PORTAL_FILES_MAX);
        return op_fail(err, OP_ERR_INVALID, "files", MSG_WEB_PORTAL_TOO_MANY_FILES, n);
    }
    for (size_t i = 0; i < c->nfiles; i++) {
        const struct mp_part *f = &c->files[i];
        if (f->len > max)
            return op_fail(err, OP_ERR_INVALID, "files", MSG_WEB_PORTAL_FILE_TOO_BIG, f->filename,
                           mb);
        if (!f->len)
            return op_fail(err, OP_ERR_INVALID, "files", MSG_WEB_PORTAL_FILE_EMPTY, f->filename);
    }
    return OP_OK;
}

/* Stores the form's files (checked already) as uploads of the customer. */
static op_rc upload_files(struct web_ctx *c, struct id_list *ids, struct op_err *err)
{
    struct arena *a = c->r->arena;
    ids->n = 0;
    ids->v = arena_alloc(a, (c->nfiles + 1) * sizeof(*ids->v));
    if (!ids->v) return OP_ERR_NOMEM;
    for (size_t i = 0; i < c->nfiles; i++) {
        const struct mp_part *f = &c->files[i];
        struct attachment at;
        const char *type = *f->content_type ? f->content_type : "application/octet-stream";
        const char *name = *f->filename ? f->filename : "file";
        op_rc rc = app_attachment_upload(c->app, &c->who, name, type, f->data, f->len, a, &at, err);
        if (rc) {
            if (!err->field[0]) snprintf(err->field, sizeof(err->field), "files");
            return rc;
        }
        ids->v[ids->n++] = at.id;
    }
    return OP_OK;
}

/* "a.txt, b.pdf": the message that carries the files of a new request. */
static const char *file_names(struct web_ctx *c)
{
    struct buf b = BUF_INIT(64 << 10);
    for (size_t i = 0; i < c->nfiles; i++) {
        if (i) buf_puts(&b, ", ");
        buf_puts(&b, *c->files[i].filename ? c->files[i].filename : "file");
    }
    const char *s = arena_strdup(c->r->arena, buf_str(&b));
    buf_release(&b);
    return s;
}

static int status_of(op_rc rc)
{
    switch (rc) {
    case OP_ERR_INVALID:
        return 422;
    case OP_ERR_NOTFOUND:
        return 404;
    case OP_ERR_FORBIDDEN:
        return 403;
    case OP_ERR_CONFLICT:
        return 409;
    case OP_ERR_TOOBIG:
        return 413;
    default:
        return 500;
    }
}

static const char *request_path(struct http_req *r, int64_t id)
{
    return arena_printf(r->arena, "/portal/requests/%" PRId64, id);
}

/* ---- signing in by a link ---- */

static void login_page(struct http_req *r, int status, const char *email, bool sent,
                       const char *error, const char *problem)
{
    struct tv *d = tv_map(r->arena);
    op_rc rc = tv_set_str(r->arena, d, "email", email ? email : "");
    if (!rc) rc = tv_set_bool(r->arena, d, "sent", sent);
    if (!rc && error) rc = tv_set_str(r->arena, d, "error", error);
    if (!rc && problem) rc = tv_set_str(r->arena, d, "problem", problem);
    if (rc) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    web_render_public(r, status, "portal_login.html", d);
}

void w_portal_login_form(struct http_req *r)
{
    login_page(r, 200, "", false, NULL, NULL);
}

void w_portal_login(struct http_req *r)
{
    struct web_form f;
    struct op_err err = {0};
    int retry_after = 0;
    if (web_form_parse(r, &f)) {
        web_error_page(r, 400, MSG_WEB_BAD_FORM);
        return;
    }
    const char *email = web_form_get(&f, "email");
    op_rc rc = app_portal_link_request(r->ctx, email, &retry_after, &err);
    if (rc == OP_ERR_RATELIMIT) {
        char s[16];
        snprintf(s, sizeof(s), "%d", retry_after);
        http_set_header(r, "Retry-After", s);
    }
    if (rc) {
        login_page(r,
                   rc == OP_ERR_RATELIMIT ? 429
                   : rc == OP_ERR_INVALID ? 422
                                          : 503,
                   email, false, web_err_text(r->arena, r->lang, &err), NULL);
        return;
    }
    /* the same answer whether or not the address is known */
    login_page(r, 200, email, true, NULL, NULL);
}

/* The pre-session CSRF cookie of the "sign in as ...?" form: a random value
 * set when the question is shown and sent back in the form's csrf field
 * (double submit). SameSite=Strict, so a form posted from another site
 * comes without it and cannot sign a visitor in to someone else's account. */
#define MAGIC_COOKIE "opora_magic"
#define MAGIC_CSRF_LEN 43 /* 32 random bytes, base64url */

static bool magic_csrf_shape(const char *v)
{
    if (!v || strlen(v) != MAGIC_CSRF_LEN) return false;
    return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
           MAGIC_CSRF_LEN;
}

/* The browser's value when it has one (two tabs of one link agree),
 * else a new one; set (again) as the cookie. NULL when out of memory. */
static const char *magic_csrf(struct http_req *r)
{
    const char *v = http_cookie(r, MAGIC_COOKIE);
    if (!magic_csrf_shape(v)) {
        uint8_t raw[32];
        char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        v = arena_strdup(r->arena, b64);
    }
    char *cookie = v ? arena_printf(r->arena,
                                    MAGIC_COOKIE "=%s; Path=/portal/magic; HttpOnly; "
                                                 "SameSite=Strict; Max-Age=%lld%s",
                                    v, (long long)(PORTAL_LINK_TTL_MS / 1000),
                                    api_settings.cookie_secure ? "; Secure" : "")
                     : NULL;
    if (!cookie) return NULL;
    http_set_header(r, "Set-Cookie", cookie);
    return v;
}

/* One page for every link that cannot sign in (unknown, forged, used,
 * expired, its user gone): which of them it is tells a guesser something
 * and the customer nothing they can act on; the form to ask again is on it. */
static void link_gone(struct http_req *r)
{
    char minutes[16], text[512];
    snprintf(minutes, sizeof(minutes), "%lld", (long long)(PORTAL_LINK_TTL_MS / 60000));
    const char *args[1] = {minutes};
    i18n_format(r->lang, MSG_WEB_PORTAL_LINK_GONE, args, 1, text, sizeof(text));
    login_page(r, 410, "", false, NULL, text);
}

static bool link_bad(op_rc rc)
{
    return rc == OP_ERR_NOTFOUND || rc == OP_ERR_CONFLICT || rc == OP_ERR_AUTH;
}

/* "Sign in to the support portal as <email>?" with the button that uses
 * the link; the link is only read. In the customer's language: the mail
 * was too. */
static void magic_page(struct http_req *r, int status, const char *token)
{
    struct op_err err = {0};
    struct user u;
    op_rc rc = app_portal_link_check(r->ctx, token, r->arena, &u, &err);
    if (link_bad(rc)) {
        link_gone(r);
        return;
    }
    if (rc) {
        web_error_page(r, 503, MSG_WEB_FAILED);
        return;
    }
    int l = i18n_lang_parse(u.language);
    if (l >= 0) r->lang = (enum lang)l;
    const char *csrf = magic_csrf(r);
    struct tv *d = tv_map(r->arena);
    rc = d && csrf ? OP_OK : OP_ERR_NOMEM;
    if (!rc) rc = tv_set_str(r->arena, d, "email", u.email ? u.email : "");
    if (!rc) rc = tv_set_str(r->arena, d, "token", token);
    if (!rc) rc = tv_set_str(r->arena, d, "csrf", csrf);
    if (rc) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    web_render_public(r, status, "portal_magic.html", d);
}

void w_portal_magic(struct http_req *r)
{
    /* mailed links carry the secret in the query (kept out of the access
     * log); /portal/magic/{token} is the form mailed by older versions */
    magic_page(r, 200, r->nparams ? r->params[0] : http_query(r, "token"));
}

void w_portal_magic_use(struct http_req *r)
{
    struct web_form f;
    struct op_err err = {0};
    struct user u;
    char *token = NULL, *csrf = NULL;
    if (web_form_parse(r, &f)) {
        web_error_page(r, 400, MSG_WEB_BAD_FORM);
        return;
    }
    const char *link = web_form_get(&f, "token"), *sent = web_form_get(&f, "csrf");
    const char *want = http_cookie(r, MAGIC_COOKIE);
    if (!magic_csrf_shape(want) || !sent || strlen(sent) != MAGIC_CSRF_LEN ||
        sodium_memcmp(sent, want, MAGIC_CSRF_LEN) != 0) {
        /* posted from elsewhere (or the cookie expired): the question
         * again, now with a cookie; nothing is used */
        magic_page(r, 403, link);
        return;
    }
    op_rc rc = app_portal_link_login(r->ctx, link, r->arena, &token, &csrf, &u, &err);
    if (link_bad(rc)) {
        link_gone(r);
        return;
    }
    if (rc) {
        web_error_page(r, 503, MSG_WEB_FAILED);
        return;
    }
    if (web_session_cookie(r, token)) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    http_set_header(r, "Set-Cookie",
                    MAGIC_COOKIE "=; Path=/portal/magic; HttpOnly; SameSite=Strict; Max-Age=0");
    /* the form was posted from our own page, so the browser sends the
     * SameSite=Strict session cookie along this redirect */
    web_redirect(r, "/portal");
}

/* ---- my requests ---- */

void w_portal_list(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct ticket_page page = {0};
    op_rc rc = OP_OK;
    if (!web_begin_portal(r, &c)) return;
    struct ticket_filter f = {.sort = SORT_UPDATED, .asc = false, .limit = PORTAL_PAGE};
    const char *after = http_query(r, "after");
    if (after && *after && cursor_decode(after, SORT_UPDATED, &f.after, &err) != OP_OK) {
        web_redirect(r, "/portal"); /* a stale or edited cursor: the first page */
        return;
    }
    CHECK(app_ticket_list(c.app, &c.who, &f, r->arena, &page, &err));
    struct tv *rows = tv_list(r->arena);
    for (size_t i = 0; i < page.n; i++) {
        const struct ticket *t = &page.v[i];
        struct tv *m = tv_map(r->arena);
        CHECK(tv_set_int(r->arena, m, "id", t->id));
        CHECK(tv_set_str(r->arena, m, "subject", t->subject));
        CHECK(tv_set_str(r->arena, m, "status", status_name(t->status)));
        CHECK(tv_set_str(r->arena, m, "status_text", web_status_text(r->lang, t->status)));
        CHECK(tv_set_str(r->arena, m, "updated", web_time(&c, t->updated_at)));
        CHECK(tv_set_bool(r->arena, m, "colleague", t->requester_id != c.who.id));
        CHECK(tv_push(r->arena, rows, m));
    }
    CHECK(tv_set(r->arena, c.data, "tickets", rows));
    bool paged = after && *after;
    CHECK(tv_set_bool(r->arena, c.data, "paged", paged));
    CHECK(tv_set_bool(r->arena, c.data, "pager", paged || page.more));
    if (page.more) {
        const char *next = cursor_encode(SORT_UPDATED, &page.next, r->arena);
        CHECK(next ? OP_OK : OP_ERR_NOMEM);
        CHECK(tv_set_str(r->arena, c.data, "next", next));
    }
    CHECK(tv_set_bool(r->arena, c.data, "nav_list", true));
    CHECK(portal_values(&c, i18n_text(r->lang, MSG_WEB_PORTAL_MY_REQUESTS)));
    web_render(&c, 200, "portal_list.html");
    return;
end:
    web_error_page(r, 500, MSG_WEB_FAILED);
}

/* ---- a new request ---- */

/* The form again, with what was typed and the error at its field. */
static void new_page(struct web_ctx *c, int status, const struct op_err *err)
{
    struct arena *a = c->r->arena;
    struct tv *form = tv_map(a);
    const char *subject = field_text(c, "subject");
    const char *description = field_text(c, "description");
    op_rc rc = tv_set_str(a, form, "subject", subject ? subject : "");
    if (!rc) rc = tv_set_str(a, form, "description", description ? description : "");
    if (!rc && err) {
        const char *e;
        rc = tv_set_bool(a, form, "failed", true);
        static const char *const fields[] = {"subject", "description", "files"};
        bool placed = false;
        for (size_t i = 0; i < ARRAY_SIZE(fields) && !rc; i++) {
            if (!(e = field_error(c, err, fields[i]))) continue;
            char key[24];
            snprintf(key, sizeof(key), "err_%s", fields[i]);
            rc = tv_set_str(a, form, key, e);
            placed = true;
        }
        if (!rc)
            rc = tv_set_str(a, form, "error",
                            placed ? i18n_text(c->r->lang, MSG_WEB_PORTAL_FIX)
                                   : web_err_text(a, c->r->lang, err));
    }
    if (!rc) rc = tv_set(a, c->data, "form", form);
    if (!rc) rc = tv_set_bool(a, c->data, "nav_new", true);
    if (!rc) rc = portal_values(c, i18n_text(c->r->lang, MSG_WEB_PORTAL_NEW));
    if (rc) {
        web_error_page(c->r, 500, MSG_WEB_FAILED);
        return;
    }
    web_render(c, status, "portal_new.html");
}

void w_portal_new_form(struct http_req *r)
{
    struct web_ctx c;
    if (!web_begin_portal(r, &c)) return;
    new_page(&c, 200, NULL);
}

void w_portal_new(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct ticket t;
    if (!web_begin_portal(r, &c)) return;
    const char *subject = field_text(&c, "subject");
    const char *description = field_text(&c, "description");
    /* everything is checked before the files are stored */
    op_rc rc = check_field("subject", subject, LIMIT_SUBJECT, &err);
    if (!rc) rc = check_field("description", description, LIMIT_TEXT, &err);
    if (!rc) rc = check_files(&c, &err);
    struct comment_input files = {.public = true};
    if (!rc && c.nfiles) {
        files.body = file_names(&c);
        rc = files.body ? upload_files(&c, &files.attachment_ids, &err) : OP_ERR_NOMEM;
    }
    if (!rc) {
        struct ticket_create in = {
            .in = {.set = TF_SUBJECT | TF_DESCRIPTION,
                   .subject = subject,
                   .description = description},
            .comment = c.nfiles ? &files : NULL,
        };
        rc = app_ticket_create(c.app, &c.who, &in, r->arena, &t, &err);
    }
    if (rc) {
        new_page(&c, err.field[0] ? 422 : status_of(rc), &err);
        return;
    }
    web_redirect(r, request_path(r, t.id));
}

/* ---- the request ---- */

static const char *size_text(struct arena *a, enum lang l, int64_t size)
{
    char n[32], text[64];
    snprintf(n, sizeof(n), "%" PRId64, (size + 1023) / 1024);
    const char *args[1] = {n};
    i18n_format(l, MSG_WEB_PORTAL_KB, args, 1, text, sizeof(text));
    return arena_strdup(a, text);
}

static op_rc csat_values(struct web_ctx *c, const struct ticket *t)
{
    struct arena *a = c->r->arena;
    struct portal_csat s;
    struct op_err err = {0};
    op_rc rc = app_portal_csat(c->app, &c->who, t->id, a, &s, &err);
    if (rc || !s.has) return rc;
    struct tv *m = tv_map(a), *scale = tv_list(a);
    static const enum msg_id labels[5] = {MSG_WEB_PORTAL_RATE_1, MSG_WEB_PORTAL_RATE_2,
                                          MSG_WEB_PORTAL_RATE_3, MSG_WEB_PORTAL_RATE_4,
                                          MSG_WEB_PORTAL_RATE_5};
    const char *chosen = web_form_get(&c->form, "score");
    for (int i = 1; i <= 5 && !rc; i++) {
        struct tv *o = tv_map(a);
        char v[16];
        snprintf(v, sizeof(v), "%d", i);
        rc = tv_set_int(a, o, "value", i);
        if (!rc) rc = tv_set_str(a, o, "label", i18n_text(c->r->lang, labels[i - 1]));
        if (!rc) rc = tv_set_bool(a, o, "checked", chosen && strcmp(chosen, v) == 0);
        if (!rc) rc = tv_push(a, scale, o);
    }
    if (!rc) rc = tv_set(a, m, "scale", scale);
    if (!rc) rc = tv_set_bool(a, m, "answered", s.answered);
    if (!rc) rc = tv_set_bool(a, m, "expired", s.expired);
    if (!rc) rc = tv_set_int(a, m, "score", s.score);
    if (!rc) rc = tv_set_str(a, m, "comment", s.comment);
    if (!rc) rc = tv_set(a, c->data, "csat", m);
    return rc;
}

/* Fills c->data for the request page of id (the forms' values after a
 * failed submit are set by the caller). */
static op_rc request_values(struct web_ctx *c, int64_t id, struct op_err *err)
{
    struct arena *a = c->r->arena;
    enum lang l = c->r->lang;
    struct ticket t;
    struct comment *cm = NULL;
    size_t ncm = 0;
    op_rc rc;
    char title[512], idtext[24];
    if ((rc = app_ticket_get(c->app, &c->who, id, a, &t, err))) return rc;
    if ((rc = app_comment_list(c->app, &c->who, id, 0, 1000, a, &cm, &ncm, err))) return rc;
    snprintf(idtext, sizeof(idtext), "%" PRId64, t.id);
    const char *targs[2] = {idtext, t.subject};
    i18n_format(l, MSG_WEB_PORTAL_TITLE, targs, 2, title, sizeof(title));
    struct tv *tk = tv_map(a);
    bool staff;
    int64_t last = 0;
    if ((rc = tv_set_int(a, tk, "id", t.id)) || (rc = tv_set_str(a, tk, "title", title)) ||
        (rc = tv_set_str(a, tk, "status", status_name(t.status))) ||
        (rc = tv_set_str(a, tk, "status_text", web_status_text(l, t.status))) ||
        (rc = tv_set_str(a, tk, "description", t.description)) ||
        (rc = tv_set_str(a, tk, "created", web_time(c, t.created_at))) ||
        (rc = tv_set_str(a, tk, "requester", author_name(c, t.requester_id, &staff))) ||
        (rc = tv_set_bool(a, tk, "closed", t.status == STATUS_CLOSED)) ||
        (rc = tv_set(a, c->data, "ticket", tk)) || (rc = tv_set_str(a, c->data, "title", title)) ||
        (rc = tv_set_str(a, c->data, "live_url",
                         arena_printf(a, "/portal/requests/%" PRId64, t.id))))
        return rc;
    struct tv *comments = tv_list(a);
    for (size_t i = 0; i < ncm; i++) {
        /* never an internal note, whatever the list gave */
        if (!cm[i].public) continue;
        struct tv *m = tv_map(a), *files = tv_list(a);
        for (size_t k = 0; k < cm[i].attachment_ids.n; k++) {
            struct attachment at;
            struct op_err aerr = {0};
            if (app_attachment_get(c->app, &c->who, cm[i].attachment_ids.v[k], a, &at, &aerr))
                continue;
            struct tv *f = tv_map(a);
            if ((rc = tv_set_int(a, f, "id", at.id)) ||
                (rc = tv_set_str(a, f, "name", at.filename)) ||
                (rc = tv_set_str(a, f, "size", size_text(a, l, at.size))) ||
                (rc = tv_push(a, files, f)))
                return rc;
        }
        last = cm[i].id;
        if ((rc = tv_set_int(a, m, "id", cm[i].id)) ||
            (rc = tv_set_str(a, m, "body", cm[i].body)) ||
            (rc = tv_set_str(a, m, "author", author_name(c, cm[i].author_id, &staff))) ||
            (rc = tv_set_bool(a, m, "staff", staff)) ||
            (rc = tv_set_str(a, m, "at", web_time(c, cm[i].created_at))) ||
            (rc = tv_set(a, m, "files", files)) || (rc = tv_push(a, comments, m)))
            return rc;
    }
    if ((rc = tv_set_int(a, tk, "last_comment", last)) ||
        (rc = tv_set(a, c->data, "comments", comments)))
        return rc;
    if ((rc = csat_values(c, &t))) return rc;
    return portal_values(c, title);
}

/* The request page; after a failed form (form: "form" for the reply,
 * "rate" for the rating) with what was typed and err at its field. */
static void request_page(struct web_ctx *c, int64_t id, int status, const char *form,
                         const struct op_err *err)
{
    struct arena *a = c->r->arena;
    struct op_err rerr = {0};
    op_rc rc = request_values(c, id, &rerr);
    if (rc) {
        web_error_page(c->r, rc == OP_ERR_NOTFOUND ? 404 : 500,
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_PORTAL_NOT_FOUND : MSG_WEB_FAILED);
        return;
    }
    if (form) {
        struct tv *m = tv_map(a);
        static const char *const fields[] = {"body", "files", "score", "comment"};
        bool placed = false;
        const char *body = field_text(c, "body");
        const char *comment = field_text(c, "comment");
        rc = tv_set_str(a, m, "body", body ? body : "");
        if (!rc) rc = tv_set_str(a, m, "comment", comment ? comment : "");
        if (!rc) rc = tv_set_bool(a, m, "failed", true);
        for (size_t i = 0; i < ARRAY_SIZE(fields) && !rc && err; i++) {
            const char *e = field_error(c, err, fields[i]);
            if (!e) continue;
            char key[24];
            snprintf(key, sizeof(key), "err_%s", fields[i]);
            rc = tv_set_str(a, m, key, e);
            placed = true;
        }
        if (!rc && err && !placed) rc = tv_set_str(a, m, "error", web_err_text(a, c->r->lang, err));
        if (!rc) rc = tv_set(a, c->data, form, m);
    }
    if (rc) {
        web_error_page(c->r, 500, MSG_WEB_FAILED);
        return;
    }
    web_render(c, status, "portal_request.html");
}

void w_portal_request(struct http_req *r)
{
    struct web_ctx c;
    if (!web_begin_portal(r, &c)) return;
    int64_t id = http_param_id(r, 0);
    if (!id) {
        web_error_page(r, 404, MSG_WEB_PORTAL_NOT_FOUND);
        return;
    }
    request_page(&c, id, 200, NULL, NULL);
}

void w_portal_back(struct http_req *r)
{
    int64_t id = http_param_id(r, 0);
    const char *to = id ? request_path(r, id) : NULL;
    web_redirect(r, to ? to : "/portal");
}

void w_portal_reply(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct ticket t;
    struct comment out;
    if (!web_begin_portal(r, &c)) return;
    int64_t id = http_param_id(r, 0);
    if (!id) {
        web_error_page(r, 404, MSG_WEB_PORTAL_NOT_FOUND);
        return;
    }
    const char *body = field_text(&c, "body");
    /* the request must be theirs before anything is stored */
    op_rc rc = app_ticket_get(c.app, &c.who, id, r->arena, &t, &err);
    if (rc == OP_ERR_NOTFOUND) {
        web_error_page(r, 404, MSG_WEB_PORTAL_NOT_FOUND);
        return;
    }
    if (!rc) rc = check_field("body", body, LIMIT_TEXT, &err);
    if (!rc) rc = check_files(&c, &err);
    struct comment_input in = {.body = body, .public = true};
    if (!rc && c.nfiles) rc = upload_files(&c, &in.attachment_ids, &err);
    if (!rc) rc = app_comment_add(c.app, &c.who, id, &in, r->arena, &out, &err);
    if (rc) {
        request_page(&c, id, err.field[0] ? 422 : status_of(rc), "form", &err);
        return;
    }
    const char *to =
        arena_printf(r->arena, "/portal/requests/%" PRId64 "#comment-%" PRId64, id, out.id);
    web_redirect(r, to ? to : "/portal");
}

void w_portal_rate(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct portal_csat s;
    if (!web_begin_portal(r, &c)) return;
    int64_t id = http_param_id(r, 0);
    if (!id) {
        web_error_page(r, 404, MSG_WEB_PORTAL_NOT_FOUND);
        return;
    }
    op_rc rc = app_portal_csat(c.app, &c.who, id, r->arena, &s, &err);
    if (rc == OP_ERR_NOTFOUND || (!rc && !s.has)) {
        web_error_page(r, 404, MSG_WEB_PORTAL_NOT_FOUND);
        return;
    }
    const char *score = web_form_get(&c.form, "score");
    const char *comment = field_text(&c, "comment");
    char *end = NULL;
    long v = score ? strtol(score, &end, 10) : 0;
    if (!rc && (!score || end == score || *end || v < 1 || v > 5))
        rc = op_fail(&err, OP_ERR_INVALID, "score", MSG_WEB_PORTAL_RATE_PICK);
    if (!rc) {
        struct survey_answer in = {.score = (int)v, .comment = comment ? comment : ""};
        rc = app_survey_answer(c.app, s.token, &in, r->arena, NULL, &err);
    }
    if (rc) {
        request_page(&c, id, err.field[0] ? 422 : status_of(rc), "rate", &err);
        return;
    }
    const char *to = arena_printf(r->arena, "/portal/requests/%" PRId64 "#rating", id);
    web_redirect(r, to ? to : "/portal");
}

/* ---- the survey mail's page ---- */

void web_survey_page(struct http_req *r)
{
    const char *token = r->params[0];
    const char *score = http_query(r, "score");
    struct op_err err = {0};
    struct survey_view v;
    struct arena *a = r->arena;
    op_rc rc = app_survey_view(r->ctx, token, a, &v, &err);
    r->lang = LANG_EN;
    if (!rc) {
        r->lang = v.lang;
        if (score && !v.expired) {
            char *end;
            long s = strtol(score, &end, 10);
            struct survey_answer in = {.score = *end || end == score ? -1 : (int)s};
            rc = app_survey_answer(r->ctx, token, &in, a, NULL, &err);
            if (!rc) rc = app_survey_view(r->ctx, token, a, &v, &err);
        }
    }
    struct tv *d = tv_map(a);
    op_rc trc = d ? OP_OK : OP_ERR_NOMEM;
    int status = 200;
    if (rc) {
        status = rc == OP_ERR_NOTFOUND ? 404 : rc == OP_ERR_CONFLICT ? 409 : 422;
        enum msg_id m = rc == OP_ERR_NOTFOUND   ? MSG_ERR_SURVEY_NOT_FOUND
                        : rc == OP_ERR_CONFLICT ? MSG_ERR_SURVEY_EXPIRED
                                                : MSG_SURVEY_PAGE_BAD_SCORE;
        if (!trc) trc = tv_set_str(a, d, "problem", i18n_text(r->lang, m));
    } else if (!trc) {
        int min, max;
        struct tv *scale = tv_list(a);
        survey_scale(v.s.kind, &min, &max);
        for (int s = min; s <= max && !trc; s++)
            trc = tv_push(a, scale, tv_int(a, s));
        if (!trc) trc = tv_set(a, d, "scale", scale);
        if (!trc) trc = tv_set_bool(a, d, "nps", v.s.kind == SURVEY_NPS);
        if (!trc) trc = tv_set_str(a, d, "subject", v.ticket_subject);
        if (!trc) trc = tv_set_bool(a, d, "answered", v.s.answered_at != 0);
        if (!trc) trc = tv_set_int(a, d, "score", v.s.score);
        if (!trc) trc = tv_set_bool(a, d, "expired", v.expired);
        if (!trc) trc = tv_set_str(a, d, "token", token);
    }
    if (trc) {
        http_fail(r, OP_ERR_NOMEM, NULL, MSG_NONE);
        return;
    }
    web_render_public(r, status, "survey.html", d);
}
