/*
 * paths.h - where the command finds the default rules and model.
 */
#ifndef TRIAGE_CLI_PATHS_H
#define TRIAGE_CLI_PATHS_H

/*
 * The rule directory: $TRIAGE_RULES_DIR, else the installed one
 * ($(pkgdatadir)/rules) when it exists, else the source tree's rules/cf
 * (so a freshly built tree works before `make install`).
 */
const char *paths_rules_dir(void);

/* The model file, found the same way ($TRIAGE_MODEL, triage.model). */
const char *paths_model_file(void);

#endif
