/*
 * submit.c - handing one message to the MTA: SMTP with libcurl, or a
 * sendmail binary. Used by the acknowledgement sender and by `triage
 * overdue --notify`.
 */
#include "submit.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <curl/curl.h>
#include <glib.h>

/* Feeds the message to libcurl's upload. */
struct upload {
	const unsigned char *data;
	size_t len, done;
};

static size_t
read_message(char *buf, size_t size, size_t count, void *data)
{
	struct upload *u = data;
	size_t n = MIN(size * count, u->len - u->done);

	memcpy(buf, u->data + u->done, n);
	u->done += n;
	return n;
}

static int
submit_smtp(const char *url, const char *recipient, const unsigned char *message, size_t len,
    char *reply, size_t replylen)
{
	CURL *curl = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	struct upload u = { message, len, 0 };
	char errbuf[CURL_ERROR_SIZE] = "", *bracketed;
	long code = 0;
	CURLcode rc;

	if (curl == NULL) {
		g_strlcpy(reply, "cannot start libcurl", replylen);
		return 1;
	}
	bracketed = g_strdup_printf("<%s>", recipient);
	rcpt = curl_slist_append(rcpt, bracketed);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	/* No CURLOPT_MAIL_FROM: libcurl then sends MAIL FROM:<>, the null reverse-path. */
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);	/* threads: no SIGALRM */
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK)
		snprintf(reply, replylen, "%ld accepted by %s", code, url);
	else
		snprintf(reply, replylen, "%ld %s", code,
		    *errbuf != '\0' ? errbuf : curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	g_free(bracketed);
	if (rc == CURLE_OK)
		return 0;
	/* A 5xx is the MTA's final word; anything else may pass later. */
	return code >= 500 && code < 600 ? 2 : 1;
}

static int
submit_sendmail(const char *path, const char *recipient, const unsigned char *message,
    size_t len, char *reply, size_t replylen)
{
	/* -f "<>": the null reverse-path; "--" so no address reads as an option. */
	char *argv[] = { (char *)path, "-i", "-f", "<>", "--", (char *)recipient, NULL };
	GError *error = NULL;
	GPid pid;
	int in, status;
	gsize off = 0;

	if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
	    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &in,
	    NULL, NULL, &error)) {
		snprintf(reply, replylen, "cannot run %s: %s", path, error->message);
		g_error_free(error);
		return 1;
	}
	while (off < len) {
		ssize_t n = write(in, message + off, len - off);

		if (n <= 0)
			break;
		off += (gsize)n;
	}
	close(in);
	if (waitpid(pid, &status, 0) < 0)
		status = -1;
	g_spawn_close_pid(pid);
	if (off == len && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		snprintf(reply, replylen, "accepted by %s", path);
		return 0;
	}
	snprintf(reply, replylen, "%s exited %d", path,
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	/* sysexits: 75 (EX_TEMPFAIL) and unknown outcomes are retried. */
	return WIFEXITED(status) && (WEXITSTATUS(status) == 65 || WEXITSTATUS(status) == 67) ? 2 : 1;
}

int
submit_message(const char *relay, const char *recipient, const unsigned char *message,
    size_t len, char *reply, size_t replylen)
{
	if (g_str_has_prefix(relay, "sendmail:"))
		return submit_sendmail(relay + 9, recipient, message, len, reply, replylen);
	return submit_smtp(relay, recipient, message, len, reply, replylen);
}
