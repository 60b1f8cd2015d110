/* fts_rank.h - opora_rank(), the FTS5 ranking function of ticket search.
 *
 * bm25 weighs each term by how rare it is, and to know that FTS5 reads every
 * row that contains the term: for the words a helpdesk sees all day
 * ("оплата", "login") that is hundreds of thousands of rows per query,
 * whatever LIMIT says. Search already requires every word (AND), so rarity
 * matters little; opora_rank scores a row by what is in the row alone: the
 * weighted count of matched term instances (per column weights as its
 * arguments, 1 by default). It does not read the row's length either (that
 * is one more lookup per candidate, and doubled the cost of a search).
 * Lower is better, as with bm25, so the two can be swapped in a query. */
#ifndef OPORA_FTS_RANK_H
#define OPORA_FTS_RANK_H

#include <sqlite3.h>

/* Registers opora_rank on db (once per connection). SQLITE_OK or an error code. */
int fts_rank_register(sqlite3 *db);

#endif
