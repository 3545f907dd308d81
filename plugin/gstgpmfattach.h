// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfattach: puts on every video frame the GoPro telemetry of its time (GstGpmfMeta, and
// GstVideoRegionOfInterestMeta for detected faces).
#pragma once

#include <gst/base/gstaggregator.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_GPMF_ATTACH gst_gpmf_attach_get_type()
G_DECLARE_FINAL_TYPE(GstGpmfAttach, gst_gpmf_attach, GST, GPMF_ATTACH, GstAggregator)

GST_ELEMENT_REGISTER_DECLARE(gpmfattach);

G_END_DECLS
