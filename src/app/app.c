/* app.c - the application context: configuration, clock, shared state. */
#include "base/common.h"

#include <sodium.h>
#include <unistd.h>

#include "app/internal.h"
#include "app/sla_env.h"
#include "base/log.h"
#include "store/files.h"

void app_config_defaults(struct app_config *c)
{
    memset(c, 0, sizeof(*c));
    c->agent_scope = AGENT_SCOPE_GROUPS;
    c->session_ttl_ms = 12LL * 3600 * 1000;
    c->attachment_max = 25u << 20;
    c->files_dir = "opora.files";
    c->public_url = "http://127.0.0.1:8080";
    c->login_max_failures = 10;
    c->login_window_s = 900;
}

static op_time wall_clock(void *ctx)
{
    UNUSED(ctx);
    return time_now_ms();
}

/* OPORA_TEST_CLOCK=FILE: the time is the number (ms since the epoch) in
 * FILE, read at every call, so that tests move time forward without
 * sleeping, across restarts. Never set in production; the server logs a
 * warning when it is. */
static op_time file_clock(void *ctx)
{
    const char *path = ctx;
    char b[32];
    FILE *f = fopen(path, "r");
    if (!f)
        return time_now_ms();
    size_t n = fread(b, 1, sizeof(b) - 1, f);
    fclose(f);
    b[n] = '\0';
    char *end;
    long long v = strtoll(b, &end, 10);
    return end != b && v > 0 ? (op_time)v : time_now_ms();
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
    const char *test_clock = getenv("OPORA_TEST_CLOCK");
    if (test_clock && *test_clock) {
        app->clock = file_clock;
        app->clock_ctx = (void *)test_clock;
        log_warn("msg=\"test clock: time is read from a file\" file=\"%s\"", test_clock);
    }
    {
        char host[16] = "";
        uint32_t r = randombytes_random();
        gethostname(host, sizeof(host) - 1);
        host[sizeof(host) - 1] = '\0';
        snprintf(app->node_id, sizeof(app->node_id), "%s:%ld:%08x", host, (long)getpid(),
                 (unsigned)r);
    }
    if (!(app->logins = ratelimit_new(4096, cfg->login_max_failures, cfg->login_window_s)))
        goto nomem;
    if (!(app->auth_cache = authcache_new(4096)))
        goto nomem;
    if (!(app->sla_cache = sla_cache_new()))
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
    sla_cache_free(app->sla_cache);
    app->sla_cache = NULL;
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
