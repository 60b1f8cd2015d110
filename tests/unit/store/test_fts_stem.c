/* test_fts_stem.c - the "opora" FTS5 tokenizer on a real SQLite file.
 *
 * Every expected stem below is what libstemmer's Snowball "russian" and
 * "english" (Porter2) algorithms really produce. */
#include "base/common.h"

#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/fts_stem.h"
#include "store/migrations.h"

#define MAX_TOKENS 32
#define MAX_TOKEN_BYTES 1024

struct fixture {
    char dir[64];
    char path[128];
    sqlite3 *db;
};

/* The rows every search test runs against. */
static const char *const rows[] = {
    /* 1 */ "Проблема с оплатой заказа",
    /* 2 */ "Оплата не прошла, payment failed",
    /* 3 */ "Не могу войти в личный кабинет",
    /* 4 */ "Жду возврат за оплату",
    /* 5 */ "Кабинета нет в меню",
    /* 6 */ "Купили ёлку",
    /* 7 */ "Елка стоит",
    /* 8 */ "Payments failing since Monday",
    /* 9 */ "The app fails on login",
    /* 10 */ "She paid twice",
    /* 11 */ "",
    /* 12 */ "Оплаты нет, ошибка500 и 2fa",
};

/* ---- helpers ---- */

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) fail_msg("%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

/* The rowids of table that match query, in order, as "1,2,4"; "" for none. */
static void match_ids(sqlite3 *db, const char *table, const char *query, char *out, size_t n)
{
    char sql[256];
    sqlite3_stmt *stmt = NULL;
    size_t used = 0;
    int rc;

    rc = snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE %s MATCH ?1 ORDER BY rowid", table,
                  table);
    assert_true(rc > 0 && (size_t)rc < sizeof(sql));
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(stmt, 1, query, -1, SQLITE_STATIC), SQLITE_OK);
    out[0] = '\0';
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int w = snprintf(out + used, n - used, "%s%lld", used ? "," : "",
                         (long long)sqlite3_column_int64(stmt, 0));
        assert_true(w > 0 && (size_t)w < n - used);
        used += (size_t)w;
    }
    if (rc != SQLITE_DONE) fail_msg("MATCH %s: %s", query, sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
}

#define assert_match(db, query, expected)                                                          \
    do {                                                                                           \
        char ids_[256];                                                                            \
        match_ids((db), "t", (query), ids_, sizeof(ids_));                                         \
        if (strcmp(ids_, (expected)) != 0)                                                         \
            fail_msg("MATCH '%s': got [%s], want [%s]", (query), ids_, (expected));                \
    } while (0)

/* True if the index of t holds exactly the term. */
static bool vocab_has(sqlite3 *db, const char *term)
{
    sqlite3_stmt *stmt = NULL;
    bool found;

    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT 1 FROM t_vocab WHERE term = ?1", -1, &stmt, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(stmt, 1, term, -1, SQLITE_STATIC), SQLITE_OK);
    found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

static void insert_row(sqlite3 *db, long long id, const char *body)
{
    sqlite3_stmt *stmt = NULL;

    assert_int_equal(
        sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?1, ?2)", -1, &stmt, NULL),
        SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_text(stmt, 2, body, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
}

/* n copies of the UTF-8 character ch, NUL-terminated, in out. */
static void repeat(char *out, size_t cap, const char *ch, size_t n)
{
    size_t len = strlen(ch);
    assert_true(len * n < cap);
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * len, ch, len);
    out[len * n] = '\0';
}

/* ---- calling the tokenizer directly ---- */

struct tokens {
    int n;
    char text[MAX_TOKENS][MAX_TOKEN_BYTES];
    int start[MAX_TOKENS];
    int end[MAX_TOKENS];
};

static int collect(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    struct tokens *t = ctx;

    assert_int_equal(tflags, 0);
    assert_true(t->n < MAX_TOKENS);
    assert_true(ntoken > 0 && ntoken < MAX_TOKEN_BYTES);
    memcpy(t->text[t->n], token, (size_t)ntoken);
    t->text[t->n][ntoken] = '\0';
    t->start[t->n] = start;
    t->end[t->n] = end;
    t->n++;
    return SQLITE_OK;
}

static fts5_api *get_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;

    assert_int_equal(sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    sqlite3_finalize(stmt);
    assert_non_null(api);
    return api;
}

/* Runs the registered "opora" tokenizer (created with args) over text. */
static void tokenize(sqlite3 *db, const char **args, int nargs, int flags, const char *text,
                     struct tokens *out)
{
    fts5_api *api = get_api(db);
    fts5_tokenizer methods;
    void *ctx = NULL;
    Fts5Tokenizer *tok = NULL;

    memset(out, 0, sizeof(*out));
    assert_int_equal(api->xFindTokenizer(api, FTS_STEM_TOKENIZER, &ctx, &methods), SQLITE_OK);
    assert_int_equal(methods.xCreate(ctx, args, nargs, &tok), SQLITE_OK);
    assert_int_equal(methods.xTokenize(tok, out, flags, text, (int)strlen(text), collect),
                     SQLITE_OK);
    methods.xDelete(tok);
}

static void assert_tokens(const struct tokens *t, const char *const *want, int nwant)
{
    assert_int_equal(t->n, nwant);
    for (int i = 0; i < nwant; i++)
        assert_string_equal(t->text[i], want[i]);
}

/* ---- fixture ---- */

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    int rc;

    assert_non_null(f);
    rc = snprintf(f->dir, sizeof(f->dir), "/tmp/opora-fts-XXXXXX");
    assert_true(rc > 0 && (size_t)rc < sizeof(f->dir));
    assert_non_null(mkdtemp(f->dir));
    rc = snprintf(f->path, sizeof(f->path), "%s/test.db", f->dir);
    assert_true(rc > 0 && (size_t)rc < sizeof(f->path));

    f->db = open_db(f->path);
    assert_int_equal(fts_stem_register(f->db), SQLITE_OK);
    exec_ok(f->db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='opora');"
                   "CREATE VIRTUAL TABLE t_vocab USING fts5vocab(t, 'row');");
    exec_ok(f->db, "BEGIN");
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
        insert_row(f->db, (long long)i + 1, rows[i]);
    exec_ok(f->db, "COMMIT");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char path[160];
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};

    sqlite3_close(f->db);
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        int rc = snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
        assert_true(rc > 0 && (size_t)rc < sizeof(path));
        unlink(path);
    }
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* ---- tests ---- */

static void test_russian_word_forms(void **state)
{
    struct fixture *f = *state;

    assert_match(f->db, "оплата", "1,2,4,12");
    assert_match(f->db, "оплаты", "1,2,4,12");
    assert_match(f->db, "оплатой", "1,2,4,12");
    assert_match(f->db, "оплату", "1,2,4,12");
    assert_match(f->db, "кабинет", "3,5");
    assert_match(f->db, "кабинета", "3,5");
    assert_match(f->db, "кабинете", "3,5");
    assert_match(f->db, "войти", "3");
    assert_match(f->db, "проблемой", "1");
    assert_match(f->db, "личном", "3");
    /* Different words stay apart. */
    assert_match(f->db, "возвратами", "4");
    assert_match(f->db, "заказ", "1");
    assert_match(f->db, "меню", "5");
    assert_match(f->db, "тарифа", "");
}

static void test_yo_is_e(void **state)
{
    struct fixture *f = *state;

    assert_match(f->db, "ёлка", "6,7");
    assert_match(f->db, "елка", "6,7");
    assert_match(f->db, "ёлку", "6,7");
    assert_match(f->db, "ЁЛКА", "6,7");
    assert_match(f->db, "Елки", "6,7");
    assert_true(vocab_has(f->db, "елк"));
    assert_false(vocab_has(f->db, "ёлк"));
}

static void test_english_word_forms(void **state)
{
    struct fixture *f = *state;

    assert_match(f->db, "payment", "2,8");
    assert_match(f->db, "payments", "2,8");
    assert_match(f->db, "failing", "2,8,9");
    assert_match(f->db, "failed", "2,8,9");
    assert_match(f->db, "fails", "2,8,9");
    assert_match(f->db, "fail", "2,8,9");
    assert_match(f->db, "\"payment failed\"", "2,8");
    assert_match(f->db, "\"payments failing\"", "2,8");
    /* Porter2 strips suffixes; it does not know irregular forms, so "paid"
     * is its own stem and "pay"/"paying" (stem "pay") do not find it. */
    assert_match(f->db, "paid", "10");
    assert_match(f->db, "pay", "");
    assert_match(f->db, "paying", "");
    assert_match(f->db, "logins", "9");
}

static void test_case_is_folded(void **state)
{
    struct fixture *f = *state;

    assert_match(f->db, "ОПЛАТА", "1,2,4,12");
    assert_match(f->db, "ОпЛаТоЙ", "1,2,4,12");
    assert_match(f->db, "PAYMENTS", "2,8");
    assert_match(f->db, "Кабинета", "3,5");
}

static void test_mixed_language(void **state)
{
    struct fixture *f = *state;

    assert_match(f->db, "оплатой AND payments", "2");
    assert_match(f->db, "оплата payment", "2");
    assert_match(f->db, "кабинетом OR failing", "2,3,5,8,9");
    assert_match(f->db, "оплата NOT payment", "1,4,12");
}

static void test_prefix_queries(void **state)
{
    struct fixture *f = *state;

    assert_match(f->db, "оплат*", "1,2,4,12");
    assert_match(f->db, "опл*", "1,2,4,12");
    assert_match(f->db, "ОПЛА*", "1,2,4,12");
    assert_match(f->db, "ёлк*", "6,7");
    assert_match(f->db, "fail*", "2,8,9");
    assert_match(f->db, "pay*", "2,8");
    assert_match(f->db, "pa*", "2,8,10");
    assert_match(f->db, "paym*", "2,8");
    assert_match(f->db, "кабин*", "3,5");
    /* In a phrase prefix only the last token is the prefix: the words before
     * it are stemmed like any other query word. */
    assert_match(f->db, "\"проблемой с опла\" *", "1");
    assert_match(f->db, "\"payments fail\" *", "2,8");
    /* Known limit: the index holds stems, so a prefix longer than the stem
     * ("оплато" of "оплатой", stem "оплат") finds nothing. */
    assert_match(f->db, "оплато*", "");
}

static void test_index_holds_stems(void **state)
{
    struct fixture *f = *state;

    assert_true(vocab_has(f->db, "оплат"));
    assert_false(vocab_has(f->db, "оплатой"));
    assert_false(vocab_has(f->db, "оплата"));
    assert_true(vocab_has(f->db, "кабинет"));
    assert_true(vocab_has(f->db, "войт")); /* й kept: not "воит" */
    assert_false(vocab_has(f->db, "воит"));
    assert_true(vocab_has(f->db, "проблем"));
    assert_true(vocab_has(f->db, "payment"));
    assert_false(vocab_has(f->db, "payments"));
    assert_true(vocab_has(f->db, "fail"));
    assert_true(vocab_has(f->db, "paid"));
    /* digits and letters together pass through unchanged */
    assert_true(vocab_has(f->db, "ошибка500"));
    assert_true(vocab_has(f->db, "2fa"));
    assert_match(f->db, "ошибка500", "12");
    assert_match(f->db, "ошибка", "");
}

static void test_long_token(void **state)
{
    struct fixture *f = *state;
    char cyr[700];
    char lat[400];
    char cyr_short[700];
    char body[1200];
    int rc;

    repeat(cyr, sizeof(cyr), "я", 300);
    repeat(lat, sizeof(lat), "s", 300);
    repeat(cyr_short, sizeof(cyr_short), "я", 299);
    rc = snprintf(body, sizeof(body), "%s %s оплатой", cyr, lat);
    assert_true(rc > 0 && (size_t)rc < sizeof(body));
    insert_row(f->db, 100, body);

    /* stored as it came, and found by itself and by its prefix */
    assert_true(vocab_has(f->db, cyr));
    assert_true(vocab_has(f->db, lat));
    assert_match(f->db, cyr, "100");
    assert_match(f->db, lat, "100");
    assert_match(f->db, cyr_short, "");
    assert_match(f->db, "яяяя*", "100");
    /* the short word after it is still stemmed */
    assert_match(f->db, "оплата", "1,2,4,12,100");

    exec_ok(f->db, "DELETE FROM t WHERE rowid = 100");
    assert_match(f->db, cyr, "");
}

static void test_empty_text(void **state)
{
    struct fixture *f = *state;
    struct tokens t;

    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_DOCUMENT, "", &t);
    assert_int_equal(t.n, 0);
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_DOCUMENT, " ,.!? - ", &t);
    assert_int_equal(t.n, 0);
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "", &t);
    assert_int_equal(t.n, 0);
    /* the empty row (11) is stored and matches nothing */
    assert_match(f->db, "\"\"", "");
    assert_match(f->db, "оплата OR payment OR кабинет OR ёлка OR fail OR paid",
                 "1,2,3,4,5,6,7,8,9,10,12");
}

static void test_tokenizer_directly(void **state)
{
    struct fixture *f = *state;
    struct tokens t;
    const char *text = "Оплатой, payments! ёЛКИ v2 Wi-Fi café сбер-bank";

    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_DOCUMENT, text, &t);
    {
        static const char *const want[] = {"оплат", "payment", "елк",  "v2",  "wi",
                                           "fi",    "café",    "сбер", "bank"};
        assert_tokens(&t, want, (int)ARRAY_SIZE(want));
    }
    /* offsets are those of the original text */
    assert_int_equal(t.start[0], 0);
    assert_int_equal(t.end[0], (int)strlen("Оплатой"));
    assert_int_equal(t.start[1], (int)strlen("Оплатой, "));
    assert_int_equal(t.end[1], (int)strlen("Оплатой, payments"));

    /* a query is stemmed like a document */
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_QUERY, "ОПЛАТЫ failing", &t);
    {
        static const char *const want[] = {"оплат", "fail"};
        assert_tokens(&t, want, (int)ARRAY_SIZE(want));
    }

    /* a prefix query: all but the last token stemmed; the last only folded */
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "оплатой ёлко", &t);
    {
        static const char *const want[] = {"оплат", "елко"};
        assert_tokens(&t, want, (int)ARRAY_SIZE(want));
    }
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "payments", &t);
    {
        static const char *const want[] = {"payments"};
        assert_tokens(&t, want, (int)ARRAY_SIZE(want));
    }
    /* mixed Latin and Cyrillic in one token: neither stemmer */
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_DOCUMENT, "оплатаpayments", &t);
    {
        static const char *const want[] = {"оплатаpayments"};
        assert_tokens(&t, want, (int)ARRAY_SIZE(want));
    }
}

static void test_token_cap_boundary(void **state)
{
    struct fixture *f = *state;
    struct tokens t;
    char at_cap[FTS_STEM_MAX_TOKEN + 1];
    char over_cap[FTS_STEM_MAX_TOKEN + 2];
    char stem[FTS_STEM_MAX_TOKEN];
    char text[2 * FTS_STEM_MAX_TOKEN + 8];
    int rc;

    /* "aaa...aing": Porter2 strips "ing" when the word is at most the cap */
    repeat(stem, sizeof(stem), "a", FTS_STEM_MAX_TOKEN - 3);
    repeat(at_cap, sizeof(at_cap), "a", FTS_STEM_MAX_TOKEN - 3);
    memcpy(at_cap + FTS_STEM_MAX_TOKEN - 3, "ing", 4);
    repeat(over_cap, sizeof(over_cap), "a", FTS_STEM_MAX_TOKEN - 2);
    memcpy(over_cap + FTS_STEM_MAX_TOKEN - 2, "ing", 4);
    assert_int_equal(strlen(at_cap), FTS_STEM_MAX_TOKEN);
    assert_int_equal(strlen(over_cap), FTS_STEM_MAX_TOKEN + 1);

    rc = snprintf(text, sizeof(text), "%s %s", at_cap, over_cap);
    assert_true(rc > 0 && (size_t)rc < sizeof(text));
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_DOCUMENT, text, &t);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.text[0], stem);
    assert_string_equal(t.text[1], over_cap);

    /* the same in a prefix query, where tokens wait for the next one */
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, text, &t);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.text[0], stem);
    assert_string_equal(t.text[1], over_cap);
    rc = snprintf(text, sizeof(text), "%s %s", over_cap, at_cap);
    assert_true(rc > 0 && (size_t)rc < sizeof(text));
    tokenize(f->db, NULL, 0, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, text, &t);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.text[0], over_cap);
    assert_string_equal(t.text[1], at_cap);
}

static void test_arguments_forwarded(void **state)
{
    struct fixture *f = *state;
    struct tokens t;
    char *msg = NULL;

    /* remove_diacritics given by the table overrides our default 0; it only
     * ever touches Latin letters, so й stays й either way */
    {
        const char *args[] = {"remove_diacritics", "2"};
        static const char *const want[] = {"войт", "cafe"};
        tokenize(f->db, args, 2, FTS5_TOKENIZE_DOCUMENT, "войти café", &t);
        assert_tokens(&t, want, (int)ARRAY_SIZE(want));
    }
    /* tokenchars makes "wi-fi" one token, which then is not a pure word */
    exec_ok(f->db, "CREATE VIRTUAL TABLE t2 USING fts5(body, tokenize=\"opora tokenchars '-'\");"
                   "INSERT INTO t2(rowid, body) VALUES (1, 'Wi-Fi payments');");
    {
        char ids[64];
        match_ids(f->db, "t2", "\"wi-fi\"", ids, sizeof(ids));
        assert_string_equal(ids, "1");
        match_ids(f->db, "t2", "wi", ids, sizeof(ids));
        assert_string_equal(ids, "");
        match_ids(f->db, "t2", "payment", ids, sizeof(ids));
        assert_string_equal(ids, "1");
    }
    /* an argument unicode61 does not know fails the table */
    assert_int_not_equal(sqlite3_exec(f->db,
                                      "CREATE VIRTUAL TABLE t3 USING fts5(body, "
                                      "tokenize='opora bogus 1')",
                                      NULL, NULL, &msg),
                         SQLITE_OK);
    assert_non_null(msg);
    sqlite3_free(msg);
    exec_ok(f->db, "DROP TABLE t2");
}

static void test_needs_registration_per_connection(void **state)
{
    struct fixture *f = *state;
    sqlite3 *other = open_db(f->path);
    char *msg = NULL;
    char ids[64];

    /* without the tokenizer the table cannot be used */
    assert_int_not_equal(
        sqlite3_exec(other, "SELECT rowid FROM t WHERE t MATCH 'оплата'", NULL, NULL, &msg),
        SQLITE_OK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "opora"));
    sqlite3_free(msg);
    sqlite3_close(other);

    /* a fresh connection that registers sees the index the first one wrote;
     * registering twice is harmless */
    other = open_db(f->path);
    assert_int_equal(fts_stem_register(other), SQLITE_OK);
    assert_int_equal(fts_stem_register(other), SQLITE_OK);
    match_ids(other, "t", "оплатой", ids, sizeof(ids));
    assert_string_equal(ids, "1,2,4,12");
    sqlite3_close(other);
}

static void test_schema_migration_uses_it(void **state)
{
    struct fixture *f = *state;
    char path[160];
    sqlite3 *db;
    int rc;

    assert_true(sqlite_migrations_count > 0);
    rc = snprintf(path, sizeof(path), "%s/schema.db", f->dir);
    assert_true(rc > 0 && (size_t)rc < sizeof(path));
    db = open_db(path);
    assert_int_equal(fts_stem_register(db), SQLITE_OK);
    exec_ok(db, "BEGIN");
    exec_ok(db, sqlite_migrations[0].sql);
    exec_ok(db, "COMMIT");
    sqlite3_close(db);
    assert_int_equal(unlink(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_russian_word_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yo_is_e, setup, teardown),
        cmocka_unit_test_setup_teardown(test_english_word_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_case_is_folded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mixed_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prefix_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_holds_stems, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokenizer_directly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_cap_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arguments_forwarded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs_registration_per_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_migration_uses_it, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
