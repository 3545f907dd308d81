// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: messages and the progress bar on standard error.

#include "progress.h"

#include <algorithm>
#include <cstdio>

namespace gpmf2json {

namespace {

constexpr int kBarWidth = 30;
constexpr std::size_t kNameWidth = 32;

} // namespace

Reporter::Reporter(std::size_t jobs, bool bar, std::chrono::milliseconds delay)
	: names_(jobs), bar_(bar), start_(std::chrono::steady_clock::now()), delay_(delay)
{
	for (std::size_t i = 0; i < jobs; i++)
		slots_.push_back(std::make_unique<Slot>());
}

void Reporter::eraseLocked()
{
	if (shown_) {
		std::fputs("\r\033[K", stderr);
		shown_ = false;
	}
}

void Reporter::say(const std::string &line)
{
	std::lock_guard lock(mutex_);
	eraseLocked();
	std::fprintf(stderr, "gpmf2json: %s\n", line.c_str());
	std::fflush(stderr);
}

void Reporter::started(std::size_t job, const std::string &name)
{
	std::lock_guard lock(mutex_);
	names_[job] = name;
	current_ = job;
	slots_[job]->state = 1;
}

void Reporter::progress(std::size_t job, double fraction)
{
	slots_[job]->fraction = std::clamp(fraction, 0.0, 1.0);
}

void Reporter::finished(std::size_t job)
{
	slots_[job]->fraction = 1.0;
	slots_[job]->state = 2;
}

void Reporter::draw()
{
	if (!bar_ || std::chrono::steady_clock::now() - start_ < delay_)
		return;
	std::lock_guard lock(mutex_);
	double sum = 0;
	std::size_t done = 0;
	for (const auto &slot : slots_) {
		sum += slot->fraction;
		done += slot->state == 2;
	}
	const double fraction = slots_.empty() ? 1.0 : sum / double(slots_.size());
	// Name a job still running: the one last started, or any other.
	std::size_t shown = current_;
	if (slots_.size() > shown && slots_[shown]->state != 1)
		for (std::size_t i = 0; i < slots_.size(); i++)
			if (slots_[i]->state == 1)
				shown = i;
	std::string name = shown < names_.size() ? names_[shown] : std::string();
	if (name.size() > kNameWidth)
		name = "..." + name.substr(name.size() - kNameWidth + 3);

	char bar[kBarWidth + 1];
	const int filled = int(fraction * kBarWidth);
	for (int i = 0; i < kBarWidth; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[kBarWidth] = '\0';
	std::fprintf(stderr, "\r\033[K[%s] %3d%%  %zu/%zu  %s", bar, int(fraction * 100), done, slots_.size(),
		     done == slots_.size() ? "" : name.c_str());
	std::fflush(stderr);
	shown_ = true;
}

void Reporter::close()
{
	bool wasShown;
	{
		std::lock_guard lock(mutex_);
		wasShown = shown_;
	}
	if (wasShown)
		draw();
	std::lock_guard lock(mutex_);
	eraseLocked();
	std::fflush(stderr);
}

} // namespace gpmf2json
