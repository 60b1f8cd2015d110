/* cmd_mail.c - opora mail-in (an MTA pipes one message in) and
 * opora mailbox add|list|remove|poll (the IMAP mailboxes the server polls). */
#include "base/common.h"

#include <getopt.h>
#include <unistd.h>

#include "app/mail.h"
#include "base/buf.h"
#include "base/log.h"
#include "channels/mail/lmtp.h"
#include "cli/cli.h"

/* sysexits.h: what an MTA understands from a delivery program */
enum { EX_MAIL_DATAERR = 65, EX_MAIL_TEMPFAIL = 75 };

/* mail-in's own options: --lmtp ADDR (the setting lmtp_listen) and
 * --recipient ADDRESS (the RCPT TO of the hand-over). */
struct mail_in_opts {
    struct config *c;
    const char *recipient;
};

static int on_mail_in_opt(int opt, const char *arg, void *ctx)
{
    struct mail_in_opts *o = ctx;
    struct op_err err;
    if (opt == 'r') {
        o->recipient = arg;
        return EXIT_OK;
    }
    if (opt == 'L') {
        if (config_set(o->c, "lmtp_listen", arg, &err) == OP_OK)
            return EXIT_OK;
        cli_error(&err);
    }
    return EXIT_USAGE;
}

/* The recipient to hand a message to: --recipient, else $RECIPIENT (set by
 * Postfix's local and pipe delivery), else the first of lmtp_recipients
 * (an address, not an @domain), in buf. NULL when there is none. */
static const char *hand_over_rcpt(const struct mail_in_opts *o, char *buf, size_t cap)
{
    const char *r = o->recipient;
    if (!r || !*r)
        r = getenv("RECIPIENT");
    if (r && *r) {
        snprintf(buf, cap, "%s", r);
        return buf;
    }
    for (const char *p = o->c->lmtp_recipients; *p;) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (n && p[0] != '@' && n < cap) {
            memcpy(buf, p, n);
            buf[n] = '\0';
            return buf;
        }
        p += n;
    }
    return NULL;
}

/* Hands the message to the LMTP server. Returns the exit status, or -1
 * when the server is not there (or refuses the recipient): the caller
 * imports the message itself. */
static int hand_over(const struct mail_in_opts *o, const char *msg, size_t len)
{
    char rcpt[320];
    if (!hand_over_rcpt(o, rcpt, sizeof(rcpt))) {
        log_warn("msg=\"mail-in: an LMTP address but no recipient (--recipient, $RECIPIENT or "
                 "lmtp_recipients): importing directly\"");
        return -1;
    }
    const char *sender = getenv("SENDER"); /* Postfix's pipe and local set it */
    struct lmtp_reply r;
    op_rc rc = lmtp_send(o->c->lmtp_listen, sender ? sender : "", rcpt, msg, len, 120000, &r);
    if (rc == OP_ERR_UNAVAILABLE || rc == OP_ERR_INVALID) {
        log_warn("msg=\"mail-in: the LMTP server does not answer, importing directly\" "
                 "address=\"%s\"",
                 o->c->lmtp_listen);
        return -1;
    }
    if (rc) {
        /* broken after the message started: the server may have it; a
         * retry is recognised by its Message-ID */
        cli_say(MSG_CLI_MAIL_IN_TEMPFAIL, op_rc_name(rc));
        return EX_MAIL_TEMPFAIL;
    }
    if (r.code / 100 == 2) {
        /* 2.6.0: refused as bad input and logged (mail-in's 65) */
        if (!strncmp(r.text, "2.6.", 4)) {
            cli_say(MSG_CLI_MAIL_IN_REJECTED, r.text);
            return EX_MAIL_DATAERR;
        }
        return EXIT_OK;
    }
    if (!r.at_data && r.code == 550) {
        log_warn("msg=\"mail-in: the LMTP server refuses the recipient, importing directly\" "
                 "recipient=\"%s\" reply=\"%d %s\"",
                 rcpt, r.code, r.text);
        return -1;
    }
    if (r.code / 100 == 5) {
        cli_say(MSG_CLI_MAIL_IN_REJECTED, r.text);
        return EX_MAIL_DATAERR;
    }
    cli_say(MSG_CLI_MAIL_IN_TEMPFAIL, r.text);
    return EX_MAIL_TEMPFAIL;
}

int cmd_mail_in(int argc, char **argv)
{
    static const struct option opts[] = {{"lmtp", required_argument, NULL, 'L'},
                                         {"recipient", required_argument, NULL, 'r'},
                                         {0}};
    struct config c;
    struct cli_env env;
    struct mail_in_opts o = {&c, NULL};
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        cli_say(MSG_CLI_USAGE_MAIL_IN_LMTP);
        return EXIT_OK;
    }
    int status = cli_parse(argc, argv, opts, MSG_CLI_USAGE_MAIL_IN_LMTP, &c, on_mail_in_opt, &o);
    if (status)
        return status;
    struct mail_limits lim;
    mail_limits_default(&lim);
    /* read one byte past the cap, so that "too big" is seen, not truncated */
    struct buf in = BUF_INIT(lim.max_size + 1);
    char chunk[65536];
    ssize_t r;
    bool too_big = false;
    size_t total = 0;
    while ((r = read(0, chunk, sizeof(chunk))) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            cli_say(MSG_CLI_MAIL_IN_TEMPFAIL, strerror(errno));
            buf_release(&in);
            return EX_MAIL_TEMPFAIL;
        }
        total += (size_t)r;
        if (!too_big && buf_append(&in, chunk, (size_t)r))
            too_big = true; /* keep reading: the MTA wants its pipe drained */
    }
    /* the running server imports it (no database opened here), when there is one */
    if (c.lmtp_listen[0] && !too_big) {
        status = hand_over(&o, in.p ? in.p : "", in.len);
        if (status >= 0) {
            buf_release(&in);
            return status;
        }
    }
    if (cli_open(&env, &c, false, true, true)) {
        buf_release(&in);
        return EX_MAIL_TEMPFAIL; /* no database now (locked, missing): the MTA retries */
    }
    struct arena a = ARENA_INIT(0);
    struct mail_result res;
    struct mail_source src = {"mail-in", 0, 0, 0};
    op_rc rc;
    if (too_big) {
        /* a message over the cap is never parsed: recorded as refused */
        res = (struct mail_result){.outcome = MAIL_REJECTED, .reason = "too_big"};
        rc = app_mail_reject(&env.app, &src, "too_big", total, &a);
        if (rc == OP_OK)
            rc = OP_ERR_TOOBIG;
    } else {
        rc = app_mail_import(&env.app, in.p ? in.p : "", in.len, &src, &a, &res);
    }
    if (rc == OP_OK) {
        status = EXIT_OK;
    } else if (rc == OP_ERR_TOOBIG || rc == OP_ERR_INVALID) {
        cli_say(MSG_CLI_MAIL_IN_REJECTED, res.reason && *res.reason ? res.reason : op_rc_name(rc));
        status = EX_MAIL_DATAERR;
    } else {
        cli_say(MSG_CLI_MAIL_IN_TEMPFAIL, op_rc_name(rc));
        status = EX_MAIL_TEMPFAIL;
    }
    arena_release(&a);
    buf_release(&in);
    cli_close(&env);
    return status;
}

/* ---- mailbox ---- */

struct mb_opts {
    struct mailbox_input in;
};

static int on_mb_opt(int opt, const char *arg, void *ctx)
{
    struct mb_opts *o = ctx;
    switch (opt) {
    case 'n': o->in.name = arg; return EXIT_OK;
    case 'u': o->in.url = arg; return EXIT_OK;
    case 'U': o->in.username = arg; return EXIT_OK;
    case 'p': o->in.password = arg; return EXIT_OK;
    case 'm': o->in.move_to = arg; return EXIT_OK;
    case 's': o->in.starttls = true; return EXIT_OK;
    }
    return EXIT_USAGE;
}

static const struct option mb_opts[] = {
    {"name", required_argument, NULL, 'n'},     {"url", required_argument, NULL, 'u'},
    {"user", required_argument, NULL, 'U'},     {"password", required_argument, NULL, 'p'},
    {"move-to", required_argument, NULL, 'm'},  {"starttls", no_argument, NULL, 's'},
    {0}};

/* opora mailbox poll: what the server's job does, now, until a poll finds
 * nothing new (a poll takes at most a few hundred messages). */
static int poll_now(struct app *app, const struct mailbox *mb)
{
    size_t total = 0, n;
    op_rc rc;
    do {
        n = 0;
        rc = app_mailbox_poll(app, mb->id, &n);
        total += n;
    } while (rc == OP_OK && n > 0);
    char num[24];
    snprintf(num, sizeof(num), "%zu", total);
    cli_say(MSG_CLI_MAILBOX_POLLED, mb->name, num);
    if (rc) {
        cli_say(MSG_CLI_MAIL_IN_TEMPFAIL, op_rc_name(rc));
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cmd_mailbox(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "list") &&
                     strcmp(argv[1], "remove") && strcmp(argv[1], "poll"))) {
        bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        cli_say(MSG_CLI_USAGE_MAILBOX);
        return help ? EXIT_OK : EXIT_USAGE;
    }
    const char *sub = argv[1];
    struct mb_opts o = {0};
    struct config c;
    struct cli_env env;
    int status = cli_parse(argc - 1, argv + 1, mb_opts, MSG_CLI_USAGE_MAILBOX, &c, on_mb_opt, &o);
    if (status)
        return status;
    if ((!strcmp(sub, "add") && (!o.in.name || !o.in.url)) ||
        ((!strcmp(sub, "remove") || !strcmp(sub, "poll")) && !o.in.name)) {
        cli_say(MSG_CLI_USAGE_MAILBOX);
        return EXIT_USAGE;
    }
    if ((status = cli_open(&env, &c, false, true, true)))
        return status;
    struct actor sys;
    actor_system(&sys, VIA_CLI);
    sys.lang = cli_lang();
    struct arena a = ARENA_INIT(0);
    struct op_err err = {0};
    op_rc rc;
    if (!strcmp(sub, "add")) {
        struct mailbox mb;
        rc = app_mailbox_add(&env.app, &sys, &o.in, &a, &mb, &err);
        if (rc) {
            status = cli_fail(&err, rc);
        } else {
            char id[24];
            snprintf(id, sizeof(id), "%" PRId64, mb.id);
            cli_say(MSG_CLI_MAILBOX_ADDED, mb.name, id);
        }
    } else {
        struct mailbox *v;
        size_t n;
        rc = app_mailbox_list(&env.app, &sys, &a, &v, &n, &err);
        if (rc) {
            status = cli_fail(&err, rc);
        } else if (!strcmp(sub, "list")) {
            for (size_t i = 0; i < n; i++)
                printf("%" PRId64 "\t%s\t%s\t%s\tuid=%" PRId64 "\t%s\n", v[i].id, v[i].name,
                       v[i].url, v[i].move_to[0] ? v[i].move_to : "\\Seen", v[i].last_uid,
                       v[i].last_error);
        } else {
            size_t i = 0;
            while (i < n && strcasecmp(v[i].name, o.in.name))
                i++;
            if (i == n) {
                op_fail(&err, OP_ERR_NOTFOUND, "--name", MSG_ERR_MAILBOX_NOT_FOUND, o.in.name);
                status = cli_fail(&err, OP_ERR_NOTFOUND);
            } else if (!strcmp(sub, "poll")) {
                status = poll_now(&env.app, &v[i]);
            } else if ((rc = app_mailbox_remove(&env.app, &sys, v[i].id, &err))) {
                status = cli_fail(&err, rc);
            } else {
                cli_say(MSG_CLI_MAILBOX_REMOVED, o.in.name);
            }
        }
    }
    arena_release(&a);
    cli_close(&env);
    return status;
}
