#pragma once
// record_stream_check: checks a batch's records as they are decompressed,
// record by record, and stops at the first bad one — Kafka's LogValidator
// does the same over a decompressing input stream. validate_records
// (records.h) uses it for compressed batches, so a small batch that expands
// to gigabytes of zeros (a "bomb") fails at its first record after one
// chunk of output, instead of after decompressing up to the cap.
//
// Memory: the bytes of the record being read plus one chunk. A record's
// length is known from its first bytes, and one longer than the bytes still
// allowed (max_uncompressed_bytes) is refused before it is buffered.
//
//   record_stream_check check(header, cap);
//   status st = decompress_chunks(codec, body, 64 << 10, [&](bytes_view c) { return check.feed(c); });
//   if (st) st = check.finish();
//
// Thread: any; one object per batch.

#include <cstddef>

#include "samsa/base/result.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/record_batch.h"

namespace samsa::record {

class record_stream_check {
public:
    record_stream_check(const record_batch_header& header, size_t max_uncompressed_bytes);

    // The next decompressed bytes. errc::corrupt at the first bad record (or
    // a record past the announced count), errc::too_large past the cap.
    status feed(bytes_view chunk);
    // After the last chunk: no partial record left, as many records as announced.
    status finish() const;

    int32_t records_checked() const { return index_; }
    // The most bytes held at once (the unit tests' bound on memory).
    size_t peak_buffered_bytes() const { return peak_; }

private:
    status check_complete_records();

    record_batch_header header_;
    size_t max_bytes_;
    size_t total_ = 0;  // bytes fed so far
    bytes pending_;     // the start of a record not yet complete
    int32_t index_ = 0;
    size_t peak_ = 0;
};

}  // namespace samsa::record
