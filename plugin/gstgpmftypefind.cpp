// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// Type finder for raw GPMF dumps: a gpmd track or payload saved as it is (application/x-gpmf).

#include "gstgpmftypefind.h"

#include <cstdint>
#include <cstring>

namespace
{

constexpr guint kKlvHeader = 8;

// GPMF keys are printable 7-bit ASCII.
bool plausibleKey(const guint8 *p)
{
	for (int i = 0; i < 4; i++) {
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	}
	return true;
}

bool plausibleType(guint8 type)
{
	return type == 0 || std::strchr("bBcdfFgGjJlLqQsSuU?#", type) != nullptr;
}

// Bytes a KLV takes, header and 32-bit padding included.
guint64 klvSpan(const guint8 *header)
{
	const guint64 size = guint64(header[5]) * ((guint64(header[6]) << 8) | header[7]);
	return kKlvHeader + ((size + 3) & ~guint64(3));
}

/*
 * A GPMF dump starts with a nested DEVC whose first child is a KLV such as DVID (L, 4, 1).
 * Confidence grows with what checks out: the DEVC header, its first child, and a second DEVC
 * right after the first.
 */
void gpmfTypeFind(GstTypeFind *tf, [[maybe_unused]] gpointer data)
{
	const guint8 *head = gst_type_find_peek(tf, 0, 2 * kKlvHeader);
	if (!head || std::memcmp(head, "DEVC", 4) != 0 || head[4] != 0)
		return;
	const guint64 span = klvSpan(head);
	if (span < 2 * kKlvHeader)
		return;
	const guint8 *child = head + kKlvHeader;
	if (!plausibleKey(child) || !plausibleType(child[4]) || klvSpan(child) > span - kKlvHeader)
		return;

	GstTypeFindProbability probability =
	    std::memcmp(child, "DVID", 4) == 0 ? GST_TYPE_FIND_LIKELY : GST_TYPE_FIND_POSSIBLE;
	const guint64 length = gst_type_find_get_length(tf);
	if (span <= G_MAXINT64 - kKlvHeader) {
		const guint8 *next = gst_type_find_peek(tf, gint64(span), kKlvHeader);
		if (next && std::memcmp(next, "DEVC", 4) == 0 && next[4] == 0)
			probability = GST_TYPE_FIND_NEARLY_CERTAIN;
		else if (length != 0 && length == span && probability == GST_TYPE_FIND_LIKELY)
			probability = GST_TYPE_FIND_NEARLY_CERTAIN; // a single payload, nothing else
	}
	gst_type_find_suggest_empty_simple(tf, probability, "application/x-gpmf");
}

} // namespace

// The name GST_TYPE_FIND_REGISTER_DECLARE(gpmf) declares; written out because the caps are built
// at run time (GST_TYPE_FIND_REGISTER_DEFINE would leak a GstCaps per call).
gboolean gst_type_find_register_gpmf(GstPlugin *plugin)
{
	GstCaps *caps = gst_caps_new_empty_simple("application/x-gpmf");
	const gboolean ok = gst_type_find_register(plugin, "application/x-gpmf", GST_RANK_MARGINAL,
						   gpmfTypeFind, "gpmf,bin", caps, nullptr, nullptr);
	gst_caps_unref(caps);
	return ok;
}
