// SPDX-License-Identifier: GPL-2.0-or-later
// Running the real gpmf2json binary (GPMF2JSON, set by meson) and reading what it wrote, with
// json-glib: the tests read the outputs with a parser of their own, not the tool's.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>

#include <glib.h>
#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include "support/mp4_writer.h"
#include "gpmf/track_splitter.h"
#include "samples.h"

namespace gpmf::cli {

namespace fs = std::filesystem;

struct Result {
	int status = -1; ///< exit status, -1 if it did not exit normally (crash)
	std::string out, err;
};

inline std::string binary()
{
	const char *b = std::getenv("GPMF2JSON");
	return b ? b : "gpmf2json";
}

/// Runs a program (`command`: its path and arguments) in `cwd` (default: the test's), stdin
/// from /dev/null, with `env` added to the environment.
inline Result runProgram(std::vector<std::string> command, const fs::path &cwd = {},
			 const std::vector<std::pair<std::string, std::string>> &env = {})
{
	std::vector<char *> argv;
	for (auto &a : command)
		argv.push_back(a.data());
	argv.push_back(nullptr);
	gchar **envp = g_get_environ();
	for (const auto &[name, value] : env)
		envp = g_environ_setenv(envp, name.c_str(), value.c_str(), TRUE);
	gchar *out = nullptr, *err = nullptr;
	gint wait = 0;
	GError *error = nullptr;
	Result r;
	const bool spawned = g_spawn_sync(cwd.empty() ? nullptr : cwd.c_str(), argv.data(), envp, G_SPAWN_SEARCH_PATH,
					  nullptr, nullptr, &out, &err, &wait, &error);
	g_strfreev(envp);
	if (!spawned) {
		ADD_FAILURE() << "cannot run " << command[0] << ": " << error->message;
		g_error_free(error);
		return r;
	}
	r.status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
	r.out = out ? out : "";
	r.err = err ? err : "";
	g_free(out);
	g_free(err);
	return r;
}

/// Runs gpmf2json with `args` in `cwd` (default: the test's), stdin from /dev/null.
inline Result run(const std::vector<std::string> &args, const fs::path &cwd = {})
{
	std::vector<std::string> all{ binary() };
	all.insert(all.end(), args.begin(), args.end());
	return runProgram(std::move(all), cwd);
}

inline std::string readText(const fs::path &p)
{
	std::ifstream in(p, std::ios::binary);
	return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void writeBytes(const fs::path &p, const std::vector<std::uint8_t> &bytes)
{
	std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size()));
}

inline std::vector<std::string> lines(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		out.push_back(line);
	return out;
}

/// A JSON value read by json-glib; children keep the document alive.
class Json
{
public:
	Json() = default;
	static Json parse(const std::string &text)
	{
		GError *error = nullptr;
		JsonNode *node = json_from_string(text.c_str(), &error);
		if (!node) {
			ADD_FAILURE() << "not JSON (" << (error ? error->message : "empty") << "): " << text.substr(0, 200);
			if (error)
				g_error_free(error);
			return {};
		}
		Json j;
		j.root_ = std::shared_ptr<JsonNode>(node, json_node_unref);
		j.node_ = node;
		return j;
	}

	bool valid() const { return node_ != nullptr; }
	bool isNull() const { return node_ && JSON_NODE_HOLDS_NULL(node_); }
	bool has(const char *member) const
	{
		return node_ && JSON_NODE_HOLDS_OBJECT(node_) && json_object_has_member(json_node_get_object(node_), member);
	}
	Json operator[](const char *member) const
	{
		if (!has(member))
			return {};
		return child(json_object_get_member(json_node_get_object(node_), member));
	}
	Json operator[](std::size_t i) const
	{
		if (i >= size())
			return {};
		return child(json_array_get_element(json_node_get_array(node_), guint(i)));
	}
	// A literal 0 would be as close to a const char * as to a size_t.
	Json operator[](int i) const { return i < 0 ? Json() : (*this)[std::size_t(i)]; }
	std::size_t size() const
	{
		if (node_ && JSON_NODE_HOLDS_ARRAY(node_))
			return json_array_get_length(json_node_get_array(node_));
		if (node_ && JSON_NODE_HOLDS_OBJECT(node_))
			return json_object_get_size(json_node_get_object(node_));
		return 0;
	}
	double number() const
	{
		return node_ && JSON_NODE_HOLDS_VALUE(node_) ? json_node_get_double(node_) : NAN;
	}
	std::string string() const
	{
		return node_ && JSON_NODE_HOLDS_VALUE(node_) && json_node_get_value_type(node_) == G_TYPE_STRING
			       ? json_node_get_string(node_)
			       : std::string();
	}
	std::vector<std::string> members() const
	{
		std::vector<std::string> out;
		if (!node_ || !JSON_NODE_HOLDS_OBJECT(node_))
			return out;
		GList *list = json_object_get_members(json_node_get_object(node_));
		for (GList *l = list; l; l = l->next)
			out.emplace_back(static_cast<const char *>(l->data));
		g_list_free(list);
		return out;
	}
	bool operator==(const Json &other) const
	{
		return node_ && other.node_ && json_node_equal(node_, other.node_);
	}
	std::string text() const
	{
		if (!node_)
			return "(absent)";
		gchar *s = json_to_string(node_, FALSE);
		std::string out(s);
		g_free(s);
		return out;
	}

private:
	Json child(JsonNode *n) const
	{
		Json j;
		j.root_ = root_;
		j.node_ = n;
		return j;
	}

	std::shared_ptr<JsonNode> root_;
	JsonNode *node_ = nullptr;
};

inline std::vector<Json> parseNdjson(const std::string &text)
{
	std::vector<Json> out;
	for (const std::string &line : lines(text))
		out.push_back(Json::parse(line));
	return out;
}

inline std::vector<Json> recordsOfType(const std::vector<Json> &records, const std::string &type)
{
	std::vector<Json> out;
	for (const Json &r : records)
		if (r["type"].string() == type)
			out.push_back(r);
	return out;
}

/// The stream `fourcc` of device `device` in a payload record, absent when missing.
inline Json findStream(const Json &payload, const std::string &fourcc, double device = 1)
{
	const Json devices = payload["devices"];
	for (std::size_t d = 0; d < devices.size(); d++) {
		if (devices[d]["id"].number() != device)
			continue;
		const Json streams = devices[d]["streams"];
		for (std::size_t s = 0; s < streams.size(); s++)
			if (streams[s]["fourcc"].string() == fourcc)
				return streams[s];
	}
	return {};
}

/// A fresh directory for one test, removed afterwards.
class TempDir
{
public:
	TempDir()
	{
		GError *error = nullptr;
		gchar *dir = g_dir_make_tmp("gpmf2json-test-XXXXXX", &error);
		if (!dir) {
			ADD_FAILURE() << error->message;
			g_error_free(error);
			return;
		}
		path_ = dir;
		g_free(dir);
	}
	~TempDir()
	{
		std::error_code ec;
		if (!path_.empty())
			fs::remove_all(path_, ec);
	}
	const fs::path &path() const { return path_; }
	fs::path operator/(const std::string &name) const { return path_ / name; }

private:
	fs::path path_;
};

inline std::string sample(const std::string &name)
{
	return (gpmf::test::samplesDir() / name).string();
}

/// An MP4 recording whose gpmd track holds the payloads of a raw track dump, 1001 ms each.
inline gpmf::Mp4Recording recordingOfTrack(const fs::path &track)
{
	const auto bytes = gpmf::test::readFile(track);
	gpmf::Mp4Recording recording;
	for (const auto &p : gpmf::splitRawTrack(bytes).payloads)
		recording.samples.push_back({ std::vector<std::uint8_t>(p.bytes.begin(), p.bytes.end()), 1001 });
	return recording;
}

} // namespace gpmf::cli
