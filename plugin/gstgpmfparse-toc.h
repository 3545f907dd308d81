// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's tags: the recording's header from the udta tags of a stream, its HiLights as a
// TOC, and the camera as device tags.
#pragma once

#include <utility>
#include <vector>

#include <gst/gst.h>

#include "gpmf/header.h"

/*
 * The udta tags of one stream (global and stream scope, the last list of each) and the header
 * made from them. Used by the streaming thread only.
 */
class GstGpmfParseTags
{
public:
	GstGpmfParseTags() = default;
	~GstGpmfParseTags() { clear(); }
	GstGpmfParseTags(const GstGpmfParseTags &) = delete;
	GstGpmfParseTags &operator=(const GstGpmfParseTags &) = delete;

	/// Keeps `list` as the stream's tags of its scope; returns the header rebuilt from every
	/// private-qt-tag kept.
	const gpmf::Header &update(GstTagList *list);
	const gpmf::Header &header() const noexcept { return header_; }
	/// A TOC of the header's HiLights (the caller's), or null when there are none or they are
	/// those of the last TOC given.
	GstToc *newToc();
	/// A new stream: no tags, an empty header, no TOC sent.
	void clear();

private:
	GstTagList *global_ = nullptr;
	GstTagList *stream_ = nullptr;
	gpmf::Header header_;
	std::vector<std::pair<gint64, gint64>> tocTimes_; ///< the HiLights last given as a TOC
};

/// The tag event to forward for `event`: a global one gets "GoPro" and the header's camera as
/// device manufacturer and model, so players show them like any other device tag.
GstEvent *gst_gpmf_parse_device_tags(GstEvent *event, const gpmf::Header &header);
