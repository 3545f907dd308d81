// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2025 The gst-gpmf authors
// Type finder for raw GPMF dumps (application/x-gpmf).
#pragma once

#include <gst/gst.h>

GST_TYPE_FIND_REGISTER_DECLARE(gpmf);
