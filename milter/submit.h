/*
 * submit.h - handing one message to the MTA.
 */
#ifndef TRIAGE_SUBMIT_H
#define TRIAGE_SUBMIT_H

#include <stddef.h>

/*
 * Hands message (len bytes, CRLF line ends) for recipient to relay:
 * "smtp://HOST[:PORT]" over SMTP with libcurl, or "sendmail:/PATH" through
 * that binary, always with the null reverse-path (MAIL FROM:<>; sendmail
 * -f "<>"): nothing we send automatically may bounce back to anyone.
 * Returns 0 (taken), 1 (temporary failure: retry) or 2 (permanent
 * failure), with the MTA's words in reply (replylen bytes). Thread-safe
 * once curl_global_init() has run.
 */
int submit_message(const char *relay, const char *recipient, const unsigned char *message,
    size_t len, char *reply, size_t replylen);

#endif
