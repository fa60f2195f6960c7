#include "samsa/cli/kafka/producer.h"

#include <chrono>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "samsa/cli/kafka/handle.h"

namespace samsa::cli::kafka {

namespace {

class producer_state : public handle_state {
public:
    using handle_state::handle_state;
    delivery_report report;  // written by the delivery callback on the command's thread
    size_t sent = 0;
};

// Called from rd_kafka_poll / rd_kafka_flush on the command's thread.
void delivery_callback(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    auto* state = static_cast<producer_state*>(static_cast<handle_state*>(opaque));
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++state->report.delivered;
        return;
    }
    if (state->report.failed++ == 0) {
        state->report.first_error = fmt::format("{} ({})", rd_kafka_err2str(msg->err), rd_kafka_err2name(msg->err));
    }
}

}  // namespace

struct producer::impl {
    client_config config;
    std::string topic;
    producer_state state;
    handle_ptr rk;
    int partitions = 0;

    impl(const client_config& c, std::string t) : config(c), topic(std::move(t)), state(c.verbose) {}
};

producer::producer(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
producer::~producer() = default;

result<std::unique_ptr<producer>> producer::connect(const client_config& config, const std::string& topic) {
    auto i = std::make_unique<impl>(config, topic);
    const std::string timeout = std::to_string(config.timeout.count());
    std::vector<std::pair<std::string, std::string>> defaults = {
        // Keyed records go where the Java client would put them; null keys are spread.
        {"partitioner", "murmur2_random"},
        {"acks", "all"},
        {"linger.ms", "5"},
        // A record that cannot be delivered within --timeout fails instead of
        // being retried forever.
        {"message.timeout.ms", timeout},
        {"topic.metadata.propagation.max.ms", timeout},
    };
    auto rk = make_handle(RD_KAFKA_PRODUCER, config, defaults, i->state,
                          [](rd_kafka_conf_t* conf) { rd_kafka_conf_set_dr_msg_cb(conf, delivery_callback); });
    if (!rk) return rk.error();
    i->rk = std::move(*rk);
    auto probe = fetch_metadata(i->rk.get(), config, i->state, false);
    if (!probe) return probe.error();
    rd_kafka_metadata_destroy(*probe);

    // The topic's partitions. A broker that auto-creates topics answers
    // LEADER_NOT_AVAILABLE for a moment: retry until the deadline.
    auto deadline = std::chrono::steady_clock::now() + config.timeout;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(i->rk.get(), topic.c_str(), nullptr);
    for (;;) {
        auto md = fetch_metadata(i->rk.get(), config, i->state, false, rkt);
        if (!md) {
            rd_kafka_topic_destroy(rkt);
            return md.error();
        }
        auto cm = to_cluster_metadata(**md);
        rd_kafka_resp_err_t err = (*md)->topic_cnt == 1 ? (*md)->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        rd_kafka_metadata_destroy(*md);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && !cm.topics.empty() && !cm.topics[0].partitions.empty()) {
            i->partitions = static_cast<int>(cm.topics[0].partitions.size());
            break;
        }
        bool retriable = err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NO_ERROR;
        if (!retriable || std::chrono::steady_clock::now() >= deadline) {
            rd_kafka_topic_destroy(rkt);
            if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
                return make_error(errc::not_found, fmt::format("topic '{}' does not exist", topic));
            }
            return to_error(err, fmt::format("topic '{}'", topic));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    rd_kafka_topic_destroy(rkt);
    return std::unique_ptr<producer>(new producer(std::move(i)));
}

int producer::partition_count() const { return impl_->partitions; }

status producer::send(const record& r) {
    // produceva rather than producev: the number of headers varies per record.
    std::vector<rd_kafka_vu_t> vus;
    auto add = [&](rd_kafka_vtype_t type) -> rd_kafka_vu_t& {
        vus.emplace_back();
        vus.back().vtype = type;
        return vus.back();
    };
    add(RD_KAFKA_VTYPE_TOPIC).u.cstr = impl_->topic.c_str();
    add(RD_KAFKA_VTYPE_PARTITION).u.i32 = r.partition() >= 0 ? r.partition() : RD_KAFKA_PARTITION_UA;
    add(RD_KAFKA_VTYPE_MSGFLAGS).u.i = RD_KAFKA_MSG_F_COPY;
    if (r.key) {
        auto& k = add(RD_KAFKA_VTYPE_KEY);
        k.u.mem.ptr = const_cast<char*>(r.key->data());
        k.u.mem.size = r.key->size();
    }
    if (r.value) {
        auto& v = add(RD_KAFKA_VTYPE_VALUE);
        v.u.mem.ptr = const_cast<char*>(r.value->data());
        v.u.mem.size = r.value->size();
    }
    if (r.timestamp() >= 0) add(RD_KAFKA_VTYPE_TIMESTAMP).u.i64 = r.timestamp();
    for (const auto& h : r.headers) {
        auto& hv = add(RD_KAFKA_VTYPE_HEADER);
        hv.u.header.name = h.key.c_str();
        hv.u.header.val = h.value ? h.value->data() : nullptr;
        hv.u.header.size = h.value ? static_cast<ssize_t>(h.value->size()) : 0;
    }
    for (;;) {
        rd_kafka_error_t* err = rd_kafka_produceva(impl_->rk.get(), vus.data(), vus.size());
        if (err == nullptr) {
            ++impl_->state.sent;
            rd_kafka_poll(impl_->rk.get(), 0);
            return ok();
        }
        auto code = rd_kafka_error_code(err);
        if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_error_destroy(err);
            rd_kafka_poll(impl_->rk.get(), 100);  // serve delivery reports to make room
            continue;
        }
        auto e = to_error(err, fmt::format("cannot produce to '{}'", impl_->topic));
        rd_kafka_error_destroy(err);
        return e;
    }
}

delivery_report producer::flush() {
    auto err = rd_kafka_flush(impl_->rk.get(), static_cast<int>(impl_->config.timeout.count()) + 1000);
    auto report = impl_->state.report;
    size_t outstanding = impl_->state.sent - report.delivered - report.failed;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && outstanding > 0) {
        report.failed += outstanding;
        if (report.first_error.empty()) {
            report.first_error = unreachable_error(impl_->config, impl_->state).message;
        }
    }
    return report;
}

}  // namespace samsa::cli::kafka
