/* h_health.c - GET /healthz: is the server up and does the database answer
 * (for load balancers and monitoring; no authentication). */
#include "base/common.h"

#include "base/log.h"
#include "base/version.h"
#include "http/apiInt.h"

void h_health(struct http_req *r)
{
    struct op_err err = {0};
    op_rc rc = app_health(api_app(r), &err);
    if (rc) {
        /* whatever the store said, to a balancer it means "not now" */
        log_warn("component=api msg=\"health check failed\" rc=%s", op_rc_name(rc));
        http_fail(r, OP_ERR_UNAVAILABLE, "database", MSG_NONE);
        return;
    }
    struct jsonw w;
    http_jsonw_init(r, &w);
    jsonw_object_begin(&w, NULL);
    jsonw_str(&w, "status", "ok");
    jsonw_str(&w, "database", "ok");
    jsonw_str(&w, "version", OPORA_VERSION);
    jsonw_object_end(&w);
    http_reply_jsonw(r, 200, &w);
}
