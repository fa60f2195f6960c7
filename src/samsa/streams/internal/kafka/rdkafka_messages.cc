#include "samsa/streams/internal/kafka/rdkafka_messages.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace samsa::streams::internal::kafka {

// Why not just rd_kafka_message_headers(): librdkafka (2.0, and still 2.15)
// keeps a consumed message's headers as the unparsed bytes of the record and
// parses them on every call - it allocates and zeroes a read buffer, reads the
// header count, frees the buffer - also when the count is 0, as it is for
// nearly every record (and it keeps nothing, so the next call parses again).
// That was 1.1-1.5% of the order-mail stream thread (s20-hM, s21-hK), and its
// public API has no cheaper question. So for the librdkafka versions whose
// private message layout was checked, the count's first byte is read where
// librdkafka keeps it: a v2 record's headers start with the count as a
// zig-zag varint, and a count of 0 is the single byte 0 (a v0/v1 message has
// no header bytes at all). Any other version asks librdkafka as before.
namespace {

// librdkafka 1.9.x-2.0.x's rd_kafka_msg_t (src/rdkafka_msg.h, private) up to
// the unparsed headers: the public message first, then a list link (two
// pointers), the flags, the timestamp type, the timestamp, the parsed headers
// (set once someone parsed or set them), the status, the broker id, and the
// union whose consumer member starts with the unparsed headers as librdkafka's
// {int32 length, pointer} bytes. Only the offsets are used, never the type.
struct consumed_message_2_0 {
    rd_kafka_message_t message;
    void* link_next;
    void** link_prev;
    int flags;
    rd_kafka_timestamp_type_t timestamp_type;
    int64_t timestamp;
    rd_kafka_headers_t* parsed_headers;
    rd_kafka_msg_status_t status;
    int32_t broker_id;
    alignas(8) int32_t header_bytes_length;  // the union holds 64-bit fields
    const void* header_bytes;
};
static_assert(offsetof(consumed_message_2_0, header_bytes_length) == 120 &&
                  offsetof(consumed_message_2_0, header_bytes) == 128,
              "the layout was checked on LP64 only");

bool layout_checked_for_this_librdkafka() {
    // rd_kafka_version() is 0xMMmmrrxx; every release from 1.9.0 to 2.0.2
    // declares rd_kafka_msg_t the same way (each tag's src/rdkafka_msg.h read).
    static const bool checked = [] {
        const int major_minor = rd_kafka_version() >> 16;
        return major_minor == 0x0109 || major_minor == 0x0200;
    }();
    return checked;
}

template<class T>
T field_at(const rd_kafka_message_t* m, size_t offset) {
    T out;
    std::memcpy(&out, reinterpret_cast<const char*>(m) + offset, sizeof out);
    return out;
}

}  // namespace

bool certainly_without_headers(const rd_kafka_message_t* m) {
    if (!layout_checked_for_this_librdkafka()) return false;
    if (field_at<rd_kafka_headers_t*>(m, offsetof(consumed_message_2_0, parsed_headers)) != nullptr) return false;
    const auto length = field_at<int32_t>(m, offsetof(consumed_message_2_0, header_bytes_length));
    if (length <= 0) return true;  // -1 (null) or none: what librdkafka answers NOENT for
    const auto* bytes = field_at<const uint8_t*>(m, offsetof(consumed_message_2_0, header_bytes));
    return bytes[0] == 0;  // the varint of a count of 0
}

consumed_record to_record(rd_kafka_message_t* m) { return to_record(m, rd_kafka_topic_name(m->rkt)); }

consumed_record to_record(rd_kafka_message_t* m, std::string_view topic) {
    consumed_record r;
    r.owner = record_owner(m, [](void* p) { rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(p)); });
    // The message holds its topic handle, so the name outlives the record.
    r.tp = partition_ref(topic, m->partition);
    r.offset = samsa::offset(m->offset);
    if (m->key != nullptr) r.key = bytes_view(static_cast<const uint8_t*>(m->key), m->key_len);
    if (m->payload != nullptr) r.value = bytes_view(static_cast<const uint8_t*>(m->payload), m->len);
    rd_kafka_timestamp_type_t type;
    r.timestamp = rd_kafka_message_timestamp(m, &type);
    rd_kafka_headers_t* headers = nullptr;
    const bool parsed =
        !certainly_without_headers(m) && rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (parsed && headers != nullptr) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
            record_header h;
            h.key = name;
            if (value != nullptr) {
                auto* p = static_cast<const bytes::value_type*>(value);
                h.value = bytes(p, p + size);
            }
            r.headers.push_back(std::move(h));
        }
    }
    return r;
}

samsa::kafka::partition_list_ptr to_commit_list(const committed_offsets& offsets) {
    samsa::kafka::partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& [tp, position] : offsets) {
        rd_kafka_topic_partition_t* e = rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
        e->offset = position.offset();
        if (!position.metadata.empty()) {
            // librdkafka frees the metadata with free() when the list is destroyed.
            e->metadata = std::malloc(position.metadata.size());
            if (e->metadata != nullptr) {
                std::memcpy(e->metadata, position.metadata.data(), position.metadata.size());
                e->metadata_size = position.metadata.size();
            }
        }
    }
    return list;
}

}  // namespace samsa::streams::internal::kafka
