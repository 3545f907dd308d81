// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// libgpmf, everything a user of the library needs: #include <gpmf/gpmf.h>.
//
//   gpmf::Session session({}, [](gpmf::SessionEvent &e) {
//       if (e.kind == gpmf::SessionEvent::Kind::Payload) use(*e.payload); // devices, streams, samples
//       return true;
//   });
//   session.pushRaw(bytes);  // a gpmd track dump, or pushPayload(bytes, pts, duration) per sample
//   session.endRaw();
//   session.end();           // the summary
#pragma once

#include "gpmf/decoder.h"     // one payload's bytes to its decoded form (Decoder, decodePayload)
#include "gpmf/error.h"       // Errc, Diagnostic
#include "gpmf/fourcc.h"      // FourCC
#include "gpmf/gps.h"         // GPS points and UTC, GpsTrack
#include "gpmf/gps_writers.h" // GPX, KML, CSV, GeoJSON
#include "gpmf/header.h"      // udta atoms: camera, settings, HiLights
#include "gpmf/klv_writer.h"  // writing GPMF
#include "gpmf/model.h"       // Payload, Device, Stream
#include "gpmf/mp4_index.h"   // the gpmd track of an MP4 without reading its media
#include "gpmf/records.h"     // the NDJSON records
#include "gpmf/session.h"     // the decoding session every front end uses
#include "gpmf/track_splitter.h" // raw gpmd track dumps
#include "gpmf/values.h"      // decoded sample values
