#include "samsa/streams/internal/kafka/rdkafka_group_consumer.h"

#include <algorithm>
#include <string_view>

#include <spdlog/spdlog.h>

#include "samsa/kafka/rdkafka.h"
#include "samsa/streams/internal/kafka/rdkafka_messages.h"

namespace samsa::streams::internal::kafka {

using samsa::kafka::to_errc;
using samsa::kafka::to_error;
using samsa::kafka::to_list;
using samsa::kafka::to_partitions;

namespace {

// The ListOffsets timestamp of an auto.offset.reset policy (librdkafka's
// names too); none for "error", which librdkafka itself must report.
std::optional<int64_t> reset_timestamp(std::string_view policy) {
    if (policy == "earliest" || policy == "smallest" || policy == "beginning") return RD_KAFKA_OFFSET_BEGINNING;
    if (policy == "latest" || policy == "largest" || policy == "end") return RD_KAFKA_OFFSET_END;
    return std::nullopt;
}

// The start positions are looked up with this bound; past it librdkafka
// looks them up itself.
constexpr int start_offsets_timeout_ms = 10000;

}  // namespace

result<std::unique_ptr<group_consumer>> rdkafka_group_consumer::create(const client_config& given) {
    client_config config = given;
    config["enable.partition.eof"] = "true";  // see current_lag()
    // The runtime commits the offsets it gives commit() and never librdkafka's
    // stored ones (auto-commit is off): without this, every message handed
    // out is also stored as the partition's offset to commit, on the stream
    // thread, for nothing.
    config["enable.auto.offset.store"] = "false";
    // librdkafka (2.0) counts queued.min.messages over the consumer queue
    // that every partition's fetch queue forwards to, not per partition, and
    // once it is reached it stops fetching every partition and does not
    // look again until its broker thread wakes for something else (at most
    // 1 s later: later versions call this fetch.queue.backoff.ms). With the
    // default of 100000, a backlog of 100k small input records stopped the
    // repartition topic's fetches too: the first output came ~1 s late in
    // about one start in ten, and processing stalled for a second each time.
    // The Java consumer has no such count; its buffer is bounded in bytes
    // (fetch.max.bytes). So the count is set out of reach (librdkafka's
    // maximum) and queued.max.messages.kbytes (64 MiB) bounds the memory.
    if (!config.count("queued.min.messages")) config["queued.min.messages"] = "10000000";
    const auto reset = config.find("auto.offset.reset");
    const std::optional<int64_t> reset_to = reset_timestamp(reset == config.end() ? "latest" : reset->second);
    auto conf = samsa::kafka::make_conf(config);
    if (!conf) return conf.error();
    std::unique_ptr<rdkafka_group_consumer> c(new rdkafka_group_consumer());
    c->reset_to_ = reset_to;
    rd_kafka_conf_set_opaque(conf->get(), c.get());
    rd_kafka_conf_set_rebalance_cb(conf->get(), &rdkafka_group_consumer::on_rebalance);
    auto rk = samsa::kafka::make_client(samsa::kafka::client_type::consumer, std::move(*conf));
    if (!rk) return rk.error();
    c->rk_ = std::move(*rk);
    rd_kafka_poll_set_consumer(c->rk_.get());
    c->queue_ = rd_kafka_queue_get_consumer(c->rk_.get());
    if (c->queue_ == nullptr) return make_error(errc::invalid_argument, "the consumer has no group queue (group.id?)");
    return std::unique_ptr<group_consumer>(std::move(c));
}

rdkafka_group_consumer::~rdkafka_group_consumer() { close(); }

void rdkafka_group_consumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                          rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<rdkafka_group_consumer*>(opaque);
    std::vector<topic_partition> tps = to_partitions(partitions);
    bool notify = self->listener_ != nullptr && !self->closing_;
    std::erase_if(self->positions_, [&](const position& p) {
        return std::find(tps.begin(), tps.end(), p.tp) != tps.end();
    });
    // Handles of partitions no longer assigned may go: see position.
    for (auto& p : self->positions_) p.rkt = nullptr;
    self->rebalanced_ = true;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        self->set_start_offsets(partitions);
        self->assigned_at_.clear();
        self->note_start_offsets(partitions);
        rd_kafka_resp_err_t e = rd_kafka_assign(rk, partitions);
        if (e) spdlog::error("[streams] assign failed: {}", rd_kafka_err2str(e));
        if (notify) self->listener_->on_partitions_assigned(tps);
        return;
    }
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        if (notify) {
            if (rd_kafka_assignment_lost(rk)) self->listener_->on_partitions_lost(tps);
            else self->listener_->on_partitions_revoked(tps);
        }
    } else {
        spdlog::error("[streams] rebalance error: {}", rd_kafka_err2str(err));
        if (notify) self->listener_->on_partitions_lost(tps);
    }
    rd_kafka_assign(rk, nullptr);
}

// librdkafka, given partitions without offsets, asks the coordinator for the
// committed ones and then, one partition at a time, sends a ListOffsets for
// those with none, each partition starting to fetch as its answer comes. The
// first partitions to start open a fetch that the broker parks for up to
// fetch.wait.max.ms when they have nothing new; the later ListOffsets wait
// behind it on the same connection (a broker answers a connection's requests
// in order), and then their first fetch waits for the one in flight
// (librdkafka has one per broker). At an order-mail restart (the tables'
// partitions committed, new orders' not) that was twice fetch.wait.max.ms
// (2 x 500 ms by default) before ORDER and the repartition topic were
// fetched at all. So the positions are looked up here, before the
// assignment, as the Java consumer's updateFetchPositions does before its
// first fetch: one OffsetFetch, one ListOffsets per leader for the
// partitions with no committed offset, and every partition can be in the
// first fetch (librdkafka still starts them one at a time, so a fetch can
// rarely leave with only some). What cannot be looked up stays unset for
// librdkafka to resolve as before.
void rdkafka_group_consumer::set_start_offsets(rd_kafka_topic_partition_list_t* partitions) {
    if (partitions->cnt == 0) return;
    samsa::kafka::partition_list_ptr committed(rd_kafka_topic_partition_list_copy(partitions));
    if (rd_kafka_committed(rk_.get(), committed.get(), start_offsets_timeout_ms)) return;
    samsa::kafka::partition_list_ptr reset(rd_kafka_topic_partition_list_new(partitions->cnt));
    for (int i = 0; i < committed->cnt; ++i) {
        const auto& c = committed->elems[i];
        if (c.err) continue;
        if (c.offset >= 0) {
            partitions->elems[i].offset = c.offset;
        } else if (reset_to_) {
            rd_kafka_topic_partition_list_add(reset.get(), c.topic, c.partition)->offset = *reset_to_;
        }
    }
    if (reset->cnt == 0) return;
    if (rd_kafka_offsets_for_times(rk_.get(), reset.get(), start_offsets_timeout_ms)) return;
    for (int i = 0; i < reset->cnt; ++i) {
        const auto& r = reset->elems[i];
        if (r.err || r.offset < 0) continue;
        rd_kafka_topic_partition_list_find(partitions, r.topic, r.partition)->offset = r.offset;
    }
}

status rdkafka_group_consumer::subscribe(const std::vector<std::string>& topics, rebalance_listener& listener) {
    listener_ = &listener;
    samsa::kafka::partition_list_ptr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
    for (const auto& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk_.get(), list.get());
    if (err) return to_error(err, "subscribe");
    return ok();
}

namespace {

// At most this many messages per librdkafka call (poll's buffer).
constexpr size_t max_batch = 1000;

bool is_authorization_failure(rd_kafka_resp_err_t err) {
    return err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED || err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
           err == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED;
}

}  // namespace

rdkafka_group_consumer::position& rdkafka_group_consumer::position_of(rd_kafka_topic_t* rkt, int32_t partition) {
    if (last_position_ < positions_.size()) {
        position& p = positions_[last_position_];
        if (p.rkt == rkt && p.tp.partition == partition) return p;
    }
    const std::string_view topic = rd_kafka_topic_name(rkt);
    for (size_t i = 0; i < positions_.size(); ++i) {
        position& p = positions_[i];
        if (p.tp.partition != partition || (p.rkt != rkt && p.tp.topic != topic)) continue;
        p.rkt = rkt;
        p.rkt_name = topic;
        last_position_ = i;
        return p;
    }
    positions_.push_back(position{topic_partition{std::string(topic), partition}, rkt, topic});
    last_position_ = positions_.size() - 1;
    return positions_.back();
}

status rdkafka_group_consumer::take(rd_kafka_message_t* m, std::vector<consumed_record>& out) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        position& p = position_of(m->rkt, m->partition);
        p.next = m->offset + 1;
        out.push_back(to_record(m, p.rkt_name));  // owns m now
        return ok();
    } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        if (m->rkt != nullptr) position_of(m->rkt, m->partition).next = m->offset;
    } else if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        char reason[512];
        rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(rk_.get(), reason, sizeof(reason));
        rd_kafka_message_destroy(m);
        return make_error(to_errc(fatal), std::string("fatal consumer error: ") + reason);
    } else if (is_authorization_failure(m->err)) {
        // Not retriable, as the Java consumer throws Group/Topic-
        // AuthorizationException from poll(): librdkafka would retry
        // FindCoordinator or the fetch forever, and the application
        // would rebalance without end instead of failing.
        std::string what = std::string("consumer: ") + rd_kafka_message_errstr(m);
        rd_kafka_resp_err_t err = m->err;
        rd_kafka_message_destroy(m);
        return make_error(to_errc(err), what);
    } else {
        // Transient (broker down, leader moving): librdkafka retries with
        // back-off; report it and carry on.
        spdlog::warn("[streams] consumer: {}", rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
    return ok();
}

result<std::vector<consumed_record>> rdkafka_group_consumer::poll(std::chrono::milliseconds timeout,
                                                                  size_t max_records) {
    std::vector<consumed_record> out;
    status st = poll_into(timeout, max_records, out);
    if (!st) return st.error();
    return out;
}

status rdkafka_group_consumer::poll_into(std::chrono::milliseconds timeout, size_t max_records,
                                         std::vector<consumed_record>& out) {
    out.clear();
    if (closed_) return ok();
    ++polls_;
    // librdkafka's batch call waits until it has all it was asked for, so
    // the first call asks for one message (waiting up to timeout, as
    // rd_kafka_consumer_poll would) and the next ones take what is queued.
    int wait = static_cast<int>(timeout.count());
    while (out.size() < max_records) {
        const size_t want = wait > 0 ? 1 : std::min(max_records - out.size(), max_batch);
        if (batch_.size() < want) batch_.resize(want);
        rebalanced_ = false;
        const ssize_t n = rd_kafka_consume_batch_queue(queue_, wait, batch_.data(), want);
        wait = 0;
        if (n < 0) return to_error(rd_kafka_last_error(), "consume");
        // Eager rebalancing revoked every partition inside that call: what
        // earlier calls returned is of the old assignment (librdkafka itself
        // drops such messages from the batch that saw the rebalance), and
        // the partitions' new owner reads it again from the committed offsets.
        if (rebalanced_) out.clear();
        for (ssize_t i = 0; i < n; ++i) {
            status st = take(batch_[i], out);
            if (!st) {
                for (ssize_t k = i + 1; k < n; ++k) rd_kafka_message_destroy(batch_[k]);
                return st.error();
            }
        }
        if (static_cast<size_t>(n) < want) break;  // nothing more queued
    }
    return ok();
}

std::optional<int64_t> rdkafka_group_consumer::current_lag(const topic_partition& tp) {
    auto it = std::find_if(positions_.begin(), positions_.end(), [&](const position& p) {
        return p.tp.partition == tp.partition && p.tp.topic == tp.topic;
    });
    if (it == positions_.end()) return std::nullopt;
    if (it->high_poll != polls_) {
        int64_t low = 0;
        int64_t high = 0;
        rd_kafka_resp_err_t err =
            rd_kafka_get_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low, &high);
        it->high = err ? -1 : high;
        it->high_poll = polls_;
    }
    if (it->high < 0) return std::nullopt;
    return std::max<int64_t>(0, it->high - it->next);
}

status rdkafka_group_consumer::commit(const committed_offsets& offsets) {
    auto list = to_commit_list(offsets);
    rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), 0);
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) return to_error(err, "commit");
    return ok();
}

result<committed_offsets> rdkafka_group_consumer::committed(const std::vector<topic_partition>& partitions,
                                                          std::chrono::milliseconds timeout) {
    committed_offsets out;
    if (partitions.empty()) return out;
    auto list = to_list(partitions);
    rd_kafka_resp_err_t err = rd_kafka_committed(rk_.get(), list.get(), static_cast<int>(timeout.count()));
    if (!err) {
        for (int i = 0; i < list->cnt; ++i) {
            const auto& e = list->elems[i];
            if (e.err || e.offset < 0) continue;  // nothing committed
            std::string metadata(static_cast<const char*>(e.metadata), e.metadata_size);
            out[topic_partition{e.topic, e.partition}] = offset_and_metadata{samsa::offset(e.offset), std::move(metadata)};
        }
    }
    if (err) return to_error(err, "fetch committed offsets");
    return out;
}

void rdkafka_group_consumer::pause(const std::vector<topic_partition>& partitions) {
    if (partitions.empty()) return;
    rd_kafka_pause_partitions(rk_.get(), to_list(partitions).get());
}

void rdkafka_group_consumer::resume(const std::vector<topic_partition>& partitions) {
    if (partitions.empty()) return;
    rd_kafka_resume_partitions(rk_.get(), to_list(partitions).get());
    wake_fetchers(partitions);
}

// librdkafka (2.0) applies a resume on its main thread and does not wake the
// broker thread that fetches the partition (a seek does). A broker thread
// with nothing to fetch - every partition paused, as the runtime pauses a
// new task's until it is restored - sleeps up to its fixed 1 s, so the
// resumed partitions were first fetched up to a second later: the first
// order-mail output came ~0.9 s after RUNNING in about one start in four
// (bench/streams/README.md). The Java consumer fetches from poll(), so a
// resume takes effect at the next poll. Seeking each resumed partition to
// where it resumes anyway (after the last record poll() handed out, else
// its start offset) wakes the thread without moving the position: the
// pause already dropped what was fetched for it. A partition whose start
// librdkafka resolves itself is left alone.
void rdkafka_group_consumer::note_start_offsets(const rd_kafka_topic_partition_list_t* partitions) {
    for (int i = 0; i < partitions->cnt; ++i) {
        const auto& e = partitions->elems[i];
        if (e.offset >= 0) assigned_at_.emplace_back(topic_partition{e.topic, e.partition}, e.offset);
    }
}

void rdkafka_group_consumer::wake_fetchers(const std::vector<topic_partition>& resumed) {
    samsa::kafka::partition_list_ptr seek(rd_kafka_topic_partition_list_new(static_cast<int>(resumed.size())));
    for (const auto& tp : resumed) {
        std::optional<int64_t> at;
        auto seen = std::find_if(positions_.begin(), positions_.end(), [&](const position& p) { return p.tp == tp; });
        if (seen != positions_.end()) {
            at = seen->next;
        } else {
            auto start = std::find_if(assigned_at_.begin(), assigned_at_.end(), [&](const auto& a) { return a.first == tp; });
            if (start != assigned_at_.end()) at = start->second;
        }
        if (at) rd_kafka_topic_partition_list_add(seek.get(), tp.topic.c_str(), tp.partition)->offset = *at;
    }
    if (seek->cnt == 0) return;
    // Asynchronous (timeout 0): queued behind the resume on each partition.
    rd_kafka_error_t* error = rd_kafka_seek_partitions(rk_.get(), seek.get(), 0);
    if (error) {
        spdlog::debug("[streams] seek after resume: {}", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    }
}

void rdkafka_group_consumer::close() {
    if (closed_ || !rk_) return;
    closing_ = true;
    closed_ = true;
    if (queue_ != nullptr) {
        rd_kafka_queue_destroy(queue_);
        queue_ = nullptr;
    }
    rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_.get());
    if (err) spdlog::warn("[streams] consumer close: {}", rd_kafka_err2str(err));
}

std::shared_ptr<const consumer_group_metadata> rdkafka_group_consumer::group_metadata() {
    rd_kafka_consumer_group_metadata_t* m = rd_kafka_consumer_group_metadata(rk_.get());
    if (m == nullptr) return nullptr;
    return std::make_shared<rdkafka_group_metadata>(m);
}

status rdkafka_group_consumer::rewind_to_committed(const std::vector<topic_partition>& partitions) {
    if (partitions.empty()) return ok();
    // Assigning again with no offsets makes librdkafka fetch from the
    // committed offsets (auto.offset.reset where there are none).
    auto list = to_list(partitions);
    for (int i = 0; i < list->cnt; ++i) list->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
    set_start_offsets(list.get());
    // Where they resume now (wake_fetchers): not after what poll() handed out.
    std::erase_if(positions_, [&](const position& p) {
        return std::find(partitions.begin(), partitions.end(), p.tp) != partitions.end();
    });
    std::erase_if(assigned_at_, [&](const auto& a) {
        return std::find(partitions.begin(), partitions.end(), a.first) != partitions.end();
    });
    note_start_offsets(list.get());
    rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list.get());
    if (err) return to_error(err, "assign again at the committed offsets");
    return ok();
}

}  // namespace samsa::streams::internal::kafka
