#include "samsa/kafka/producer.h"

#include <map>
#include <string>

#include <fmt/format.h>

#include "samsa/kafka/rdkafka.h"

namespace samsa::kafka {

namespace {

int ms(std::chrono::milliseconds d) { return d.count() <= 0 ? 0 : static_cast<int>(d.count()); }

delivery_report to_report(rd_kafka_t* rk, const rd_kafka_message_t& m) {
    delivery_report r;
    r.token = reinterpret_cast<uintptr_t>(m._private);
    r.topic = m.rkt != nullptr ? rd_kafka_topic_name(m.rkt) : "";
    r.partition = partition_id(m.partition);
    r.offset = samsa::offset(m.offset);
    r.timestamp = timestamp_ms(rd_kafka_message_timestamp(&m, nullptr));
    if (m.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        client_error e = to_error(m.err, fmt::format("delivery to {}-{}", r.topic, m.partition));
        if (m.err == RD_KAFKA_RESP_ERR__FATAL) {
            char text[512];
            e.kafka_code = static_cast<int32_t>(rd_kafka_fatal_error(rk, text, sizeof text));
            e.message = fmt::format("delivery to {}-{}: fatal client error: {}", r.topic, m.partition, text);
        }
        r.result = e;
        r.offset = samsa::offset(-1);
    }
    return r;
}

}  // namespace

struct producer::impl {
    handle_ptr rk;
    std::chrono::milliseconds max_block;
    // Topic handles made once per topic: librdkafka looks a name up under a
    // lock on every send otherwise.
    std::map<std::string, topic_ptr, std::less<>> topics;
    std::vector<rd_kafka_vu_t> scratch;  // send()'s arguments, reused

    rd_kafka_topic_t* topic(std::string_view name) {
        auto it = topics.find(name);
        if (it == topics.end()) {
            std::string key(name);
            it = topics.emplace(key, topic_ptr(rd_kafka_topic_new(rk.get(), key.c_str(), nullptr))).first;
        }
        return it->second.get();
    }

    template<class Headers>
    status send(std::string_view topic_name, partition_id partition, std::optional<std::string_view> key,
                std::optional<std::string_view> value, const Headers& headers, timestamp_ms timestamp,
                uint64_t token) {
        rd_kafka_topic_t* rkt = topic(topic_name);
        if (rkt == nullptr) {
            return to_error(rd_kafka_last_error(), fmt::format("send to {}", topic_name));
        }
        scratch.clear();
        auto add = [&](rd_kafka_vtype_t type) -> rd_kafka_vu_t& {
            scratch.emplace_back();
            scratch.back().vtype = type;
            return scratch.back();
        };
        add(RD_KAFKA_VTYPE_RKT).u.rkt = rkt;
        add(RD_KAFKA_VTYPE_PARTITION).u.i32 = partition();
        add(RD_KAFKA_VTYPE_MSGFLAGS).u.i = RD_KAFKA_MSG_F_COPY;
        add(RD_KAFKA_VTYPE_OPAQUE).u.ptr = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
        if (key) {
            auto& k = add(RD_KAFKA_VTYPE_KEY);
            k.u.mem.ptr = const_cast<char*>(key->data());
            k.u.mem.size = key->size();
        }
        if (value) {
            auto& v = add(RD_KAFKA_VTYPE_VALUE);
            v.u.mem.ptr = const_cast<char*>(value->data());
            v.u.mem.size = value->size();
        }
        if (timestamp() >= 0) add(RD_KAFKA_VTYPE_TIMESTAMP).u.i64 = timestamp();
        auto deadline = std::chrono::steady_clock::now() + max_block;
        for (;;) {
            // A header list per attempt: librdkafka owns it once the send succeeds.
            headers_ptr hdrs;
            if (!headers.empty()) {
                hdrs.reset(rd_kafka_headers_new(headers.size()));
                for (const auto& h : headers) {
                    rd_kafka_header_add(hdrs.get(), h.key.data(), static_cast<ssize_t>(h.key.size()),
                                        h.value ? h.value->data() : nullptr,
                                        h.value ? static_cast<ssize_t>(h.value->size()) : 0);
                }
                if (scratch.back().vtype != RD_KAFKA_VTYPE_HEADERS) add(RD_KAFKA_VTYPE_HEADERS);
                scratch.back().u.headers = hdrs.get();
            }
            rd_kafka_error_t* err = rd_kafka_produceva(rk.get(), scratch.data(), scratch.size());
            if (err == nullptr) {
                (void)hdrs.release();
                return ok();
            }
            if (rd_kafka_error_code(err) != RD_KAFKA_RESP_ERR__QUEUE_FULL ||
                std::chrono::steady_clock::now() >= deadline) {
                return take_error(err, fmt::format("send to {}", topic_name));
            }
            rd_kafka_error_destroy(err);
            // Reports make room as the broker acknowledges.
            rd_kafka_poll(rk.get(), 10);
        }
    }
};

producer::producer(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

producer::~producer() {
    // Topic handles before the client handle.
    impl_->topics.clear();
}

result<std::unique_ptr<producer>> producer::create(const properties& config, producer_options options) {
    return create(property_list(config.begin(), config.end()), std::move(options));
}

result<std::unique_ptr<producer>> producer::create(const property_list& config, producer_options options) {
    auto state = std::make_shared<client_state>();
    state->hooks = std::move(options.hooks);
    if (options.on_delivery) {
        state->on_message = [handler = std::move(options.on_delivery)](rd_kafka_t* rk, const rd_kafka_message_t& m) {
            handler(to_report(rk, m));
        };
    }
    auto rk = make_client(client_type::producer, config, std::move(state));
    if (!rk) return rk.error();
    auto i = std::make_unique<impl>();
    i->rk = std::move(*rk);
    i->max_block = options.max_block;
    return std::unique_ptr<producer>(new producer(std::move(i)));
}

status producer::send(const producer_record& r) {
    return impl_->send(r.topic, r.partition, r.key, r.value, r.headers, r.timestamp, r.token);
}

status producer::send(const record& r, uint64_t token) {
    std::optional<std::string_view> key, value;
    if (r.key) key = *r.key;
    if (r.value) value = *r.value;
    return impl_->send(r.topic, r.partition, key, value, r.headers, r.timestamp, token);
}

int producer::poll(std::chrono::milliseconds wait) { return rd_kafka_poll(impl_->rk.get(), ms(wait)); }

status producer::flush(std::chrono::milliseconds timeout) {
    auto err = rd_kafka_flush(impl_->rk.get(), ms(timeout));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return ok();
    int left = rd_kafka_outq_len(impl_->rk.get());
    return to_error(err, fmt::format("flush: {} records (or requests) without a report after {} ms", left,
                                     timeout.count()));
}

int producer::in_flight() const { return rd_kafka_outq_len(impl_->rk.get()); }

status producer::init_transactions(std::chrono::milliseconds timeout) {
    if (auto* e = rd_kafka_init_transactions(impl_->rk.get(), ms(timeout))) return take_error(e, "InitProducerId");
    return ok();
}

status producer::begin_transaction() {
    if (auto* e = rd_kafka_begin_transaction(impl_->rk.get())) return take_error(e, "begin transaction");
    return ok();
}

status producer::commit_transaction(std::chrono::milliseconds timeout) {
    if (auto* e = rd_kafka_commit_transaction(impl_->rk.get(), ms(timeout))) return take_error(e, "EndTxn (commit)");
    return ok();
}

status producer::abort_transaction(std::chrono::milliseconds timeout) {
    if (auto* e = rd_kafka_abort_transaction(impl_->rk.get(), ms(timeout))) return take_error(e, "EndTxn (abort)");
    return ok();
}

rd_kafka_t* producer::native() const { return impl_->rk.get(); }

}  // namespace samsa::kafka
