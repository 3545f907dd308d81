// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfparse's tags: header from udta tags, HiLights as a TOC, device tags.

#include "gstgpmfparse-toc.h"

#include "gstgpmf-header.h"
#include "gstgpmf-utils.h"

namespace
{

// A HiLight's TOC start and stop (-1 unknown): a tag is an instant; HLMT also gives its span.
std::pair<gint64, gint64> hilightSpan(const gpmf::HiLight &h)
{
	auto ns = [](double seconds) {
		const GstClockTime t = gpmf::gst::fromSeconds(seconds);
		return GST_CLOCK_TIME_IS_VALID(t) ? gint64(t) : gint64(-1);
	};
	return {ns(h.in >= 0 ? h.in : h.time), ns(h.out >= 0 ? h.out : h.time)};
}

// One chapter per HiLight, titled "HiLight N" (and its kind).
GstToc *makeToc(const gpmf::Header &header)
{
	GstToc *toc = gst_toc_new(GST_TOC_SCOPE_GLOBAL);
	guint n = 0;
	for (const gpmf::HiLight &h : header.hilights) {
		n++;
		g_autofree gchar *uid = g_strdup_printf("hilight-%u", n);
		GstTocEntry *entry = gst_toc_entry_new(GST_TOC_ENTRY_TYPE_CHAPTER, uid);
		const auto [start, stop] = hilightSpan(h);
		gst_toc_entry_set_start_stop_times(entry, start, stop);
		g_autofree gchar *title = h.kind.empty()
					      ? g_strdup_printf("HiLight %u", n)
					      : g_strdup_printf("HiLight %u (%s)", n, h.kind.c_str());
		gst_toc_entry_set_tags(entry, gst_tag_list_new(GST_TAG_TITLE, title, nullptr));
		gst_toc_append_entry(toc, entry);
	}
	return toc;
}

} // namespace

const gpmf::Header &GstGpmfParseTags::update(GstTagList *list)
{
	GstTagList **slot = gst_tag_list_get_scope(list) == GST_TAG_SCOPE_GLOBAL ? &global_ : &stream_;
	gst_mini_object_replace(reinterpret_cast<GstMiniObject **>(slot), GST_MINI_OBJECT_CAST(list));
	gpmf::Header header;
	gpmf::gst::addUdtaAtoms(header, global_);
	gpmf::gst::addUdtaAtoms(header, stream_);
	header_ = std::move(header);
	return header_;
}

GstToc *GstGpmfParseTags::newToc()
{
	std::vector<std::pair<gint64, gint64>> times;
	times.reserve(header_.hilights.size());
	for (const gpmf::HiLight &h : header_.hilights)
		times.push_back(hilightSpan(h));
	if (times.empty() || times == tocTimes_)
		return nullptr;
	tocTimes_ = std::move(times);
	return makeToc(header_);
}

void GstGpmfParseTags::clear()
{
	gst_clear_tag_list(&global_);
	gst_clear_tag_list(&stream_);
	header_ = gpmf::Header();
	tocTimes_.clear();
}

GstEvent *gst_gpmf_parse_device_tags(GstEvent *event, const gpmf::Header &header)
{
	GstTagList *list = nullptr;
	gst_event_parse_tag(event, &list);
	if (header.camera.empty() || gst_tag_list_get_scope(list) != GST_TAG_SCOPE_GLOBAL)
		return event;
	GstTagList *tags = gst_tag_list_copy(list);
	gst_tag_list_add(tags, GST_TAG_MERGE_KEEP, GST_TAG_DEVICE_MANUFACTURER, "GoPro", GST_TAG_DEVICE_MODEL,
			 header.camera.c_str(), nullptr);
	GstEvent *out = gst_event_new_tag(tags);
	gst_event_set_seqnum(out, gst_event_get_seqnum(event));
	gst_event_unref(event);
	return out;
}
