/* mail_admin.c - mailboxes, the outbox and the rejections, for admins (mail.h). */
#include "base/common.h"

#include "app/mail_int.h"
#include "core/validate.h"

struct admin_job {
    struct app *app;
    const struct actor *who;
    const struct mailbox_input *in;
    int64_t id;
    const char *state;
    int64_t before_id;
    size_t limit;
    struct arena *a;
    struct mailbox *mb;
    struct mailbox **mbs;
    struct outbox_msg **outbox;
    struct outbox_counts *counts;
    struct mail_rejection **rejections;
    size_t *n;
    struct op_err *err;
};

static op_rc check_input(const struct mailbox_input *in, struct op_err *err)
{
    op_rc rc;
    if ((rc = check_text("name", in->name, LIMIT_NAME, TEXT_LINE, false, err)))
        return rc;
    if ((rc = check_text("url", in->url, 1024, TEXT_LINE, false, err)))
        return rc;
    const char *u = in->url;
    const char *host = !strncmp(u, "imap://", 7) ? u + 7 : !strncmp(u, "imaps://", 8) ? u + 8 : NULL;
    const char *path = host ? strchr(host, '/') : NULL;
    if (!host || !path || path == host || !path[1])
        return op_fail(err, OP_ERR_INVALID, "url", MSG_ERR_MAILBOX_URL);
    if ((rc = check_text("username", in->username ? in->username : "", LIMIT_NAME, TEXT_LINE,
                         true, err)) ||
        (rc = check_text("password", in->password ? in->password : "", 1024, TEXT_LINE, true,
                         err)) ||
        (rc = check_text("move_to", in->move_to ? in->move_to : "", LIMIT_NAME, TEXT_LINE, true,
                         err)))
        return rc;
    return OP_OK;
}

static op_rc add_fn(struct store_tx *tx, void *arg)
{
    struct admin_job *j = arg;
    const struct mailbox_input *in = j->in;
    *j->mb = (struct mailbox){.name = (char *)in->name, .url = (char *)in->url,
                              .username = (char *)(in->username ? in->username : ""),
                              .password = (char *)(in->password ? in->password : ""),
                              .starttls = in->starttls,
                              .move_to = (char *)(in->move_to ? in->move_to : ""),
                              .active = true, .last_error = "",
                              .created_at = app_now(j->app)};
    op_rc rc = tx->ops->mail->mailbox_insert(tx, j->mb);
    if (rc == OP_ERR_CONFLICT)
        return op_fail(j->err, OP_ERR_CONFLICT, "name", MSG_ERR_MAILBOX_TAKEN, in->name);
    return rc;
}

op_rc app_mailbox_add(struct app *app, const struct actor *who, const struct mailbox_input *in,
                      struct arena *a, struct mailbox *out, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc || (rc = check_input(in, err)))
        return rc;
    struct admin_job j = {.app = app, .who = who, .in = in, .a = a, .mb = out, .err = err};
    return app_run(app, false, add_fn, &j);
}

static op_rc list_fn(struct store_tx *tx, void *arg)
{
    struct admin_job *j = arg;
    return tx->ops->mail->mailbox_list(tx, j->a, j->mbs, j->n);
}

op_rc app_mailbox_list(struct app *app, const struct actor *who, struct arena *a,
                       struct mailbox **out, size_t *n, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc)
        return rc;
    struct admin_job j = {.app = app, .who = who, .a = a, .mbs = out, .n = n, .err = err};
    return app_run(app, true, list_fn, &j);
}

static op_rc remove_fn(struct store_tx *tx, void *arg)
{
    struct admin_job *j = arg;
    op_rc rc = tx->ops->mail->mailbox_delete(tx, j->id);
    if (rc == OP_ERR_NOTFOUND) {
        char b[24];
        return op_fail(j->err, OP_ERR_NOTFOUND, NULL, MSG_ERR_MAILBOX_NOT_FOUND, id_str(j->id, b));
    }
    return rc;
}

op_rc app_mailbox_remove(struct app *app, const struct actor *who, int64_t id,
                         struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc)
        return rc;
    struct admin_job j = {.app = app, .who = who, .id = id, .err = err};
    return app_run(app, false, remove_fn, &j);
}

static op_rc outbox_fn(struct store_tx *tx, void *arg)
{
    struct admin_job *j = arg;
    op_rc rc = tx->ops->mail->outbox_counts(tx, j->counts);
    return rc ? rc
              : tx->ops->mail->outbox_list(tx, j->state, j->before_id, j->limit, j->a, j->outbox,
                                           j->n);
}

op_rc app_outbox_list(struct app *app, const struct actor *who, const char *state,
                      int64_t before_id, size_t limit, struct arena *a, struct outbox_msg **out,
                      size_t *n, struct outbox_counts *counts, struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc)
        return rc;
    struct admin_job j = {.app = app, .who = who, .state = state, .before_id = before_id,
                          .limit = limit ? MIN(limit, (size_t)500) : 100, .a = a,
                          .outbox = out, .counts = counts, .n = n, .err = err};
    return app_run(app, true, outbox_fn, &j);
}

static op_rc rejections_fn(struct store_tx *tx, void *arg)
{
    struct admin_job *j = arg;
    return tx->ops->mail->rejection_list(tx, j->before_id, j->limit, j->a, j->rejections, j->n);
}

op_rc app_mail_rejections(struct app *app, const struct actor *who, int64_t before_id,
                          size_t limit, struct arena *a, struct mail_rejection **out, size_t *n,
                          struct op_err *err)
{
    op_rc rc = access_require(who, ROLE_ADMIN, err);
    if (rc)
        return rc;
    struct admin_job j = {.app = app, .who = who, .before_id = before_id,
                          .limit = limit ? MIN(limit, (size_t)500) : 100, .a = a,
                          .rejections = out, .n = n, .err = err};
    return app_run(app, true, rejections_fn, &j);
}
