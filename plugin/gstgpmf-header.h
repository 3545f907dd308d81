// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// The recording's header (camera, settings, HiLights) from the udta atoms that qtdemux and
// gpmfdemux send as private-qt-tag tags: shared by gpmfparse, gpmfattach and gpmf2json.
#pragma once

#include <gst/gst.h>

#include "gpmf/header.h"

namespace gpmf::gst
{

/// Adds every udta atom among the list's private-qt-tag samples to `header` (null list: none).
void addUdtaAtoms(gpmf::Header &header, const GstTagList *list);

} // namespace gpmf::gst
