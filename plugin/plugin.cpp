// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// The gpmf plugin: the gpmfparse and gpmfdemux elements and the raw GPMF type finder.

#include "gstgpmfattach.h"
#include "gstgpmfdemux.h"
#include "gstgpmfoverlay.h"
#include "gstgpmfparse.h"
#include "gstgpmftypefind.h"

static gboolean plugin_init(GstPlugin *plugin)
{
	gboolean ok = FALSE;
	ok |= GST_ELEMENT_REGISTER(gpmfparse, plugin);
	ok |= GST_ELEMENT_REGISTER(gpmfdemux, plugin);
	ok |= GST_ELEMENT_REGISTER(gpmfattach, plugin);
	ok |= GST_ELEMENT_REGISTER(gpmfoverlay, plugin);
	ok |= GST_TYPE_FIND_REGISTER(gpmf, plugin);
	return ok;
}

// PACKAGE, VERSION, PACKAGE_NAME and PACKAGE_ORIGIN come from config.h (meson.build).
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, gpmf, "GoPro GPMF telemetry: its demuxer, and JSON from it",
		  plugin_init, VERSION, "LGPL", PACKAGE_NAME, PACKAGE_ORIGIN)
