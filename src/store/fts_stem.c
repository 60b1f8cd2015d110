/* fts_stem.c - the "opora" FTS5 tokenizer (see fts_stem.h).
 *
 * A wrapper around the built-in unicode61 tokenizer, in the way FTS5's own
 * "porter" tokenizer wraps another one: unicode61 splits and case-folds, and
 * every token it emits goes through fold_and_stem() before FTS5 sees it. */
#include "base/common.h"

#include <libstemmer.h>
#include <sqlite3.h>

#include "store/fts_stem.h"

/* ---- types ---- */

/* What fts_stem_register() hands to FTS5 as the tokenizer's context: the
 * unicode61 implementation every instance wraps. Owned by FTS5 once
 * registered, freed with sqlite3_free() when the connection closes. */
struct fts_stem_module {
    fts5_tokenizer base;
    void *base_ctx;
};

/* One tokenizer instance (xCreate): one per FTS5 table per connection. */
struct fts_stem_tok {
    fts5_tokenizer base; /* unicode61's methods, to reach base_tok */
    Fts5Tokenizer *base_tok;
    struct sb_stemmer *ru; /* owned; libstemmer objects keep state per call */
    struct sb_stemmer *en;
};

typedef int (*fts_stem_token_fn)(void *ctx, int tflags, const char *token, int ntoken, int start,
                                 int end);

/* The state of one xTokenize call, passed to the unicode61 callback. */
struct fts_stem_call {
    struct fts_stem_tok *tok;
    void *ctx; /* FTS5's context for xToken */
    fts_stem_token_fn xToken;
    bool prefix; /* FTS5_TOKENIZE_PREFIX: the last token is a prefix */

    /* In a prefix query each token waits here until the next one arrives,
     * because only the last one must stay unstemmed. */
    bool has_pending;
    int pending_flags;
    int pending_start;
    int pending_end;
    int pending_len;
    char pending[FTS_STEM_MAX_TOKEN];
};

enum fts_stem_script { SCRIPT_OTHER, SCRIPT_LATIN, SCRIPT_CYRILLIC };

/* ---- token processing ---- */

/* Folds ё (U+0451, D1 91) to е (U+0435, D0 B5) and Ё (U+0401, D0 81) to
 * Е (U+0415, D0 95) in place: people write the same word both ways. Both are
 * two bytes, so the length does not change. */
static void fold_yo(unsigned char *s, int n)
{
    for (int i = 0; i + 1 < n; i++) {
        if (s[i] == 0xD1 && s[i + 1] == 0x91) {
            s[i] = 0xD0;
            s[i + 1] = 0xB5;
            i++;
        } else if (s[i] == 0xD0 && s[i + 1] == 0x81) {
            s[i + 1] = 0x95;
            i++;
        }
    }
}

/* Which stemmer a token is for: only ASCII letters (Latin), only letters of
 * the basic Cyrillic block U+0400..U+045F (Cyrillic), or neither. Works on
 * bytes, so malformed UTF-8 from unicode61 is simply "other". */
static enum fts_stem_script token_script(const unsigned char *s, int n)
{
    bool latin = false;
    bool cyrillic = false;

    for (int i = 0; i < n;) {
        unsigned char c = s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            latin = true;
            i++;
        } else if (i + 1 < n && ((c == 0xD0 && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF) ||
                                 (c == 0xD1 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F))) {
            cyrillic = true;
            i += 2;
        } else {
            return SCRIPT_OTHER;
        }
    }
    if (latin == cyrillic) return SCRIPT_OTHER; /* mixed scripts, or empty */
    return latin ? SCRIPT_LATIN : SCRIPT_CYRILLIC;
}

/* Hands one token to FTS5: folded, and stemmed if stem is true and the token
 * is a word of one of our languages. Long tokens go through untouched.
 * Returns what xToken returns, or SQLITE_NOMEM if the stemmer failed. */
static int emit_token(struct fts_stem_call *call, int tflags, const char *token, int ntoken,
                      int start, int end, bool stem)
{
    unsigned char word[FTS_STEM_MAX_TOKEN];
    struct sb_stemmer *stemmer = NULL;
    const sb_symbol *stemmed;
    int nstemmed;

    if (ntoken <= 0 || ntoken > FTS_STEM_MAX_TOKEN)
        return call->xToken(call->ctx, tflags, token, ntoken, start, end);

    memcpy(word, token, (size_t)ntoken);
    fold_yo(word, ntoken);

    if (stem) {
        switch (token_script(word, ntoken)) {
        case SCRIPT_CYRILLIC:
            stemmer = call->tok->ru;
            break;
        case SCRIPT_LATIN:
            stemmer = call->tok->en;
            break;
        case SCRIPT_OTHER:
            break;
        }
    }
    if (!stemmer) return call->xToken(call->ctx, tflags, (const char *)word, ntoken, start, end);

    stemmed = sb_stemmer_stem(stemmer, word, ntoken);
    if (!stemmed) return SQLITE_NOMEM;
    nstemmed = sb_stemmer_length(stemmer);
    if (nstemmed <= 0) /* never seen; an empty token would confuse FTS5 */
        return call->xToken(call->ctx, tflags, (const char *)word, ntoken, start, end);
    /* FTS5 copies the token before the stemmer is called again. */
    return call->xToken(call->ctx, tflags, (const char *)stemmed, nstemmed, start, end);
}

/* The callback unicode61 calls for every token it finds. */
static int on_token(void *arg, int tflags, const char *token, int ntoken, int start, int end)
{
    struct fts_stem_call *call = arg;
    int rc;

    if (!call->prefix) return emit_token(call, tflags, token, ntoken, start, end, true);

    /* A token has followed the pending one, so that one was not the prefix. */
    if (call->has_pending) {
        call->has_pending = false;
        rc = emit_token(call, call->pending_flags, call->pending, call->pending_len,
                        call->pending_start, call->pending_end, true);
        if (rc != SQLITE_OK) return rc;
    }
    /* A long token is passed through whether it is the prefix or not, so it
     * need not wait (and need not fit in pending). */
    if (ntoken <= 0 || ntoken > FTS_STEM_MAX_TOKEN)
        return emit_token(call, tflags, token, ntoken, start, end, false);

    memcpy(call->pending, token, (size_t)ntoken);
    call->pending_len = ntoken;
    call->pending_flags = tflags;
    call->pending_start = start;
    call->pending_end = end;
    call->has_pending = true;
    return SQLITE_OK;
}

/* ---- the fts5_tokenizer methods ---- */

static void stem_delete(Fts5Tokenizer *p)
{
    struct fts_stem_tok *tok = (struct fts_stem_tok *)p;

    if (!tok) return;
    if (tok->base_tok) tok->base.xDelete(tok->base_tok);
    sb_stemmer_delete(tok->ru);
    sb_stemmer_delete(tok->en);
    sqlite3_free(tok);
}

static int stem_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    const struct fts_stem_module *module = ctx;
    struct fts_stem_tok *tok = NULL;
    const char **args = NULL;
    int rc = SQLITE_OK;

    assert(argc >= 0);
    *out = NULL;
    tok = sqlite3_malloc(sizeof(*tok));
    args = sqlite3_malloc64(sizeof(*args) * ((size_t)argc + 2));
    if (!tok || !args) {
        rc = SQLITE_NOMEM;
        goto end;
    }
    memset(tok, 0, sizeof(*tok));
    tok->base = module->base;

    /* unicode61 applies its arguments in order, so the table's own come
     * last and win; unicode61 reads them now and keeps no pointers. */
    args[0] = "remove_diacritics";
    args[1] = "0";
    if (argc > 0) memcpy(args + 2, argv, sizeof(*args) * (size_t)argc);
    rc = module->base.xCreate(module->base_ctx, args, argc + 2, &tok->base_tok);
    if (rc != SQLITE_OK) goto end;

    tok->ru = sb_stemmer_new("russian", "UTF_8");
    tok->en = sb_stemmer_new("english", "UTF_8");
    if (!tok->ru || !tok->en) {
        rc = SQLITE_NOMEM; /* the algorithms are built in, so only memory can fail */
        goto end;
    }
    *out = (Fts5Tokenizer *)tok;
    tok = NULL;
end:
    sqlite3_free(args);
    stem_delete((Fts5Tokenizer *)tok);
    return rc;
}

static int stem_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int ntext,
                         fts_stem_token_fn xToken)
{
    struct fts_stem_tok *tok = (struct fts_stem_tok *)p;
    struct fts_stem_call call = {
        .tok = tok,
        .ctx = ctx,
        .xToken = xToken,
        .prefix = (flags & FTS5_TOKENIZE_PREFIX) != 0,
    };
    int rc;

    rc = tok->base.xTokenize(tok->base_tok, &call, flags, text, ntext, on_token);
    /* The last token of a prefix query is the prefix: folded, not stemmed. */
    if (rc == SQLITE_OK && call.has_pending)
        rc = emit_token(&call, call.pending_flags, call.pending, call.pending_len,
                        call.pending_start, call.pending_end, false);
    return rc;
}

/* ---- registration ---- */

int fts_api_get(sqlite3 *db, fts5_api **out)
{
    fts5_api *api = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt) == SQLITE_ROW ? SQLITE_OK : SQLITE_ERROR;
    if (rc == SQLITE_OK && (!api || api->iVersion < 2)) rc = SQLITE_ERROR;
    sqlite3_finalize(stmt);
    *out = rc == SQLITE_OK ? api : NULL;
    return rc;
}

int fts_stem_register(sqlite3 *db)
{
    fts5_api *api = NULL;
    struct fts_stem_module *module = NULL;
    /* FTS5 copies this struct, so it need not outlive the call. */
    fts5_tokenizer methods = {stem_create, stem_delete, stem_tokenize};
    int rc = fts_api_get(db, &api);
    if (rc != SQLITE_OK) goto end;

    module = sqlite3_malloc(sizeof(*module));
    if (!module) {
        rc = SQLITE_NOMEM;
        goto end;
    }
    memset(module, 0, sizeof(*module));
    rc = api->xFindTokenizer(api, "unicode61", &module->base_ctx, &module->base);
    if (rc != SQLITE_OK) goto end;
    /* On failure FTS5 does not call the destructor, so module stays ours. */
    rc = api->xCreateTokenizer(api, FTS_STEM_TOKENIZER, module, &methods, sqlite3_free);
    if (rc != SQLITE_OK) goto end;
    module = NULL;
end:
    sqlite3_free(module);
    return rc;
}
