// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// gpmfdemux: the telemetry track, and what qtdemux 1.22 says about it on its pad.

#include "gstgpmfdemux-index.h"

#include <cstdio>
#include <utility>

#include <gst/tag/tag.h>

#include "gpmf/byte_reader.h"
#include "gstgpmf-utils.h"

namespace gpmf::gst
{

namespace
{

constexpr std::uint64_t kSecondsFrom1904To1970 = 2082844800;

// Registered by qtdemux when it is loaded, else here.
void registerPrivateTag()
{
	if (!gst_tag_exists(kPrivateQtTag))
		gst_tag_register(kPrivateQtTag, GST_TAG_FLAG_META, GST_TYPE_SAMPLE, "QT atom",
				 "unparsed QT tag atom", gst_tag_merge_use_first);
}

// qtdemux_tag_add_blob(): the atom whole, described by application/x-gst-qt-<type>-tag.
GstSample *privateTagSample(const Mp4UdtaAtom &atom, FourCC majorBrand)
{
	const auto bytes = atom.atom;
	const char *style = "iso";
	const bool itunes = atom.type == FourCC("----") ||
			    (bytes.size() > 8 + 12 && FourCC(loadBe32(bytes.data() + 12)) == FourCC("data"));
	if (itunes)
		style = "itunes";
	else if (majorBrand == FourCC("qt  "))
		style = "quicktime";
	char name[5];
	for (int i = 0; i < 4; i++) {
		const char c = atom.type.at(i);
		name[i] = g_ascii_isalnum(c) ? g_ascii_tolower(c) : '_';
	}
	name[4] = '\0';
	gchar *mediaType = g_strdup_printf("application/x-gst-qt-%s-tag", name);
	GstStructure *info = gst_structure_new(mediaType, "style", G_TYPE_STRING, style, nullptr);
	g_free(mediaType);
	GstBuffer *buffer = gst_buffer_new_memdup(bytes.data(), bytes.size());
	GstSample *sample = gst_sample_new(buffer, nullptr, nullptr, info);
	gst_buffer_unref(buffer);
	return sample;
}

// qtdemux_parse_mvhd(): a creation time after 1970 is UTC unless it is in the future; before,
// it is shown in local time.
GstDateTime *creationDateTime(std::uint64_t created)
{
	if (created == 0)
		return nullptr;
	if (created >= kSecondsFrom1904To1970) {
		const std::uint64_t unix = created - kSecondsFrom1904To1970;
		const gint64 now = g_get_real_time() / G_USEC_PER_SEC;
		if (unix > std::uint64_t(G_MAXINT64) || gint64(unix) > now + 24 * 3600)
			return nullptr;
		return gst_date_time_new_from_unix_epoch_utc(gint64(unix));
	}
	GDateTime *base = g_date_time_new_utc(1904, 1, 1, 0, 0, 0);
	GDateTime *utc = g_date_time_add_seconds(base, gdouble(created));
	GstDateTime *out = nullptr;
	if (utc) {
		GDateTime *local = g_date_time_to_local(utc);
		out = gst_date_time_new_from_g_date_time(local); // takes `local`
		g_date_time_unref(utc);
	}
	g_date_time_unref(base);
	return out;
}

// The first Macintosh language codes of QuickTime's mdhd, as ISO 639-2/T (GoPro writes 0).
constexpr const char *kMacLanguages[] = {
    "eng", "fra", "deu", "ita", "nld", "swe", "spa", "dan", "por", "nor", "heb", "jpn", "ara", "fin",
    "ell", "isl", "mlt", "tur", "hrv", "zho", "urd", "hin", "tha", "kor", "lit", "pol", "hun", "est",
    "lav", "sme", "fao", "fas", "rus", "zho", "nld", "gle", "sqi", "ron", "ces", "slk", "slv",
};

// qtdemux_add_container_format()
const char *containerFormat(FourCC majorBrand, bool fragmented)
{
	if (majorBrand == FourCC("mjp2"))
		return "Motion JPEG 2000";
	if (majorBrand.at(0) == '3' && majorBrand.at(1) == 'g')
		return "3GP";
	if (majorBrand == FourCC("qt  "))
		return "Quicktime";
	return fragmented ? "ISO fMP4" : "ISO MP4/M4A";
}

} // namespace

std::unique_ptr<DemuxIndex> DemuxIndex::open(std::vector<std::uint8_t> moov, const FileFacts &facts,
					     std::string &error, std::string &detail)
{
	std::unique_ptr<DemuxIndex> self(new DemuxIndex());
	self->moov_ = std::move(moov);
	self->facts_ = facts;
	self->index_ = parseMoov(self->moov_, {facts.moovBodyOffset, facts.fileSize, false});
	self->track_ = findTelemetryTrack(self->index_);
	if (!self->track_) {
		error = "no GoPro telemetry (gpmd) track in this file";
		detail = std::to_string(self->index_.tracks.size()) + " tracks:";
		for (const Mp4Track &t : self->index_.tracks)
			detail += " " + t.handlerType.str() + "/" + t.sampleEntry.str();
		return nullptr;
	}
	return self;
}

std::string DemuxIndex::padName() const
{
	unsigned before = 0;
	for (const Mp4Track &t : index_.tracks) {
		if (&t == track_)
			break;
		if (t.handlerType == FourCC("meta"))
			before++;
	}
	return "meta_" + std::to_string(before);
}

std::string DemuxIndex::streamIdSuffix() const
{
	char id[16];
	std::snprintf(id, sizeof(id), "%03u", track_->id);
	return id;
}

GstCaps *DemuxIndex::makeCaps() const
{
	return gst_caps_new_empty_simple("meta/x-gst-fourcc-gpmd");
}

GstTagList *DemuxIndex::makeStreamTags() const
{
	/* qtdemux_parse_trak(): a Macintosh code (below 0x400) or packed ISO 639-2/T; "und" and
	 * "unk" say nothing. The Macintosh codes past the table's are left out. */
	const std::uint16_t code = track_->language;
	char lang[4] = {};
	if (code < 0x400) {
		if (code >= G_N_ELEMENTS(kMacLanguages))
			return nullptr;
		g_strlcpy(lang, kMacLanguages[code], sizeof(lang));
	} else if (code == 0x7fff) {
		return nullptr;
	} else {
		for (int i = 0; i < 3; i++)
			lang[i] = char(0x60 + ((code >> (10 - 5 * i)) & 0x1f));
	}
	if (std::string_view(lang) == "und" || std::string_view(lang) == "unk")
		return nullptr;
	const gchar *iso1 = gst_tag_get_language_code(lang);
	GstTagList *tags = gst_tag_list_new(GST_TAG_LANGUAGE_CODE, iso1 ? iso1 : lang, nullptr);
	gst_tag_list_set_scope(tags, GST_TAG_SCOPE_STREAM);
	return tags;
}

GstTagList *DemuxIndex::makeGlobalTags() const
{
	registerPrivateTag();
	GstTagList *tags = gst_tag_list_new_empty();
	gst_tag_list_set_scope(tags, GST_TAG_SCOPE_GLOBAL);
	if (GstDateTime *created = creationDateTime(index_.creationTime)) {
		gst_tag_list_add(tags, GST_TAG_MERGE_KEEP, GST_TAG_DATE_TIME, created, nullptr);
		gst_date_time_unref(created);
	}
	for (const Mp4UdtaAtom &atom : index_.udta) {
		GstSample *sample = privateTagSample(atom, facts_.majorBrand);
		gst_tag_list_add(tags, GST_TAG_MERGE_APPEND, kPrivateQtTag, sample, nullptr);
		gst_sample_unref(sample);
	}
	gst_tag_list_add(tags, GST_TAG_MERGE_REPLACE, GST_TAG_CONTAINER_FORMAT,
			 containerFormat(facts_.majorBrand, index_.fragmented), nullptr);
	return tags;
}

GstClockTime DemuxIndex::duration() const noexcept
{
	const std::uint64_t d = index_.durationNs();
	return d == kMp4NoTime ? GST_CLOCK_TIME_NONE : GstClockTime(d);
}

} // namespace gpmf::gst
