// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// Small RAII helpers for GLib/GStreamer resources used by the gpmf plugin, and names its
// elements share.
#pragma once

#include <cstdint>
#include <exception>
#include <limits>
#include <new>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gst/gst.h>

#include "gpmf/fourcc.h"

namespace gpmf::gst
{

/// qtdemux's GST_QT_DEMUX_PRIVATE_TAG: each udta atom it has no tag for, whole, as a GstSample.
/// gpmfdemux sends the same; gpmfparse reads its header and HiLights from them.
inline constexpr const char *kPrivateQtTag = "private-qt-tag";

/// Holds GST_OBJECT_LOCK for its lifetime (libcamera's GLibLocker).
class ObjectLocker
{
public:
	explicit ObjectLocker(gpointer object) noexcept : object_(GST_OBJECT(object))
	{
		GST_OBJECT_LOCK(object_);
	}
	~ObjectLocker() { GST_OBJECT_UNLOCK(object_); }
	ObjectLocker(const ObjectLocker &) = delete;
	ObjectLocker &operator=(const ObjectLocker &) = delete;

private:
	GstObject *object_;
};

/// Maps a buffer for reading and unmaps it when it goes out of scope.
class BufferMap
{
public:
	explicit BufferMap(GstBuffer *buffer) noexcept : buffer_(buffer)
	{
		mapped_ = gst_buffer_map(buffer_, &info_, GST_MAP_READ);
	}
	~BufferMap()
	{
		if (mapped_)
			gst_buffer_unmap(buffer_, &info_);
	}
	BufferMap(const BufferMap &) = delete;
	BufferMap &operator=(const BufferMap &) = delete;

	explicit operator bool() const noexcept { return mapped_; }
	std::span<const std::uint8_t> bytes() const noexcept
	{
		return mapped_ ? std::span<const std::uint8_t>(info_.data, info_.size)
			       : std::span<const std::uint8_t>();
	}

private:
	GstBuffer *buffer_;
	GstMapInfo info_ = GST_MAP_INFO_INIT;
	bool mapped_ = false;
};

/// Seconds (NaN allowed) from a GstClockTime.
inline double toSeconds(GstClockTime t) noexcept
{
	return GST_CLOCK_TIME_IS_VALID(t) ? double(t) / double(GST_SECOND)
					  : std::numeric_limits<double>::quiet_NaN();
}

/// GstClockTime from seconds; GST_CLOCK_TIME_NONE for NaN or negative values.
inline GstClockTime fromSeconds(double s) noexcept
{
	if (!(s >= 0) || s > 1.8e10) // NaN, negative, or beyond ~570 years
		return GST_CLOCK_TIME_NONE;
	return GstClockTime(s * double(GST_SECOND) + 0.5);
}

/// "ACCL, GYRO;GPS5" -> tokens: commas, semicolons and blanks all separate (the streams and
/// devices properties).
inline std::vector<std::string> splitList(const gchar *text)
{
	std::vector<std::string> tokens;
	std::string current;
	for (const gchar *p = text ? text : ""; *p; p++) {
		if (*p == ',' || *p == ';' || g_ascii_isspace(*p)) {
			if (!current.empty())
				tokens.push_back(std::move(current));
			current.clear();
		} else {
			current.push_back(*p);
		}
	}
	if (!current.empty())
		tokens.push_back(std::move(current));
	return tokens;
}

/// A streams property's FourCCs; tokens that are none are logged in `category` and left out.
inline std::vector<gpmf::FourCC> parseStreams(GstDebugCategory *category, GObject *owner, const gchar *text)
{
	std::vector<gpmf::FourCC> keys;
	for (std::string &token : splitList(text)) {
		// FourCCs such as "acc1" are case sensitive; short ones ("GPS") are space padded.
		if (token.size() < 4)
			token.resize(4, ' ');
		if (auto key = gpmf::FourCC::fromString(token))
			keys.push_back(*key);
		else
			GST_CAT_WARNING_OBJECT(category, owner, "ignoring '%s' in streams: not a FourCC",
					       token.c_str());
	}
	return keys;
}

/*
 * The elements' exception boundary: no C++ exception (in practice std::bad_alloc) unwinds into
 * GStreamer. It becomes an error message of `element` (CORE/FAILED; `outOfMemory` is the text
 * users see for bad_alloc, `where` the callback), and `onError` is returned.
 */
template <typename R, typename Fn>
R guardCall(GstElement *element, R onError, const char *where, const char *outOfMemory, Fn &&fn) noexcept
{
	const char *text = nullptr;
	gchar *debug = nullptr;
	try {
		return fn();
	} catch (const std::bad_alloc &) {
		text = outOfMemory;
		debug = g_strdup(where);
	} catch (const std::exception &e) {
		debug = g_strdup_printf("%s: %s", where, e.what());
	} catch (...) {
		debug = g_strdup_printf("%s: unknown C++ exception", where);
	}
	// GST_ELEMENT_ERROR without its debug category: this header has none.
	gst_element_message_full(element, GST_MESSAGE_ERROR, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
				 text ? g_strdup(text) : nullptr, debug, __FILE__, where, __LINE__);
	return onError;
}

} // namespace gpmf::gst
