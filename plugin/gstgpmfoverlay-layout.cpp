// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 The gst-gpmf authors
// gpmfoverlay's default layout and the parser of its `layout` text.

#include "gstgpmfoverlay-layout.h"

#include <algorithm>
#include <charconv>
#include <system_error>

namespace gpmf::overlay
{

namespace
{

// Layout-text names, indexed by Widget.
constexpr std::array<const char *, kWidgetCount> kNames = {
    "map", "time", "gps", "heading", "altitude", "speed", "horizon", "gforce",
};

// The order names are listed in for users: the dashboard's main widgets first.
constexpr std::array<Widget, kWidgetCount> kListOrder = {
    Widget::Speed, Widget::GForce, Widget::Altitude, Widget::Heading,
    Widget::Time,  Widget::Gps,	   Widget::Horizon,  Widget::Map,
};

bool isBlank(char c) noexcept
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A piece of the text and where it starts in the whole text.
struct Token {
	std::string_view text;
	std::size_t offset = 0;
};

Token trim(Token t) noexcept
{
	while (!t.text.empty() && isBlank(t.text.front())) {
		t.text.remove_prefix(1);
		t.offset++;
	}
	while (!t.text.empty() && isBlank(t.text.back()))
		t.text.remove_suffix(1);
	return t;
}

// Splits at `separator`; every piece keeps its offset in the whole text.
std::vector<Token> split(Token whole, char separator)
{
	std::vector<Token> pieces;
	std::size_t start = 0;
	for (std::size_t i = 0; i <= whole.text.size(); i++) {
		if (i == whole.text.size() || whole.text[i] == separator) {
			pieces.push_back({whole.text.substr(start, i - start), whole.offset + start});
			start = i + 1;
		}
	}
	return pieces;
}

std::optional<double> parseNumber(std::string_view text) noexcept
{
	double value = 0;
	const char *end = text.data() + text.size();
	auto [ptr, ec] = std::from_chars(text.data(), end, value);
	if (ec != std::errc() || ptr != end)
		return std::nullopt;
	return value;
}

// A box in units of the frame's height (defaultLayout converts it to fractions).
struct Box {
	double x, y, w, h;
};

} // namespace

const char *widgetName(Widget widget) noexcept
{
	return kNames[static_cast<std::size_t>(widget)];
}

std::optional<Widget> widgetFromName(std::string_view name) noexcept
{
	for (std::size_t i = 0; i < kWidgetCount; i++) {
		if (name == kNames[i])
			return static_cast<Widget>(i);
	}
	return std::nullopt;
}

std::string widgetNames()
{
	std::string names;
	for (Widget w : kListOrder) {
		if (!names.empty())
			names += ", ";
		names += widgetName(w);
	}
	return names;
}

std::string LayoutError::describe() const
{
	return message + " at character " + std::to_string(offset + 1);
}

Layout defaultLayout(double aspect) noexcept
{
	if (!(aspect > 0.1 && aspect < 10))
		aspect = 16.0 / 9.0;
	// Everything below is in units of the frame's height; a = the frame's width in them. Portrait
	// and square frames shrink the widgets so the corners still hold them side by side.
	const double a = aspect;
	const double s = std::min(1.0, a / (4.0 / 3.0));
	const double m = 0.03 * s;			   // margin to the frame's edges
	const double gap = 0.015 * s;			   // between neighbouring widgets
	const double timeW = 0.40 * s, timeH = 0.12 * s;   // top left: time over date
	const double gpsW = 0.30 * s, gpsH = 0.05 * s;	   // under the time
	const double mapSide = 0.36 * s;		   // top right
	const double speedW = 0.40 * s, speedH = 0.19 * s; // bottom left
	const double altH = 0.07 * s;			   // above the speed
	const double dial = 0.25 * s;			   // bottom right: horizon, G-force

	// The heading tape sits centred between the time and the map, as wide as there is room for.
	const double left = m + timeW + 2 * gap, right = a - m - mapSide - 2 * gap;
	const double headingW = std::clamp(right - left, 0.05, 0.62 * s);
	const double headingX = std::clamp(a / 2 - headingW / 2, left, std::max(left, right - headingW));

	Layout layout;
	auto place = [&](Widget widget, Box b) {
		Placement &p = layout[widget];
		p.visible = true;
		p.x = b.x / a;
		p.w = b.w / a;
		p.y = b.y;
		p.h = b.h;
	};
	place(Widget::Time, {m, m, timeW, timeH});
	place(Widget::Gps, {m, m + timeH + gap, gpsW, gpsH});
	place(Widget::Heading, {headingX, m, headingW, 0.085 * s});
	place(Widget::Map, {a - m - mapSide, m, mapSide, mapSide});
	place(Widget::Speed, {m, 1 - m - speedH, speedW, speedH});
	place(Widget::Altitude, {m, 1 - m - speedH - gap - altH, speedW, altH});
	place(Widget::GForce, {a - m - dial, 1 - m - dial, dial, dial});
	place(Widget::Horizon, {a - m - 2 * dial - gap, 1 - m - dial, dial, dial});
	return layout;
}

std::optional<LayoutError> LayoutSpec::parse(std::string_view text, LayoutSpec &out)
{
	std::vector<Change> changes;
	for (Token entry : split({text, 0}, ';')) {
		entry = trim(entry);
		if (entry.text.empty())
			continue;
		const std::size_t colon = entry.text.find(':');
		Token target = trim({entry.text.substr(0, colon), entry.offset});
		Change change{};
		if (target.text.empty())
			return LayoutError{target.offset, "a widget name is missing before ':'"};
		if (target.text == "all") {
			change.widget = kWidgetCount;
		} else if (auto widget = widgetFromName(target.text)) {
			change.widget = static_cast<std::size_t>(*widget);
		} else {
			return LayoutError{target.offset, "unknown widget '" + std::string(target.text) +
							      "' (widgets: " + widgetNames() + ", or all)"};
		}
		if (colon != std::string_view::npos) {
			const Token options{entry.text.substr(colon + 1), entry.offset + colon + 1};
			for (Token option : split(options, ',')) {
				option = trim(option);
				if (option.text.empty())
					return LayoutError{option.offset,
							   "an option is missing (after ':' or ',')"};
				if (option.text == "hide" || option.text == "show") {
					change.visible = option.text == "show";
					continue;
				}
				const std::size_t eq = option.text.find('=');
				const Token key = trim({option.text.substr(0, eq), option.offset});
				if (eq == std::string_view::npos || (key.text != "x" && key.text != "y" &&
								     key.text != "w" && key.text != "h"))
					return LayoutError{option.offset,
							   "unknown option '" + std::string(option.text) +
							       "' (options: hide, show, x=, y=, w=, h=)"};
				const Token value =
				    trim({option.text.substr(eq + 1), option.offset + eq + 1});
				const std::optional<double> number = parseNumber(value.text);
				const bool isSize = key.text == "w" || key.text == "h";
				// Positions may be 0; sizes may not. Boxes running off the frame are clipped.
				if (!number || !(isSize ? *number > 0 : *number >= 0) || *number > 1)
					return LayoutError{
					    value.offset,
					    "'" + std::string(key.text) + "' needs a number " +
						(isSize ? "above 0 and at most 1" : "from 0 to 1") +
						" (a fraction of the frame), not '" +
						std::string(value.text) + "'"};
				std::optional<double> &slot = key.text == "x"	? change.x
							      : key.text == "y" ? change.y
							      : key.text == "w" ? change.w
										: change.h;
				slot = *number;
			}
		}
		if (!change.visible)
			change.visible = true;
		changes.push_back(change);
	}
	out.changes_ = std::move(changes);
	return std::nullopt;
}

Layout LayoutSpec::resolve(double aspect) const noexcept
{
	Layout layout = defaultLayout(aspect);
	for (const Change &change : changes_) {
		const std::size_t first = change.widget == kWidgetCount ? 0 : change.widget;
		const std::size_t last = change.widget == kWidgetCount ? kWidgetCount : change.widget + 1;
		for (std::size_t i = first; i < last; i++) {
			Placement &p = layout.widgets[i];
			p.visible = change.visible.value_or(p.visible);
			p.x = change.x.value_or(p.x);
			p.y = change.y.value_or(p.y);
			p.w = change.w.value_or(p.w);
			p.h = change.h.value_or(p.h);
		}
	}
	return layout;
}

} // namespace gpmf::overlay
