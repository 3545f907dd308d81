// SPDX-License-Identifier: LGPL-2.1-or-later
#include <gst/gst.h>
static gboolean plugin_init(GstPlugin *) { return TRUE; }
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, gpmf, "GoPro GPMF telemetry", plugin_init, VERSION, "LGPL", PACKAGE_NAME, PACKAGE_ORIGIN)
