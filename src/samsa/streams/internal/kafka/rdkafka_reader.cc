#include "samsa/streams/internal/kafka/rdkafka_reader.h"

#include <spdlog/spdlog.h>

#include "samsa/kafka/config.h"
#include "samsa/kafka/rdkafka.h"
#include "samsa/streams/internal/kafka/rdkafka_messages.h"

namespace samsa::streams::internal::kafka {

using samsa::kafka::to_error;

result<std::unique_ptr<partition_reader>> rdkafka_reader::create(const client_config& config) {
    client_config c = config;
    c.erase("group.id");
    c["enable.auto.commit"] = "false";
    c["enable.auto.offset.store"] = "false";
    c["enable.partition.eof"] = "true";
    auto conf = samsa::kafka::make_conf(c);
    if (!conf) return conf.error();
    std::unique_ptr<rdkafka_reader> r(new rdkafka_reader());
    auto rk = samsa::kafka::make_client(samsa::kafka::client_type::consumer, std::move(*conf));
    if (!rk) return rk.error();
    r->rk_ = std::move(*rk);
    r->queue_ = rd_kafka_queue_new(r->rk_.get());
    return std::unique_ptr<partition_reader>(std::move(r));
}

rdkafka_reader::~rdkafka_reader() {
    for (const auto& tp : assigned_) rd_kafka_consume_stop(topic(tp.topic), tp.partition);
    if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
    for (auto& [name, t] : topics_) rd_kafka_topic_destroy(t);
}

rd_kafka_topic_t* rdkafka_reader::topic(const std::string& name) {
    auto it = topics_.find(name);
    if (it != topics_.end()) return it->second;
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk_.get(), name.c_str(), nullptr);
    topics_[name] = t;
    return t;
}

result<std::pair<samsa::offset, samsa::offset>> rdkafka_reader::watermarks(const topic_partition& tp,
                                                                           std::chrono::milliseconds timeout) {
    int64_t low = 0;
    int64_t high = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk_.get(), tp.topic.c_str(), tp.partition, &low, &high,
                                                               static_cast<int>(timeout.count()));
    if (err) return to_error(err, "watermarks of " + tp.to_string());
    return std::pair{samsa::offset(low), samsa::offset(high)};
}

status rdkafka_reader::assign(const topic_partition& tp, samsa::offset from) {
    if (assigned_.count(tp)) unassign(tp);
    int64_t start = from == beginning_offset ? RD_KAFKA_OFFSET_BEGINNING : from();
    if (rd_kafka_consume_start_queue(topic(tp.topic), tp.partition, start, queue_) != 0) {
        return to_error(rd_kafka_last_error(), "start reading " + tp.to_string());
    }
    assigned_.insert(tp);
    return ok();
}

void rdkafka_reader::unassign(const topic_partition& tp) {
    if (!assigned_.erase(tp)) return;
    rd_kafka_consume_stop(topic(tp.topic), tp.partition);
}

result<std::vector<consumed_record>> rdkafka_reader::poll(std::chrono::milliseconds timeout, size_t max_records) {
    std::vector<consumed_record> out;
    if (assigned_.empty()) return out;
    std::vector<rd_kafka_message_t*> batch(std::min<size_t>(max_records, 1000));
    ssize_t n = rd_kafka_consume_batch_queue(queue_, static_cast<int>(timeout.count()), batch.data(), batch.size());
    if (n < 0) return to_error(rd_kafka_last_error(), "read");
    for (ssize_t i = 0; i < n; ++i) {
        rd_kafka_message_t* m = batch[i];
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (assigned_.count(partition_ref(rd_kafka_topic_name(m->rkt), m->partition))) {
                out.push_back(to_record(m));  // owns m now
                continue;
            }
        } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            partition_ref tp(rd_kafka_topic_name(m->rkt), m->partition);
            if (assigned_.count(tp)) {
                consumed_record end;
                // The name of a topic handle the reader keeps for its life.
                end.tp = tp;
                end.offset = samsa::offset(m->offset);
                end.end_of_partition = true;
                out.push_back(std::move(end));
            }
        } else {
            spdlog::warn("[streams] reader: {}", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
    }
    return out;
}

}  // namespace samsa::streams::internal::kafka
