// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's properties: their specifications, their values, and the session options they make.
#pragma once

#include <cstdint>
#include <string>

#include <gst/gst.h>

#include "gpmf/session.h"

#include "gstgpmfparse.h"

enum {
	GST_GPMF_PARSE_PROP_0,
	GST_GPMF_PARSE_PROP_STREAMS,
	GST_GPMF_PARSE_PROP_DEVICES,
	GST_GPMF_PARSE_PROP_INTERVAL,
	GST_GPMF_PARSE_PROP_POST_MESSAGES,
	GST_GPMF_PARSE_PROP_MESSAGE_TIMING,
	GST_GPMF_PARSE_PROP_MIN_GPS_FIX,
	GST_GPMF_PARSE_PROP_MAX_GPS_DOP,
	GST_GPMF_PARSE_PROP_MAX_GPS_SPEED,
	GST_GPMF_PARSE_PROP_RAW,
	GST_GPMF_PARSE_PROP_HEADER,
	GST_GPMF_PARSE_PROP_SUMMARY,
	GST_GPMF_PARSE_PROP_MAX_ERRORS,
	GST_GPMF_PARSE_PROP_THREADS,
};

/// What the streaming thread takes of the settings for each buffer or event, besides the options.
struct GstGpmfParseSnapshot {
	bool postMessages = false;
	GstGpmfParseMessageTiming timing = GST_GPMF_PARSE_MESSAGE_TIMING_IMMEDIATE;
	gint maxErrors = -1;
};

/*
 * The property values. The element guards them with GST_OBJECT_LOCK: every method but
 * install() is called with it held.
 */
class GstGpmfParseSettings
{
public:
	/// Installs every property of gpmfparse on its class.
	static void install(GObjectClass *klass);

	/// False for an unknown property. `owner` is the element, for log messages.
	bool set(GObject *owner, guint prop_id, const GValue *value);
	bool get(guint prop_id, GValue *value) const;

	/// The session's options, all but threads (see threads()); optionsVersion() changes with them.
	const gpmf::SessionOptions &options() const noexcept { return options_; }
	std::uint64_t optionsVersion() const noexcept { return optionsVersion_; }
	GstGpmfParseSnapshot snapshot() const noexcept { return snapshot_; }
	/// The `threads` property: 0 is one per CPU core.
	guint threads() const noexcept { return threads_; }

private:
	std::string streams_;
	std::string devices_;
	gpmf::SessionOptions options_;
	std::uint64_t optionsVersion_ = 0;
	GstGpmfParseSnapshot snapshot_;
	guint threads_ = 1;
};
