// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay: a telemetry dashboard (speed, G-force, altitude, heading, time, GPS, horizon, route
// map) drawn on raw video from each frame's GstGpmfMeta.
#pragma once

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GPMF_OVERLAY gst_gpmf_overlay_get_type()
G_DECLARE_FINAL_TYPE(GstGpmfOverlay, gst_gpmf_overlay, GST, GPMF_OVERLAY, GstBaseTransform)

#define GST_TYPE_GPMF_OVERLAY_UNITS gst_gpmf_overlay_units_get_type()
GType gst_gpmf_overlay_units_get_type(void);

/**
 * GstGpmfOverlayUnits:
 * @GST_GPMF_OVERLAY_UNITS_KMH: speed in km/h, altitude in metres
 * @GST_GPMF_OVERLAY_UNITS_MPH: speed in mph, altitude in feet
 * @GST_GPMF_OVERLAY_UNITS_MS: speed in m/s, altitude in metres
 */
typedef enum {
	GST_GPMF_OVERLAY_UNITS_KMH = 0,
	GST_GPMF_OVERLAY_UNITS_MPH = 1,
	GST_GPMF_OVERLAY_UNITS_MS = 2,
} GstGpmfOverlayUnits;

GST_ELEMENT_REGISTER_DECLARE(gpmfoverlay);

G_END_DECLS
