// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's blending: the fast path (8-bit 4:2:0 YUV, 32-bit RGB) and windowed gst_video_blend().
//
// Why a fast path: gst_video_blend() converts each line of the rectangle from premultiplied RGB
// to YUV and blends with three divisions per pixel, on every frame; at 1080p the dashboard cost
// 7 ms a frame that way, most of a decoder's time. Here a widget's canvas is converted when it
// is drawn, and only where it was redrawn (premultiplied colour and 255 − alpha, in the frame's
// own colour matrix and range), and a frame costs one multiply-add per byte, skipping the
// transparent ends of each line. Chroma takes the mean of the 2×2 pixels it covers
// (premultiplied), where gst_video_blend() takes the top-left one.

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

// On x86-64 an AVX2 copy of the blending loop is built beside the baseline (SSE2) one, and the
// loader picks the one the CPU runs (an ifunc): twice the lanes where AVX2 is there.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define GPMF_OVERLAY_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef GPMF_OVERLAY_CLONES
#define GPMF_OVERLAY_CLONES
#endif

// dst = colour + dst × inverse / 255 (rounded, at most 255) for n bytes: "over" with
// premultiplied colour, the whole fast path's arithmetic. Written for the vectorizer:
// (x + 128) × 257 >> 16 is x / 255 rounded for x ≤ 255 × 255, a high-half multiply.
GPMF_OVERLAY_CLONES void blendBytes(std::uint8_t *__restrict dst, const std::uint8_t *__restrict colour,
				    const std::uint8_t *__restrict inverse, int n) noexcept
{
	for (int i = 0; i < n; i++) {
		const std::uint16_t x = std::uint16_t(dst[i] * inverse[i] + 128);
		const unsigned sum = colour[i] + ((unsigned(x) * 257u) >> 16);
		dst[i] = std::uint8_t(sum > 255 ? 255 : sum);
	}
}

// Y (premultiplied, in the frame's range) and 255 − alpha of n pixels of Cairo's ARGB32.
GPMF_OVERLAY_CLONES void lumaOf(const std::uint32_t *__restrict src, int n, const std::int32_t *f,
				std::uint8_t *__restrict colour, std::uint8_t *__restrict inverse) noexcept
{
	const std::int32_t f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3];
	for (int i = 0; i < n; i++) {
		const std::uint32_t p = src[i];
		const std::int32_t y = f0 * std::int32_t((p >> 16) & 0xff) + f1 * std::int32_t((p >> 8) & 0xff) +
				       f2 * std::int32_t(p & 0xff) + f3 * std::int32_t(p >> 24);
		const std::int32_t v = (y + 32768) >> 16;
		colour[i] = std::uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
		inverse[i] = std::uint8_t(255 - (p >> 24));
	}
}

// The chroma of n samples inside the canvas, each the mean of the 2 × 2 premultiplied pixels
// under it (row0[2k], row0[2k + 1], row1[2k], row1[2k + 1]): U, V and 255 − alpha. The same
// arithmetic as PreparedPixels::convertChroma()'s edge case, without its branches, so that it
// vectorizes.
GPMF_OVERLAY_CLONES void chromaOf(const std::uint32_t *__restrict row0, const std::uint32_t *__restrict row1,
				  int n, const std::int32_t *fu, const std::int32_t *fv,
				  std::uint8_t *__restrict u, std::uint8_t *__restrict v,
				  std::uint8_t *__restrict inverse) noexcept
{
	const std::int32_t u0 = fu[0], u1 = fu[1], u2 = fu[2], u3 = fu[3];
	const std::int32_t v0 = fv[0], v1 = fv[1], v2 = fv[2], v3 = fv[3];
	for (int k = 0; k < n; k++) {
		const std::uint32_t a = row0[2 * k], b = row0[2 * k + 1], c = row1[2 * k], d = row1[2 * k + 1];
		const std::int32_t r = std::int32_t(((a >> 16) & 0xff) + ((b >> 16) & 0xff) + ((c >> 16) & 0xff) +
						    ((d >> 16) & 0xff));
		const std::int32_t g = std::int32_t(((a >> 8) & 0xff) + ((b >> 8) & 0xff) + ((c >> 8) & 0xff) +
						    ((d >> 8) & 0xff));
		const std::int32_t bl = std::int32_t((a & 0xff) + (b & 0xff) + (c & 0xff) + (d & 0xff));
		const std::int32_t al = std::int32_t((a >> 24) + (b >> 24) + (c >> 24) + (d >> 24));
		const std::int32_t su = u0 * r + u1 * g + u2 * bl + u3 * al;
		const std::int32_t sv = v0 * r + v1 * g + v2 * bl + v3 * al;
		const std::int32_t mu = ((su / 4) + 32768) >> 16, mv = ((sv / 4) + 32768) >> 16;
		u[k] = std::uint8_t(mu < 0 ? 0 : mu > 255 ? 255 : mu);
		v[k] = std::uint8_t(mv < 0 ? 0 : mv > 255 ? 255 : mv);
		inverse[k] = std::uint8_t(255 - ((al + 2) >> 2));
	}
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

bool PreparedPixels::matches(const Canvas &canvas, const GstVideoInfo &info) const noexcept
{
	return format_ != GST_VIDEO_FORMAT_UNKNOWN && format_ == GST_VIDEO_INFO_FORMAT(&info) &&
	       frameW_ == GST_VIDEO_INFO_WIDTH(&info) && frameH_ == GST_VIDEO_INFO_HEIGHT(&info) &&
	       canvasX_ == canvas.x && canvasY_ == canvas.y && canvasW_ == canvas.w && canvasH_ == canvas.h &&
	       gst_video_colorimetry_is_equal(&colorimetry_, &info.colorimetry);
}

bool PreparedPixels::prepare(const Canvas &canvas, const GstVideoInfo &info,
			     const std::vector<CanvasArea> &changed)
{
	const GstVideoFormat format = GST_VIDEO_INFO_FORMAT(&info);
	if (!handles(format) || GST_VIDEO_INFO_IS_INTERLACED(&info) || canvas.x < 0 || canvas.y < 0) {
		clear();
		return false;
	}
	const bool incremental = matches(canvas, info);
	const int frameW = GST_VIDEO_INFO_WIDTH(&info), frameH = GST_VIDEO_INFO_HEIGHT(&info);
	if (!incremental) {
		format_ = format;
		colorimetry_ = info.colorimetry;
		frameW_ = frameW;
		frameH_ = frameH;
		canvasX_ = canvas.x;
		canvasY_ = canvas.y;
		canvasW_ = canvas.w;
		canvasH_ = canvas.h;
		x_ = std::min(canvas.x, frameW);
		y_ = std::min(canvas.y, frameH);
		w_ = std::max(0, std::min(canvas.w, frameW - x_));
		h_ = std::max(0, std::min(canvas.h, frameH - y_));
		const std::size_t n = std::size_t(w_) * std::size_t(h_);
		inverse_.assign(n, 255);
		colour_.assign(isRgb32(format) ? n * 4 : n, 0);
		span_.assign(2 * std::size_t(h_), 0);
		if (isYuv420(format)) {
			const YuvFactors f = factorsOf(info);
			std::copy(f.y, f.y + 4, yuv_[0]);
			std::copy(f.u, f.u + 4, yuv_[1]);
			std::copy(f.v, f.v + 4, yuv_[2]);
			cx_ = x_ / 2;
			cy_ = y_ / 2;
			cw_ = w_ > 0 ? (x_ + w_ + 1) / 2 - cx_ : 0;
			ch_ = h_ > 0 ? (y_ + h_ + 1) / 2 - cy_ : 0;
			const std::size_t nc = std::size_t(cw_) * std::size_t(ch_);
			semiPlanar_ = GST_VIDEO_FORMAT_INFO_PSTRIDE(info.finfo, 1) == 2;
			u_.assign(semiPlanar_ ? 0 : nc, 0);
			v_.assign(semiPlanar_ ? 0 : nc, 0);
			chromaInverse_.assign(semiPlanar_ ? 0 : nc, 255);
			uv_.assign(semiPlanar_ ? 2 * nc : 0, 0);
			uvInverse_.assign(semiPlanar_ ? 2 * nc : 0, 255);
			chromaSpan_.assign(2 * std::size_t(ch_), 0);
		} else {
			inverse4_.assign(n * 4, 255);
		}
	}

	auto convert = [&](int x0, int y0, int x1, int y1) {
		x0 = std::clamp(x0, 0, w_);
		x1 = std::clamp(x1, 0, w_);
		y0 = std::clamp(y0, 0, h_);
		y1 = std::clamp(y1, 0, h_);
		if (x1 <= x0 || y1 <= y0)
			return;
		convertRows(canvas, y0, y1, x0, x1);
		if (isYuv420(format_)) {
			// The chroma samples over these pixels, from every pixel they stand for.
			const int cx0 = (x_ + x0) / 2 - cx_, cx1 = (x_ + x1 + 1) / 2 - cx_;
			const int cy0 = (y_ + y0) / 2 - cy_, cy1 = (y_ + y1 + 1) / 2 - cy_;
			convertChroma(canvas, cy0, cy1, cx0, cx1);
		}
	};
	if (!incremental) {
		convert(0, 0, w_, h_);
	} else {
		for (const CanvasArea &a : changed)
			convert(a.x0, a.y0, a.x1, a.y1);
	}
	return true;
}

namespace
{

// The columns [first, last) of a line whose "255 − alpha" is not 255 (something to blend).
void findSpan(const std::uint8_t *inverse, int n, std::int32_t *span) noexcept
{
	int first = 0, last = n;
	while (first < n && inverse[first] == 255)
		first++;
	while (last > first && inverse[last - 1] == 255)
		last--;
	span[0] = first;
	span[1] = last;
}

} // namespace

// Lines [y0, y1), columns [x0, x1) of the canvas into colour_ and inverse_.
void PreparedPixels::convertRows(const Canvas &canvas, int y0, int y1, int x0, int x1)
{
	const bool rgb = isRgb32(format_);
	int dr = 0, dg = 0, db = 0, da = -1;
	if (rgb) {
		const GstVideoFormatInfo *finfo = gst_video_format_get_info(format_);
		dr = int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 0));
		dg = int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 1));
		db = int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 2));
		da = GST_VIDEO_FORMAT_INFO_HAS_ALPHA(finfo) ? int(GST_VIDEO_FORMAT_INFO_POFFSET(finfo, 3)) : -1;
	}
	const std::int32_t *f = yuv_[0];
	for (int j = y0; j < y1; j++) {
		const auto *src = reinterpret_cast<const std::uint32_t *>(canvas.data + std::size_t(j) * canvas.stride);
		std::uint8_t *inverse = &inverse_[std::size_t(j) * w_];
		if (rgb) {
			std::uint8_t *colour = &colour_[std::size_t(j) * w_ * 4];
			std::uint8_t *inverse4 = &inverse4_[std::size_t(j) * w_ * 4];
			for (int i = x0; i < x1; i++) {
				// Cairo's ARGB32: one native-endian word, alpha in the top byte.
				const std::uint32_t p = src[i];
				const std::uint8_t a = std::uint8_t(p >> 24);
				std::uint8_t *c = colour + std::size_t(i) * 4;
				c[dr] = std::uint8_t(p >> 16);
				c[dg] = std::uint8_t(p >> 8);
				c[db] = std::uint8_t(p);
				if (da >= 0)
					c[da] = a;
				inverse[i] = std::uint8_t(255 - a);
				// Colour bytes and alpha scale by 1 − alpha; an x byte keeps its value.
				std::uint8_t *v = inverse4 + std::size_t(i) * 4;
				for (int b = 0; b < 4; b++)
					v[b] = b == dr || b == dg || b == db || b == da ? inverse[i] : 255;
			}
		} else {
			lumaOf(src + x0, x1 - x0, f, &colour_[std::size_t(j) * w_ + x0], inverse + x0);
		}
		findSpan(inverse, w_, &span_[2 * std::size_t(j)]);
	}
}

// Chroma lines [cy0, cy1), samples [cx0, cx1) (relative to cx_, cy_): the mean premultiplied U
// and V and the mean alpha of the pixels each stands for (4, fewer on the frame's odd last row or
// column). Pixels of the chroma sample outside the canvas count as transparent.
void PreparedPixels::convertChroma(const Canvas &canvas, int cy0, int cy1, int cx0, int cx1)
{
	cx0 = std::max(cx0, 0);
	cx1 = std::min(cx1, cw_);
	cy0 = std::max(cy0, 0);
	cy1 = std::min(cy1, ch_);
	const std::int32_t *fu = yuv_[1], *fv = yuv_[2];
	const bool uFirst = format_ == GST_VIDEO_FORMAT_NV12;
	for (int cj = cy0; cj < cy1; cj++) {
		const int rows = std::min(2, frameH_ - 2 * (cy_ + cj));
		const int j0 = 2 * (cy_ + cj) - y_;
		const bool bothRows = j0 >= 0 && j0 + 1 < h_;
		const auto *row0 = reinterpret_cast<const std::uint32_t *>(
		    canvas.data + std::size_t(std::clamp(j0, 0, h_ - 1)) * canvas.stride);
		const auto *row1 = reinterpret_cast<const std::uint32_t *>(
		    canvas.data + std::size_t(std::clamp(j0 + 1, 0, h_ - 1)) * canvas.stride);
		// The samples whose four pixels are all in the canvas (and the frame): in one go.
		int inner0 = cx1, inner1 = cx1;
		if (bothRows && rows == 2) {
			inner0 = std::max(cx0, (x_ + 1) / 2 - cx_);
			inner1 = std::min(cx1, (x_ + w_) / 2 - cx_);
			inner1 = std::min(inner1, frameW_ / 2 - cx_);
			if (inner1 <= inner0) {
				inner0 = inner1 = cx1;
			} else {
				const int n = inner1 - inner0;
				const int first = 2 * (cx_ + inner0) - x_;
				const std::size_t c = std::size_t(cj) * cw_ + inner0;
				if (semiPlanar_) {
					scratch_.resize(3 * std::size_t(n));
					std::uint8_t *su = scratch_.data(), *sv = su + n, *si = sv + n;
					chromaOf(row0 + first, row1 + first, n, fu, fv, su, sv, si);
					for (int k = 0; k < n; k++) {
						// In the plane's byte order: U first for NV12, V first for NV21.
						uv_[2 * (c + k)] = uFirst ? su[k] : sv[k];
						uv_[2 * (c + k) + 1] = uFirst ? sv[k] : su[k];
						uvInverse_[2 * (c + k)] = uvInverse_[2 * (c + k) + 1] = si[k];
					}
				} else {
					chromaOf(row0 + first, row1 + first, n, fu, fv, &u_[c], &v_[c],
						 &chromaInverse_[c]);
				}
			}
		}
		for (int ci = cx0; ci < cx1; ci++) {
			if (ci == inner0) {
				ci = inner1 - 1;
				continue;
			}
			// U and V are linear in premultiplied R, G, B and alpha: sum those over the pixels,
			// then convert once.
			std::int32_t sum[4] = {0, 0, 0, 0};
			const int i0 = 2 * (cx_ + ci) - x_;
			for (int dy = 0; dy < 2; dy++) {
				// At the canvas's edges: its pixels only, the rest counts as transparent.
				const int j = j0 + dy;
				if (j < 0 || j >= h_)
					continue;
				const std::uint32_t *row = dy == 0 ? row0 : row1;
				for (int dx = 0; dx < 2; dx++) {
					if (i0 + dx < 0 || i0 + dx >= w_)
						continue;
					const std::uint32_t p = row[i0 + dx];
					sum[0] += (p >> 16) & 0xff;
					sum[1] += (p >> 8) & 0xff;
					sum[2] += p & 0xff;
					sum[3] += p >> 24;
				}
			}
			const std::int32_t count = rows * std::min(2, frameW_ - 2 * (cx_ + ci));
			const std::size_t c = std::size_t(cj) * cw_ + ci;
			const std::int32_t u = fu[0] * sum[0] + fu[1] * sum[1] + fu[2] * sum[2] + fu[3] * sum[3];
			const std::int32_t v = fv[0] * sum[0] + fv[1] * sum[1] + fv[2] * sum[2] + fv[3] * sum[3];
			std::uint8_t uByte, vByte, inverse;
			if (count == 4) {
				uByte = std::uint8_t(std::clamp((u / 4 + 32768) >> 16, 0, 255));
				vByte = std::uint8_t(std::clamp((v / 4 + 32768) >> 16, 0, 255));
				inverse = std::uint8_t(255 - ((sum[3] + 2) >> 2));
			} else {
				uByte = std::uint8_t(std::clamp((u / count + 32768) >> 16, 0, 255));
				vByte = std::uint8_t(std::clamp((v / count + 32768) >> 16, 0, 255));
				inverse = std::uint8_t(255 - (sum[3] + count / 2) / count);
			}
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
		const std::size_t base = std::size_t(cj) * cw_;
		std::int32_t *span = &chromaSpan_[2 * std::size_t(cj)];
		if (semiPlanar_) {
			// In bytes of the plane: two a sample.
			findSpan(&uvInverse_[2 * base], 2 * cw_, span);
		} else {
			findSpan(&chromaInverse_[base], cw_, span);
		}
	}
}

void PreparedPixels::blend(GstVideoFrame *frame) const noexcept
{
	for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(frame); p++)
		blendLines(frame, p, 0, frameH_);
}

void PreparedPixels::blendLines(GstVideoFrame *frame, guint plane, int first, int last) const noexcept
{
	const GstVideoFormatInfo *finfo = frame->info.finfo;
	if (isRgb32(format_)) {
		if (plane == 0)
			blendRgb32(frame, first, last);
		return;
	}
	if (!isYuv420(format_))
		return;
	if (plane == GST_VIDEO_FORMAT_INFO_PLANE(finfo, 0))
		blendLuma(frame, first, last);
	if (plane == GST_VIDEO_FORMAT_INFO_PLANE(finfo, 1))
		blendChroma(frame, 1, first, last);
	else if (plane == GST_VIDEO_FORMAT_INFO_PLANE(finfo, 2))
		blendChroma(frame, 2, first, last);
}

void PreparedPixels::blendLuma(GstVideoFrame *frame, int first, int last) const noexcept
{
	auto *y = static_cast<std::uint8_t *>(GST_VIDEO_FRAME_COMP_DATA(frame, 0));
	const std::size_t yStride = std::size_t(GST_VIDEO_FRAME_COMP_STRIDE(frame, 0));
	for (int j = std::max(0, first - y_); j < std::min(h_, last - y_); j++) {
		const int i0 = span_[2 * std::size_t(j)], i1 = span_[2 * std::size_t(j) + 1];
		const std::size_t k = std::size_t(j) * w_ + i0;
		blendBytes(y + std::size_t(y_ + j) * yStride + x_ + i0, &colour_[k], &inverse_[k], i1 - i0);
	}
}

// Chroma lines [first, last) of the plane of component `comp` (1: U, or U and V interleaved; 2: V).
void PreparedPixels::blendChroma(GstVideoFrame *frame, int comp, int first, int last) const noexcept
{
	if (semiPlanar_ && comp == 2)
		return;
	auto *u = static_cast<std::uint8_t *>(GST_VIDEO_FRAME_COMP_DATA(frame, 1));
	auto *v = static_cast<std::uint8_t *>(GST_VIDEO_FRAME_COMP_DATA(frame, 2));
	const std::size_t stride = std::size_t(GST_VIDEO_FRAME_COMP_STRIDE(frame, comp));
	for (int j = std::max(0, first - cy_); j < std::min(ch_, last - cy_); j++) {
		const int i0 = chromaSpan_[2 * std::size_t(j)], i1 = chromaSpan_[2 * std::size_t(j) + 1];
		const std::size_t base = std::size_t(j) * cw_;
		if (semiPlanar_) {
			std::uint8_t *row = std::min(u, v) + std::size_t(cy_ + j) * stride + std::size_t(cx_) * 2 + i0;
			blendBytes(row, &uv_[2 * base + i0], &uvInverse_[2 * base + i0], i1 - i0);
		} else if (comp == 1) {
			blendBytes(u + std::size_t(cy_ + j) * stride + cx_ + i0, &u_[base + i0],
				   &chromaInverse_[base + i0], i1 - i0);
		} else {
			blendBytes(v + std::size_t(cy_ + j) * stride + cx_ + i0, &v_[base + i0],
				   &chromaInverse_[base + i0], i1 - i0);
		}
	}
}

void PreparedPixels::blendRgb32(GstVideoFrame *frame, int first, int last) const noexcept
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
		for (int j = std::max(0, first - y_); j < std::min(h_, last - y_); j++) {
			const int i0 = span_[2 * std::size_t(j)], i1 = span_[2 * std::size_t(j) + 1];
			const std::size_t k = (std::size_t(j) * w_ + i0) * 4;
			blendBytes(data + std::size_t(y_ + j) * stride + std::size_t(x_ + i0) * 4, &colour_[k],
				   &inverse4_[k], (i1 - i0) * 4);
		}
		return;
	}
	for (int j = std::max(0, first - y_); j < std::min(h_, last - y_); j++) {
		std::uint8_t *row = data + std::size_t(y_ + j) * stride + std::size_t(x_) * 4;
		for (int i = span_[2 * std::size_t(j)]; i < span_[2 * std::size_t(j) + 1]; i++) {
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
