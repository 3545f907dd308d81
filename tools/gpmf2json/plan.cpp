// SPDX-License-Identifier: LGPL-2.1-or-later
// gpmf2json: from the command line to jobs.

#include "plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

namespace gpmf2json {

namespace fs = std::filesystem;

namespace {

bool digits(const std::string &s, std::size_t from, std::size_t count)
{
	if (from + count > s.size())
		return false;
	return std::all_of(s.begin() + long(from), s.begin() + long(from + count),
			   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string upper(std::string s)
{
	for (char &c : s)
		c = char(std::toupper(static_cast<unsigned char>(c)));
	return s;
}

// For comparing paths: absolute and normalised, through symlinks when the file exists.
fs::path canonicalish(const fs::path &p)
{
	std::error_code ec;
	const fs::path absolute = fs::absolute(p, ec).lexically_normal();
	fs::path c = fs::weakly_canonical(absolute, ec);
	return ec ? absolute : c;
}

std::string stemOf(const fs::path &p)
{
	std::string stem = p.stem().string();
	return stem.empty() ? p.filename().string() : stem;
}

InputKind kindOf(const fs::path &p, bool binary)
{
	return binary || looksLikeRawGpmf(p) ? InputKind::Raw : InputKind::Mp4;
}

// --merge: chapters of one recording (same directory, prefix, number and extension) become
// one job in chapter order, placed where the first of them was given.
std::vector<Job> groupInputs(const Options &o, std::vector<std::string> &notes, std::string &error)
{
	std::vector<Job> jobs;
	std::map<std::string, std::size_t> byRecording;
	std::map<std::string, std::vector<std::pair<int, std::string>>> chapters;
	for (const std::string &input : o.inputs) {
		const fs::path p(input);
		const auto name = o.merge ? chapterName(p.filename().string()) : std::nullopt;
		if (!name) {
			Job job;
			job.inputs = { p };
			job.name = input;
			job.kind = kindOf(p, o.binary);
			jobs.push_back(std::move(job));
			continue;
		}
		const std::string key = canonicalish(p).parent_path().string() + "/" + name->recording;
		auto &list = chapters[key];
		for (const auto &[chapter, given] : list)
			if (chapter == name->chapter) {
				error = given == input ? input + " is given twice"
						       : input + " and " + given + " are the same chapter of one recording";
				return {};
			}
		list.emplace_back(name->chapter, input);
		if (!byRecording.count(key)) {
			byRecording[key] = jobs.size();
			jobs.emplace_back();
		}
	}
	for (auto &[key, list] : chapters) {
		std::sort(list.begin(), list.end());
		Job &job = jobs[byRecording[key]];
		for (const auto &[chapter, given] : list)
			job.inputs.emplace_back(given);
		job.name = list.front().second;
		job.kind = kindOf(job.inputs.front(), o.binary);
		for (std::size_t i = 1; i < list.size(); i++)
			if (list[i].first != list[i - 1].first + 1)
				notes.push_back(list[i].second + ": the chapter before it was not given; the timeline has a gap");
	}
	// --merge given inputs that are not chapters of one recording: said, not silently apart.
	if (o.merge && o.inputs.size() > 1 && jobs.size() > 1) {
		std::string names;
		for (const Job &job : jobs)
			names += (names.empty() ? "" : ", ") + job.name;
		notes.push_back("--merge: " + names + " are not chapters of one recording (GX01xxxx, GX02xxxx...): " +
				"each is written apart");
	}
	return jobs;
}

} // namespace

std::optional<ChapterName> chapterName(const std::string &fileName)
{
	const std::string name = upper(fileName);
	const std::size_t dot = name.find('.');
	if (dot != 8 || name.size() < 10)
		return std::nullopt;
	const std::string ext = name.substr(dot);
	// HERO5 and older: GOPR0042.MP4, then GP010042.MP4, GP020042.MP4...
	if (name.starts_with("GOPR") && digits(name, 4, 4))
		return ChapterName{ "GP" + name.substr(4, 4) + ext, 0 };
	if (name.starts_with("GP") && digits(name, 2, 6))
		return ChapterName{ "GP" + name.substr(4, 4) + ext, std::stoi(name.substr(2, 2)) };
	// HERO6 and later: GH (AVC), GX (HEVC), GS (MAX .360), GL (.LRV) + chapter + number.
	if (name[0] == 'G' && std::string_view("HXSL").find(name[1]) != std::string_view::npos && digits(name, 2, 6))
		return ChapterName{ name.substr(0, 2) + name.substr(4, 4) + ext, std::stoi(name.substr(2, 2)) };
	return std::nullopt;
}

Plan makePlan(const Options &o, const fs::path &cwd)
{
	Plan plan;
	plan.jobs = groupInputs(o, plan.notes, plan.usageError);
	if (!plan.usageError.empty())
		return plan;

	const std::vector<Format> formats = o.outputs();
	const std::size_t count = plan.jobs.size() * formats.size();
	enum class Where { Stdout, File, Directory, BesideInput } where;
	if (o.output && *o.output == "-") {
		if (count > 1 && !o.info) {
			plan.usageError = "-o - (standard output) takes one output, and this run writes " +
					  std::to_string(count) + ": give a directory";
			return plan;
		}
		where = Where::Stdout;
	} else if (o.output) {
		std::error_code ec;
		const bool isDirectory = fs::is_directory(*o.output, ec);
		// "out/" (or ".", "..") names a directory even when it does not exist yet: it is made.
		const std::string &out = *o.output;
		const std::string filename = fs::path(out).filename().string();
		const bool namesDirectory = out.ends_with('/') || filename == "." || filename == "..";
		if (count == 1 && !isDirectory && !namesDirectory) {
			where = Where::File;
		} else {
			// Without its trailing slashes, so that "file/" is seen to be a file.
			std::string bare = out;
			while (bare.size() > 1 && bare.back() == '/')
				bare.pop_back();
			if (!isDirectory && fs::exists(bare, ec)) {
				plan.usageError = count == 1 ? bare + " is a file, not a directory"
							     : out + " is a file, and this run writes " + std::to_string(count) +
								       " outputs: give a directory";
				return plan;
			}
			where = Where::Directory;
			if (!isDirectory)
				plan.makeDirectory = fs::path(out);
		}
	} else {
		where = count == 1 || o.info ? Where::Stdout : Where::BesideInput;
	}
	plan.bufferStandardOutput = where == Where::Stdout && plan.jobs.size() > 1;

	// Every file that will be written, to refuse overwriting an input or one output with another.
	std::map<fs::path, std::string> taken;
	for (const Job &job : plan.jobs)
		for (const fs::path &in : job.inputs)
			taken.emplace(canonicalish(in), "the input " + in.string());
	const auto claim = [&plan, &taken](const fs::path &path, const std::string &what) {
		const auto [it, added] = taken.emplace(canonicalish(path), what);
		if (!added && plan.usageError.empty())
			plan.usageError = what + " would be written to " + path.string() + ", which is " + it->second +
					  " too" + (it->second.starts_with("the input") ? ": give -o" : ": the inputs have the same name");
		return added;
	};

	for (Job &job : plan.jobs) {
		const std::string stem = stemOf(job.inputs.front());
		for (Format f : formats) {
			fs::path path;
			switch (where) {
			case Where::Stdout: break;
			case Where::File: path = *o.output; break;
			case Where::Directory: path = fs::path(*o.output) / (stem + std::string(extension(f))); break;
			case Where::BesideInput:
				path = job.inputs.front().parent_path() / (stem + std::string(extension(f)));
				break;
			}
			if (!path.empty())
				claim(path, "the " + std::string(extension(f)).substr(1) + " output of " + job.name);
			job.outputs.emplace_back(f, path);
		}
		if (o.verbose >= 2) {
			const fs::path &first = job.outputs.front().second;
			fs::path base = first.empty() ? cwd / stem : fs::path(first).replace_extension();
			// "x.info.json" and the like: strip the whole format extension.
			if (!first.empty() && first.string().ends_with(extension(job.outputs.front().first)))
				base = first.string().substr(0, first.string().size() - extension(job.outputs.front().first).size());
			job.rawTrack = base.string() + ".bin";
			claim(job.rawTrack, "the raw gpmd track (-vv) of " + job.name);
		}
	}
	return plan;
}

} // namespace gpmf2json
