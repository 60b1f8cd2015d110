/* curlutil.h - what imap.c and smtp.c share about libcurl. Internal. */
#ifndef OPORA_CHANNELS_MAIL_CURLUTIL_H
#define OPORA_CHANNELS_MAIL_CURLUTIL_H

#include <curl/curl.h>

/* curl_global_init, once per process (thread-safe). */
void mail_curl_init(void);

/* Timeouts, TLS policy and no signals, on a fresh handle. */
void mail_curl_common(CURL *c, bool starttls);

#endif
