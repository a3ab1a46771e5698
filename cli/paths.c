/*
 * paths.c - where the command finds the default rules and model.
 */
#include "paths.h"

#include <stdlib.h>
#include <glib.h>

static const char *
first_existing(const char *env, const char *installed, const char *source)
{
	const char *value = getenv(env);

	if (value != NULL && *value != '\0')
		return value;
	if (g_file_test(installed, G_FILE_TEST_EXISTS))
		return installed;
	return source;
}

const char *
paths_rules_dir(void)
{
	return first_existing("TRIAGE_RULES_DIR", TRIAGE_DATADIR "/rules",
	    TRIAGE_SRCDIR "/rules/cf");
}

const char *
paths_model_file(void)
{
	return first_existing("TRIAGE_MODEL", TRIAGE_DATADIR "/triage.model",
	    TRIAGE_SRCDIR "/rules/model/triage.model");
}
