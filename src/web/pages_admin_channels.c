/* pages_admin_channels.c - the admin's channel settings: IMAP mailboxes
 * (list, add, remove after a confirmation), survey settings (CSAT on
 * solve, NPS period) and the CSI questions (edited as rows; an empty key
 * drops a row; the app keeps every question it is given active; a refused
 * save shows its error at the row and field it names). Shared form and
 * table helpers: pages_admin.c. */
#include "base/common.h"

#include "app/mail.h"
#include "app/surveys.h"
#include "web/webInt.h"

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((rc = (x))) goto end;                                                                  \
    } while (0)

/* The CSI rows shown: the questions there are and this many empty ones. */
#define CSI_EMPTY_ROWS 2
#define CSI_ROWS_MAX 64

static const char *lang_text(struct web_ctx *c, enum msg_id m)
{
    return i18n_text(c->r->lang, m);
}

/* Which form of the page a refused submit was. */
enum channels_form { CF_NONE, CF_MAILBOX, CF_SURVEYS, CF_CSI };

static op_rc mailbox_part(struct web_ctx *c, bool posted, const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct mailbox *v = NULL;
    size_t n = 0;
    struct tv *rows;
    op_rc rc;
    static const enum msg_id cols[] = {MSG_WEB_ADM_NAME, MSG_WEB_ADM_MAILBOX_URL,
                                       MSG_WEB_ADM_MAILBOX_USER, MSG_WEB_ADM_MAILBOX_POLLED,
                                       MSG_WEB_ADM_MAILBOX_ERROR};
    if ((rc = app_mailbox_list(c->app, &c->who, a, &v, &n, &err)) ||
        (rc = admin_table(c, lang_text(c, MSG_WEB_ADM_MAILBOXES), cols, ARRAY_SIZE(cols), &rows)))
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *cells[] = {v[i].name, v[i].url, v[i].username, web_time(c, v[i].polled_at),
                               v[i].last_error};
        rc = admin_row(c, rows, arena_printf(a, "/admin/mailboxes/%" PRId64 "/delete", v[i].id),
                       cells, ARRAY_SIZE(cells), 0x17);
    }
    if (rc ||
        (rc =
             admin_form_begin(&f, c, "/admin/mailboxes", MSG_WEB_ADM_MAILBOX_ADD, false, posted)) ||
        (rc = tv_set_str(a, f.form, "heading", lang_text(c, MSG_WEB_ADM_MAILBOX_NEW))) ||
        (rc = admin_input(&f, "name", MSG_WEB_ADM_NAME, "text", "")) ||
        (rc = admin_input(&f, "url", MSG_WEB_ADM_MAILBOX_URL, "text", "")) ||
        (rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_MAILBOX_URL_HINT))) ||
        (rc = admin_example(&f, "imaps://imap.example.ru:993/INBOX")) ||
        (rc = admin_check(&f, "starttls", MSG_WEB_ADM_MAILBOX_STARTTLS, false)) ||
        (rc = admin_input(&f, "username", MSG_WEB_ADM_MAILBOX_USER, "text", "")) ||
        (rc = admin_input(&f, "password", MSG_WEB_PASSWORD, "password", "")) ||
        (rc = admin_input(&f, "move_to", MSG_WEB_ADM_MAILBOX_MOVE, "text", "")) ||
        (rc = admin_hint(&f, lang_text(c, MSG_WEB_ADM_MAILBOX_MOVE_HINT))))
        return rc;
    if (ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

static op_rc surveys_part(struct web_ctx *c, bool posted, const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct survey_settings s;
    op_rc rc = app_survey_settings(c->app, &c->who, &s, &err);
    if (rc ||
        (rc =
             admin_form_begin(&f, c, "/admin/surveys/settings", MSG_WEB_ADM_SAVE, false, posted)) ||
        (rc = tv_set_str(a, f.form, "heading", lang_text(c, MSG_WEB_ADM_SURVEYS))) ||
        (rc = admin_check(&f, "csat_enabled", MSG_WEB_ADM_CSAT_ON, s.csat_enabled)) ||
        (rc = admin_input(&f, "answer_days", MSG_WEB_ADM_ANSWER_DAYS, "number",
                          arena_printf(a, "%d", s.answer_days))) ||
        (rc = admin_check(&f, "nps_enabled", MSG_WEB_ADM_NPS_ON, s.nps_enabled)) ||
        (rc = admin_input(&f, "nps_period_days", MSG_WEB_ADM_NPS_PERIOD, "number",
                          arena_printf(a, "%d", s.nps_period_days))))
        return rc;
    if (ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

static op_rc csi_part(struct web_ctx *c, bool posted, const struct op_err *ferr)
{
    struct admin_form f;
    struct arena *a = c->r->arena;
    struct op_err err = {0};
    struct csi_question *q = NULL;
    size_t n = 0;
    op_rc rc = app_csi_questions(c->app, &c->who, a, &q, &n, &err);
    if (rc ||
        (rc = admin_form_begin(&f, c, "/admin/surveys/questions", MSG_WEB_ADM_SAVE, false,
                               posted)) ||
        (rc = tv_set_str(a, f.form, "heading", lang_text(c, MSG_WEB_ADM_CSI))))
        return rc;
    if ((rc = tv_set_str(a, f.form, "intro", lang_text(c, MSG_WEB_ADM_CSI_HINT)))) return rc;
    size_t rows = n + CSI_EMPTY_ROWS;
    /* a refused submit shows every row it sent, so nothing typed is lost
     * and its error has its row to sit at */
    for (size_t i = rows; posted && i < CSI_ROWS_MAX; i++)
        if (web_form_get(&c->form, arena_printf(a, "q%zu.key", i))) rows = i + 1;
    if (rows > CSI_ROWS_MAX) rows = CSI_ROWS_MAX;
    for (size_t i = 0; i < rows && !rc; i++) {
        const struct csi_question *x = i < n ? &q[i] : NULL;
        char num[24];
        const char *args[1] = {num};
        char title[128];
        snprintf(num, sizeof(num), "%zu", i + 1);
        i18n_format(c->r->lang, x ? MSG_WEB_ADM_CSI_ROW : MSG_WEB_ADM_CSI_ROW_NEW, args, 1, title,
                    sizeof(title));
        rc = admin_group(&f, arena_strdup(a, title));
        if (!rc)
            rc = admin_input(&f, arena_printf(a, "q%zu.key", i), MSG_WEB_ADM_CSI_KEY, "text",
                             x ? x->key : "");
        if (!rc)
            rc = admin_input(&f, arena_printf(a, "q%zu.text_ru", i), MSG_WEB_ADM_CSI_TEXT_RU,
                             "text", x ? x->text_ru : "");
        if (!rc)
            rc = admin_input(&f, arena_printf(a, "q%zu.text_en", i), MSG_WEB_ADM_CSI_TEXT_EN,
                             "text", x ? x->text_en : "");
        if (!rc)
            rc = admin_input(&f, arena_printf(a, "q%zu.weight", i), MSG_WEB_ADM_CSI_WEIGHT,
                             "number", arena_printf(a, "%d", x ? x->weight : 10));
    }
    if (!rc && ferr) rc = admin_form_error(&f, ferr);
    return rc;
}

static op_rc channels_page(struct web_ctx *c, enum channels_form which, const struct op_err *ferr)
{
    op_rc rc = admin_page(c, MSG_WEB_ADM_CHANNELS);
    if (!rc) rc = mailbox_part(c, which == CF_MAILBOX, which == CF_MAILBOX ? ferr : NULL);
    if (!rc) rc = surveys_part(c, which == CF_SURVEYS, which == CF_SURVEYS ? ferr : NULL);
    if (!rc) rc = csi_part(c, which == CF_CSI, which == CF_CSI ? ferr : NULL);
    return rc;
}

/* A refused form of the page: the page again, with the error. */
static void channels_refused(struct web_ctx *c, enum channels_form which, op_rc frc,
                             const struct op_err *err)
{
    op_rc rc = channels_page(c, which, err);
    if (rc) {
        web_error_page(c->r, admin_status(rc), MSG_WEB_FAILED);
        return;
    }
    admin_render(c, admin_status(frc));
}

void w_admin_channels(struct http_req *r)
{
    struct web_ctx c;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    CHECK(channels_page(&c, CF_NONE, NULL));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc), MSG_WEB_FAILED);
}

void w_admin_mailbox_add(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct mailbox out;
    if (!admin_begin(r, &c)) return;
    struct mailbox_input in = {.name = admin_field(&c, "name"),
                               .url = admin_field(&c, "url"),
                               .username = admin_field(&c, "username"),
                               .password = admin_field(&c, "password"),
                               .move_to = admin_field(&c, "move_to"),
                               .starttls = web_form_get(&c.form, "starttls") != NULL};
    op_rc frc = app_mailbox_add(c.app, &c.who, &in, r->arena, &out, &err);
    if (!frc) {
        web_redirect(r, "/admin/channels?done=created");
        return;
    }
    channels_refused(&c, CF_MAILBOX, frc, &err);
}

/* GET: the question; POST: the removal. */
void w_admin_mailbox_confirm(struct http_req *r)
{
    struct web_ctx c;
    struct admin_form f;
    struct op_err err = {0};
    struct mailbox *v = NULL;
    size_t n = 0;
    op_rc rc;
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    CHECK(app_mailbox_list(c.app, &c.who, r->arena, &v, &n, &err));
    rc = OP_ERR_NOTFOUND;
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id) rc = tv_set_str(r->arena, c.data, "subtitle", v[i].name);
    if (rc) goto end;
    CHECK(admin_page(&c, MSG_WEB_ADM_MAILBOX_REMOVE));
    CHECK(tv_set_str(r->arena, c.data, "intro", lang_text(&c, MSG_WEB_ADM_MAILBOX_REMOVE_Q)));
    CHECK(admin_link(&c, "/admin/channels", lang_text(&c, MSG_WEB_ADM_CANCEL)));
    CHECK(admin_form_begin(&f, &c,
                           arena_printf(r->arena, "/admin/mailboxes/%" PRId64 "/delete", id),
                           MSG_WEB_ADM_DELETE, false, false));
    admin_render(&c, 200);
    return;
end:
    web_error_page(r, admin_status(rc),
                   rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
}

void w_admin_mailbox_remove(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    if (!admin_begin(r, &c)) return;
    int64_t id = admin_path_id(&c, 0);
    if (!id) return;
    op_rc rc = app_mailbox_remove(c.app, &c.who, id, &err);
    if (rc) {
        web_error_page(r, admin_status(rc),
                       rc == OP_ERR_NOTFOUND ? MSG_WEB_NOT_FOUND_PAGE : MSG_WEB_FAILED);
        return;
    }
    web_redirect(r, "/admin/channels?done=deleted");
}

/* An int field that must fit an int; errors name the field. */
static op_rc form_small_int(struct web_ctx *c, const char *name, int *out, struct op_err *err)
{
    int64_t v;
    op_rc rc = admin_form_int(c, name, 0, &v, err);
    if (rc) return rc;
    if (v < INT_MIN || v > INT_MAX) return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_TYPE_INTEGER);
    *out = (int)v;
    return OP_OK;
}

void w_admin_survey_settings(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct survey_settings s = {0};
    op_rc frc;
    if (!admin_begin(r, &c)) return;
    s.csat_enabled = web_form_get(&c.form, "csat_enabled") != NULL;
    s.nps_enabled = web_form_get(&c.form, "nps_enabled") != NULL;
    if (!(frc = form_small_int(&c, "answer_days", &s.answer_days, &err)) &&
        !(frc = form_small_int(&c, "nps_period_days", &s.nps_period_days, &err)))
        frc = app_survey_settings_put(c.app, &c.who, &s, &err);
    if (!frc) {
        web_redirect(r, "/admin/channels?done=saved");
        return;
    }
    channels_refused(&c, CF_SURVEYS, frc, &err);
}

/* The app names a question by its place in the list it was given
 * ("questions[2].text_en"); the form by its row ("q5.text_en"), and rows
 * with an empty key are left out of the list: err's field is turned into
 * the row's (row[i] is the row of question i of n), so the error sits at
 * the field that was typed. Other fields are left as they are. */
static void csi_field_to_row(struct op_err *err, const size_t *row, size_t n)
{
    static const char prefix[] = "questions[";
    if (strncmp(err->field, prefix, sizeof(prefix) - 1) != 0) return;
    const char *p = err->field + sizeof(prefix) - 1;
    char *end;
    errno = 0;
    long i = strtol(p, &end, 10);
    if (end == p || errno || i < 0 || (size_t)i >= n || strncmp(end, "].", 2) != 0) return;
    char name[sizeof(err->field)];
    int len = snprintf(name, sizeof(name), "q%zu.%s", row[i], end + 2);
    if (len > 0 && (size_t)len < sizeof(name)) memcpy(err->field, name, (size_t)len + 1);
}

void w_admin_csi_questions(struct http_req *r)
{
    struct web_ctx c;
    struct op_err err = {0};
    struct csi_question *q;
    size_t row[CSI_ROWS_MAX];
    size_t n = 0;
    op_rc frc = OP_OK;
    if (!admin_begin(r, &c)) return;
    struct arena *a = r->arena;
    if (!(q = arena_alloc(a, CSI_ROWS_MAX * sizeof(*q)))) {
        web_error_page(r, 500, MSG_WEB_FAILED);
        return;
    }
    for (size_t i = 0; i < CSI_ROWS_MAX && !frc; i++) {
        const char *key = admin_field(&c, arena_printf(a, "q%zu.key", i));
        if (!*key) continue; /* an empty row, or one being dropped */
        struct csi_question *x = &q[n];
        memset(x, 0, sizeof(*x));
        x->key = (char *)key;
        x->text_ru = (char *)admin_field(&c, arena_printf(a, "q%zu.text_ru", i));
        x->text_en = (char *)admin_field(&c, arena_printf(a, "q%zu.text_en", i));
        x->position = (int)n;
        frc = form_small_int(&c, arena_printf(a, "q%zu.weight", i), &x->weight, &err);
        row[n++] = i;
    }
    if (!frc) {
        frc = app_csi_questions_put(c.app, &c.who, q, n, &err);
        if (frc) csi_field_to_row(&err, row, n);
    }
    if (!frc) {
        web_redirect(r, "/admin/channels?done=saved");
        return;
    }
    channels_refused(&c, CF_CSI, frc, &err);
}
