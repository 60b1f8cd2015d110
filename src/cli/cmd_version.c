/* cmd_version.c - opora version */
#include "base/common.h"

#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include <sqlite3.h>

#include "base/version.h"
#include "cli/cli.h"

int cmd_version(int argc, char **argv)
{
    struct config c;
    int status = cli_parse(argc, argv, NULL, MSG_CLI_USAGE_VERSION, &c, NULL, NULL);
    if (status)
        return status;
    printf("opora %s (sqlite %s, libmicrohttpd %s, jansson %s, libsodium %s)\n", OPORA_VERSION,
           sqlite3_libversion(), MHD_get_version(), JANSSON_VERSION, sodium_version_string());
    return EXIT_OK;
}
