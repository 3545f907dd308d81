// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// GstGpmfMeta, a GstCustomMeta holding one frame's telemetry.

#include "gstgpmfmeta.h"

// The meta's registration, made once: gst_buffer_add_custom_meta() would look it up by name
// (a locked hash table lookup) for every frame.
static const GstMetaInfo *gst_gpmf_meta_get_info(void)
{
	static const GstMetaInfo *info = nullptr;
	if (g_once_init_enter(&info)) {
		// No tags: the telemetry stays true whatever is done to the pixels (scaled, converted),
		// so transformations copy it (GstCustomMeta's default transform copies the structure).
		static const gchar *tags[] = {nullptr};
		const GstMetaInfo *registered =
		    gst_meta_register_custom(GST_GPMF_META_NAME, tags, nullptr, nullptr, nullptr);
		// (Registered already, by another copy of this code in the process: that one.)
		g_once_init_leave(&info, registered ? registered : gst_meta_get_info(GST_GPMF_META_NAME));
	}
	return info;
}

void gst_gpmf_meta_register(void)
{
	gst_gpmf_meta_get_info();
}

GstStructure *gst_buffer_add_gpmf_meta(GstBuffer *buffer)
{
	const GstMetaInfo *info = gst_gpmf_meta_get_info();
	if (!info || !gst_meta_info_is_custom(info))
		return nullptr;
	auto *meta = reinterpret_cast<GstCustomMeta *>(gst_buffer_add_meta(buffer, info, nullptr));
	return meta ? gst_custom_meta_get_structure(meta) : nullptr;
}

const GstStructure *gst_buffer_get_gpmf_meta(GstBuffer *buffer)
{
	GstCustomMeta *meta = gst_buffer_get_custom_meta(buffer, GST_GPMF_META_NAME);
	return meta ? gst_custom_meta_get_structure(meta) : nullptr;
}

void gst_gpmf_meta_set_vector(GstStructure *s, const char *field, const gdouble *values, guint count)
{
	gst_gpmf_meta_id_set_vector(s, g_quark_from_string(field), values, count);
}

void gst_gpmf_meta_id_set_vector(GstStructure *s, GQuark field, const gdouble *values, guint count)
{
	GValue array = G_VALUE_INIT;
	gst_value_array_init(&array, count);
	for (guint i = 0; i < count; i++) {
		GValue v = G_VALUE_INIT;
		g_value_init(&v, G_TYPE_DOUBLE);
		g_value_set_double(&v, values[i]);
		gst_value_array_append_and_take_value(&array, &v);
	}
	gst_structure_id_take_value(s, field, &array);
}

guint gst_gpmf_meta_get_vector(const GstStructure *s, const char *field, gdouble *values, guint count)
{
	const GValue *array = gst_structure_get_value(s, field);
	if (!array || !GST_VALUE_HOLDS_ARRAY(array))
		return 0;
	const guint n = MIN(count, gst_value_array_get_size(array));
	for (guint i = 0; i < n; i++) {
		const GValue *v = gst_value_array_get_value(array, i);
		values[i] = G_VALUE_HOLDS_DOUBLE(v) ? g_value_get_double(v) : 0.0;
	}
	return n;
}
