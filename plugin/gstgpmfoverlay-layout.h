// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's widgets and where they go: the default layout and the `layout` text format.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpmf::overlay
{

/// The dashboard's widgets, in drawing order (later ones on top).
enum class Widget {
	Map,
	Time,
	Gps,
	Heading,
	Altitude,
	Speed,
	Horizon,
	GForce,
};
inline constexpr std::size_t kWidgetCount = 8;

/// The widget's name in the layout text ("speed", "gforce"...).
const char *widgetName(Widget widget) noexcept;
std::optional<Widget> widgetFromName(std::string_view name) noexcept;
/// "speed, gforce, altitude, heading, time, gps, horizon, map", for messages and docs.
std::string widgetNames();

/// A widget's box, in fractions of the frame: x and w of its width, y and h of its height.
struct Placement {
	bool visible = true;
	double x = 0, y = 0, w = 0, h = 0;
};

struct Layout {
	std::array<Placement, kWidgetCount> widgets{};

	Placement &operator[](Widget widget) noexcept { return widgets[static_cast<std::size_t>(widget)]; }
	const Placement &operator[](Widget widget) const noexcept
	{
		return widgets[static_cast<std::size_t>(widget)];
	}
};

/// The default dashboard for a frame of this display aspect ratio (width / height, pixel aspect
/// included): sizes follow the frame's height, so 16:9 and 4:3 frames get the same widgets, the
/// wider frame more room between them; narrow (portrait) frames get smaller widgets.
Layout defaultLayout(double aspect) noexcept;

/// Where and why the layout text was refused.
struct LayoutError {
	std::size_t offset = 0; ///< character of the text where the problem is
	std::string message;	///< "unknown widget 'sped' (widgets: speed, ...)"

	/// "unknown widget 'sped' (widgets: ...) at character 1"
	std::string describe() const;
};

/// The layout text, parsed: a list of changes applied in order to a default layout.
///
///   layout  = [ entry *( ";" entry ) ]          blanks anywhere, empty entries ignored
///   entry   = target [ ":" option *( "," option ) ]
///   target  = speed | gforce | altitude | heading | time | gps | horizon | map | all
///   option  = "hide" | "show" | key "=" number
///   key     = x | y | w | h                      fractions of the frame's width (x, w) or height (y, h)
///
/// Naming a widget shows it unless its options say `hide`. Example:
/// "speed:x=0.05,y=0.8,w=0.2,h=0.15;map:hide" or "all:hide;speed;gforce".
class LayoutSpec
{
public:
	/// Parses the text; an error leaves nothing half-parsed.
	static std::optional<LayoutError> parse(std::string_view text, LayoutSpec &out);

	/// The layout for a frame: the default for its aspect ratio, then the changes.
	Layout resolve(double aspect) const noexcept;

	bool empty() const noexcept { return changes_.empty(); }

private:
	struct Change {
		std::size_t widget; ///< index, or kWidgetCount for `all`
		std::optional<bool> visible;
		std::optional<double> x, y, w, h;
	};
	std::vector<Change> changes_;
};

} // namespace gpmf::overlay
