/*
 * fuzz_config.c - the settings parser, config_load() of milter/conf.c.
 *
 * config_load() takes a path, so each input is written to one memfd made
 * at start-up (truncated and rewritten every time) and read back through
 * /proc/self/fd/N: no file is created and milter/conf.c is unchanged. A
 * configuration that loads is printed (to /dev/null), as `triage-milter
 * -n` does, and the printed text must load again: config_print's output
 * reads back as the same configuration (conf.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"

static int fd = -1;
static int reprint_fd = -1;
static char path[64], reprint_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fd = memfd_create("fuzz-config", 0)) < 0 ||
	    (reprint_fd = memfd_create("fuzz-config-print", 0)) < 0)
		fuzz_die("memfd_create: %s", g_strerror(errno));
	g_snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	g_snprintf(reprint_path, sizeof reprint_path, "/proc/self/fd/%d", reprint_fd);
	return 0;
}

/* Replaces the contents of fd with data. */
static void
rewrite(int to, const void *data, size_t size)
{
	if (ftruncate(to, 0) != 0 || (size > 0 && pwrite(to, data, size, 0) != (ssize_t)size))
		fuzz_die("rewriting the memfd: %s", g_strerror(errno));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *config, *again;
	GError *error = NULL;
	char *printed;
	size_t printed_len;
	FILE *out;

	rewrite(fd, data, size);
	if ((config = config_load(path, &error)) == NULL) {
		if (error == NULL)
			abort();
		g_error_free(error);
		return 0;
	}
	(void)config_address_in(config->support_addresses, "Support@Example.COM");
	(void)config_address_in(config->agent_addresses, "<agent@example.com>");

	/* The printed settings read back without an error. */
	if ((out = open_memstream(&printed, &printed_len)) == NULL)
		fuzz_die("open_memstream");
	config_print(config, out);
	fclose(out);
	rewrite(reprint_fd, printed, printed_len);
	if ((again = config_load(reprint_path, &error)) == NULL) {
		fprintf(stderr, "config_print output does not load: %s\n%s", error->message,
		    printed);
		abort();
	}
	free(printed);
	config_unref(again);
	config_unref(config);
	return 0;
}
