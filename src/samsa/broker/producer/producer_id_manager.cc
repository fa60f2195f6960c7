#include "samsa/broker/producer/producer_id_manager.h"

#include <charconv>
#include <string>

#include <fmt/format.h>

#include "samsa/storage/file.h"

namespace samsa::broker::producer {

result<producer_id_manager> producer_id_manager::open(const std::filesystem::path& dir) {
    auto path = dir / file_name;
    auto text = storage::read_small_file(path);
    if (!text) {
        if (text.error().code == errc::not_found) return producer_id_manager(path, 0);
        return text.error();
    }
    std::string_view s = *text;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    int64_t value = -1;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || value < 0) {
        return make_error(errc::corrupt, fmt::format("{}: not a producer id: '{}'", path.string(), s));
    }
    return producer_id_manager(path, value);
}

result<producer_id> producer_id_manager::next() {
    if (next_ >= block_end_) {
        int64_t end = next_ + block_size;
        if (auto s = storage::write_file_atomically(path_, std::to_string(end) + "\n"); !s) return s.error();
        block_end_ = end;
    }
    return producer_id(next_++);
}

}  // namespace samsa::broker::producer
