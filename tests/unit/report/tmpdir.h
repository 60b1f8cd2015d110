/* tmpdir.h - what the report tests that write files share: a temporary
 * folder for the test binary (setup/teardown), saving a buffer to a file,
 * and reading what a command prints (pdftotext, unzip). */
#ifndef OPORA_TEST_REPORT_TMPDIR_H
#define OPORA_TEST_REPORT_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

#include "base/buf.h"

static char dir[] = "/tmp/opora-test-report-XXXXXX";

static int setup(void **state)
{
    UNUSED(state);
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    UNUSED(state);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static inline void save(const struct buf *b, const char *path)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->p, 1, b->len, f), b->len);
    assert_int_equal(fclose(f), 0);
}

/* The whole output of cmd (run by the shell), in out (cap bytes). */
static inline void run(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    assert_int_equal(pclose(p), 0);
}

#endif
