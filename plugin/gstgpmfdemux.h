// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfdemux: reads only the GoPro telemetry (gpmd) track of an MP4/MOV/360 file, as qtdemux
// would output it, without reading the video.
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GPMF_DEMUX gst_gpmf_demux_get_type()
G_DECLARE_FINAL_TYPE(GstGpmfDemux, gst_gpmf_demux, GST, GPMF_DEMUX, GstElement)

GST_ELEMENT_REGISTER_DECLARE(gpmfdemux);

G_END_DECLS
