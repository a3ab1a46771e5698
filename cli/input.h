/*
 * input.h - reading a message from a file or standard input, bounded.
 */
#ifndef TRIAGE_CLI_INPUT_H
#define TRIAGE_CLI_INPUT_H

#include <stddef.h>
#include <glib.h>

/*
 * Reads at most max bytes of path ("-" for standard input) into a newly
 * allocated buffer (free with g_free()) and its length into *len; *total
 * receives the full size of the input, which is drained but not kept past
 * max. On error, NULL is returned and *error set.
 */
char *input_read(const char *path, size_t max, size_t *len, size_t *total, GError **error);

#endif
