// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse: GoPro GPMF telemetry (qtdemux's gpmd track or a raw dump) to timestamped NDJSON.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GPMF_PARSE gst_gpmf_parse_get_type()
G_DECLARE_FINAL_TYPE(GstGpmfParse, gst_gpmf_parse, GST, GPMF_PARSE, GstElement)

#define GST_TYPE_GPMF_PARSE_MESSAGE_TIMING gst_gpmf_parse_message_timing_get_type()
GType gst_gpmf_parse_message_timing_get_type(void);

/**
 * GstGpmfParseMessageTiming:
 * @GST_GPMF_PARSE_MESSAGE_TIMING_IMMEDIATE: post each message as soon as the record is decoded
 * @GST_GPMF_PARSE_MESSAGE_TIMING_CLOCK: post each message when the pipeline clock reaches the
 *     running time of the record (in sync with the video)
 */
typedef enum {
	GST_GPMF_PARSE_MESSAGE_TIMING_IMMEDIATE = 0,
	GST_GPMF_PARSE_MESSAGE_TIMING_CLOCK = 1,
} GstGpmfParseMessageTiming;

GST_ELEMENT_REGISTER_DECLARE(gpmfparse);

G_END_DECLS
