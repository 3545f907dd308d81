// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's blending into raw frames: a fast path from the widgets' canvases for the formats
// decoders and converters hand out most (8-bit 4:2:0 YUV and 32-bit RGB), and GStreamer's
// gst_video_blend() of overlay rectangles for every other one.
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

/// A widget's drawing: premultiplied ARGB in native-endian 32-bit words (Cairo's ARGB32), w × h
/// pixels placed at x, y of the frame.
struct Canvas {
	const std::uint8_t *data = nullptr;
	int stride = 0;
	int x = 0, y = 0, w = 0, h = 0;
};

/// A rectangle of a canvas, in its pixels: [x0, x1) × [y0, y1).
struct CanvasArea {
	int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

/// One widget's pixels made ready for frames of one format: premultiplied colours in the frame's
/// colour space and the "1 − alpha" to scale the frame by, per pixel (and per chroma sample).
/// Made when the widget is drawn, used on every frame after.
class PreparedPixels
{
public:
	/// Whether frames of this format take the fast path.
	static bool handles(GstVideoFormat format) noexcept;

	/// Converts the canvas for frames like `info`: only `changed` (areas of the canvas) when the
	/// last call was for the same frames and the same place and size, else all of it. False when
	/// the format does not suit the fast path.
	bool prepare(const Canvas &canvas, const GstVideoInfo &info, const std::vector<CanvasArea> &changed);
	/// Whether prepare() was done for a canvas of this place and size and frames like `info`.
	bool matches(const Canvas &canvas, const GstVideoInfo &info) const noexcept;
	/// Forgets the conversion: the next prepare() converts everything.
	void clear() noexcept { format_ = GST_VIDEO_FORMAT_UNKNOWN; }
	/// Blends into a frame like the one prepare() was given.
	void blend(GstVideoFrame *frame) const noexcept;
	/// blend() on lines [first, last) of one plane of the frame only.
	void blendLines(GstVideoFrame *frame, guint plane, int first, int last) const noexcept;

private:
	void convertRows(const Canvas &canvas, int y0, int y1, int x0, int x1);
	void convertChroma(const Canvas &canvas, int cy0, int cy1, int cx0, int cx1);
	void blendLuma(GstVideoFrame *frame, int first, int last) const noexcept;
	void blendChroma(GstVideoFrame *frame, int comp, int first, int last) const noexcept;
	void blendRgb32(GstVideoFrame *frame, int first, int last) const noexcept;

	GstVideoFormat format_ = GST_VIDEO_FORMAT_UNKNOWN;
	GstVideoColorimetry colorimetry_{};
	int frameW_ = 0, frameH_ = 0;
	int canvasX_ = 0, canvasY_ = 0, canvasW_ = 0, canvasH_ = 0; ///< the canvas as given
	int x_ = 0, y_ = 0, w_ = 0, h_ = 0;		///< the pixels drawn, clipped to the frame
	std::int32_t yuv_[3][4] = {};		///< 4:2:0: Y, U, V from premultiplied R, G, B, A (16.16)
	std::vector<std::uint8_t> colour_;	///< Y (4:2:0) or the frame's 4 bytes (RGB), premultiplied
	std::vector<std::uint8_t> inverse_;	///< 255 − alpha, per pixel
	int cx_ = 0, cy_ = 0, cw_ = 0, ch_ = 0; ///< 4:2:0: the chroma samples touched
	bool semiPlanar_ = false;		///< NV12, NV21: U and V interleaved, in the frame's order
	std::vector<std::uint8_t> u_, v_, chromaInverse_; ///< I420, YV12: per chroma sample
	std::vector<std::uint8_t> uv_, uvInverse_;	  ///< NV12, NV21: per byte of the chroma plane
	std::vector<std::uint8_t> inverse4_;		  ///< RGB: 255 − alpha per byte (255 for x)
	/// Per line (and chroma line): the columns [first, last) not fully transparent, the rest
	/// left alone by blend().
	std::vector<std::int32_t> span_, chromaSpan_;
	std::vector<std::uint8_t> scratch_; ///< convertChroma()'s, for NV12 and NV21
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
