#include "samsa/streams/internal/kafka/rdkafka_producer.h"

#include <spdlog/spdlog.h>

namespace samsa::streams::internal::kafka {

namespace {
constexpr int queue_full_retries = 300;  // x 100 ms
}

result<std::unique_ptr<record_producer>> rdkafka_producer::create(const client_config& config) {
    auto conf = make_conf(config);
    if (!conf) return conf.error();
    rd_kafka_conf_set_dr_msg_cb(conf->get(), &rdkafka_producer::on_delivery);
    std::unique_ptr<rdkafka_producer> p(new rdkafka_producer());
    rd_kafka_conf_set_opaque(conf->get(), p.get());
    auto rk = make_client(RD_KAFKA_PRODUCER, std::move(*conf));
    if (!rk) return rk.error();
    p->rk_ = std::move(*rk);
    return std::unique_ptr<record_producer>(std::move(p));
}

rdkafka_producer::~rdkafka_producer() {
    if (!rk_) return;
    rd_kafka_flush(rk_.get(), 5000);
    // What is still queued fails with _PURGE_QUEUE; its listeners may be
    // gone by now, so those reports are not passed on.
    closing_ = true;
    rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_.get(), 0);
    for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
}

rd_kafka_topic_t* rdkafka_producer::topic_handle(const std::string& topic) {
    if (auto it = topics_.find(topic); it != topics_.end()) return it->second;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
    if (rkt != nullptr) topics_.emplace(topic, rkt);
    return rkt;
}

void rdkafka_producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<rdkafka_producer*>(opaque);
    auto* listener = static_cast<delivery_listener*>(m->_private);
    if (listener == nullptr || self == nullptr || self->closing_) return;
    delivery_report d;
    d.tp = topic_partition{rd_kafka_topic_name(m->rkt), m->partition};
    d.offset = samsa::offset(m->offset);
    if (m->err) d.result = to_error(m->err, "delivery to " + d.tp.to_string());
    try {
        listener->on_delivery(d);
    } catch (const std::exception& e) {
        spdlog::error("[streams] delivery listener threw: {}", e.what());
    }
}

status rdkafka_producer::send(const produced_record& r, delivery_listener& listener) {
    rd_kafka_headers_t* headers = nullptr;
    if (!r.headers.empty()) {
        headers = rd_kafka_headers_new(r.headers.size());
        for (const auto& h : r.headers) {
            rd_kafka_header_add(headers, h.key.data(), static_cast<ssize_t>(h.key.size()),
                                h.value ? h.value->data() : nullptr, h.value ? h.value->size() : 0);
        }
    }
    const void* key = r.key ? static_cast<const void*>(r.key->data()) : nullptr;
    size_t key_len = r.key ? r.key->size() : 0;
    void* value = r.value ? const_cast<uint8_t*>(r.value->data()) : nullptr;
    size_t value_len = r.value ? r.value->size() : 0;
    int32_t partition = r.partition.value_or(RD_KAFKA_PARTITION_UA);
    rd_kafka_topic_t* rkt = topic_handle(r.topic);
    if (rkt == nullptr) {
        if (headers != nullptr) rd_kafka_headers_destroy(headers);
        return make_error(errc::invalid_argument, "bad topic name " + r.topic);
    }
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int attempt = 0; attempt < queue_full_retries; ++attempt) {
        err = rd_kafka_producev(rk_.get(), RD_KAFKA_V_RKT(rkt),
                                RD_KAFKA_V_PARTITION(partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                                RD_KAFKA_V_VALUE(value, value_len), RD_KAFKA_V_TIMESTAMP(r.timestamp),
                                RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(&listener), RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        rd_kafka_poll(rk_.get(), 100);
    }
    if (err) {
        if (headers != nullptr) rd_kafka_headers_destroy(headers);
        return to_error(err, "produce to " + r.topic);
    }
    return ok();
}

void rdkafka_producer::poll() { rd_kafka_poll(rk_.get(), 0); }

status rdkafka_producer::flush(std::chrono::milliseconds timeout) {
    rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
    if (err) return to_error(err, "flush");
    return ok();
}

result<int32_t> rdkafka_producer::partition_count(const std::string& topic, std::chrono::milliseconds timeout) {
    rd_kafka_topic_t* rkt = topic_handle(topic);
    if (rkt == nullptr) return make_error(errc::invalid_argument, "bad topic name " + topic);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk_.get(), 0, rkt, &md, static_cast<int>(timeout.count()));
    if (err) return to_error(err, "metadata for " + topic);
    result<int32_t> out = make_error(errc::not_found, "topic " + topic + " does not exist");
    for (int i = 0; i < md->topic_cnt; ++i) {
        const auto& t = md->topics[i];
        if (topic != t.topic) continue;
        if (t.err) out = to_error(t.err, "metadata for " + topic);
        else out = static_cast<int32_t>(t.partition_cnt);
    }
    rd_kafka_metadata_destroy(md);
    return out;
}

}  // namespace samsa::streams::internal::kafka
