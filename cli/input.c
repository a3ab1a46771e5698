/*
 * input.c - reading a message from a file or standard input, bounded.
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

char *
input_read(const char *path, size_t max, size_t *len, size_t *total, GError **error)
{
	GByteArray *buf = g_byte_array_new();
	char chunk[65536];
	int fd;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot open %s: %s", path, g_strerror(errno));
			g_byte_array_unref(buf);
			return NULL;
		}
	}
	*total = 0;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot read %s: %s", path, g_strerror(errno));
			if (fd != STDIN_FILENO)
				close(fd);
			g_byte_array_unref(buf);
			return NULL;
		}
		if (n == 0)
			break;
		*total += (size_t)n;
		if (buf->len < max)
			g_byte_array_append(buf, (const guint8 *)chunk,
			    (guint)MIN((size_t)n, max - buf->len));
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*len = buf->len;
	g_byte_array_append(buf, (const guint8 *)"", 1);	/* NUL for safety, not counted */
	return (char *)g_byte_array_free(buf, FALSE);
}
