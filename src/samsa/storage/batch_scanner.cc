#include "samsa/storage/batch_scanner.h"

#include <fmt/format.h>

namespace samsa::storage {

using record::record_batch_header;

batch_scanner::batch_scanner(const file& f, uint64_t start, uint64_t end, bool need_body, size_t block_size)
    : file_(f), pos_(start), end_(end), need_body_(need_body), block_size_(block_size) {}

result<bool> batch_scanner::ensure(size_t need) {
    if (pos_ >= buf_start_ && pos_ + need <= buf_start_ + buf_len_) return true;
    if (pos_ + need > end_) return false;
    size_t want = std::max(need, block_size_);
    want = static_cast<size_t>(std::min<uint64_t>(want, end_ - pos_));
    if (buf_.size() < want) buf_.resize(want);
    auto n = file_.pread(std::span<uint8_t>(buf_.data(), want), pos_);
    if (!n) return n.error();
    buf_start_ = pos_;
    buf_len_ = *n;
    return *n >= need;
}

result<std::optional<batch_scanner::item>> batch_scanner::next() {
    if (!stop_reason_.empty() || pos_ >= end_) return std::optional<item>{};
    const uint64_t left = end_ - pos_;
    if (left < record_batch_header::size) {
        stop_reason_ = fmt::format("{} trailing bytes at position {} are shorter than a batch header", left, pos_);
        return std::optional<item>{};
    }
    auto have = ensure(record_batch_header::size);
    if (!have) return have.error();
    if (!*have) {
        stop_reason_ = fmt::format("file ends inside the batch header at position {}", pos_);
        return std::optional<item>{};
    }
    bytes_view head(buf_.data() + (pos_ - buf_start_), record_batch_header::size);
    auto header = record::read_batch_header(head);
    if (!header) {
        stop_reason_ = fmt::format("bad batch at position {}: {}", pos_, header.error().message);
        return std::optional<item>{};
    }
    if (header->magic != record_batch_header::current_magic) {
        stop_reason_ = fmt::format("bad batch at position {}: magic {}", pos_, header->magic);
        return std::optional<item>{};
    }
    const uint64_t total = header->total_size();
    if (total > left) {
        stop_reason_ = fmt::format("partial batch at position {}: {} bytes long, {} left in the file", pos_, total, left);
        return std::optional<item>{};
    }
    item it{pos_, *header, {}};
    if (need_body_) {
        auto whole = ensure(static_cast<size_t>(total));
        if (!whole) return whole.error();
        if (!*whole) {
            stop_reason_ = fmt::format("file ends inside the batch at position {}", pos_);
            return std::optional<item>{};
        }
        it.batch = bytes_view(buf_.data() + (pos_ - buf_start_), static_cast<size_t>(total));
    }
    pos_ += total;
    return std::optional<item>{it};
}

}  // namespace samsa::storage
