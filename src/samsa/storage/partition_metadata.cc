#include "samsa/storage/partition_metadata.h"

#include <fmt/format.h>

#include "samsa/storage/file.h"

namespace samsa::storage {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// "key: value" -> value, when the line has that key.
std::optional<std::string_view> field(std::string_view line, std::string_view key) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || trim(line.substr(0, colon)) != key) return std::nullopt;
    return trim(line.substr(colon + 1));
}

}  // namespace

std::string format_partition_metadata(const samsa::uuid& topic_id) {
    return fmt::format("version: 0\ntopic_id: {}\n", to_string(topic_id));
}

result<samsa::uuid> parse_partition_metadata(std::string_view text) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return make_error(errc::corrupt, "partition.metadata has fewer than two lines");
    auto version = field(text.substr(0, nl), "version");
    if (!version || *version != "0")
        return make_error(errc::corrupt, fmt::format("partition.metadata version line '{}' (expected 'version: 0')",
                                                     text.substr(0, nl)));
    std::string_view rest = text.substr(nl + 1);
    std::string_view line = rest.substr(0, rest.find('\n'));
    auto id_text = field(line, "topic_id");
    if (!id_text) return make_error(errc::corrupt, fmt::format("partition.metadata second line '{}' has no topic_id", line));
    auto id = samsa::uuid_from_string(*id_text);
    if (!id) return make_error(errc::corrupt, fmt::format("partition.metadata topic_id '{}' is not a Kafka uuid", *id_text));
    return *id;
}

status write_partition_metadata(const std::filesystem::path& dir, const samsa::uuid& topic_id) {
    return write_file_atomically(dir / partition_metadata_file_name, format_partition_metadata(topic_id));
}

result<samsa::uuid> read_partition_metadata(const std::filesystem::path& dir) {
    auto path = dir / partition_metadata_file_name;
    auto text = read_small_file(path);
    if (!text) return text.error();
    auto id = parse_partition_metadata(*text);
    if (!id) return make_error(errc::corrupt, fmt::format("{}: {}", path.string(), id.error().message));
    return id;
}

}  // namespace samsa::storage
