/*
 * check_run.h - running one Check suite as a test program.
 */
#ifndef TRIAGE_TESTS_CHECK_RUN_H
#define TRIAGE_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/*
 * Runs suite (taking ownership), prints Check's summary and every failure,
 * and returns the exit status for main(): EXIT_SUCCESS when all passed.
 */
static inline int
check_run(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
