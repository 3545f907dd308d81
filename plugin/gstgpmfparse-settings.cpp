// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's properties: specifications, values, session options.

#include "gstgpmfparse-settings.h"

#include "gstgpmf-utils.h"

#include <utility>
#include <vector>

GST_DEBUG_CATEGORY_EXTERN(gst_gpmf_parse_debug);
#define GST_CAT_DEFAULT gst_gpmf_parse_debug

bool GstGpmfParseSettings::set(GObject *owner, guint prop_id, const GValue *value)
{
	gpmf::SessionOptions &o = options_;
	switch (prop_id) {
	case GST_GPMF_PARSE_PROP_STREAMS: {
		const gchar *text = g_value_get_string(value);
		streams_ = text ? text : "";
		o.decode.streams = gpmf::gst::parseStreams(GST_CAT_DEFAULT, owner, text);
		break;
	}
	case GST_GPMF_PARSE_PROP_DEVICES: {
		const gchar *text = g_value_get_string(value);
		devices_ = text ? text : "";
		o.decode.devices = gpmf::gst::splitList(text);
		break;
	}
	case GST_GPMF_PARSE_PROP_INTERVAL:
		o.interval = g_value_get_uint64(value);
		break;
	case GST_GPMF_PARSE_PROP_MIN_GPS_FIX:
		o.decode.minGpsFix = g_value_get_int(value);
		break;
	case GST_GPMF_PARSE_PROP_MAX_GPS_DOP:
		o.decode.maxGpsDop = g_value_get_double(value);
		break;
	case GST_GPMF_PARSE_PROP_MAX_GPS_SPEED:
		o.decode.maxGpsSpeed = g_value_get_double(value);
		break;
	case GST_GPMF_PARSE_PROP_RAW:
		o.decode.raw = g_value_get_boolean(value);
		break;
	case GST_GPMF_PARSE_PROP_HEADER:
		o.header = g_value_get_boolean(value);
		break;
	case GST_GPMF_PARSE_PROP_SUMMARY:
		o.summary = g_value_get_boolean(value);
		break;
	// Not session options:
	case GST_GPMF_PARSE_PROP_POST_MESSAGES:
		snapshot_.postMessages = g_value_get_boolean(value);
		return true;
	case GST_GPMF_PARSE_PROP_MESSAGE_TIMING:
		snapshot_.timing = static_cast<GstGpmfParseMessageTiming>(g_value_get_enum(value));
		return true;
	case GST_GPMF_PARSE_PROP_MAX_ERRORS:
		snapshot_.maxErrors = g_value_get_int(value);
		return true;
	case GST_GPMF_PARSE_PROP_THREADS:
		threads_ = g_value_get_uint(value);
		return true;
	default:
		return false;
	}
	optionsVersion_++;
	return true;
}

bool GstGpmfParseSettings::get(guint prop_id, GValue *value) const
{
	const gpmf::SessionOptions &o = options_;
	switch (prop_id) {
	case GST_GPMF_PARSE_PROP_STREAMS:
		g_value_set_string(value, streams_.c_str());
		return true;
	case GST_GPMF_PARSE_PROP_DEVICES:
		g_value_set_string(value, devices_.c_str());
		return true;
	case GST_GPMF_PARSE_PROP_INTERVAL:
		g_value_set_uint64(value, o.interval);
		return true;
	case GST_GPMF_PARSE_PROP_POST_MESSAGES:
		g_value_set_boolean(value, snapshot_.postMessages);
		return true;
	case GST_GPMF_PARSE_PROP_MESSAGE_TIMING:
		g_value_set_enum(value, snapshot_.timing);
		return true;
	case GST_GPMF_PARSE_PROP_MIN_GPS_FIX:
		g_value_set_int(value, o.decode.minGpsFix);
		return true;
	case GST_GPMF_PARSE_PROP_MAX_GPS_DOP:
		g_value_set_double(value, o.decode.maxGpsDop);
		return true;
	case GST_GPMF_PARSE_PROP_MAX_GPS_SPEED:
		g_value_set_double(value, o.decode.maxGpsSpeed);
		return true;
	case GST_GPMF_PARSE_PROP_RAW:
		g_value_set_boolean(value, o.decode.raw);
		return true;
	case GST_GPMF_PARSE_PROP_HEADER:
		g_value_set_boolean(value, o.header);
		return true;
	case GST_GPMF_PARSE_PROP_SUMMARY:
		g_value_set_boolean(value, o.summary);
		return true;
	case GST_GPMF_PARSE_PROP_MAX_ERRORS:
		g_value_set_int(value, snapshot_.maxErrors);
		return true;
	case GST_GPMF_PARSE_PROP_THREADS:
		g_value_set_uint(value, threads_);
		return true;
	default:
		return false;
	}
}

void GstGpmfParseSettings::install(GObjectClass *klass)
{
	const auto playing =
	    static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING);

	/**
	 * GstGpmfParse:streams:
	 *
	 * The streams to output, by FourCC (e.g. "ACCL,GYRO,GPS5"); empty outputs every stream.
	 * Applies from the next payload.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_STREAMS,
	    g_param_spec_string(
		"streams", "Streams",
		"Comma-separated FourCCs of the streams to output, e.g. \"ACCL,GYRO,GPS5\" "
		"(case sensitive; shorter keys are padded with spaces). Empty outputs every stream.",
		"", playing));
	/**
	 * GstGpmfParse:devices:
	 *
	 * The devices to output, each by id (DVID) or name (DVNM); empty outputs every device.
	 * Applies from the next payload.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_DEVICES,
	    g_param_spec_string(
		"devices", "Devices",
		"Comma-separated devices to output, each a device id (DVID, e.g. 1 for the "
		"camera) or a device name (DVNM, e.g. \"GoPro Karma v1.0\"). Empty outputs every "
		"device.",
		"", playing));
	/**
	 * GstGpmfParse:interval:
	 *
	 * The longest span of one payload record, in nanoseconds: each payload is split into
	 * records of at most this long (windows without samples become GAP events). 0 gives one
	 * record per payload.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_INTERVAL,
	    g_param_spec_uint64(
		"interval", "Interval",
		"Split each payload (about 1 s) into records of at most this many nanoseconds, "
		"e.g. 33366666 for one 29.97 fps video frame, so telemetry arrives per frame. "
		"Windows with no sample become GAP events. 0 gives one record per payload.",
		0, G_MAXUINT64, 0, playing));
	/**
	 * GstGpmfParse:post-messages:
	 *
	 * Also post every record on the bus, as an element message named `gpmf` (see
	 * #GstGpmfParse:message-timing for when).
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_POST_MESSAGES,
	    g_param_spec_boolean("post-messages", "Post messages",
				 "Post each record on the bus as an element message named \"gpmf\" with the "
				 "fields json, record-type, index, timestamp, stream-time, running-time and "
				 "duration.",
				 FALSE, playing));
	/**
	 * GstGpmfParse:message-timing:
	 *
	 * When the messages of #GstGpmfParse:post-messages are posted: as soon as the record is
	 * made, or when the pipeline clock reaches it (with the video it belongs to).
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_MESSAGE_TIMING,
	    g_param_spec_enum("message-timing", "Message timing",
			      "When to post the messages of post-messages: immediate (as soon as decoded, "
			      "usually ahead of playback) or clock (when the pipeline clock reaches the "
			      "record's running time plus the pipeline latency, i.e. when the matching video "
			      "frame is shown; kept while paused, dropped on flush).",
			      GST_TYPE_GPMF_PARSE_MESSAGE_TIMING, GST_GPMF_PARSE_MESSAGE_TIMING_IMMEDIATE,
			      playing));
	/**
	 * GstGpmfParse:min-gps-fix:
	 *
	 * GPS samples with a poorer fix are dropped: 0 keeps all, 2 needs a 2D fix, 3 a 3D fix.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_MIN_GPS_FIX,
	    g_param_spec_int("min-gps-fix", "Minimum GPS fix",
			     "Drop GPS samples whose fix (GPSF or the GPS9 fix field) is below this: 0 keeps "
			     "all, 2 needs a 2D fix, 3 a 3D fix.",
			     0, 3, 0, playing));
	/**
	 * GstGpmfParse:max-gps-dop:
	 *
	 * GPS samples with a higher dilution of precision are dropped; 0 keeps all.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_MAX_GPS_DOP,
	    g_param_spec_double(
		"max-gps-dop", "Maximum GPS DOP",
		"Drop GPS samples whose dilution of precision (GPSP/100 or the GPS9 DOP field) "
		"is above this; under 5 is good. 0 keeps all.",
		0, G_MAXDOUBLE, 0, playing));
	/**
	 * GstGpmfParse:max-gps-speed:
	 *
	 * GPS points that jump farther from the last point kept than this speed allows are
	 * dropped as outliers, and counted in the summary (`gps_outliers`); three points in a row
	 * that agree with each other are followed (the track really moved). 0 keeps all.
	 *
	 * Since: 0.2
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_MAX_GPS_SPEED,
	    g_param_spec_double(
		"max-gps-speed", "Maximum GPS speed",
		"Drop GPS points (GPS5, GPS9) that jump farther from the last point kept than this speed "
		"in m/s allows (e.g. 100 for a car, 350 for a plane); the summary counts them. 0 keeps all.",
		0, G_MAXDOUBLE, 0, playing));
	/**
	 * GstGpmfParse:raw:
	 *
	 * Output sensor values as stored, without SCAL and orientation remapping.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_RAW,
	    g_param_spec_boolean("raw", "Raw values",
				 "Output sensor values as stored: not divided by SCAL and not remapped by "
				 "ORIN/ORIO/MTRX (each such stream is marked \"raw\": true).",
				 FALSE, playing));
	/**
	 * GstGpmfParse:header:
	 *
	 * Output a `header` record (from the MP4 udta atoms) before the first payload record of a
	 * stream.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_HEADER,
	    g_param_spec_boolean(
		"header", "Header record",
		"Output a \"header\" record (camera, firmware, serial, lens, settings and "
		"HiLights from the MP4 udta atoms) before the first payload record of a stream.",
		TRUE, playing));
	/**
	 * GstGpmfParse:summary:
	 *
	 * Output a `summary` record at EOS, before forwarding the EOS.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_SUMMARY,
	    g_param_spec_boolean(
		"summary", "Summary record",
		"Output a \"summary\" record (payload count, and per stream its sample count, "
		"measured rate and time span) at EOS, before forwarding the EOS.",
		TRUE, playing));
	/**
	 * GstGpmfParse:max-errors:
	 *
	 * How many corrupt or empty payloads in a row are skipped (each with a warning and a GAP)
	 * before the element posts an error and stops; -1 never stops.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_MAX_ERRORS,
	    g_param_spec_int("max-errors", "Maximum errors",
			     "Number of corrupt payloads in a row that are skipped with a warning and a GAP "
			     "before the element posts an error and stops; -1 never stops.",
			     -1, G_MAXINT, -1, playing));
	/**
	 * GstGpmfParse:threads:
	 *
	 * Threads that write the JSON records, the streaming thread included. With more than one,
	 * helper threads write the records of decoded payloads while the streaming thread decodes
	 * the next ones; the records are still pushed in stream order, from the streaming thread,
	 * and a few payloads are held back meanwhile (meant for files, not live sources). This is
	 * not a thread of the element's own: to decode in another streaming thread than
	 * upstream's, put a `queue` before the element. Read when the element starts.
	 *
	 * Since: 0.1
	 */
	g_object_class_install_property(
	    klass, GST_GPMF_PARSE_PROP_THREADS,
	    g_param_spec_uint(
		"threads", "Threads",
		"Threads that write the JSON records, the streaming thread included: with more than "
		"one, the records of a payload are written on another core while the next payloads "
		"are decoded, and still pushed in stream order, from the streaming thread. Up to 4 "
		"payloads per thread (32 in all) are then held back until later input, an event or a "
		"DRAIN query comes: meant for files, not live sources. 0 uses one per CPU core. Read "
		"when the element starts (READY to PAUSED).",
		0, 64, 1, static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)));

}
