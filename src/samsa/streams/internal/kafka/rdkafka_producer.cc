#include "samsa/streams/internal/kafka/rdkafka_producer.h"

#include <spdlog/spdlog.h>

#include "samsa/kafka/config.h"
#include "samsa/kafka/rdkafka.h"
#include "samsa/streams/internal/kafka/rdkafka_group_consumer.h"
#include "samsa/streams/internal/kafka/rdkafka_messages.h"

namespace samsa::streams::internal::kafka {

using samsa::kafka::to_error;

namespace {
constexpr int queue_full_retries = 300;  // x 100 ms
}

result<std::unique_ptr<record_producer>> rdkafka_producer::create(const client_config& config) {
    auto conf = samsa::kafka::make_conf(config);
    if (!conf) return conf.error();
    rd_kafka_conf_set_dr_msg_cb(conf->get(), &rdkafka_producer::on_delivery);
    std::unique_ptr<rdkafka_producer> p(new rdkafka_producer());
    rd_kafka_conf_set_opaque(conf->get(), p.get());
    auto rk = samsa::kafka::make_client(samsa::kafka::client_type::producer, std::move(*conf));
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

rd_kafka_topic_t* rdkafka_producer::topic_handle(std::string_view topic) {
    if (auto it = topics_.find(topic); it != topics_.end()) return it->second;
    std::string name(topic);
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr);
    if (rkt != nullptr) topics_.emplace(std::move(name), rkt);
    return rkt;
}

void rdkafka_producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<rdkafka_producer*>(opaque);
    auto* listener = static_cast<delivery_listener*>(m->_private);
    if (listener == nullptr || self == nullptr || self->closing_) return;
    // Purged by an aborted transaction: thrown away on purpose, not a
    // failed delivery.
    if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) return;
    // The topic as a view of the handle's name: no string per record.
    delivery_report d;
    d.tp = partition_ref(rd_kafka_topic_name(m->rkt), m->partition);
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
        return make_error(errc::invalid_argument, "bad topic name " + std::string(r.topic));
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
        return to_error(err, "produce to " + std::string(r.topic));
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

template<class Call>
status rdkafka_producer::transactional(const char* what, Call&& call, int attempts) {
    for (int attempt = 1;; ++attempt) {
        rd_kafka_error_t* raw = call();
        if (raw == nullptr) return ok();
        samsa::kafka::client_error e = samsa::kafka::take_error(raw, what);
        if (e.fatal) fatal_ = true;
        if (!e.retriable || attempt >= attempts) {
            // A transaction error is io_error unless it timed out: the caller
            // retries a timeout (Kafka's TimeoutException) and gives up on the rest.
            if (e.code != errc::timed_out) e.code = errc::io_error;
            return e;
        }
        spdlog::warn("[streams] {} (retrying)", e.message);
    }
}

status rdkafka_producer::init_transactions(std::chrono::milliseconds timeout) {
    int ms = static_cast<int>(timeout.count());
    return transactional("init transactions", [&] { return rd_kafka_init_transactions(rk_.get(), ms); });
}

status rdkafka_producer::begin_transaction() {
    return transactional("begin transaction", [&] { return rd_kafka_begin_transaction(rk_.get()); }, 1);
}

status rdkafka_producer::send_offsets_to_transaction(const committed_offsets& offsets,
                                                     const consumer_group_metadata& group,
                                                     std::chrono::milliseconds timeout) {
    const auto* metadata = dynamic_cast<const rdkafka_group_metadata*>(&group);
    if (metadata == nullptr) return make_error(errc::invalid_argument, "group metadata of another client");
    auto list = to_commit_list(offsets);
    int ms = static_cast<int>(timeout.count());
    return transactional("send offsets to transaction", [&] {
        return rd_kafka_send_offsets_to_transaction(rk_.get(), list.get(), metadata->metadata, ms);
    });
}

status rdkafka_producer::commit_transaction(std::chrono::milliseconds timeout) {
    int ms = static_cast<int>(timeout.count());
    return transactional("commit transaction", [&] { return rd_kafka_commit_transaction(rk_.get(), ms); });
}

status rdkafka_producer::abort_transaction(std::chrono::milliseconds timeout) {
    int ms = static_cast<int>(timeout.count());
    return transactional("abort transaction", [&] { return rd_kafka_abort_transaction(rk_.get(), ms); });
}

bool rdkafka_producer::fatal() const {
    return fatal_ || rd_kafka_fatal_error(rk_.get(), nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR;
}

}  // namespace samsa::streams::internal::kafka
