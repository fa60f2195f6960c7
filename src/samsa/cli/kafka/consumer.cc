#include "samsa/cli/kafka/consumer.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "samsa/cli/kafka/handle.h"

namespace samsa::cli::kafka {

struct consumer::impl {
    client_config config;
    consumer_options options;
    handle_state state;
    handle_ptr rk;
    // Without a group: the legacy per-partition API (consume_start on one
    // queue), which needs no group.id; the high-level consumer's assign() refuses
    // to work without one in librdkafka 2.0.
    queue_ptr queue;
    rd_kafka_topic_t* rkt = nullptr;
    std::vector<int32_t> started;
    bool closed = false;

    impl(const client_config& c, const consumer_options& o) : config(c), options(o), state(c.verbose) {}
};

consumer::consumer(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}
consumer::~consumer() { (void)close(); }

namespace {

// The topic's partitions from Metadata, or not_found.
result<std::vector<int32_t>> topic_partitions(rd_kafka_t* rk, const client_config& config, const handle_state& state,
                                              const std::string& topic) {
    samsa::kafka::topic_ptr rkt(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
    auto md = fetch_metadata(rk, config, state, false, rkt.get());
    rkt.reset();
    if (!md) return md.error();
    auto cm = to_cluster_metadata(**md);
    rd_kafka_metadata_destroy(*md);
    if (cm.topics.empty() || !cm.topics[0].error.empty() || cm.topics[0].partitions.empty()) {
        return make_error(errc::not_found, fmt::format("topic '{}' does not exist", topic));
    }
    std::vector<int32_t> out;
    for (const auto& p : cm.topics[0].partitions) out.push_back(p.id());
    return out;
}

record to_record(const rd_kafka_message_t& msg) {
    record r;
    r.topic = rd_kafka_topic_name(msg.rkt);
    r.partition = partition_id(msg.partition);
    r.offset = offset(msg.offset);
    rd_kafka_timestamp_type_t tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    r.timestamp = timestamp_ms(rd_kafka_message_timestamp(&msg, &tstype));
    r.ts_type = tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? timestamp_type::create_time
                : tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? timestamp_type::log_append_time
                                                               : timestamp_type::none;
    if (msg.key != nullptr) r.key.emplace(static_cast<const char*>(msg.key), msg.key_len);
    if (msg.payload != nullptr) r.value.emplace(static_cast<const char*>(msg.payload), msg.len);
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(&msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
            header h{name, std::nullopt};
            if (value != nullptr) h.value.emplace(static_cast<const char*>(value), size);
            r.headers.push_back(std::move(h));
        }
    }
    return r;
}

}  // namespace

result<std::unique_ptr<consumer>> consumer::open(const client_config& config, const consumer_options& options) {
    auto i = std::make_unique<impl>(config, options);
    std::vector<std::pair<std::string, std::string>> defaults = {
        {"enable.partition.eof", "false"},
        // A record is committed only after the command printed it.
        {"enable.auto.offset.store", "false"},
    };
    if (options.group) {
        defaults.push_back({"group.id", *options.group});
        defaults.push_back({"enable.auto.commit", "true"});
        defaults.push_back({"auto.offset.reset",
                            options.start.where == start_position::kind::beginning ? "earliest" : "latest"});
    } else {
        // No group.id: nothing is ever committed. An offset past the end of the
        // log (--offset 1000 on a short partition) starts at the earliest.
        defaults.push_back({"enable.auto.commit", "false"});
        defaults.push_back({"auto.offset.reset", "earliest"});
    }
    auto rk = make_handle(RD_KAFKA_CONSUMER, config, defaults, i->state);
    if (!rk) return rk.error();
    i->rk = std::move(*rk);
    if (options.group) rd_kafka_poll_set_consumer(i->rk.get());

    auto probe = fetch_metadata(i->rk.get(), config, i->state, false);
    if (!probe) return probe.error();
    rd_kafka_metadata_destroy(*probe);
    auto all = topic_partitions(i->rk.get(), config, i->state, options.topic);
    if (!all) return all.error();

    if (options.group) {
        partition_list_ptr topics(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(topics.get(), options.topic.c_str(), RD_KAFKA_PARTITION_UA);
        if (auto err = rd_kafka_subscribe(i->rk.get(), topics.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return to_error(err, fmt::format("cannot subscribe to '{}'", options.topic));
        }
        return std::unique_ptr<consumer>(new consumer(std::move(i)));
    }

    std::vector<int32_t> chosen = options.partitions.empty() ? *all : options.partitions;
    for (int32_t p : chosen) {
        if (std::find(all->begin(), all->end(), p) == all->end()) {
            return make_error(errc::not_found, fmt::format("topic '{}' has no partition {} (it has {})", options.topic,
                                                           p, all->size()));
        }
    }
    partition_list_ptr assignment(rd_kafka_topic_partition_list_new(static_cast<int>(chosen.size())));
    for (int32_t p : chosen) {
        int64_t start = RD_KAFKA_OFFSET_END;
        switch (options.start.where) {
            case start_position::kind::beginning: start = RD_KAFKA_OFFSET_BEGINNING; break;
            case start_position::kind::end: start = RD_KAFKA_OFFSET_END; break;
            case start_position::kind::offset: start = options.start.value; break;
            case start_position::kind::time: start = options.start.value; break;  // resolved below
        }
        rd_kafka_topic_partition_list_add(assignment.get(), options.topic.c_str(), p)->offset = start;
    }
    if (options.start.where == start_position::kind::time) {
        // ListOffsets by timestamp; a partition with nothing at or after the time
        // starts at its end, as Kafka's tools do.
        auto err = rd_kafka_offsets_for_times(i->rk.get(), assignment.get(), static_cast<int>(config.timeout.count()));
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (is_unreachable(err)) return unreachable_error(config, i->state);
            return to_error(err, "cannot look up offsets for the time");
        }
        for (int k = 0; k < assignment->cnt; ++k) {
            auto& el = assignment->elems[k];
            if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                return to_error(el.err, fmt::format("offset for time in {}-{}", el.topic, el.partition));
            }
            if (el.offset < 0) el.offset = RD_KAFKA_OFFSET_END;
        }
    }
    i->queue.reset(rd_kafka_queue_new(i->rk.get()));
    i->rkt = rd_kafka_topic_new(i->rk.get(), options.topic.c_str(), nullptr);
    for (int k = 0; k < assignment->cnt; ++k) {
        const auto& el = assignment->elems[k];
        if (rd_kafka_consume_start_queue(i->rkt, el.partition, el.offset, i->queue.get()) == -1) {
            auto err = rd_kafka_last_error();
            auto e = to_error(err, fmt::format("cannot start reading {}-{}", options.topic, el.partition));
            std::unique_ptr<consumer> cleanup(new consumer(std::move(i)));  // stops what was started
            return e;
        }
        i->started.push_back(el.partition);
    }
    return std::unique_ptr<consumer>(new consumer(std::move(i)));
}

result<std::optional<record>> consumer::poll(std::chrono::milliseconds wait) {
    rd_kafka_message_t* msg = impl_->options.group
                                  ? rd_kafka_consumer_poll(impl_->rk.get(), static_cast<int>(wait.count()))
                                  : rd_kafka_consume_queue(impl_->queue.get(), static_cast<int>(wait.count()));
    if (msg == nullptr) return std::optional<record>();
    samsa::kafka::message_ptr guard(msg);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) return std::optional<record>(to_record(*msg));
    char fatal[512];
    if (rd_kafka_fatal_error(impl_->rk.get(), fatal, sizeof fatal) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return make_error(errc::io_error, fmt::format("fatal client error: {}", fatal));
    }
    switch (msg->err) {
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
        case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
        case RD_KAFKA_RESP_ERR_INVALID_GROUP_ID:
            return to_error(msg->err, fmt::format("cannot consume from '{}'", impl_->options.topic));
        default:
            // Transport trouble and the like: librdkafka retries; note it for a
            // later failure message and carry on.
            impl_->state.note(rd_kafka_message_errstr(msg));
            return std::optional<record>();
    }
}

void consumer::done(const record& r) {
    if (!impl_->options.group) return;
    partition_list_ptr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), r.topic.c_str(), r.partition())->offset = r.offset() + 1;
    // Fails only when the partition was revoked meanwhile; the new owner then
    // re-reads this record, which is the at-least-once contract of a group.
    (void)rd_kafka_offsets_store(impl_->rk.get(), list.get());
}

status consumer::close() {
    if (impl_->closed || !impl_->rk) return ok();
    impl_->closed = true;
    status result = ok();
    if (impl_->options.group) {
        // Commit and leave the group asynchronously so that both are bounded by
        // --timeout: the synchronous calls wait for ever on a coordinator that
        // stopped answering.
        rd_kafka_t* rk = impl_->rk.get();
        auto deadline = std::chrono::steady_clock::now() + impl_->config.timeout;
        queue_ptr q(rd_kafka_queue_new(rk));
        auto err = rd_kafka_commit_queue(rk, nullptr, q.get(), nullptr, nullptr);
        bool committed = err != RD_KAFKA_RESP_ERR_NO_ERROR;  // nothing to wait for
        while (!committed && std::chrono::steady_clock::now() < deadline) {
            event_ptr ev(rd_kafka_queue_poll(q.get(), 100));
            if (ev && rd_kafka_event_type(ev.get()) == RD_KAFKA_EVENT_OFFSET_COMMIT) {
                err = rd_kafka_event_error(ev.get());
                committed = true;
            }
        }
        if (!committed) {
            result = make_error(errc::timed_out, fmt::format("the offsets of group '{}' were not committed within {} ms",
                                                             *impl_->options.group, impl_->config.timeout.count()));
        } else if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
            result = to_error(err, fmt::format("cannot commit the offsets of group '{}'", *impl_->options.group));
        }
        if (rd_kafka_error_t* e = rd_kafka_consumer_close_queue(rk, q.get()); e != nullptr) rd_kafka_error_destroy(e);
        while (!rd_kafka_consumer_closed(rk) && std::chrono::steady_clock::now() < deadline) {
            event_ptr ev(rd_kafka_queue_poll(q.get(), 100));
        }
        q.reset();
        if (!rd_kafka_consumer_closed(rk)) {
            // Destroying an open consumer would close it synchronously: skip that.
            rd_kafka_destroy_flags(impl_->rk.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        }
    } else if (impl_->rkt != nullptr) {
        for (int32_t p : impl_->started) rd_kafka_consume_stop(impl_->rkt, p);
        impl_->queue.reset();
        rd_kafka_topic_destroy(impl_->rkt);
        impl_->rkt = nullptr;
    }
    return result;
}

}  // namespace samsa::cli::kafka
