/*
 * fuzz.h - helpers shared by the libFuzzer harnesses of fuzz/.
 *
 * Each harness is one fuzz_TARGET.c with LLVMFuzzerTestOneInput (and
 * LLVMFuzzerInitialize where it loads something once); fuzz/build.sh
 * links it against the sources it exercises. Inputs are untrusted bytes:
 * a harness never assumes they are text, NUL-terminated or bounded.
 */
#ifndef TRIAGE_FUZZ_H
#define TRIAGE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns a NUL-terminated copy of data to g_free() (embedded NULs kept). */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = g_malloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The checkout's root: FUZZ_SRCDIR in the environment, else compiled in. */
static inline const char *
fuzz_srcdir(void)
{
	const char *dir = getenv("FUZZ_SRCDIR");

	return dir != NULL && *dir != '\0' ? dir : FUZZ_SRCDIR;
}

/* Set-up that cannot fail in a working checkout: says why and stops. */
#define fuzz_die(...) \
	do { fprintf(stderr, "fuzz: " __VA_ARGS__); fputc('\n', stderr); abort(); } while (0)

#endif
