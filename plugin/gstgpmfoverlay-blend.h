// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's blending of overlay rectangles into raw frames: a fast path for the formats
// decoders and converters hand out most (8-bit 4:2:0 YUV and 32-bit RGB), and GStreamer's
// gst_video_blend() for every other one.
#pragma once

#include <cstdint>
#include <vector>

#include <gst/gst.h>
// GStreamer 1.22's video-blend.h (which video.h includes) lacks G_BEGIN_DECLS: read it as C first,
// or gst_video_blend() gets C++ linkage. Include this header before any other video header.
extern "C" {
#include <gst/video/video-blend.h>
}
#include <gst/video/video.h>

namespace gpmf::overlay
{

/// One rectangle's pixels made ready for frames of one format: premultiplied colours in the
/// frame's colour space and the "1 − alpha" to scale the frame by, per pixel (and per chroma
/// sample). Made once per drawing of the widget, used on every frame after.
class PreparedPixels
{
public:
	/// Whether frames of this format take the fast path.
	static bool handles(GstVideoFormat format) noexcept;

	/// Converts the rectangle's pixels (premultiplied ARGB, unscaled) for frames like `info`;
	/// false when the rectangle or format does not suit the fast path. A new drawing of the same
	/// widget (same place and size) converts only the lines that changed since the last one.
	bool prepare(GstVideoOverlayRectangle *rect, const GstVideoInfo &info);
	/// Whether prepare() was done for this rectangle and frames like `info`.
	bool matches(const GstVideoOverlayRectangle *rect, const GstVideoInfo &info) const noexcept;
	/// Blends into a frame like the one prepare() was given.
	void blend(GstVideoFrame *frame) const noexcept;

private:
	void convertRow(int j);
	void convertChromaRow(int cj);
	void blendYuv420(GstVideoFrame *frame) const noexcept;
	void blendRgb32(GstVideoFrame *frame) const noexcept;

	const GstVideoOverlayRectangle *rect_ = nullptr;
	GstVideoFormat format_ = GST_VIDEO_FORMAT_UNKNOWN;
	GstVideoColorimetry colorimetry_{};
	int frameW_ = 0, frameH_ = 0;
	int x_ = 0, y_ = 0, w_ = 0, h_ = 0;		///< the pixels drawn, clipped to the frame
	int offR_ = 0, offG_ = 0, offB_ = 0, offA_ = 0; ///< byte of each component in source_
	std::int32_t yuv_[3][4] = {};		///< 4:2:0: Y, U, V from premultiplied R, G, B, A (16.16)
	std::vector<std::uint8_t> source_;	///< the drawing converted, premultiplied, 4 bytes a pixel
	std::vector<std::uint8_t> colour_;	///< Y (4:2:0) or the frame's 4 bytes (RGB), premultiplied
	std::vector<std::uint8_t> inverse_;	///< 255 − alpha, per pixel
	int cx_ = 0, cy_ = 0, cw_ = 0, ch_ = 0; ///< 4:2:0: the chroma samples touched
	bool semiPlanar_ = false;		///< NV12, NV21: U and V interleaved, in the frame's order
	std::vector<std::uint8_t> u_, v_, chromaInverse_; ///< I420, YV12: per chroma sample
	std::vector<std::uint8_t> uv_, uvInverse_;	  ///< NV12, NV21: per byte of the chroma plane
	std::vector<std::uint8_t> inverse4_;		  ///< RGB: 255 − alpha per byte (255 for x)
	std::vector<std::int32_t> sums_;		  ///< convertChromaRow()'s scratch
};

/// Blends one rectangle into a mapped frame with gst_video_blend(), like
/// gst_video_overlay_composition_blend() but into a window of the frame around the rectangle:
/// gst_video_blend() converts whole lines of its destination, so on the whole frame a small
/// rectangle costs the frame's width on each of its lines. Rectangles it cannot window (scaled
/// ones, tiled, packed-group or interlaced frames) go through
/// gst_video_overlay_composition_blend(). False when the blend failed.
bool blendRectangle(GstVideoOverlayRectangle *rect, GstVideoFrame *frame);

/// blendRectangle() for each rectangle (another element's composition, for one).
bool blendComposition(GstVideoOverlayComposition *composition, GstVideoFrame *frame);

} // namespace gpmf::overlay
