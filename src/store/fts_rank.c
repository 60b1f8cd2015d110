/* fts_rank.c - opora_rank(): a ranking that reads only the row it ranks. */
#include "base/common.h"

#include <sqlite3.h>

#include "store/fts_rank.h"
#include "store/fts_stem.h"

static void opora_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                       int nargs, sqlite3_value **args)
{
    int ninst = 0, ncols = api->xColumnCount(fts);
    if (api->xInstCount(fts, &ninst) != SQLITE_OK) {
        sqlite3_result_error(ctx, "opora_rank: cannot read the matches", -1);
        return;
    }
    double score = 0.0;
    for (int i = 0; i < ninst; i++) {
        int phrase, col, off;
        if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK)
            continue;
        double w = col < nargs && col < ncols ? sqlite3_value_double(args[col]) : 1.0;
        score += w;
    }
    sqlite3_result_double(ctx, -score);
}

int fts_rank_register(sqlite3 *db)
{
    fts5_api *api;
    int rc = fts_api_get(db, &api);
    if (rc != SQLITE_OK)
        return rc;
    return api->xCreateFunction(api, "opora_rank", NULL, opora_rank, NULL);
}
