#include "base/common.h"

op_rc op_fail(struct op_err *err, op_rc rc, const char *field, enum msg_id msg, ...)
{
    if (!err)
        return rc;
    memset(err, 0, sizeof(*err));
    err->rc = rc;
    err->msg = msg;
    if (field)
        snprintf(err->field, sizeof(err->field), "%s", field);
    int nargs = i18n_msg_nargs(msg);
    va_list ap;
    va_start(ap, msg);
    for (int i = 0; i < nargs && i < OP_ERR_NARGS; i++) {
        const char *a = va_arg(ap, const char *);
        snprintf(err->arg[i], sizeof(err->arg[i]), "%s", a ? a : "");
    }
    va_end(ap);
    return rc;
}

void op_err_clear(struct op_err *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
}

const char *op_rc_name(op_rc rc)
{
    switch (rc) {
    case OP_OK: return "ok";
    case OP_ERR_NOMEM: return "out_of_memory";
    case OP_ERR_INVALID: return "invalid";
    case OP_ERR_NOTFOUND: return "not_found";
    case OP_ERR_FORBIDDEN: return "forbidden";
    case OP_ERR_CONFLICT: return "conflict";
    case OP_ERR_TOOBIG: return "too_big";
    case OP_ERR_AUTH: return "unauthenticated";
    case OP_ERR_RATELIMIT: return "rate_limited";
    case OP_ERR_IO: return "storage_error";
    case OP_ERR_UNAVAILABLE: return "unavailable";
    }
    return "unknown";
}
