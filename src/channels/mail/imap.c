/* imap.c - taking mail in by IMAP with libcurl (see net.h). */
#include "base/common.h"

#include <ctype.h>
#include <pthread.h>

#include "channels/mail/curlutil.h"
#include "channels/mail/net.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void mail_curl_init(void)
{
    pthread_once(&curl_once, curl_start);
}

void mail_curl_common(CURL *c, bool starttls)
{
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    if (starttls)
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    /* a private CA (a company's own, or a test's): verified against it, not skipped */
    const char *ca = getenv("OPORA_MAIL_CA_FILE");
    if (ca && *ca)
        curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    const char *insecure = getenv("OPORA_MAIL_TLS_INSECURE");
    if (insecure && strcmp(insecure, "1") == 0) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

struct imap {
    CURL *c;
    char *url;        /* as given, without a trailing '/' */
    char *mailbox;    /* decoded, for commands that name it */
    struct buf *sink; /* where the write callback puts data */
    char err[CURL_ERROR_SIZE];
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ctx)
{
    struct imap *im = ctx;
    size_t n = size * nmemb;
    if (!im->sink || buf_append(im->sink, p, n))
        return 0; /* over the cap: libcurl stops with CURLE_WRITE_ERROR */
    return n;
}

op_rc imap_open(const struct imap_account *acct, struct imap **out)
{
    *out = NULL;
    if (!acct->url || (strncmp(acct->url, "imap://", 7) && strncmp(acct->url, "imaps://", 8)))
        return OP_ERR_INVALID;
    mail_curl_init();
    struct imap *im = calloc(1, sizeof(*im));
    if (!im)
        return OP_ERR_NOMEM;
    im->url = strdup(acct->url);
    im->c = curl_easy_init();
    if (!im->url || !im->c) {
        imap_close(im);
        return OP_ERR_NOMEM;
    }
    size_t len = strlen(im->url);
    while (len && im->url[len - 1] == '/')
        im->url[--len] = '\0';
    const char *host = strstr(im->url, "://") + 3;
    const char *path = strchr(host, '/');
    int dlen = 0;
    char *dec = curl_easy_unescape(im->c, path ? path + 1 : "INBOX", 0, &dlen);
    im->mailbox = dec ? strdup(dec) : NULL;
    curl_free(dec);
    if (!im->mailbox || !*im->mailbox || !path) {
        imap_close(im);
        return OP_ERR_INVALID;
    }
    CURL *c = im->c;
    mail_curl_common(c, acct->starttls);
    if (acct->username && *acct->username)
        curl_easy_setopt(c, CURLOPT_USERNAME, acct->username);
    if (acct->password && *acct->password)
        curl_easy_setopt(c, CURLOPT_PASSWORD, acct->password);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, im);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, im->err);
    *out = im;
    return OP_OK;
}

void imap_close(struct imap *im)
{
    if (!im)
        return;
    if (im->c)
        curl_easy_cleanup(im->c);
    free(im->url);
    free(im->mailbox);
    free(im);
}

const char *imap_error(const struct imap *im)
{
    return im->err;
}

/* Runs one request: url (NULL: the mailbox's), an IMAP command (NULL: a
 * FETCH by URL), the untagged answer into sink. */
static op_rc perform(struct imap *im, const char *url, const char *command, struct buf *sink)
{
    im->err[0] = '\0';
    im->sink = sink;
    curl_easy_setopt(im->c, CURLOPT_URL, url ? url : im->url);
    curl_easy_setopt(im->c, CURLOPT_CUSTOMREQUEST, command);
    CURLcode cc = curl_easy_perform(im->c);
    im->sink = NULL;
    if (cc == CURLE_OK)
        return OP_OK;
    if (!im->err[0])
        snprintf(im->err, sizeof(im->err), "%s", curl_easy_strerror(cc));
    if (cc == CURLE_WRITE_ERROR)
        return OP_ERR_TOOBIG;
    return OP_ERR_UNAVAILABLE;
}

/* The mailbox name as an IMAP quoted string into b. */
static void quoted(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        if (*s != '\r' && *s != '\n')
            buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

op_rc imap_uidvalidity(struct imap *im, int64_t *out)
{
    struct buf cmd = BUF_INIT(1024), resp = BUF_INIT(64 << 10);
    buf_puts(&cmd, "STATUS ");
    quoted(&cmd, im->mailbox);
    buf_puts(&cmd, " (UIDVALIDITY)");
    op_rc rc = perform(im, NULL, buf_str(&cmd), &resp);
    if (!rc) {
        const char *p = strstr(buf_str(&resp), "UIDVALIDITY ");
        char *end;
        long long v = p ? strtoll(p + 12, &end, 10) : 0;
        if (v > 0) {
            *out = v;
        } else {
            snprintf(im->err, sizeof(im->err), "no UIDVALIDITY in the STATUS answer");
            rc = OP_ERR_UNAVAILABLE;
        }
    }
    buf_release(&cmd);
    buf_release(&resp);
    return rc;
}

op_rc imap_search(struct imap *im, int64_t after, size_t max, struct arena *a, int64_t **uids,
                  size_t *n)
{
    char cmd[64];
    struct buf resp = BUF_INIT(16u << 20);
    *uids = NULL;
    *n = 0;
    if (after > 0)
        snprintf(cmd, sizeof(cmd), "UID SEARCH UID %" PRId64 ":*", after + 1);
    else
        snprintf(cmd, sizeof(cmd), "UID SEARCH ALL");
    op_rc rc = perform(im, NULL, cmd, &resp);
    if (rc)
        goto end;
    /* "* SEARCH 4 5 6": numbers after the keyword, on any line */
    const char *p = strstr(buf_str(&resp), "SEARCH");
    size_t cap = 0;
    while (p && *p && *n < max) {
        while (*p && !isdigit((unsigned char)*p))
            p++;
        if (!*p)
            break;
        char *end;
        long long v = strtoll(p, &end, 10);
        p = end;
        if (v <= after)
            continue; /* "n:*" answers the last message even when it is older */
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            int64_t *nv = arena_alloc(a, nc * sizeof(*nv));
            if (!nv) {
                rc = OP_ERR_NOMEM;
                goto end;
            }
            if (*n)
                memcpy(nv, *uids, *n * sizeof(*nv));
            *uids = nv;
            cap = nc;
        }
        (*uids)[(*n)++] = v;
    }
    /* ascending, as the rest relies on */
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && (*uids)[j - 1] > (*uids)[j]; j--) {
            int64_t t = (*uids)[j];
            (*uids)[j] = (*uids)[j - 1];
            (*uids)[j - 1] = t;
        }
end:
    buf_release(&resp);
    return rc;
}

op_rc imap_fetch(struct imap *im, int64_t uid, struct buf *out)
{
    struct buf url = BUF_INIT(4096);
    buf_printf(&url, "%s/;UID=%" PRId64, im->url, uid);
    buf_clear(out);
    op_rc rc = perform(im, buf_str(&url), NULL, out);
    buf_release(&url);
    if (rc == OP_OK && out->len == 0)
        rc = OP_ERR_NOTFOUND;
    return rc;
}

op_rc imap_done(struct imap *im, int64_t uid, const char *folder)
{
    return imap_done_many(im, &uid, 1, folder);
}

op_rc imap_done_many(struct imap *im, const int64_t *uids, size_t n, const char *folder)
{
    if (!n)
        return OP_OK;
    struct buf set = BUF_INIT(n * 21 + 1), cmd = BUF_INIT(n * 21 + 1024),
               resp = BUF_INIT(64 << 10);
    for (size_t i = 0; i < n; i++)
        buf_printf(&set, "%s%" PRId64, i ? "," : "", uids[i]);
    if (folder && *folder) {
        buf_printf(&cmd, "UID MOVE %s ", buf_str(&set));
        quoted(&cmd, folder);
    } else {
        buf_printf(&cmd, "UID STORE %s +FLAGS.SILENT (\\Seen)", buf_str(&set));
    }
    buf_release(&set);
    op_rc rc = perform(im, NULL, buf_str(&cmd), &resp);
    buf_release(&cmd);
    buf_release(&resp);
    return rc;
}
