/* smtp.c - sending one message by SMTP with libcurl (see net.h). */
#include "base/common.h"

#include "channels/mail/curlutil.h"
#include "channels/mail/net.h"

struct reader {
    const char *p;
    size_t left;
};

static size_t on_read(char *dst, size_t size, size_t nmemb, void *ctx)
{
    struct reader *r = ctx;
    size_t n = MIN(size * nmemb, r->left);
    memcpy(dst, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

op_rc smtp_send(const struct smtp_account *acct, const char *from, const char *to,
                const char *data, size_t n, char err[MAIL_NET_ERR], bool *permanent)
{
    char cerr[CURL_ERROR_SIZE] = "";
    char from_b[512], to_b[512];
    struct curl_slist *rcpt = NULL;
    struct reader rd = {data, n};
    op_rc rc = OP_OK;
    *permanent = false;
    err[0] = '\0';
    mail_curl_init();
    CURL *c = curl_easy_init();
    snprintf(from_b, sizeof(from_b), "<%s>", from);
    snprintf(to_b, sizeof(to_b), "<%s>", to);
    if (!c || !(rcpt = curl_slist_append(NULL, to_b))) {
        snprintf(err, MAIL_NET_ERR, "out of memory");
        rc = OP_ERR_NOMEM;
        goto end;
    }
    mail_curl_common(c, acct->starttls);
    curl_easy_setopt(c, CURLOPT_URL, acct->url);
    if (acct->username && *acct->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, acct->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, acct->password ? acct->password : "");
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_b);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &rd);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        *permanent = code >= 500 && code < 600;
        snprintf(err, MAIL_NET_ERR, "%ld %.200s", code, cerr[0] ? cerr : curl_easy_strerror(cc));
        rc = OP_ERR_UNAVAILABLE;
    }
end:
    curl_slist_free_all(rcpt);
    if (c)
        curl_easy_cleanup(c);
    return rc;
}
