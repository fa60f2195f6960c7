#include "samsa/streams/internal/runtime/topic_partition_metadata.h"

#include <algorithm>
#include <optional>

#include <spdlog/spdlog.h>

#include "samsa/bytes/base64.h"
#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"

namespace samsa::streams::internal {
namespace {

constexpr int8_t latest_version = 2;

// The reader's failure flag is sticky: read everything, check once.
std::optional<topic_partition_metadata> parse(bytes_view raw) {
    byte_reader in(raw);
    topic_partition_metadata m;
    const int8_t version = in.read_i8();
    if (version != 1 && version != latest_version) return std::nullopt;
    m.partition_time = in.read_i64();
    if (version == latest_version && in.ok() && !in.at_end()) {
        const int32_t count = in.read_i32();
        if (count < 0) in.fail();
        for (int32_t i = 0; i < count && in.ok(); ++i) {
            const int32_t key_length = in.read_i32();
            if (key_length < 0) in.fail();
            bytes_view key = in.read_bytes(static_cast<size_t>(std::max(key_length, 0)));
            const int64_t value = in.read_i64();
            if (in.ok()) m.processor_metadata[std::string(reinterpret_cast<const char*>(key.data()), key.size())] = value;
        }
    }
    if (!in.ok() || !in.at_end()) return std::nullopt;
    return m;
}

}  // namespace

std::string topic_partition_metadata::encode() const {
    byte_writer out;
    out.write_i8(latest_version);
    out.write_i64(partition_time);
    if (!processor_metadata.empty()) {
        out.write_i32(static_cast<int32_t>(processor_metadata.size()));
        for (const auto& [key, value] : processor_metadata) {
            out.write_i32(static_cast<int32_t>(key.size()));
            out.write_bytes(bytes_view(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
            out.write_i64(value);
        }
    }
    return base64_encode(out.buffer());
}

topic_partition_metadata topic_partition_metadata::decode(std::string_view text) {
    if (text.empty()) return {};
    auto raw = base64_decode(text);
    std::optional<topic_partition_metadata> m;
    if (raw) m = parse(*raw);
    if (!m) {
        spdlog::warn("[streams] unsupported committed offset metadata \"{}\": ignored", text);
        return {};
    }
    return *m;
}

void merge_processor_metadata(std::map<std::string, int64_t>& into, const std::map<std::string, int64_t>& from) {
    for (const auto& [key, value] : from) {
        auto [it, inserted] = into.emplace(key, value);
        if (!inserted && it->second < value) it->second = value;
    }
}

}  // namespace samsa::streams::internal
