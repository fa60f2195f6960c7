#pragma once
// batch_scanner: walks the record batches of a segment file from a position,
// reading large blocks with pread rather than one call per batch.
//
// Thread model: a short-lived local object on the log's owner thread.
//
// It stops at the end of the range or at the first batch it cannot read whole:
// fewer bytes left than a header, a length field below a header's size,
// magic other than 2, or a length reaching past the end; stop_reason() then
// says which and where. It checks nothing else (no CRC): callers that
// validate ask for the whole batch (need_body) and call validate_batch.

#include <optional>
#include <string>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/record_batch.h"
#include "samsa/storage/file.h"

namespace samsa::storage {

class batch_scanner {
public:
    struct item {
        uint64_t position;
        record::record_batch_header header;
        bytes_view batch;  // the whole batch when need_body, else empty; valid until the next call
    };

    batch_scanner(const file& f, uint64_t start, uint64_t end, bool need_body, size_t block_size = 64 * 1024);

    // The next batch; nullopt at the end of the range or at an unreadable
    // batch (stop_reason() is empty only in the first case).
    result<std::optional<item>> next();
    // Start of the next batch not yet returned (after a stop: where it stopped).
    uint64_t position() const { return pos_; }
    const std::string& stop_reason() const { return stop_reason_; }

private:
    // Makes [pos_, pos_ + need) available in buf_; false when the range ends first.
    result<bool> ensure(size_t need);

    const file& file_;
    uint64_t pos_;
    uint64_t end_;
    bool need_body_;
    size_t block_size_;
    bytes buf_;
    uint64_t buf_start_ = 0;
    size_t buf_len_ = 0;
    std::string stop_reason_;
};

}  // namespace samsa::storage
