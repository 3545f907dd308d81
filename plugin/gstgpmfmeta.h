// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// GstGpmfMeta: the telemetry of one video frame, as gpmfattach puts it on the frame and
// gpmfoverlay (or an application) reads it. A GstCustomMeta (GStreamer >= 1.20), so it is
// readable without this plugin's headers, from C and from Python:
//
//   GstCustomMeta *meta = gst_buffer_get_custom_meta(buffer, "GstGpmfMeta");
//   const GstStructure *s = gst_custom_meta_get_structure(meta);
//   gdouble speed; if (gst_structure_get_double(s, "speed-2d", &speed)) ...
//
//   meta = buffer.get_custom_meta("GstGpmfMeta"); s = meta.get_structure()   # Python
//
// Every field is optional: a frame gets only what the telemetry had for it.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_GPMF_META_NAME "GstGpmfMeta"

/* The structure's fields. Vectors are GstValueArrays of doubles; units are SI. */
/** string: the frame's "payload" NDJSON record, as gpmfparse writes it with interval = the frame */
#define GST_GPMF_META_RECORD "record"
/** GstClockTime: the frame's span [pts, pts + duration) the telemetry was taken from */
#define GST_GPMF_META_PTS "pts"
#define GST_GPMF_META_DURATION "duration"
/** string: UTC at the frame's middle, ISO 8601 with milliseconds ("2024-05-18T09:41:07.300Z") */
#define GST_GPMF_META_UTC "utc"
/** gint: minutes east of UTC of the camera's time zone (the settings' TZON), when recorded */
#define GST_GPMF_META_TZ_OFFSET "tz-offset"
/** gdouble: degrees, metres (GPS altitude as recorded), m/s; at the frame's middle, interpolated
 *  between the GPS samples around it (GPS runs at 10-18 Hz) */
#define GST_GPMF_META_LATITUDE "latitude"
#define GST_GPMF_META_LONGITUDE "longitude"
#define GST_GPMF_META_ALTITUDE "altitude"
#define GST_GPMF_META_SPEED_2D "speed-2d"
#define GST_GPMF_META_SPEED_3D "speed-3d"
/** gdouble: degrees clockwise from north, the direction of travel between GPS samples */
#define GST_GPMF_META_COURSE "course"
/** gint: 0 none, 2 2D, 3 3D */
#define GST_GPMF_META_GPS_FIX "gps-fix"
/** gdouble: seconds from the newest GPS sample at or before the frame's end to that end */
#define GST_GPMF_META_GPS_AGE "gps-age"
/** 3 doubles: the mean ACCL (m/s^2) and GYRO (rad/s) over the frame, in the camera's axes */
#define GST_GPMF_META_ACCELERATION "acceleration"
#define GST_GPMF_META_ROTATION "rotation"
/** 3 doubles: GRAV, the unit gravity vector at the frame's middle */
#define GST_GPMF_META_GRAVITY "gravity"
/** 4 doubles (w, x, y, z): CORI and IORI at the frame's middle */
#define GST_GPMF_META_CAMERA_ORIENTATION "camera-orientation"
#define GST_GPMF_META_IMAGE_ORIENTATION "image-orientation"
/** gdouble: ISO (ISOE or ISOG) and shutter time in seconds (SHUT) of the frame */
#define GST_GPMF_META_ISO "iso"
#define GST_GPMF_META_SHUTTER "shutter"

/* Registers the meta; safe to call many times, from any thread. */
void gst_gpmf_meta_register(void);

/* Adds an empty GstGpmfMeta to a writable buffer and returns its structure to fill
 * (transfer none). */
GstStructure *gst_buffer_add_gpmf_meta(GstBuffer *buffer);

/* The buffer's GstGpmfMeta structure, or NULL (transfer none). */
const GstStructure *gst_buffer_get_gpmf_meta(GstBuffer *buffer);

/* A GstValueArray of doubles, for the vector fields. */
void gst_gpmf_meta_set_vector(GstStructure *s, const char *field, const gdouble *values, guint count);
/* The same with the field's name as a quark (per-frame writers intern their names once). */
void gst_gpmf_meta_id_set_vector(GstStructure *s, GQuark field, const gdouble *values, guint count);
/* Reads a vector field into values (at most count); returns the number read. */
guint gst_gpmf_meta_get_vector(const GstStructure *s, const char *field, gdouble *values, guint count);

G_END_DECLS
