/* mail_int.h - what the mail*.c files of the app share. Internal. */
#ifndef OPORA_APP_MAIL_INT_H
#define OPORA_APP_MAIL_INT_H

#include "app/internal.h"
#include "app/mail.h"
#include "channels/mail/net.h"

struct mail_config {
    bool notify;            /* SMTP is configured */
    struct smtp_account smtp;
    const char *from;
    const char *domain;
    int64_t poll_ms;
    int64_t retry_ms;
};

/* The settings from the environment, read once. */
const struct mail_config *mail_config(void);

/* The message being imported on this thread, while its ticket action runs:
 * the notifications of that action answer it (In-Reply-To, References). */
struct mail_import_ctx {
    const char *message_id;
    const char *references; /* "<a> <b>" of the incoming message, "" when none */
};
extern _Thread_local const struct mail_import_ctx *mail_importing;

#endif
