#include "samsa/streams/internal/kafka/rdkafka_messages.h"

#include <cstdlib>
#include <cstring>

namespace samsa::streams::internal::kafka {

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
    if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR && headers != nullptr) {
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
