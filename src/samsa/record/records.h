#pragma once
// The records inside a record batch v2 (after the 61-byte header of
// record_batch.h, decompressed first when the batch's codec is not none).
//
//   record:
//     length            varint   bytes after this field
//     attributes        int8     unused, 0
//     timestamp_delta   varlong  from the batch's base_timestamp
//     offset_delta      varint   from the batch's base_offset
//     key_length        varint   -1 = null key
//     key               bytes
//     value_length      varint   -1 = null value (a tombstone)
//     value             bytes
//     header_count      varint
//     headers:
//       key_length      varint   (never null)
//       key             bytes    UTF-8
//       value_length    varint   -1 = null
//       value           bytes
//
// Worked example: key "k", value "v", no headers, both deltas 0 is 9 bytes:
//   10 00 00 00 02 6b 02 76 00
// (length 8 and key/value lengths 1 as zig-zag varints: 8 -> 0x10, 1 -> 0x02).
//
// All functions are pure and thread-agnostic.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/record/record_batch.h"

namespace samsa::record {

// --- decoded (borrowed) ----------------------------------------------------

struct record_header_view {
    std::string_view key;
    std::optional<bytes_view> value;
};

struct record_view {
    int8_t attributes = 0;
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    std::vector<record_header_view> headers;
};

// The records of one batch, decoded. Views point into the batch (uncompressed
// batches) or into the decompressed bytes this object owns, so it must not
// outlive the batch it was decoded from; moving it keeps the views valid.
class batch_records {
public:
    // Decodes the whole batch: header, decompression (output capped at
    // max_uncompressed_bytes), every record. Fails with errc::corrupt on any
    // malformed record, count mismatch or trailing bytes, errc::too_large past
    // the cap. Does not check the CRC (validate_batch does).
    static result<batch_records> decode(bytes_view batch, size_t max_uncompressed_bytes);
    // The same with the batch's header already read (read_batch_header(batch)).
    static result<batch_records> decode(bytes_view batch, const record_batch_header& header,
                                        size_t max_uncompressed_bytes);

    const record_batch_header& header() const { return header_; }
    const std::vector<record_view>& records() const { return records_; }

    offset offset_of(const record_view& r) const { return offset(header_.base_offset + r.offset_delta); }
    // The record's timestamp; the batch's max timestamp when the topic uses
    // LogAppendTime (the broker stamped only that).
    timestamp_ms timestamp_of(const record_view& r) const {
        return timestamp_ms(header_.log_append_time() ? header_.max_timestamp
                                                      : header_.base_timestamp + r.timestamp_delta);
    }

private:
    record_batch_header header_;
    bytes decompressed_;
    std::vector<record_view> records_;
};

// What Kafka's LogValidator checks before appending a producer's batch, past
// validate_batch (length, magic, CRC): the records decompress within
// max_uncompressed_bytes, parse exactly, their number equals records_count,
// offset deltas run 0, 1, 2, ... and last_offset_delta is count - 1.
status validate_records(bytes_view batch, size_t max_uncompressed_bytes);
// The same with the batch's header already read (read_batch_header(batch)).
status validate_records(bytes_view batch, const record_batch_header& header, size_t max_uncompressed_bytes);

// --- building (owned) ------------------------------------------------------

struct record_header {
    std::string key;
    std::optional<bytes> value;
    bool operator==(const record_header&) const = default;
};

struct record {
    std::optional<bytes> key;
    std::optional<bytes> value;
    timestamp_ms timestamp;
    std::vector<record_header> headers;
    bool operator==(const record&) const = default;
};

// Producer fields of a batch; the defaults are a plain (non-idempotent)
// producer's.
struct batch_producer {
    samsa::producer_id producer_id{-1};
    samsa::producer_epoch producer_epoch{-1};
    int32_t base_sequence = -1;
    bool transactional = false;
    bool control = false;  // a control batch (control_record.h): written by the broker only
};

// Builds one record batch v2 from records, as a producer would: offset
// deltas 0..n-1, timestamps relative to the first record, compressed with the
// chosen codec, CRC-32C set. Used by tests, the CLI and the streams test
// driver. Not thread-safe; one builder per batch.
class record_batch_builder {
public:
    explicit record_batch_builder(compression_codec codec = compression_codec::none,
                                  offset base_offset = offset(0))
        : codec_(codec), base_offset_(base_offset) {}

    record_batch_builder& producer(const batch_producer& p) {
        producer_ = p;
        return *this;
    }
    record_batch_builder& partition_leader_epoch(int32_t epoch) {
        partition_leader_epoch_ = epoch;
        return *this;
    }
    record_batch_builder& add(record r) {
        records_.push_back(std::move(r));
        return *this;
    }
    record_batch_builder& add(std::optional<std::string_view> key, std::optional<std::string_view> value,
                              timestamp_ms ts, std::vector<record_header> headers = {});

    size_t size() const { return records_.size(); }
    bool empty() const { return records_.empty(); }

    // The finished batch. Needs at least one record (an empty batch is not
    // something producers send).
    bytes build() const;

private:
    compression_codec codec_;
    offset base_offset_;
    batch_producer producer_;
    int32_t partition_leader_epoch_ = -1;
    std::vector<record> records_;
};

// Appends the encoding of one record (with its length prefix).
void write_record(bytes& out, const record& r, int64_t timestamp_delta, int32_t offset_delta);

}  // namespace samsa::record
