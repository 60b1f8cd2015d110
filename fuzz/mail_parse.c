/* mail_parse.c - libFuzzer target for the mail parsing path (parse.h):
 * any bytes must give a message or a clean rejection, never a crash. */
#include "base/common.h"

#include "channels/mail/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mail_limits lim;
    struct mail_msg m;
    const char *why;
    struct arena a = ARENA_INIT(0);
    mail_limits_default(&lim);
    lim.max_size = 1 << 20;
    if (mail_parse(data, size, 1, &lim, &a, &m, &why) == OP_OK)
        (void)mail_html_to_text((const char *)data, size, &a);
    arena_release(&a);
    return 0;
}
