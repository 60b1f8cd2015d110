/* api_util.c - helpers the API's handlers share. */
#include "base/common.h"

#include "http/apiInt.h"

void api_reply_error(struct http_req *r, op_rc rc, struct op_err *err)
{
    /* some failures (out of memory, a store error) come back without detail */
    if (err->rc == OP_OK) {
        op_err_clear(err);
        err->rc = rc != OP_OK ? rc : OP_ERR_IO;
    }
    http_reply_error(r, err);
}

int64_t api_path_id(struct http_req *r, size_t i)
{
    int64_t id = http_param_id(r, i);
    if (!id) http_fail(r, OP_ERR_NOTFOUND, NULL, MSG_ERR_NOT_FOUND);
    return id;
}

static const char *query_get(void *ctx, const char *name)
{
    return http_query(ctx, name);
}

struct qs api_qs(struct http_req *r)
{
    return (struct qs){query_get, r};
}
