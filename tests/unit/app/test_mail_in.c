/* test_mail_in.c - an email's import in two steps: mail_prepare writes the
 * attachment files with no transaction and no row; mail_import_prepared
 * records the ticket and the rows that point at those files; a duplicate
 * or a rejected message records no attachment. Real SQLite file, real
 * files store, in a temporary directory. */
#include "base/common.h"

#include <ftw.h>
#include <sodium.h>
#include <sys/stat.h>

#include "../store/sqlite_fixture.h"
#include "app/mail_int.h"

static const char MSG_WITH_FILE[] =
    "From: Client <client@example.org>\r\n"
    "To: support@example.test\r\n"
    "Message-ID: <two-steps-1@example.org>\r\n"
    "Subject: printer\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
    "--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nThe printer is stuck.\r\n"
    "--b\r\nContent-Type: text/plain\r\n"
    "Content-Disposition: attachment; filename=\"log.txt\"\r\n\r\n"
    "queue stuck at job 42\r\n"
    "--b--\r\n";

struct mfx {
    struct fx *f;
    char files[200];
    struct app app;
};

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    UNUSED(st);
    UNUSED(flag);
    UNUSED(ftw);
    return remove(path);
}

static int setup(void **state)
{
    struct mfx *m = calloc(1, sizeof(*m));
    if (!m || fx_setup((void **)&m->f))
        return -1;
    snprintf(m->files, sizeof(m->files), "%s/files", m->f->dir);
    struct app_config cfg;
    struct op_err err = {0};
    app_config_defaults(&cfg);
    cfg.files_dir = m->files;
    if (app_init(&m->app, m->f->s, &cfg, &err))
        return -1;
    *state = m;
    return 0;
}

static int teardown(void **state)
{
    struct mfx *m = *state;
    app_release(&m->app);
    nftw(m->files, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    int rc = fx_teardown((void **)&m->f);
    free(m);
    return rc;
}

/* Whether the files store holds bytes (by their SHA-256 name). */
static bool file_there(struct mfx *m, const void *bytes, size_t n, char sha[65])
{
    uint8_t h[crypto_hash_sha256_BYTES];
    char path[512];
    struct stat st;
    crypto_hash_sha256(h, bytes, n);
    sodium_bin2hex(sha, 65, h, sizeof(h));
    snprintf(path, sizeof(path), "%s/%.2s/%s", m->files, sha, sha);
    return stat(path, &st) == 0 && (size_t)st.st_size == n;
}

static void test_files_first_then_rows(void **state)
{
    struct mfx *m = *state;
    struct arena a = ARENA_INIT(0);
    struct mail_prepared p;
    struct mail_result res;
    struct mail_source src = {"mail-in", 0, 0, 0};
    const char *bytes = "queue stuck at job 42"; /* the CRLF before the boundary is its own */
    char sha[65];
    sqlite3 *db = fx_raw(m->f);

    assert_false(file_there(m, bytes, strlen(bytes), sha));
    assert_int_equal(mail_prepare(&m->app, MSG_WITH_FILE, strlen(MSG_WITH_FILE), &a, &p), OP_OK);
    assert_int_equal(p.parse_rc, OP_OK);
    assert_int_equal(p.m.n_parts, 1);
    /* the file is there, and nothing in the database yet */
    assert_true(file_there(m, bytes, strlen(bytes), sha));
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM attachments"), 0);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM tickets"), 0);

    assert_int_equal(mail_import_prepared(&m->app, &p, &src, &a, &res), OP_OK);
    assert_int_equal(res.outcome, MAIL_NEW_TICKET);
    assert_true(res.ticket_id > 0);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM attachments"), 1);
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM attachments WHERE sha256 = '%s' AND comment_id IS NOT NULL",
             sha);
    assert_int_equal(fx_raw_int(db, sql), 1);

    /* the same message again: a duplicate, its file reused, no second row */
    assert_int_equal(app_mail_import(&m->app, MSG_WITH_FILE, strlen(MSG_WITH_FILE), &src, &a,
                                     &res),
                     OP_OK);
    assert_int_equal(res.outcome, MAIL_DUPLICATE);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM attachments"), 1);
    assert_true(file_there(m, bytes, strlen(bytes), sha));
    sqlite3_close(db);
    arena_release(&a);
}

static void test_rejected_stores_nothing(void **state)
{
    struct mfx *m = *state;
    struct arena a = ARENA_INIT(0);
    struct mail_prepared p;
    struct mail_result res;
    struct mail_source src = {"mail-in", 0, 0, 0};
    static const char junk[] = "this is not a message at all\r\n";
    sqlite3 *db = fx_raw(m->f);

    assert_int_equal(mail_prepare(&m->app, junk, strlen(junk), &a, &p), OP_OK);
    assert_int_equal(p.parse_rc, OP_ERR_INVALID);
    assert_true(*p.why);
    op_rc rc = mail_import_prepared(&m->app, &p, &src, &a, &res);
    assert_int_equal(rc, OP_ERR_INVALID);
    assert_int_equal(res.outcome, MAIL_REJECTED);
    assert_string_equal(res.reason, p.why);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM mail_rejections"), 1);
    assert_int_equal(fx_raw_int(db, "SELECT count(*) FROM attachments"), 0);
    sqlite3_close(db);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_first_then_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected_stores_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
