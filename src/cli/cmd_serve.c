/* cmd_serve.c - opora serve: the HTTP server, until SIGINT or SIGTERM. */
#include "base/common.h"

#include <getopt.h>
#include <signal.h>

#include "base/log.h"
#include "base/version.h"
#include "app/jobs.h"
#include "app/notify.h"
#include "app/mail_lmtp.h"
#include "cli/cli.h"
#include "http/api.h"
#include "http/http.h"
#include "web/web.h"

/* --lmtp ADDR and --lmtp-allow-remote: the settings lmtp_listen and
 * lmtp_allow_remote */
static int on_serve_opt(int opt, const char *arg, void *ctx)
{
    struct config *c = ctx;
    struct op_err err;
    op_rc rc = opt == 'L' ? config_set(c, "lmtp_listen", arg, &err)
               : opt == 'R' ? config_set(c, "lmtp_allow_remote", "1", &err)
                            : OP_ERR_INVALID;
    if (rc == OP_OK)
        return EXIT_OK;
    if (opt == 'L')
        cli_error(&err);
    return EXIT_USAGE;
}

static const struct option serve_opts[] = {
    {"lmtp", required_argument, NULL, 'L'},
    {"lmtp-allow-remote", no_argument, NULL, 'R'},
    {0}};

int cmd_serve(int argc, char **argv)
{
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc, argv, serve_opts, MSG_CLI_USAGE_SERVE_LMTP, &c, on_serve_opt, &c);
    if (status)
        return status;

    /* every thread started from here on inherits the blocked signals, so
     * only sigwait below receives them */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    int64_t t0 = time_mono_us();
    if ((status = cli_open(&env, &c, false, true, true)))
        return status;
    api_settings.cookie_secure = c.cookie_secure;
    api_settings.session_ttl_s = (unsigned)c.session_ttl_min * 60u;

    struct http_server_config hc = {
        .listen = c.listen,
        .threads = c.threads,
        .body_max = c.body_max,
        .upload_max = (size_t)c.attachment_max,
        .conn_timeout = 60,
        .quiet = !c.request_log,
    };
    struct http_server *srv;
    struct op_err err = {0};
    /* background work: SLA timers, routing checks, presence, mail; a test
     * clock moves in jumps, so look at it more often */
    const char *test_clock = getenv("OPORA_TEST_CLOCK");
    op_rc rc = jobs_start(&env.app, test_clock && *test_clock ? 100 : 1000);
    /* the change watcher: live pages and the credential cache follow every node */
    if (!rc && (rc = notify_start(&env.app)))
        jobs_stop(&env.app);
    if (rc) {
        cli_close(&env);
        return cli_fail(&err, rc);
    }
    /* one table: the API's routes, then the web UI's (which are public to
     * api_before and check the session cookie themselves) */
    size_t nroutes = api_routes_count + web_routes_count;
    struct http_route *routes = calloc(nroutes, sizeof(*routes));
    if (!routes)
        rc = OP_ERR_NOMEM;
    else if (!(rc = web_init(&err))) {
        web_live_streams_set(c.live_streams);
        memcpy(routes, api_routes, api_routes_count * sizeof(*routes));
        memcpy(routes + api_routes_count, web_routes, web_routes_count * sizeof(*routes));
        rc = http_server_start(&hc, routes, nroutes, api_before, &env.app, &srv, &err);
    }
    free(routes); /* the server keeps its own copy */
    if (rc) {
        notify_stop();
        jobs_stop(&env.app);
        cli_close(&env);
        return cli_fail(&err, rc);
    }
    char host[256];
    snprintf(host, sizeof(host), "%s", c.listen);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = '\0';
    if (!host[0])
        snprintf(host, sizeof(host), "0.0.0.0");
    /* mail by LMTP: the MTA hands messages over without a process each */
    struct lmtp_server *lmtp = NULL;
    if (c.lmtp_listen[0]) {
        struct lmtp_server_config lc = {.listen = c.lmtp_listen,
                                        .allow_remote = c.lmtp_allow_remote,
                                        .recipients = c.lmtp_recipients,
                                        .idle_timeout_s = c.lmtp_idle_timeout,
                                        .memory_mb = c.lmtp_memory_mb};
        if ((rc = lmtp_server_start(&env.app, &lc, &lmtp, &err))) {
            http_server_stop(srv);
            notify_stop();
            jobs_stop(&env.app);
            web_release();
            cli_close(&env);
            return cli_fail(&err, rc);
        }
        log_info("msg=\"lmtp listening\" address=\"%s\" port=%u", c.lmtp_listen,
                 lmtp_server_port(lmtp));
    }
    log_info("msg=listening url=http://%s:%u db=\"%s\" threads=%u version=%s startup_us=%" PRId64,
             host, http_server_port(srv), c.db, c.threads, OPORA_VERSION, time_mono_us() - t0);

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("msg=stopping signal=%d", sig);
    lmtp_server_stop(lmtp);
    http_server_stop(srv); /* ends the live streams first */
    notify_stop();
    jobs_stop(&env.app);
    web_release();
    cli_close(&env);
    log_info("msg=stopped");
    return EXIT_OK;
}
