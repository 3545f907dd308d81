// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// The recording's header from udta atoms carried as private-qt-tag tags.

#include "gstgpmf-header.h"

#include "gstgpmf-utils.h"

namespace gpmf::gst
{

void addUdtaAtoms(gpmf::Header &header, const GstTagList *list)
{
	if (!list)
		return;
	const guint n = gst_tag_list_get_tag_size(list, kPrivateQtTag);
	for (guint i = 0; i < n; i++) {
		const GValue *value = gst_tag_list_get_value_index(list, kPrivateQtTag, i);
		if (!value || !GST_VALUE_HOLDS_SAMPLE(value))
			continue;
		GstBuffer *buffer = gst_sample_get_buffer(gst_value_get_sample(value));
		if (!buffer)
			continue;
		BufferMap map(buffer);
		if (map)
			gpmf::addUdtaAtomBytes(header, map.bytes());
	}
}

} // namespace gpmf::gst
