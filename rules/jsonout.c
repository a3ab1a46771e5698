/*
 * jsonout.c - the little that every JSON writer of triage shares.
 */
#include "jsonout.h"

char *
jsonout_finish(JsonBuilder *builder, bool pretty)
{
	JsonGenerator *gen = json_generator_new();
	JsonNode *root = json_builder_get_root(builder);
	char *out;

	json_generator_set_pretty(gen, pretty);
	json_generator_set_root(gen, root);
	out = json_generator_to_data(gen, NULL);
	json_node_unref(root);
	g_object_unref(gen);
	g_object_unref(builder);
	return out;
}

double
jsonout_round2(double x)
{
	return (double)(gint64)(x * 100.0 + (x < 0 ? -0.5 : 0.5)) / 100.0;
}
