/*
 * snapshot.c - what one connection works with: settings, rules and model.
 */
#include "snapshot.h"

/* The current snapshot; every access holds the lock, and only long enough
 * to take or swap a reference. */
static GMutex current_lock;
static struct snapshot *current;

const char *
snapshot_builtin_templates(void)
{
	return g_file_test(TRIAGE_DATADIR "/templates", G_FILE_TEST_IS_DIR) ?
	    TRIAGE_DATADIR "/templates" : TRIAGE_SRCDIR "/templates";
}

struct snapshot *
snapshot_build(struct config *config, GError **error)
{
	struct snapshot *snap = g_new0(struct snapshot, 1);

	snap->refcount = 1;
	snap->config = config_ref(config);
	snap->rules = ruleset_load_dir(config->rules_dir, error);
	if (snap->rules != NULL && config->model_file != NULL && *config->model_file != '\0')
		if ((snap->model = model_load(config->model_file, error)) == NULL) {
			snapshot_unref(snap);
			return NULL;
		}
	if (snap->rules == NULL) {
		snapshot_unref(snap);
		return NULL;
	}
	snap->calendar = sla_calendar_new(config->business_hours, config->time_zone,
	    config->holidays_file, error);
	if (snap->calendar == NULL) {
		snapshot_unref(snap);
		return NULL;
	}
	/* Split once here, not for every message. */
	if (config->trusted_authserv_ids != NULL)
		snap->trusted_authserv_ids = g_regex_split_simple("[\\s,]+",
		    config->trusted_authserv_ids, 0, 0);
	snap->zone = g_time_zone_new_identifier(config->time_zone);
	if (snap->zone == NULL)	/* conf.c checked it; a tzdata removed since? */
		snap->zone = g_time_zone_new_utc();
	if (config->ack_enable) {
		snap->templates = ack_templates_load(snapshot_builtin_templates(),
		    config->ack_templates_dir, error);
		if (snap->templates == NULL) {
			snapshot_unref(snap);
			return NULL;
		}
	}
	/* conf.c checked every target; config->sla runs from critical down to low. */
	for (int u = URGENCY_LOW; u <= URGENCY_CRITICAL; u++)
		if (!sla_duration_parse(config->sla[URGENCY_CRITICAL - u], &snap->sla[u], error)) {
			snapshot_unref(snap);
			return NULL;
		}
	return snap;
}

struct snapshot *
snapshot_ref(struct snapshot *snap)
{
	g_atomic_int_inc(&snap->refcount);
	return snap;
}

void
snapshot_unref(struct snapshot *snap)
{
	if (snap == NULL || !g_atomic_int_dec_and_test(&snap->refcount))
		return;
	model_free(snap->model);
	sla_calendar_free(snap->calendar);
	ack_templates_free(snap->templates);
	g_strfreev(snap->trusted_authserv_ids);
	if (snap->zone != NULL)
		g_time_zone_unref(snap->zone);
	ruleset_unref(snap->rules);
	config_unref(snap->config);
	g_free(snap);
}

void
snapshot_install(struct snapshot *snap)
{
	struct snapshot *old;

	g_mutex_lock(&current_lock);
	old = current;
	current = snapshot_ref(snap);
	g_mutex_unlock(&current_lock);
	snapshot_unref(old);
}

struct snapshot *
snapshot_current(void)
{
	struct snapshot *snap;

	g_mutex_lock(&current_lock);
	snap = current != NULL ? snapshot_ref(current) : NULL;
	g_mutex_unlock(&current_lock);
	return snap;
}
