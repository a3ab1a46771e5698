/*
 * check_submit.c - handing a message to the MTA: the sendmail binary's
 * arguments (null reverse-path, "--" before the recipient) and exit codes,
 * and SMTP to a port where nothing listens (a temporary failure).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <curl/curl.h>
#include <glib.h>

#include "submit.h"
#include "check_run.h"

static char *dir;

static void
setup(void)
{
	dir = g_dir_make_tmp("check_submit-XXXXXX", NULL);
	ck_assert_ptr_nonnull(dir);
}

static void
teardown(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
	g_free(cmd);
	g_free(dir);
}

/* A stand-in for sendmail that records its arguments and input, then exits with status. */
static char *
fake_sendmail(int status)
{
	char *path = g_strdup_printf("%s/sendmail-%d", dir, status);
	char *script = g_strdup_printf("#!/bin/sh\nprintf '%%s\\n' \"$@\" >'%s/args'\n"
	    "cat >'%s/stdin'\nexit %d\n", dir, dir, status);

	ck_assert(g_file_set_contents(path, script, -1, NULL));
	ck_assert_int_eq(chmod(path, 0755), 0);
	g_free(script);
	return path;
}

static char *
read_back(const char *name)
{
	char *path = g_build_filename(dir, name, NULL), *contents = NULL;

	ck_assert(g_file_get_contents(path, &contents, NULL, NULL));
	g_free(path);
	return contents;
}

static const unsigned char message[] = "To: c@example.net\r\nSubject: hi\r\n\r\nbody\r\n";

START_TEST(test_sendmail_taken)
{
	char *bin = fake_sendmail(0), *relay = g_strconcat("sendmail:", bin, NULL);
	char reply[256], *args, *in;

	ck_assert_int_eq(submit_message(relay, "-oi@example.net", message, sizeof(message) - 1,
	    reply, sizeof(reply)), 0);
	args = read_back("args");
	/* The recipient cannot pass for an option however it is spelt. */
	ck_assert_str_eq(args, "-i\n-f\n<>\n--\n-oi@example.net\n");
	in = read_back("stdin");
	ck_assert_str_eq(in, (const char *)message);
	ck_assert_ptr_nonnull(strstr(reply, "accepted"));
	g_free(in);
	g_free(args);
	g_free(relay);
	g_free(bin);
}
END_TEST

START_TEST(test_sendmail_failures)
{
	char *temp = fake_sendmail(75), *perm = fake_sendmail(67);
	char *r_temp = g_strconcat("sendmail:", temp, NULL), *r_perm = g_strconcat("sendmail:", perm, NULL);
	char reply[256];

	ck_assert_int_eq(submit_message(r_temp, "c@example.net", message, sizeof(message) - 1,
	    reply, sizeof(reply)), 1);
	ck_assert_ptr_nonnull(strstr(reply, "exited 75"));
	ck_assert_int_eq(submit_message(r_perm, "c@example.net", message, sizeof(message) - 1,
	    reply, sizeof(reply)), 2);
	ck_assert_int_eq(submit_message("sendmail:/nonexistent/sendmail", "c@example.net", message,
	    sizeof(message) - 1, reply, sizeof(reply)), 1);
	g_free(r_temp);
	g_free(r_perm);
	g_free(temp);
	g_free(perm);
}
END_TEST

START_TEST(test_smtp_nobody_listening)
{
	char reply[256];

	/* Port 9 on loopback: discard, never served here; refused at once. */
	ck_assert_int_eq(submit_message("smtp://127.0.0.1:9", "c@example.net", message,
	    sizeof(message) - 1, reply, sizeof(reply)), 1);
	ck_assert(reply[0] != '\0');
}
END_TEST

static Suite *
submit_suite(void)
{
	Suite *s = suite_create("submit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sendmail_taken);
	tcase_add_test(tc, test_sendmail_failures);
	tcase_add_test(tc, test_smtp_nobody_listening);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int status;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	status = check_run(submit_suite());
	curl_global_cleanup();
	return status;
}
