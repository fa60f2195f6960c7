#include "samsa/kafka/message.h"

#include "samsa/kafka/rdkafka.h"

namespace samsa::kafka {

bool message::end_of_partition() const { return m_->err == RD_KAFKA_RESP_ERR__PARTITION_EOF; }

std::string_view message::topic() const { return m_->rkt != nullptr ? rd_kafka_topic_name(m_->rkt) : ""; }
partition_id message::partition() const { return partition_id(m_->partition); }
samsa::offset message::offset() const { return samsa::offset(m_->offset); }

timestamp_ms message::timestamp() const {
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    return timestamp_ms(rd_kafka_message_timestamp(m_.get(), &type));
}

timestamp_type message::ts_type() const {
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    (void)rd_kafka_message_timestamp(m_.get(), &type);
    switch (type) {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: return timestamp_type::create_time;
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: return timestamp_type::log_append_time;
        default: return timestamp_type::none;
    }
}

std::optional<std::string_view> message::key() const {
    if (m_->key == nullptr) return std::nullopt;
    return std::string_view(static_cast<const char*>(m_->key), m_->key_len);
}

std::optional<std::string_view> message::value() const {
    if (m_->payload == nullptr) return std::nullopt;
    return std::string_view(static_cast<const char*>(m_->payload), m_->len);
}

std::vector<header_view> message::headers() const {
    std::vector<header_view> out;
    rd_kafka_headers_t* hdrs = nullptr;
    // The message owns what it returns here.
    if (rd_kafka_message_headers(m_.get(), &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == nullptr) return out;
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
        header_view h{name, std::nullopt};
        if (value != nullptr) h.value.emplace(static_cast<const char*>(value), size);
        out.push_back(h);
    }
    return out;
}

record message::to_record() const {
    record r;
    r.topic = topic();
    r.partition = partition();
    r.offset = offset();
    r.timestamp = timestamp();
    r.ts_type = ts_type();
    if (auto k = key()) r.key.emplace(*k);
    if (auto v = value()) r.value.emplace(*v);
    for (const auto& h : headers()) {
        header copy{std::string(h.key), std::nullopt};
        if (h.value) copy.value.emplace(*h.value);
        r.headers.push_back(std::move(copy));
    }
    return r;
}

}  // namespace samsa::kafka
