/* config.c - settings from defaults, the INI file, the environment, flags. */
#include "base/common.h"

#include <ctype.h>
#include <ini.h>
#include <unistd.h>

#include "cli/cli.h"

/* One table of every setting: its INI name (section.key in the file; the
 * flag is --<key with _ as ->; the variable OPORA_<KEY>). */
enum kind { K_STR, K_UINT, K_SIZE, K_BOOL, K_SCOPE, K_LEVEL };

static const struct setting {
    const char *section, *key;
    enum kind kind;
    size_t offset, size;
    unsigned long long min, max;
} settings[] = {
#define S(sec, key, kind, field, min, max) {sec, key, kind, offsetof(struct config, field), sizeof(((struct config *)0)->field), min, max}
    S("database", "db", K_STR, db, 0, 0),
    S("server", "listen", K_STR, listen, 0, 0),
    S("server", "threads", K_UINT, threads, 1, 1024),
    S("server", "body_max", K_SIZE, body_max, 1024, 1ull << 30),
    S("server", "request_log", K_BOOL, request_log, 0, 0),
    S("server", "read_connections", K_UINT, read_connections, 1, 1024),
    S("server", "public_url", K_STR, public_url, 0, 0),
    S("server", "live_streams", K_UINT, live_streams, 0, 1000000),
    S("files", "files_dir", K_STR, files_dir, 0, 0),
    S("files", "attachment_max", K_SIZE, attachment_max, 1, 1ull << 32),
    S("security", "agent_scope", K_SCOPE, agent_scope, 0, 0),
    S("security", "session_ttl_minutes", K_UINT, session_ttl_min, 1, 525600),
    S("security", "cookie_secure", K_BOOL, cookie_secure, 0, 0),
    S("security", "pwhash_ops", K_SIZE, pwhash_ops, 1, 100),
    S("security", "pwhash_mem", K_SIZE, pwhash_mem, 8192, 1ull << 32),
    S("security", "login_max_failures", K_UINT, login_max_failures, 1, 64),
    S("security", "login_window_seconds", K_UINT, login_window_s, 1, 86400),
    S("log", "log_level", K_LEVEL, log_level, 0, 0),
    S("mail", "lmtp_listen", K_STR, lmtp_listen, 0, 0),
    S("mail", "lmtp_recipients", K_STR, lmtp_recipients, 0, 0),
    S("mail", "lmtp_allow_remote", K_BOOL, lmtp_allow_remote, 0, 0),
    S("mail", "lmtp_idle_timeout", K_UINT, lmtp_idle_timeout, 1, 3600),
    S("mail", "lmtp_memory_mb", K_UINT, lmtp_memory_mb, 1, 65536),
#undef S
};

static const struct setting *find_setting(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
        if (strcmp(settings[i].key, name) == 0)
            return &settings[i];
    return NULL;
}

/* "25M", "64k", "1G", "1048576" */
static bool parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s))
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return false;
    unsigned long long mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1ull << 10, end++;
    else if (*end == 'm' || *end == 'M')
        mul = 1ull << 20, end++;
    else if (*end == 'g' || *end == 'G')
        mul = 1ull << 30, end++;
    if (*end || (v && mul > ULLONG_MAX / v))
        return false;
    *out = v * mul;
    return true;
}

op_rc config_set(struct config *c, const char *name, const char *value, struct op_err *err)
{
    const struct setting *s = find_setting(name);
    if (!s)
        return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_UNKNOWN_FIELD);
    char *field = (char *)c + s->offset;
    unsigned long long v;
    char lo[24], hi[24];
    switch (s->kind) {
    case K_STR:
        if (strlen(value) >= s->size) {
            snprintf(hi, sizeof(hi), "%zu", s->size - 1);
            return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_TOO_LONG, hi);
        }
        snprintf(field, s->size, "%s", value);
        return OP_OK;
    case K_UINT:
    case K_SIZE:
        if (!parse_size(value, &v) || v < s->min || v > s->max) {
            snprintf(lo, sizeof(lo), "%llu", s->min);
            snprintf(hi, sizeof(hi), "%llu", s->max);
            return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_RANGE, lo, hi);
        }
        if (s->size == sizeof(unsigned))
            *(unsigned *)field = (unsigned)v;
        else
            *(unsigned long long *)field = v; /* size_t and uint64_t are 8 bytes here */
        return OP_OK;
    case K_BOOL:
        if (!strcmp(value, "1") || !strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
            !strcasecmp(value, "on"))
            *(bool *)field = true;
        else if (!strcmp(value, "0") || !strcasecmp(value, "false") || !strcasecmp(value, "no") ||
                 !strcasecmp(value, "off"))
            *(bool *)field = false;
        else
            return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_TYPE_BOOLEAN);
        return OP_OK;
    case K_SCOPE:
        if (!strcmp(value, "groups"))
            *(enum agent_scope *)field = AGENT_SCOPE_GROUPS;
        else if (!strcmp(value, "all"))
            *(enum agent_scope *)field = AGENT_SCOPE_ALL;
        else
            return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_ENUM, value, "groups, all");
        return OP_OK;
    case K_LEVEL:
        if (strcmp(value, "debug") && strcmp(value, "info") && strcmp(value, "warn") &&
            strcmp(value, "error"))
            return op_fail(err, OP_ERR_INVALID, name, MSG_ERR_ENUM, value,
                           "debug, info, warn, error");
        snprintf(field, s->size, "%s", value);
        return OP_OK;
    }
    return OP_ERR_INVALID;
}

_Static_assert(sizeof(size_t) == sizeof(unsigned long long), "size settings are 8 bytes");
_Static_assert(sizeof(uint64_t) == sizeof(unsigned long long), "size settings are 8 bytes");

static void defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->db, sizeof(c->db), "opora.db");
    snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
    snprintf(c->public_url, sizeof(c->public_url), "http://127.0.0.1:8080");
    c->threads = 16;
    c->body_max = 1u << 20;
    c->attachment_max = 25u << 20;
    c->agent_scope = AGENT_SCOPE_GROUPS;
    c->session_ttl_min = 12 * 60;
    c->login_max_failures = 10;
    c->login_window_s = 900;
    c->read_connections = 0;
    c->request_log = true;
    c->live_streams = 1000;
    snprintf(c->log_level, sizeof(c->log_level), "info");
}

struct ini_ctx {
    struct config *c;
    const char *path;
    int status;
};

static int on_ini_entry(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *x = user;
    const struct setting *s = find_setting(name);
    struct op_err err;
    if (!s || strcmp(s->section, section) != 0) {
        cli_say(MSG_CLI_CONFIG_UNKNOWN, x->path, section, name);
        x->status = EXIT_USAGE;
        return 0;
    }
    if (config_set(x->c, name, value, &err)) {
        cli_say(MSG_CLI_CONFIG_FILE, x->path);
        cli_error(&err);
        x->status = EXIT_USAGE;
        return 0;
    }
    return 1;
}

int config_load(struct config *c, const char *path)
{
    defaults(c);
    if (!path)
        path = getenv("OPORA_CONFIG");
    bool explicit = path != NULL;
    if (!path)
        path = "opora.ini";
    if (explicit || access(path, F_OK) == 0) {
        struct ini_ctx x = {c, path, EXIT_OK};
        int r = ini_parse(path, on_ini_entry, &x);
        if (x.status)
            return x.status;
        if (r < 0) {
            cli_say(MSG_CLI_CONFIG_OPEN, path);
            return EXIT_USAGE;
        }
        if (r > 0) {
            char line[16];
            snprintf(line, sizeof(line), "%d", r);
            cli_say(MSG_CLI_CONFIG_SYNTAX, path, line);
            return EXIT_USAGE;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
        char var[64];
        size_t n = (size_t)snprintf(var, sizeof(var), "OPORA_%s", settings[i].key);
        for (size_t k = 0; k < n; k++)
            var[k] = (char)toupper((unsigned char)var[k]);
        const char *v = getenv(var);
        struct op_err err;
        if (v && config_set(c, settings[i].key, v, &err)) {
            cli_say(MSG_CLI_CONFIG_ENV, var);
            cli_error(&err);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

void config_app(const struct config *c, struct app_config *out)
{
    app_config_defaults(out);
    out->agent_scope = c->agent_scope;
    out->session_ttl_ms = (int64_t)c->session_ttl_min * 60 * 1000;
    out->attachment_max = c->attachment_max;
    out->files_dir = c->files_dir;
    out->public_url = c->public_url;
    out->pwhash_ops = c->pwhash_ops;
    out->pwhash_mem = c->pwhash_mem;
    out->login_max_failures = c->login_max_failures;
    out->login_window_s = c->login_window_s;
}
