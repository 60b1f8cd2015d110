/* app.c - the application context: configuration, clock, shared state. */
#include "base/common.h"

#include <sodium.h>

#include "app/internal.h"
#include "store/files.h"

void app_config_defaults(struct app_config *c)
{
    memset(c, 0, sizeof(*c));
    c->agent_scope = AGENT_SCOPE_GROUPS;
    c->session_ttl_ms = 12LL * 3600 * 1000;
    c->attachment_max = 25u << 20;
    c->files_dir = "opora.files";
    c->login_max_failures = 10;
    c->login_window_s = 900;
}

static op_time wall_clock(void *ctx)
{
    UNUSED(ctx);
    return time_now_ms();
}

void auth_changed(struct app *app)
{
    atomic_fetch_add(&app->auth_gen, 1);
}

op_time app_now(const struct app *app)
{
    return app->clock(app->clock_ctx);
}

op_rc app_init(struct app *app, struct store *store, const struct app_config *cfg,
               struct op_err *err)
{
    memset(app, 0, sizeof(*app));
    if (sodium_init() < 0)
        return op_fail(err, OP_ERR_UNAVAILABLE, NULL, MSG_NONE);
    app->store = store;
    app->cfg = *cfg;
    app->clock = wall_clock;
    if (!(app->logins = ratelimit_new(4096, cfg->login_max_failures, cfg->login_window_s)))
        goto nomem;
    if (!(app->auth_cache = authcache_new(4096)))
        goto nomem;
    op_rc rc = filestore_open(cfg->files_dir, &app->files);
    if (rc) {
        app_release(app);
        return op_fail(err, rc, "files_dir", MSG_ERR_FILES_DIR, cfg->files_dir);
    }
    return OP_OK;
nomem:
    app_release(app);
    return op_fail(err, OP_ERR_NOMEM, NULL, MSG_NONE);
}

void app_release(struct app *app)
{
    ratelimit_free(app->logins);
    authcache_free(app->auth_cache);
    app->auth_cache = NULL;
    filestore_close(app->files);
    free(app->dummy_hash);
    app->logins = NULL;
    app->files = NULL;
    app->dummy_hash = NULL;
}

op_rc app_health(struct app *app, struct op_err *err)
{
    int current = 0, latest = 0;
    op_rc rc = store_schema_version(app->store, &current, &latest);
    return rc ? op_fail(err, rc, NULL, MSG_NONE) : OP_OK;
}
