#include "samsa/storage/checkpoint_file.h"

#include <charconv>

#include <fmt/format.h>

#include "samsa/storage/file.h"

namespace samsa::storage {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
        if (i > start) words.push_back(line.substr(start, i - start));
    }
    return words;
}

template<class T>
bool parse_number(std::string_view s, T& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

std::string format_checkpoint(const std::vector<checkpoint_entry>& entries) {
    std::string out = fmt::format("0\n{}\n", entries.size());
    for (const auto& e : entries) out += fmt::format("{} {} {}\n", e.topic, e.partition(), e.off());
    return out;
}

result<std::vector<checkpoint_entry>> parse_checkpoint(std::string_view text) {
    auto lines = split_lines(text);
    if (lines.size() < 2) return make_error(errc::corrupt, "checkpoint file shorter than its two header lines");
    int version = -1;
    if (!parse_number(split_words(lines[0]).empty() ? std::string_view{} : split_words(lines[0])[0], version) ||
        version != 0)
        return make_error(errc::corrupt, fmt::format("checkpoint file version '{}' (expected 0)", lines[0]));
    size_t count = 0;
    auto count_words = split_words(lines[1]);
    if (count_words.size() != 1 || !parse_number(count_words[0], count))
        return make_error(errc::corrupt, fmt::format("checkpoint file count '{}' is not a number", lines[1]));
    std::vector<checkpoint_entry> entries;
    for (size_t i = 2; i < lines.size(); ++i) {
        auto words = split_words(lines[i]);
        if (words.empty()) continue;
        int32_t partition = 0;
        int64_t off = 0;
        if (words.size() != 3 || !parse_number(words[1], partition) || !parse_number(words[2], off))
            return make_error(errc::corrupt, fmt::format("checkpoint file line {} '{}' is not 'topic partition offset'",
                                                         i + 1, lines[i]));
        entries.push_back({std::string(words[0]), partition_id(partition), offset(off)});
    }
    if (entries.size() != count)
        return make_error(errc::corrupt,
                          fmt::format("checkpoint file says {} entries but holds {}", count, entries.size()));
    return entries;
}

status write_checkpoint(const std::filesystem::path& path, const std::vector<checkpoint_entry>& entries) {
    return write_file_atomically(path, format_checkpoint(entries));
}

result<std::vector<checkpoint_entry>> read_checkpoint(const std::filesystem::path& path) {
    auto text = read_small_file(path);
    if (!text) {
        if (text.error().code == errc::not_found) return std::vector<checkpoint_entry>{};
        return text.error();
    }
    auto entries = parse_checkpoint(*text);
    if (!entries) return make_error(errc::corrupt, fmt::format("{}: {}", path.string(), entries.error().message));
    return entries;
}

}  // namespace samsa::storage
