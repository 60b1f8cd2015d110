/* survey.h - customer surveys: CSAT after a solved ticket, NPS on a
 * schedule, CSI from several weighted questions; the signed links that
 * carry them in email. Pure: no I/O.
 *
 * The formulas (docs/kpi.md says the same for people):
 *   CSAT  = share of ratings 4 or 5 among all ratings 1..5, in percent;
 *           also the mean rating.
 *   NPS   = % of promoters (9-10) − % of detractors (0-6), from −100 to 100.
 *   CSI   = for each answer, Σ wᵢ·(sᵢ − 1)/4 over its answered questions
 *           (scores 1..5) ÷ Σ wᵢ of those questions, × 100; the index of a
 *           period is the mean over its answers. */
#ifndef OPORA_CORE_SURVEY_H
#define OPORA_CORE_SURVEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/rc.h"
#include "base/timeutil.h"

enum survey_kind { SURVEY_CSAT, SURVEY_NPS, SURVEY__KINDS };

const char *survey_kind_name(enum survey_kind k);
int survey_kind_parse(const char *s);

/* The score range of a kind: CSAT 1..5, NPS 0..10. */
void survey_scale(enum survey_kind k, int *min, int *max);

#define SURVEY_KEY_BYTES 32
#define SURVEY_TOKEN_MAX 64

/* "ID.MAC": the survey's id and a MAC of it under key (base64url, 16
 * bytes), so a link cannot be forged or pointed at another survey. */
void survey_token(const uint8_t key[SURVEY_KEY_BYTES], int64_t id, char out[SURVEY_TOKEN_MAX]);

/* The id a token names when its MAC is right; 0 otherwise. */
int64_t survey_token_check(const uint8_t key[SURVEY_KEY_BYTES], const char *token);

/* ---- CSI ---- */

#define SURVEY_QUESTIONS_MAX 20

struct csi_question {
    int64_t id;
    char *key;          /* "speed", "politeness": [a-z0-9_], unique */
    char *text_en, *text_ru;
    int weight;         /* 1..100 */
    bool active;
    int position;
};

/* One answer's CSI (0..100) from the scores (1..5, 0 = not answered) of
 * questions q; false when none was answered. */
bool csi_of_answer(const struct csi_question *q, const int *scores, size_t n, double *out);

/* ---- totals ---- */

struct survey_totals {
    int64_t csat_n, csat_good;   /* ratings, and those of 4 or 5 */
    int64_t csat_sum;            /* for the mean */
    int64_t nps_n, promoters, detractors;
    int64_t csi_n;
    double csi_sum;
};

/* Adds one answered survey (score; csi, csi_ok for a CSAT with questions). */
void survey_totals_add(struct survey_totals *t, enum survey_kind k, int score, bool csi_ok,
                       double csi);

/* The percentages; false when there is nothing to compute from. */
bool survey_csat_percent(const struct survey_totals *t, double *out);
bool survey_csat_mean(const struct survey_totals *t, double *out);
bool survey_nps(const struct survey_totals *t, double *out);
bool survey_csi(const struct survey_totals *t, double *out);

#endif
