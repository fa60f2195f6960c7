#include "samsa/broker/txn/txn_service.h"

#include <spdlog/spdlog.h>

#include "samsa/base/crash_point.h"
#include "samsa/broker/broker.h"
#include "samsa/broker/config/config_def.h"
#include "samsa/broker/group/asio_group_timers.h"
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/group_service.h"
#include "samsa/broker/purgatory/fetch_purgatory.h"
#include "samsa/broker/producer/producer_id_manager.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/broker/topics/internal_topic_replay.h"
#include "samsa/record/control_record.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"

namespace samsa::broker::txn {

txn_config make_txn_config(const broker& b) {
    txn_config c;
    c.max_timeout_ms = static_cast<int32_t>(b.config().int_value_or("transaction.max.timeout.ms", c.max_timeout_ms));
    c.id_expiration_ms = b.config().int_value_or("transactional.id.expiration.ms", c.id_expiration_ms);
    c.log_partitions = static_cast<int32_t>(b.config().int_value_or("transaction.state.log.num.partitions", c.log_partitions));
    c.abort_interval = std::chrono::milliseconds(b.config().int_value_or("transaction.abort.timed.out.transaction.cleanup.interval.ms", c.abort_interval.count()));
    c.expiration_interval = std::chrono::milliseconds(b.config().int_value_or("transaction.remove.expired.transaction.cleanup.interval.ms", c.expiration_interval.count()));
    return c;
}

// Appends the coordinator's records to __transaction_state, one batch each.
class txn_service::topic_txn_log : public txn_log {
public:
    topic_txn_log(broker& b, int32_t partitions) : broker_(b), partitions_(partitions) {}

    status append(int32_t partition, bytes key, std::optional<bytes> value) override {
        topic_manager& topics = broker_.topics();
        if (!topics.find(transaction_state_topic)) {
            topic_configs configs{{"cleanup.policy", "compact"}};
            if (auto seg = broker_.config().value_of("transaction.state.log.segment.bytes"))
                configs.emplace("segment.bytes", *seg);
            auto created = topics.create_topic(transaction_state_topic, partitions_, configs);
            if (!created && created.error().code != errc::already_exists) return created.error();
            spdlog::info("created the internal topic {} with {} partitions", transaction_state_topic, partitions_);
        }
        storage::partition_log* log = topics.log(transaction_state_topic, partition_id(partition));
        if (!log)
            return make_error(errc::not_found, fmt::format("{}-{} does not exist", transaction_state_topic, partition));
        const timestamp_ms now = broker::now();
        record::record_batch_builder builder;
        builder.add(record::record{std::move(key), std::move(value), now, {}});
        bytes batch = builder.build();
        auto appended = log->append(std::span<uint8_t>(batch), now);
        if (!appended) return appended.error();
        broker_.waiters().notify(transaction_state_topic, partition_id(partition));
        return ok();
    }

private:
    broker& broker_;
    int32_t partitions_;
};

// Writes markers into the partitions of the broker.
class txn_service::partition_markers : public txn_markers {
public:
    explicit partition_markers(broker& b) : broker_(b) {}

    status write(const topic_partition& tp, const marker& m) override {
        topic_manager& topics = broker_.topics();
        const topic_metadata* meta = topics.find(tp.topic);
        storage::partition_log* log = meta ? topics.log(tp.topic, tp.partition) : nullptr;
        if (!log) return make_error(errc::not_found, fmt::format("{}-{} does not exist", tp.topic, tp.partition()));
        auto state = broker_.producers().state_for(tp.topic, tp.partition, meta->id, *log);
        if (!state) return state.error();
        if (auto verdict = (*state)->check_marker(m.producer, m.epoch, m.coordinator_epoch); !verdict.ok()) {
            // Kafka's partition leader refuses a stale marker; the coordinator
            // then gives that partition up.
            spdlog::warn("{}-{}: marker refused: {}", tp.topic, tp.partition(), verdict.message);
            return ok();
        }
        const timestamp_ms now = broker::now();
        bytes batch = record::build_end_txn_marker_batch(m.producer, m.epoch, {m.type, m.coordinator_epoch}, now);
        auto appended = log->append(std::span<uint8_t>(batch), now);
        if (!appended) return appended.error();
        const bool commit = m.type == record::control_type::commit;
        auto done = (*state)->record_marker(m.producer, m.epoch, m.coordinator_epoch, appended->base_offset, now);
        producer::publish_stable_offset(**state, *log);
        status indexed = ok();
        if (done && !commit) {
            crash_point("txn.marker_before_index");
            storage::aborted_txn entry{done->producer, done->first_offset, done->last_offset,
                                       (*state)->first_unstable_offset().value_or(offset(done->last_offset() + 1))};
            indexed = log->append_aborted_txn(entry);
            if (!indexed)
                spdlog::error("{}-{}: the aborted transaction of producer {} ({}..{}) is not in the .txnindex: {}",
                              tp.topic, tp.partition(), m.producer(), done->first_offset(), done->last_offset(),
                              indexed.error().message);
        }
        if (tp.topic == group::offsets_topic) broker_.groups().complete_txn_offsets(tp.partition(), m.producer, commit);
        broker_.waiters().notify(tp.topic, tp.partition);
        return indexed;
    }

private:
    broker& broker_;
};

txn_service::txn_service(broker& b) : broker_(b) {
    txn_config config = make_txn_config(b);
    // An existing topic decides the partition count: the mapping of ids to
    // partitions must not change under the records already written.
    if (const auto* meta = b.topics().find(transaction_state_topic)) config.log_partitions = meta->partition_count;
    timers_ = std::make_unique<group::asio_group_timers>(b.io());
    log_ = std::make_unique<topic_txn_log>(b, config.log_partitions);
    markers_ = std::make_unique<partition_markers>(b);
    coordinator_ = std::make_unique<txn_coordinator>(config, *timers_, *log_, *markers_,
                                                     [&b] { return b.producer_ids().next(); });
}

txn_service::~txn_service() { coordinator_.reset(); }

void txn_service::load() {
    replay_internal_topic(broker_.topics(), transaction_state_topic,
                          [this](const replayed_batch& batch, replay_counts& counts) {
                              if (batch.decoded.header().control()) return;
                              load_replayed_records(transaction_state_topic, batch, counts,
                                                    [this](bytes_view key, const std::optional<bytes_view>& value) {
                                                        return coordinator_->load_record(key, value);
                                                    });
                          });
    coordinator_->finish_loading();
}

void txn_service::shutdown() { coordinator_->shutdown(); }

}  // namespace samsa::broker::txn
