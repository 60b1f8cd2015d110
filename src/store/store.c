/* store.c - picks the backend by URL and forwards to it. */
#include "base/common.h"
#include "store/store.h"

extern const struct store_ops sqlite_store_ops;
extern const struct store_ops pg_store_ops;

struct store {
    const struct store_ops *ops;
    void *impl;
};

const struct store_ops *store_backend(const char *url)
{
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return &pg_store_ops;
    return &sqlite_store_ops;
}

op_rc store_open(const char *url, const struct store_options *opt, struct store **out,
                 struct op_err *err)
{
    struct store *s = calloc(1, sizeof(*s));
    if (!s)
        return OP_ERR_NOMEM;
    s->ops = store_backend(url);
    op_rc rc = s->ops->open(url, opt, &s->impl, err);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return OP_OK;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    s->ops->close(s->impl);
    free(s);
}

op_rc store_read(struct store *s, store_fn fn, void *arg)
{
    return s->ops->read(s->impl, fn, arg);
}

op_rc store_write(struct store *s, store_fn fn, void *arg)
{
    return s->ops->write(s->impl, fn, arg);
}

op_rc store_schema_version(struct store *s, int *current, int *latest)
{
    return s->ops->schema_version(s->impl, current, latest);
}

op_rc store_backup(struct store *s, const char *path, struct op_err *err)
{
    return s->ops->backup(s->impl, path, err);
}

const char *store_backend_name(struct store *s)
{
    return s->ops->name;
}

op_rc store_wait_change(struct store *s, int timeout_ms, struct store_change *out)
{
    memset(out, 0, sizeof(*out));
    if (!s->ops->wait_change)
        return OP_ERR_UNAVAILABLE;
    return s->ops->wait_change(s->impl, timeout_ms, out);
}
