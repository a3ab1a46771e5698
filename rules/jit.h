/*
 * jit.h - compiling PCRE2 patterns to machine code, unless told not to.
 */
#ifndef TRIAGE_JIT_H
#define TRIAGE_JIT_H

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/*
 * JIT-compiles code. TRIAGE_PCRE2_JIT=0 in the environment leaves patterns
 * interpreted: the JIT's vector reads past the end of a subject are safe
 * but valgrind reports them, so the valgrind runs turn it off. The JIT is
 * only an optimisation: where it fails, pcre2_match() interprets.
 */
static inline void
jit_compile(pcre2_code *code)
{
	const char *setting = getenv("TRIAGE_PCRE2_JIT");

	if (setting != NULL && strcmp(setting, "0") == 0)
		return;
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
}

#endif
