// SPDX-License-Identifier: GPL-2.0-or-later
// Copyright (C) 2025 The gst-gpmf authors
// main() of the plugin test binaries: GoogleTest plus GStreamer, without gst_check_init().

#include <gst/gst.h>
#include <gtest/gtest.h>

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	// Scan plugins in this process: a forked gst-plugin-scanner is not built with the
	// sanitizers, so it cannot load a plugin built with AddressSanitizer.
	gst_registry_fork_set_enabled(FALSE);
	gst_init(&argc, &argv);
	// The strictness of gst_check_init(): any g_warning or g_critical aborts the test.
	g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL));
	const int ret = RUN_ALL_TESTS();
	gst_deinit();
	return ret;
}
