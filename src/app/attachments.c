/* attachments.c - uploading files and reading them back. */
#include "base/common.h"

#include <ctype.h>

#include "app/internal.h"
#include "core/validate.h"
#include "store/files.h"

/* A filename as people see it: the last path component, no control
 * characters, at most 255 characters. */
static op_rc check_filename(const char *name, struct arena *a, char **out, struct op_err *err)
{
    if (!name || !*name)
        return op_fail(err, OP_ERR_INVALID, "filename", MSG_ERR_REQUIRED);
    const char *base = name;
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    op_rc rc = check_text("filename", base, 255, TEXT_LINE, false, err);
    if (rc)
        return rc;
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return op_fail(err, OP_ERR_INVALID, "filename", MSG_ERR_FILENAME);
    *out = arena_strdup(a, base);
    return *out ? OP_OK : OP_ERR_NOMEM;
}

/* "type/subtype" with token characters only; anything else becomes
 * application/octet-stream (a browser is never told to render it as HTML). */
static const char *safe_content_type(const char *ct, struct arena *a)
{
    if (!ct || !*ct)
        return "application/octet-stream";
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    if (n == 0 || n > 100)
        return "application/octet-stream";
    int slashes = 0;
    for (size_t i = 0; i < n; i++) {
        char c = ct[i];
        if (c == '/')
            slashes++;
        else if (!(isalnum((unsigned char)c) || strchr("!#$&-^_.+", c)))
            return "application/octet-stream";
    }
    if (slashes != 1 || ct[0] == '/' || ct[n - 1] == '/')
        return "application/octet-stream";
    char *s = arena_strndup(a, ct, n);
    for (char *p = s; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (!s || strstr(s, "html") || strstr(s, "xml") || strstr(s, "javascript"))
        return "application/octet-stream";
    return s;
}

struct att_job {
    struct app *app;
    const struct actor *who;
    int64_t id;
    struct arena *a;
    struct attachment *out;
    struct op_err *err;
};

static op_rc att_insert_fn(struct store_tx *tx, void *arg)
{
    struct att_job *j = arg;
    return tx->ops->attachment_insert(tx, j->out);
}

op_rc app_attachment_upload(struct app *app, const struct actor *who, const char *filename,
                            const char *content_type, const void *data, size_t size,
                            struct arena *a, struct attachment *out, struct op_err *err)
{
    return attachment_add(app, who, filename, content_type, data, size, NULL, a, out, err);
}

op_rc attachment_add(struct app *app, const struct actor *who, const char *filename,
                     const char *content_type, const void *data, size_t size,
                     const char *stored_sha256, struct arena *a, struct attachment *out,
                     struct op_err *err)
{
    char *name = NULL;
    op_rc rc = check_filename(filename, a, &name, err);
    if (rc)
        return rc;
    if (size > app->cfg.attachment_max) {
        char m[32];
        snprintf(m, sizeof(m), "%" PRIu64, app->cfg.attachment_max);
        return op_fail(err, OP_ERR_TOOBIG, "file", MSG_ERR_ATTACHMENT_SIZE, m);
    }
    if (size == 0)
        return op_fail(err, OP_ERR_INVALID, "file", MSG_ERR_EMPTY);
    *out = (struct attachment){.size = (int64_t)size,
                               .content_type = (char *)safe_content_type(content_type, a),
                               .filename = name,
                               .uploader_id = who->id,
                               .created_at = app_now(app)};
    /* the bytes first: a row never points at a file that is not there */
    if (stored_sha256)
        snprintf(out->sha256, sizeof(out->sha256), "%s", stored_sha256);
    else if ((rc = filestore_put(app->files, data, size, out->sha256)))
        return op_fail(err, rc, NULL, MSG_NONE);
    struct att_job j = {app, who, 0, a, out, err};
    return app_run(app, false, att_insert_fn, &j);
}

static op_rc att_get_fn(struct store_tx *tx, void *arg)
{
    struct att_job *j = arg;
    char b[24];
    op_rc rc = tx->ops->attachment_get(tx, j->id, j->a, j->out);
    if (rc == OP_ERR_NOTFOUND)
        goto hidden;
    if (rc)
        return rc;
    if (j->out->uploader_id == j->who->id && j->who->id)
        return OP_OK;
    if (!j->out->comment_id)
        goto hidden;
    struct comment c;
    struct ticket t;
    rc = tx->ops->comment_get(tx, j->out->comment_id, j->a, &c);
    if (rc == OP_ERR_NOTFOUND)
        goto hidden;
    if (rc)
        return rc;
    if (!c.public && !actor_is_staff(j->who))
        goto hidden;
    rc = tx_visible_ticket(tx, j->app, j->who, c.ticket_id, j->a, &t, NULL);
    if (rc == OP_ERR_NOTFOUND)
        goto hidden;
    return rc;
hidden:
    return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_ATTACHMENT_NOT_FOUND, id_str(j->id, b));
}

op_rc app_attachment_get(struct app *app, const struct actor *who, int64_t id,
                         struct arena *a, struct attachment *out, struct op_err *err)
{
    struct att_job j = {app, who, id, a, out, err};
    return app_run(app, true, att_get_fn, &j);
}

op_rc app_attachment_open(struct app *app, const struct attachment *at, int *fd,
                          struct op_err *err)
{
    op_rc rc = filestore_open_read(app->files, at->sha256, fd);
    if (rc)
        return op_fail(err, rc == OP_ERR_NOTFOUND ? OP_ERR_IO : rc, NULL, MSG_NONE);
    return OP_OK;
}
