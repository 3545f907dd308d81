// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's blending: the fast path (8-bit 4:2:0 YUV, 32-bit RGB) and windowed gst_video_blend().
//
// Why a fast path: gst_video_blend() converts each line of the rectangle from premultiplied RGB
// to YUV and blends with three divisions per pixel, on every frame; at 1080p the dashboard cost
// 7 ms a frame that way, most of a decoder's time. Here the rectangle is converted once when it
// is drawn (premultiplied colour and 255 − alpha, in the frame's own colour matrix and range),
// and a frame costs one multiply-add per byte. Chroma takes the mean of the 2×2 pixels it
// covers (premultiplied), where gst_video_blend() takes the top-left one.

#include "gstgpmfoverlay-blend.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace gpmf::overlay
{

namespace
{

// x / 255, rounded, for x in [0, 255 × 255].
inline unsigned div255(unsigned x) noexcept
{
	x += 128;
	return (x + (x >> 8)) >> 8;
}

// 16 lanes of bytes and of 16-bit words, with GCC/Clang vector extensions: SSE2/AVX2 on x86, NEON
// on ARM, plain code elsewhere.
typedef std::uint8_t U8x16 __attribute__((vector_size(16)));
typedef std::uint16_t U16x16 __attribute__((vector_size(32)));

// dst = colour + dst × inverse / 255 (rounded, at most 255) for n bytes: "over" with
// premultiplied colour, the whole fast path's arithmetic.
void blendBytes(std::uint8_t *dst, const std::uint8_t *colour, const std::uint8_t *inverse, int n) noexcept
{
	int i = 0;
	for (; i + 16 <= n; i += 16) {
		U8x16 d, c, v;
		std::memcpy(&d, dst + i, 16);
		std::memcpy(&c, colour + i, 16);
		std::memcpy(&v, inverse + i, 16);
		U16x16 t = __builtin_convertvector(d, U16x16) * __builtin_convertvector(v, U16x16) + 128;
		t = ((t + (t >> 8)) >> 8) + __builtin_convertvector(c, U16x16);
		t = t > 255 ? U16x16{} + 255 : t;
		const U8x16 out = __builtin_convertvector(t, U8x16);
		std::memcpy(dst + i, &out, 16);
	}
	for (; i < n; i++)
		dst[i] = std::uint8_t(std::min(255u, colour[i] + div255(unsigned(dst[i]) * inverse[i])));
}

bool isYuv420(GstVideoFormat format) noexcept
{
	switch (format) {
	case GST_VIDEO_FORMAT_I420:
	case GST_VIDEO_FORMAT_YV12:
	case GST_VIDEO_FORMAT_NV12:
	case GST_VIDEO_FORMAT_NV21:
		return true;
	default:
		return false;
	}
}

bool isRgb32(GstVideoFormat format) noexcept
{
	switch (format) {
	case GST_VIDEO_FORMAT_BGRx:
	case GST_VIDEO_FORMAT_BGRA:
	case GST_VIDEO_FORMAT_RGBx:
	case GST_VIDEO_FORMAT_RGBA:
	case GST_VIDEO_FORMAT_xRGB:
	case GST_VIDEO_FORMAT_ARGB:
	case GST_VIDEO_FORMAT_xBGR:
	case GST_VIDEO_FORMAT_ABGR:
		return true;
	default:
		return false;
	}
}

// The window of `frame` holding the box x, y, w, h, widened to whole chroma samples so that
// converting it line by line gives the same pixels as converting whole lines; `dx`, `dy` is where
// the box starts in it. False for layouts a window cannot describe.
bool frameWindow(const GstVideoFrame *frame, int x, int y, int w, int h, GstVideoFrame *window, int *dx,
		 int *dy)
{
	const GstVideoFormatInfo *finfo = frame->info.finfo;
	if (GST_VIDEO_FORMAT_INFO_IS_TILED(finfo) || GST_VIDEO_FORMAT_INFO_IS_COMPLEX(finfo) ||
	    GST_VIDEO_FORMAT_INFO_HAS_PALETTE(finfo) || GST_VIDEO_FRAME_IS_INTERLACED(frame))
		return false;
	int alignX = 1, alignY = 1;
	for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS(finfo); c++) {
		// Formats packing pixel groups (v210, UYVP, IYU1...) have no per-pixel stride.
		if (GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, c) <= 0)
			return false;
		alignX = std::max(alignX, 1 << GST_VIDEO_FORMAT_INFO_W_SUB(finfo, c));
		alignY = std::max(alignY, 1 << GST_VIDEO_FORMAT_INFO_H_SUB(finfo, c));
	}
	const int frameW = GST_VIDEO_FRAME_WIDTH(frame), frameH = GST_VIDEO_FRAME_HEIGHT(frame);
	x = std::clamp(x, 0, frameW);
	y = std::clamp(y, 0, frameH);
	const int x0 = x / alignX * alignX, y0 = y / alignY * alignY;
	const int x1 = std::min(frameW, (std::min(frameW, x + w) + alignX - 1) / alignX * alignX);
	const int y1 = std::min(frameH, (std::min(frameH, y + h) + alignY - 1) / alignY * alignY);
	if (x1 <= x0 || y1 <= y0)
		return false;
	*window = *frame;
	window->info.width = x1 - x0;
	window->info.height = y1 - y0;
	for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(frame); p++) {
		// Any component of the plane gives its offset (YUY2: Y at x * 2, U at x / 2 * 4).
		guint c = 0;
		while (c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS(finfo) &&
		       GST_VIDEO_FORMAT_INFO_PLANE(finfo, c) != p)
			c++;
		if (c == GST_VIDEO_FORMAT_INFO_N_COMPONENTS(finfo))
			return false;
		const gsize column = gsize(GST_VIDEO_FORMAT_INFO_SCALE_WIDTH(finfo, c, x0)) *
				     gsize(GST_VIDEO_FORMAT_INFO_PSTRIDE(finfo, c));
		const gsize line = gsize(GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT(finfo, c, y0)) *
				   gsize(GST_VIDEO_FRAME_PLANE_STRIDE(frame, p));
		window->data[p] = static_cast<guint8 *>(frame->data[p]) + line + column;
	}
	*dx = x - x0;
	*dy = y - y0;
	return true;
}

// The frame's YUV matrix and range as 16.16 fixed-point factors of premultiplied R, G, B and of
// alpha (for the offsets): Y·α/255 = (y[0]·R + y[1]·G + y[2]·B + y[3]·α) >> 16, the same for U
// and V. An unknown matrix is taken as GStreamer does (BT.709 for HD, else BT.601).
struct YuvFactors {
	std::int32_t y[4], u[4], v[4];
};

YuvFactors factorsOf(const GstVideoInfo &info) noexcept
{
	gdouble kr = 0, kb = 0;
	if (!gst_video_color_matrix_get_Kr_Kb(info.colorimetry.matrix, &kr, &kb)) {
		kr = info.height >= 720 ? 0.2126 : 0.299;
		kb = info.height >= 720 ? 0.0722 : 0.114;
	}
	const double kg = 1 - kr - kb;
	gint offset[GST_VIDEO_MAX_COMPONENTS] = {0}, scale[GST_VIDEO_MAX_COMPONENTS] = {0};
	gst_video_color_range_offsets(info.colorimetry.range, info.finfo, offset, scale);
	auto fixed = [](double v) { return std::int32_t(std::lround(v * 65536.0 / 255.0)); };
	const double sy = scale[0] > 0 ? scale[0] : 255, su = scale[1] > 0 ? scale[1] : 255,
		     sv = scale[2] > 0 ? scale[2] : 255;
	// U = (B − Y') / (2 (1 − Kb)), V = (R − Y') / (2 (1 − Kr)), Y' = Kr R + Kg G + Kb B.
	const double ku = su / (2 * (1 - kb)), kv = sv / (2 * (1 - kr));
	YuvFactors f{};
	const double yk[4] = {sy * kr, sy * kg, sy * kb, double(offset[0])};
	const double uk[4] = {-ku * kr, -ku * kg, ku * (1 - kb), double(offset[1])};
	const double vk[4] = {kv * (1 - kr), -kv * kg, -kv * kb, double(offset[2])};
	for (int i = 0; i < 4; i++) {
		f.y[i] = fixed(yk[i]);
		f.u[i] = fixed(uk[i]);
		f.v[i] = fixed(vk[i]);
	}
	return f;
}

} // namespace

bool PreparedPixels::handles(GstVideoFormat format) noexcept
{
	return isYuv420(format) || isRgb32(format);
}

bool PreparedPixels::matches(const GstVideoOverlayRectangle *rect, const GstVideoInfo &info) const noexcept
{
	return rect_ == rect && format_ == GST_VIDEO_INFO_FORMAT(&info) &&
	       frameW_ == GST_VIDEO_INFO_WIDTH(&info) && frameH_ == GST_VIDEO_INFO_HEIGHT(&info) &&
	       gst_video_colorimetry_is_equal(&colorimetry_, &info.colorimetry);
}

bool PreparedPixels::prepare(GstVideoOverlayRectangle *rect, const GstVideoInfo &info)
{
	const GstVideoFormat format = GST_VIDEO_INFO_FORMAT(&info);
	if (!handles(format) || GST_VIDEO_INFO_IS_INTERLACED(&info)) {
		rect_ = nullptr;
		return false;
	}
	gint rx, ry;
	guint rw, rh;
	gst_video_overlay_rectangle_get_render_rectangle(rect, &rx, &ry, &rw, &rh);
	const GstVideoOverlayFormatFlags flags = gst_video_overlay_rectangle_get_flags(rect);
	GstBuffer *pixels = gst_video_overlay_rectangle_get_pixels_unscaled_raw(rect, flags);
	GstVideoMeta *meta = pixels ? gst_buffer_get_video_meta(pixels) : nullptr;
	GstVideoInfo sourceInfo;
	if (!meta || meta->width != rw || meta->height != rh || rx < 0 || ry < 0 ||
	    gst_video_overlay_rectangle_get_global_alpha(rect) != 1.0f ||
	    !gst_video_info_set_format(&sourceInfo, meta->format, meta->width, meta->height) ||
	    !GST_VIDEO_INFO_IS_RGB(&sourceInfo) || GST_VIDEO_INFO_COMP_PSTRIDE(&sourceInfo, 0) != 4) {
		rect_ = nullptr;
		return false;
	}
	GstVideoFrame source;
	if (!gst_video_frame_map(&source, &sourceInfo, pixels, GST_MAP_READ)) {
		rect_ = nullptr;
		return false;
	}

	const int frameW = GST_VIDEO_INFO_WIDTH(&info), frameH = GST_VIDEO_INFO_HEIGHT(&info);
	const int x = std::min(rx, frameW), y = std::min(ry, frameH);
	const int w = std::min(int(rw), frameW - x), h = std::min(int(rh), frameH - y);
	const bool premultiplied = flags & GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA;
	// The last drawing of this widget, in the same place, for the same frames: only the lines
	// that differ need converting again.
	const bool incremental = format == format_ && frameW == frameW_ && frameH == frameH_ && x == x_ &&
				 y == y_ && w == w_ && h == h_ && premultiplied &&
				 offR_ == int(GST_VIDEO_INFO_COMP_POFFSET(&sourceInfo, 0)) &&
				 offA_ == int(GST_VIDEO_INFO_COMP_POFFSET(&sourceInfo, 3)) &&
				 gst_video_colorimetry_is_equal(&colorimetry_, &info.colorimetry) &&
				 source_.size() == std::size_t(w) * std::size_t(h) * 4;
	format_ = format;
	colorimetry_ = info.colorimetry;
	frameW_ = frameW;
	frameH_ = frameH;
	x_ = x;
	y_ = y;
	w_ = w;
	h_ = h;
	offR_ = int(GST_VIDEO_INFO_COMP_POFFSET(&sourceInfo, 0));
	offG_ = int(GST_VIDEO_INFO_COMP_POFFSET(&sourceInfo, 1));
	offB_ = int(GST_VIDEO_INFO_COMP_POFFSET(&sourceInfo, 2));
	offA_ = int(GST_VIDEO_INFO_COMP_POFFSET(&sourceInfo, 3));
	const std::size_t n = std::size_t(w) * std::size_t(h), rowBytes = std::size_t(w) * 4;
	if (!incremental) {
		source_.assign(n * 4, 0);
		inverse_.assign(n, 255);
		colour_.assign(isRgb32(format) ? n * 4 : n, 0);
		if (isYuv420(format)) {
			const YuvFactors f = factorsOf(info);
			std::copy(f.y, f.y + 4, yuv_[0]);
			std::copy(f.u, f.u + 4, yuv_[1]);
			std::copy(f.v, f.v + 4, yuv_[2]);
			cx_ = x / 2;
			cy_ = y / 2;
			cw_ = (x + w + 1) / 2 - cx_;
			ch_ = (y + h + 1) / 2 - cy_;
			const std::size_t nc = std::size_t(std::max(0, cw_)) * std::size_t(std::max(0, ch_));
			semiPlanar_ = GST_VIDEO_FORMAT_INFO_PSTRIDE(info.finfo, 1) == 2;
			u_.assign(semiPlanar_ ? 0 : nc, 0);
			v_.assign(semiPlanar_ ? 0 : nc, 0);
			chromaInverse_.assign(semiPlanar_ ? 0 : nc, 255);
			uv_.assign(semiPlanar_ ? 2 * nc : 0, 0);
			uvInverse_.assign(semiPlanar_ ? 2 * nc : 0, 255);
		} else {
			inverse4_.assign(n * 4, 255);
		}
	}

	const auto *src = static_cast<const std::uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(&source, 0));
	const std::size_t srcStride = std::size_t(GST_VIDEO_FRAME_PLANE_STRIDE(&source, 0));
	std::vector<bool> changed(std::size_t(std::max(0, h)), false);
	for (int j = 0; j < h; j++) {
		const std::uint8_t *line = src + std::size_t(j) * srcStride;
		std::uint8_t *copy = &source_[std::size_t(j) * rowBytes];
		if (incremental && std::equal(line, line + rowBytes, copy))
			continue;
		std::copy(line, line + rowBytes, copy);
		if (!premultiplied) {
			for (std::size_t i = 0; i < rowBytes; i += 4) {
				const unsigned a = copy[i + offA_];
				for (int c : {offR_, offG_, offB_})
					copy[i + c] = std::uint8_t(div255(copy[i + c] * a));
			}
		}
		changed[std::size_t(j)] = true;
		convertRow(j);
	}
	gst_video_frame_unmap(&source);
	if (isYuv420(format)) {
		for (int cj = 0; cj < ch_; cj++) {
			// The luma lines this chroma line stands for.
			const int first = 2 * (cy_ + cj) - y_;
			if ((first >= 0 && first < h && changed[std::size_t(first)]) ||
			    (first + 1 >= 0 && first + 1 < h && changed[std::size_t(first + 1)]))
				convertChromaRow(cj);
		}
	}
	rect_ = rect;
	return true;
}

// Line j of source_ into colour_ and inverse_.
void PreparedPixels::convertRow(int j)
{
	const std::uint8_t *src = &source_[std::size_t(j) * w_ * 4];
	std::uint8_t *inverse = &inverse_[std::size_t(j) * w_];
	if (isRgb32(format_)) {
		const GstVideoFormatInfo *finfo = gst_video_format_get_info(format_);
		const int dr = int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 0)),
			  dg = int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 1)),
			  db = int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 2));
		const int da = GST_VIDEO_FORMAT_INFO_HAS_ALPHA(finfo)
				   ? int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 3))
				   : -1;
		std::uint8_t *colour = &colour_[std::size_t(j) * w_ * 4];
		for (int i = 0; i < w_; i++) {
			const std::uint8_t *p = src + std::size_t(i) * 4;
			std::uint8_t *c = colour + std::size_t(i) * 4;
			c[dr] = p[offR_];
			c[dg] = p[offG_];
			c[db] = p[offB_];
			if (da >= 0)
				c[da] = p[offA_];
			inverse[i] = std::uint8_t(255 - p[offA_]);
			// Colour bytes and alpha scale by 1 − alpha; an x byte keeps its value.
			std::uint8_t *v = &inverse4_[(std::size_t(j) * w_ + std::size_t(i)) * 4];
			for (int b = 0; b < 4; b++)
				v[b] = b == dr || b == dg || b == db || b == da ? inverse[i] : 255;
		}
		return;
	}
	const std::int32_t *f = yuv_[0];
	std::uint8_t *colour = &colour_[std::size_t(j) * w_];
	for (int i = 0; i < w_; i++) {
		const std::uint8_t *p = src + std::size_t(i) * 4;
		const std::int32_t y = f[0] * p[offR_] + f[1] * p[offG_] + f[2] * p[offB_] + f[3] * p[offA_];
		colour[i] = std::uint8_t(std::clamp((y + 32768) >> 16, 0, 255));
		inverse[i] = std::uint8_t(255 - p[offA_]);
	}
}

// Chroma line cj from the (up to two) lines of source_ it stands for: the mean premultiplied U
// and V and the mean alpha of its pixels (4, fewer on the frame's odd last row or column).
void PreparedPixels::convertChromaRow(int cj)
{
	// U and V are linear in premultiplied R, G, B and alpha: sum those over the pixels, then
	// convert once per chroma sample.
	const std::size_t n = std::size_t(cw_);
	sums_.assign(4 * n, 0);
	std::int32_t *sums = sums_.data();
	for (int dy = 0; dy < 2; dy++) {
		const int j = 2 * (cy_ + cj) + dy - y_;
		if (j < 0 || j >= h_)
			continue;
		const std::uint8_t *row = &source_[std::size_t(j) * w_ * 4];
		for (int i = 0; i < w_; i++) {
			const std::uint8_t *p = row + std::size_t(i) * 4;
			std::int32_t *sum = sums + std::size_t(((x_ + i) >> 1) - cx_) * 4;
			sum[0] += p[offR_];
			sum[1] += p[offG_];
			sum[2] += p[offB_];
			sum[3] += p[offA_];
		}
	}
	const std::int32_t *fu = yuv_[1], *fv = yuv_[2];
	const int rows = std::min(2, frameH_ - 2 * (cy_ + cj));
	const bool uFirst = format_ == GST_VIDEO_FORMAT_NV12;
	for (int ci = 0; ci < cw_; ci++) {
		const std::int32_t count = rows * std::min(2, frameW_ - 2 * (cx_ + ci));
		const std::size_t c = std::size_t(cj) * cw_ + ci;
		const std::int32_t *sum = sums + std::size_t(ci) * 4;
		const std::int32_t u = fu[0] * sum[0] + fu[1] * sum[1] + fu[2] * sum[2] + fu[3] * sum[3];
		const std::int32_t v = fv[0] * sum[0] + fv[1] * sum[1] + fv[2] * sum[2] + fv[3] * sum[3];
		const auto uByte = std::uint8_t(std::clamp((u / count + 32768) >> 16, 0, 255));
		const auto vByte = std::uint8_t(std::clamp((v / count + 32768) >> 16, 0, 255));
		const auto inverse = std::uint8_t(255 - (sum[3] + count / 2) / count);
		if (semiPlanar_) {
			// In the plane's byte order: U first for NV12, V first for NV21.
			uv_[2 * c] = uFirst ? uByte : vByte;
			uv_[2 * c + 1] = uFirst ? vByte : uByte;
			uvInverse_[2 * c] = uvInverse_[2 * c + 1] = inverse;
		} else {
			u_[c] = uByte;
			v_[c] = vByte;
			chromaInverse_[c] = inverse;
		}
	}
}

void PreparedPixels::blend(GstVideoFrame *frame) const noexcept
{
	if (isRgb32(format_))
		blendRgb32(frame);
	else
		blendYuv420(frame);
}

void PreparedPixels::blendYuv420(GstVideoFrame *frame) const noexcept
{
	auto *y = static_cast<std::uint8_t *>(GST_VIDEO_FRAME_COMP_DATA(frame, 0));
	const std::size_t yStride = std::size_t(GST_VIDEO_FRAME_COMP_STRIDE(frame, 0));
	for (int j = 0; j < h_; j++)
		blendBytes(y + std::size_t(y_ + j) * yStride + x_, &colour_[std::size_t(j) * w_],
			   &inverse_[std::size_t(j) * w_], w_);
	auto *u = static_cast<std::uint8_t *>(GST_VIDEO_FRAME_COMP_DATA(frame, 1));
	auto *v = static_cast<std::uint8_t *>(GST_VIDEO_FRAME_COMP_DATA(frame, 2));
	const std::size_t uStride = std::size_t(GST_VIDEO_FRAME_COMP_STRIDE(frame, 1));
	const std::size_t vStride = std::size_t(GST_VIDEO_FRAME_COMP_STRIDE(frame, 2));
	for (int j = 0; j < ch_; j++) {
		const std::size_t base = std::size_t(j) * cw_;
		if (semiPlanar_) {
			std::uint8_t *row =
			    std::min(u, v) + std::size_t(cy_ + j) * uStride + std::size_t(cx_) * 2;
			blendBytes(row, &uv_[2 * base], &uvInverse_[2 * base], 2 * cw_);
		} else {
			blendBytes(u + std::size_t(cy_ + j) * uStride + cx_, &u_[base], &chromaInverse_[base],
				   cw_);
			blendBytes(v + std::size_t(cy_ + j) * vStride + cx_, &v_[base], &chromaInverse_[base],
				   cw_);
		}
	}
}

void PreparedPixels::blendRgb32(GstVideoFrame *frame) const noexcept
{
	const GstVideoFormatInfo *finfo = frame->info.finfo;
	const int da =
	    GST_VIDEO_FORMAT_INFO_HAS_ALPHA(finfo) ? int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 3)) : -1;
	const int colourBytes[3] = {int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 0)),
				    int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 1)),
				    int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 2))};
	auto *data = static_cast<std::uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(frame, 0));
	const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0);
	if (da < 0) {
		// No alpha in the frame: every byte the same "over".
		for (int j = 0; j < h_; j++)
			blendBytes(data + std::size_t(y_ + j) * stride + std::size_t(x_) * 4,
				   &colour_[std::size_t(j) * w_ * 4], &inverse4_[std::size_t(j) * w_ * 4],
				   w_ * 4);
		return;
	}
	for (int j = 0; j < h_; j++) {
		std::uint8_t *row = data + std::size_t(y_ + j) * stride + std::size_t(x_) * 4;
		for (int i = 0; i < w_; i++) {
			const std::size_t k = std::size_t(j) * w_ + i;
			const unsigned inverse = inverse_[k];
			if (inverse == 255)
				continue;
			std::uint8_t *d = row + std::size_t(i) * 4;
			const std::uint8_t *c = &colour_[k * 4];
			if (d[da] == 255) {
				for (int b : colourBytes)
					d[b] = std::uint8_t(
					    std::min(255u, c[b] + div255(unsigned(d[b]) * inverse)));
				continue;
			}
			// A see-through frame (straight alpha): "over" in full.
			const unsigned frameAlpha = d[da];
			const unsigned alpha = 255 - inverse + div255(frameAlpha * inverse);
			if (alpha == 0)
				continue;
			for (int b : colourBytes) {
				const unsigned sum =
				    c[b] * 255u + div255(unsigned(d[b]) * frameAlpha) * inverse;
				d[b] = std::uint8_t(std::min(255u, (sum + alpha / 2) / alpha));
			}
			d[da] = std::uint8_t(alpha);
		}
	}
}

bool blendRectangle(GstVideoOverlayRectangle *rect, GstVideoFrame *frame)
{
	gint x, y;
	guint w, h;
	gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
	const GstVideoOverlayFormatFlags flags = gst_video_overlay_rectangle_get_flags(rect);
	GstBuffer *pixels = gst_video_overlay_rectangle_get_pixels_unscaled_raw(rect, flags);
	GstVideoMeta *meta = pixels ? gst_buffer_get_video_meta(pixels) : nullptr;
	GstVideoFrame window;
	int dx = 0, dy = 0;
	if (!meta || meta->width != w || meta->height != h || x < 0 || y < 0 ||
	    !frameWindow(frame, x, y, int(w), int(h), &window, &dx, &dy)) {
		GstVideoOverlayComposition *single = gst_video_overlay_composition_new(rect);
		const bool ok = gst_video_overlay_composition_blend(single, frame);
		gst_video_overlay_composition_unref(single);
		return ok;
	}
	GstVideoInfo info;
	gst_video_info_set_format(&info, meta->format, meta->width, meta->height);
	if (flags & GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA)
		info.flags = static_cast<GstVideoFlags>(info.flags | GST_VIDEO_FLAG_PREMULTIPLIED_ALPHA);
	GstVideoFrame source;
	if (!gst_video_frame_map(&source, &info, pixels, GST_MAP_READ))
		return false;
	const bool ok =
	    gst_video_blend(&window, &source, dx, dy, gst_video_overlay_rectangle_get_global_alpha(rect));
	gst_video_frame_unmap(&source);
	return ok;
}

bool blendComposition(GstVideoOverlayComposition *composition, GstVideoFrame *frame)
{
	bool ok = true;
	for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(composition); i++)
		ok = blendRectangle(gst_video_overlay_composition_get_rectangle(composition, i), frame) && ok;
	return ok;
}

} // namespace gpmf::overlay
