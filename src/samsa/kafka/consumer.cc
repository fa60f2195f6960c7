#include "samsa/kafka/consumer.h"

#include <map>

#include <fmt/format.h>

#include "samsa/kafka/rdkafka.h"

namespace samsa::kafka {

namespace {

int ms(std::chrono::milliseconds d) { return d.count() <= 0 ? 0 : static_cast<int>(d.count()); }

bool has_group_id(const property_list& config) {
    // The last setting wins, as in make_conf.
    bool group = false;
    for (const auto& [key, value] : config) {
        if (key == "group.id") group = !value.empty();
    }
    return group;
}

partition_list_ptr to_list(const std::vector<topic_partition_offset>& partitions) {
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
    for (const auto& p : partitions) {
        rd_kafka_topic_partition_list_add(list.get(), p.tp.topic.c_str(), p.tp.partition)->offset = p.offset();
    }
    return list;
}

// The first partition error of a list librdkafka answered.
status first_error(const rd_kafka_topic_partition_list_t* list, std::string_view what) {
    for (int i = 0; list != nullptr && i < list->cnt; ++i) {
        const auto& el = list->elems[i];
        if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return to_error(el.err, fmt::format("{} {}-{}", what, el.topic, el.partition));
        }
    }
    return ok();
}

client_error not_in_a_group(std::string_view what) {
    return make_client_error(errc::invalid_argument, fmt::format("{} needs a consumer group (group.id)", what));
}

}  // namespace

struct consumer::impl {
    handle_ptr rk;  // first: destroyed after the queue and topics, which belong to it
    bool group = false;
    bool closed = false;
    // Without a group: the per-partition consumer's queue and topic handles.
    queue_ptr queue;
    std::map<std::string, topic_ptr, std::less<>> topics;
    std::vector<topic_partition> started;

    rd_kafka_topic_t* topic(const std::string& name) {
        auto it = topics.find(name);
        if (it == topics.end()) it = topics.emplace(name, topic_ptr(rd_kafka_topic_new(rk.get(), name.c_str(), nullptr))).first;
        return it->second.get();
    }

    void stop_all() {
        for (const auto& tp : started) rd_kafka_consume_stop(topic(tp.topic), tp.partition);
        started.clear();
    }
};

consumer::consumer(std::unique_ptr<impl> impl) : impl_(std::move(impl)) {}

consumer::~consumer() {
    if (!impl_->group) impl_->stop_all();
}

result<std::unique_ptr<consumer>> consumer::create(const properties& config, client_hooks hooks) {
    return create(property_list(config.begin(), config.end()), std::move(hooks));
}

result<std::unique_ptr<consumer>> consumer::create(const property_list& config, client_hooks hooks) {
    auto state = std::make_shared<client_state>();
    state->hooks = std::move(hooks);
    auto rk = make_client(client_type::consumer, config, std::move(state));
    if (!rk) return rk.error();
    auto i = std::make_unique<impl>();
    i->rk = std::move(*rk);
    i->group = has_group_id(config);
    if (i->group) {
        // Client errors and rebalances come out of consumer_poll.
        rd_kafka_poll_set_consumer(i->rk.get());
    } else {
        i->queue.reset(rd_kafka_queue_new(i->rk.get()));
    }
    return std::unique_ptr<consumer>(new consumer(std::move(i)));
}

bool consumer::has_group() const { return impl_->group; }

status consumer::subscribe(const std::vector<std::string>& topics) {
    if (!impl_->group) return not_in_a_group("subscribe");
    partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
    for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto err = rd_kafka_subscribe(impl_->rk.get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return to_error(err, "subscribe");
    }
    return ok();
}

status consumer::assign(const std::vector<topic_partition_offset>& partitions) {
    if (impl_->group) {
        auto list = to_list(partitions);
        if (auto err = rd_kafka_assign(impl_->rk.get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return to_error(err, "assign");
        }
        return ok();
    }
    impl_->stop_all();
    for (const auto& p : partitions) {
        if (rd_kafka_consume_start_queue(impl_->topic(p.tp.topic), p.tp.partition, p.offset(), impl_->queue.get()) ==
            -1) {
            auto e = to_error(rd_kafka_last_error(), fmt::format("assign {}", p.tp.to_string()));
            impl_->stop_all();
            return e;
        }
        impl_->started.push_back(p.tp);
    }
    return ok();
}

status consumer::unassign() {
    if (impl_->group) {
        if (auto err = rd_kafka_assign(impl_->rk.get(), nullptr); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return to_error(err, "unassign");
        }
        return ok();
    }
    impl_->stop_all();
    return ok();
}

result<std::optional<message>> consumer::poll(std::chrono::milliseconds wait) {
    rd_kafka_message_t* m = nullptr;
    if (impl_->group) {
        m = rd_kafka_consumer_poll(impl_->rk.get(), ms(wait));
    } else {
        m = rd_kafka_consume_queue(impl_->queue.get(), ms(wait));
        (void)rd_kafka_poll(impl_->rk.get(), 0);  // client errors (on_error)
    }
    if (m == nullptr) return std::optional<message>();
    message_ptr owned(m);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR || m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        return std::optional<message>(message(std::move(owned)));
    }
    std::string context =
        m->rkt != nullptr ? fmt::format("consume from {}-{}", rd_kafka_topic_name(m->rkt), m->partition) : "consume";
    client_error e = to_error(m->err, context);
    e.message = fmt::format("{}: {} ({})", context, rd_kafka_message_errstr(m), rd_kafka_err2name(m->err));
    char fatal[512];
    if (auto code = rd_kafka_fatal_error(impl_->rk.get(), fatal, sizeof fatal); code != RD_KAFKA_RESP_ERR_NO_ERROR) {
        e.kafka_code = static_cast<int32_t>(code);
        e.message = fmt::format("fatal client error: {}", fatal);
        e.fatal = true;
        e.retriable = false;
    }
    return e;
}

status consumer::seek(const topic_partition_offset& to, std::chrono::milliseconds timeout) {
    auto list = to_list(std::vector<topic_partition_offset>{to});
    if (auto* e = rd_kafka_seek_partitions(impl_->rk.get(), list.get(), ms(timeout))) {
        return take_error(e, fmt::format("seek {}", to.tp.to_string()));
    }
    return first_error(list.get(), "seek");
}

status consumer::store_offset(const topic_partition_offset& next) {
    if (!impl_->group) return not_in_a_group("store_offset");
    auto list = to_list(std::vector<topic_partition_offset>{next});
    if (auto err = rd_kafka_offsets_store(impl_->rk.get(), list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return to_error(err, fmt::format("store offset {} of {}", next.offset(), next.tp.to_string()));
    }
    return first_error(list.get(), "store offset");
}

namespace {

// Commits through a queue of its own so that the wait is bounded: the
// synchronous commit waits for ever on a coordinator that stopped answering.
status commit_within(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* offsets,
                     std::chrono::milliseconds timeout) {
    queue_ptr q(rd_kafka_queue_new(rk));
    auto err = rd_kafka_commit_queue(rk, offsets, q.get(), nullptr, nullptr);
    if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return ok();
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return to_error(err, "OffsetCommit");
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        event_ptr ev(rd_kafka_queue_poll(q.get(), 100));
        if (!ev || rd_kafka_event_type(ev.get()) != RD_KAFKA_EVENT_OFFSET_COMMIT) continue;
        err = rd_kafka_event_error(ev.get());
        if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) return ok();
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return to_error(err, "OffsetCommit");
        return first_error(rd_kafka_event_topic_partition_list(ev.get()), "OffsetCommit");
    }
    return to_error(RD_KAFKA_RESP_ERR__TIMED_OUT, fmt::format("OffsetCommit: no answer within {} ms", timeout.count()));
}

}  // namespace

status consumer::commit(std::chrono::milliseconds timeout) {
    if (!impl_->group) return not_in_a_group("commit");
    return commit_within(impl_->rk.get(), nullptr, timeout);
}

status consumer::commit(const std::vector<topic_partition_offset>& offsets, std::chrono::milliseconds timeout) {
    if (!impl_->group) return not_in_a_group("commit");
    auto list = to_list(offsets);
    return commit_within(impl_->rk.get(), list.get(), timeout);
}

result<watermarks> consumer::query_watermarks(const topic_partition& tp, std::chrono::milliseconds timeout) {
    int64_t low = -1;
    int64_t high = -1;
    auto err = rd_kafka_query_watermark_offsets(impl_->rk.get(), tp.topic.c_str(), tp.partition, &low, &high,
                                                ms(timeout));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return to_error(err, fmt::format("watermarks of {}", tp.to_string()));
    return watermarks{samsa::offset(low), samsa::offset(high)};
}

result<samsa::offset> consumer::offset_for_time(const topic_partition& tp, timestamp_ms time,
                                                std::chrono::milliseconds timeout) {
    auto list = to_list(std::vector<topic_partition_offset>{{tp, samsa::offset(time())}});
    auto err = rd_kafka_offsets_for_times(impl_->rk.get(), list.get(), ms(timeout));
    std::string what = fmt::format("offset for time {} in {}", time(), tp.to_string());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return to_error(err, what);
    const auto& el = list->elems[0];
    if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) return to_error(el.err, what);
    return el.offset < 0 ? offset_end : samsa::offset(el.offset);
}

status consumer::close(std::chrono::milliseconds timeout) {
    if (impl_->closed || !impl_->rk) return ok();
    impl_->closed = true;
    if (!impl_->group) {
        impl_->stop_all();
        return ok();
    }
    rd_kafka_t* rk = impl_->rk.get();
    auto deadline = std::chrono::steady_clock::now() + timeout;
    queue_ptr q(rd_kafka_queue_new(rk));
    if (rd_kafka_error_t* e = rd_kafka_consumer_close_queue(rk, q.get()); e != nullptr) {
        return take_error(e, "close");
    }
    while (!rd_kafka_consumer_closed(rk) && std::chrono::steady_clock::now() < deadline) {
        event_ptr ev(rd_kafka_queue_poll(q.get(), 100));
    }
    q.reset();
    if (rd_kafka_consumer_closed(rk)) return ok();
    // Destroying a consumer that is still open would close it synchronously,
    // unbounded: drop it instead.
    rd_kafka_destroy_flags(impl_->rk.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    return to_error(RD_KAFKA_RESP_ERR__TIMED_OUT,
                    fmt::format("close: the consumer did not leave its group within {} ms", timeout.count()));
}

rd_kafka_t* consumer::native() const { return impl_->rk.get(); }

}  // namespace samsa::kafka
