/* survey.c - survey scales, signed links, CSI and the totals (survey.h). */
#include "base/common.h"

#include <sodium.h>

#include "core/survey.h"

static const char *const kind_names[SURVEY__KINDS] = {"csat", "nps"};

const char *survey_kind_name(enum survey_kind k)
{
    return (unsigned)k < SURVEY__KINDS ? kind_names[k] : "?";
}

int survey_kind_parse(const char *s)
{
    for (int i = 0; i < SURVEY__KINDS; i++)
        if (s && !strcmp(s, kind_names[i]))
            return i;
    return -1;
}

void survey_scale(enum survey_kind k, int *min, int *max)
{
    *min = k == SURVEY_NPS ? 0 : 1;
    *max = k == SURVEY_NPS ? 10 : 5;
}

#define MAC_BYTES 16

static void mac_of(const uint8_t key[SURVEY_KEY_BYTES], int64_t id, uint8_t mac[MAC_BYTES])
{
    char msg[40];
    uint8_t full[crypto_auth_BYTES];
    int n = snprintf(msg, sizeof(msg), "survey:%" PRId64, id);
    crypto_auth(full, (const unsigned char *)msg, (unsigned long long)n, key);
    memcpy(mac, full, MAC_BYTES);
}

void survey_token(const uint8_t key[SURVEY_KEY_BYTES], int64_t id, char out[SURVEY_TOKEN_MAX])
{
    uint8_t mac[MAC_BYTES];
    char b64[sodium_base64_ENCODED_LEN(MAC_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    mac_of(key, id, mac);
    sodium_bin2base64(b64, sizeof(b64), mac, MAC_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(out, SURVEY_TOKEN_MAX, "%" PRId64 ".%s", id, b64);
}

int64_t survey_token_check(const uint8_t key[SURVEY_KEY_BYTES], const char *token)
{
    if (!token)
        return 0;
    char *end;
    errno = 0;
    long long id = strtoll(token, &end, 10);
    if (errno || end == token || *end != '.' || id <= 0 || token[0] < '1' || token[0] > '9')
        return 0;
    uint8_t got[MAC_BYTES], want[MAC_BYTES];
    size_t n = 0;
    const char *b64 = end + 1;
    if (strlen(b64) > 40 ||
        sodium_base642bin(got, sizeof(got), b64, strlen(b64), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        n != MAC_BYTES)
        return 0;
    mac_of(key, id, want);
    return sodium_memcmp(got, want, MAC_BYTES) == 0 ? id : 0;
}

bool csi_of_answer(const struct csi_question *q, const int *scores, size_t n, double *out)
{
    double sum = 0, weights = 0;
    for (size_t i = 0; i < n; i++) {
        if (scores[i] < 1 || scores[i] > 5 || q[i].weight <= 0)
            continue; /* not answered */
        sum += q[i].weight * (scores[i] - 1) / 4.0;
        weights += q[i].weight;
    }
    if (weights <= 0)
        return false;
    *out = sum / weights * 100.0;
    return true;
}

void survey_totals_add(struct survey_totals *t, enum survey_kind k, int score, bool csi_ok,
                       double csi)
{
    if (k == SURVEY_CSAT) {
        t->csat_n++;
        t->csat_sum += score;
        t->csat_good += score >= 4;
        if (csi_ok) {
            t->csi_n++;
            t->csi_sum += csi;
        }
    } else if (k == SURVEY_NPS) {
        t->nps_n++;
        t->promoters += score >= 9;
        t->detractors += score <= 6;
    }
}

bool survey_csat_percent(const struct survey_totals *t, double *out)
{
    if (!t->csat_n)
        return false;
    *out = 100.0 * (double)t->csat_good / (double)t->csat_n;
    return true;
}

bool survey_csat_mean(const struct survey_totals *t, double *out)
{
    if (!t->csat_n)
        return false;
    *out = (double)t->csat_sum / (double)t->csat_n;
    return true;
}

bool survey_nps(const struct survey_totals *t, double *out)
{
    if (!t->nps_n)
        return false;
    *out = 100.0 * (double)(t->promoters - t->detractors) / (double)t->nps_n;
    return true;
}

bool survey_csi(const struct survey_totals *t, double *out)
{
    if (!t->csi_n)
        return false;
    *out = t->csi_sum / (double)t->csi_n;
    return true;
}
