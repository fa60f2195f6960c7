#pragma once
// streams_config: the configuration of a kafka_streams instance, parsed from
// Kafka Streams' property names (StreamsConfig):
//
//   application.id                 group id, internal topic prefix (required)
//   bootstrap.servers              (required)
//   num.stream.threads             1
//   commit.interval.ms             30000 (at_least_once), 100 (exactly_once_v2)
//   repartition.purge.interval.ms  30000 (delete committed repartition records)
//   state.dir                      <tmp>/kafka-streams
//   processing.guarantee           at_least_once | exactly_once_v2 (exactly_once and
//                                  exactly_once_beta: deprecated, warned, run as v2)
//   replication.factor             -1 (the broker's default) for internal topics
//   statestore.cache.max.bytes     10485760 (also cache.max.bytes.buffering)
//   default.deserialization.exception.handler   logAndFail | logAndContinue
//   default.production.exception.handler        fail | continue
//   poll.ms                        100
//   buffered.records.per.partition 1000 (pause a partition above this)
//   default.timestamp.extractor    FailOnInvalidTimestamp (the built-ins by
//                                  short or Java class name, timestamp_extractor.h)
//   max.task.idle.ms               0 (-1: never wait; partition_group.h)
//   metrics.recording.level        INFO | DEBUG | TRACE (INFO; metrics.h)
//   samsa.metrics.listener         http://HOST:PORT: serve GET /metrics, the
//                                  metrics as Prometheus text, while the
//                                  instance runs (empty: no endpoint; samsa's
//                                  own key, as the broker's; prometheus_text.h)
//   consumer.* producer.* admin.*  passed to librdkafka without the prefix
//   restore.consumer.* global.consumer.*   likewise, for those readers
//   any other key librdkafka knows (security.protocol, ssl.*, sasl.*,
//                                  client.rack, ...): to every client of
//                                  its kind (consumers, producer, admin) as
//                                  Kafka 3.8's StreamsConfig does; prefixed
//                                  keys win; bootstrap.servers, client.id and
//                                  group.id stay Streams' own; the runtime forces
//                                  what Kafka forces (group.id,
//                                  enable.auto.commit, transactional.id ...)
//
// Java class names are accepted for the handlers too
// (org.apache.kafka.streams.errors.LogAndContinueExceptionHandler ...).
// Unknown names are logged and ignored, as Kafka does.
//
// Threads: a value; parsed on the caller's thread.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "samsa/base/result.h"
#include "samsa/streams/exception_handlers.h"
#include "samsa/streams/export.h"
#include "samsa/streams/metrics.h"
#include "samsa/streams/processor/timestamp_extractor.h"

namespace samsa::streams {

// processing.guarantee: at_least_once (the default) or exactly_once_v2 (transactions).
enum class processing_guarantee { at_least_once, exactly_once_v2 };
// What a production exception handler answers (default.production.exception.handler): fail the task, or drop the record
// and go on.
enum class production_handler_response { fail, continue_processing };

// Kafka's StreamsConfig: the properties kafka_streams runs with, parsed and typed (parse()); the Kafka property each
// field holds is named beside it.
struct SAMSA_STREAMS_API streams_config {
    // application.id (required): the consumer group, and the prefix of internal topics and state directories.
    std::string application_id;
    // bootstrap.servers (required).
    std::string bootstrap_servers;
    // application.server: host:port where this instance answers interactive
    // queries (its own RPC layer, e.g. HTTP); other instances learn it from
    // the group (streams_metadata.h). Empty: not advertised.
    std::string application_server;
    // num.stream.threads.
    int num_stream_threads = 1;
    // commit.interval.ms (100 under exactly_once_v2 unless set).
    std::chrono::milliseconds commit_interval{30000};
    // repartition.purge.interval.ms: after a commit, at most this often, the
    // committed records of repartition topics are deleted (DeleteRecords).
    std::chrono::milliseconds repartition_purge_interval{30000};
    // state.dir.
    std::filesystem::path state_dir;
    // processing.guarantee.
    processing_guarantee guarantee = processing_guarantee::at_least_once;
    // replication.factor of internal topics; -1: the broker's default.
    int replication_factor = -1;
    // statestore.cache.max.bytes (cache.max.bytes.buffering): the record caches' budget per instance.
    int64_t cache_max_bytes = 10 * 1024 * 1024;
    // Kafka's internal __emit.interval.ms.kstreams.windowed.aggregation__:
    // how often (wall clock) emit-on-window-close looks for closed windows.
    int64_t windowed_emit_interval_ms = 1000;
    // Kafka's internal __emit.interval.ms.kstreams.outer.join.spurious.results.fix__:
    // how often (wall clock) left/outer stream-stream joins look for
    // unmatched records whose window has closed.
    int64_t outer_join_emit_interval_ms = 1000;
    // windowstore.changelog.additional.retention.ms: window and session
    // store changelogs keep records this much longer than the store
    // (retention.ms = store retention + this), against clock drift.
    int64_t windowstore_changelog_additional_retention_ms = 24 * 60 * 60 * 1000;
    // default.deserialization.exception.handler.
    deserialization_handler_response on_deserialization_error = deserialization_handler_response::fail;
    // default.production.exception.handler.
    production_handler_response on_production_error = production_handler_response::fail;
    // poll.ms.
    std::chrono::milliseconds poll_time{100};
    // buffered.records.per.partition.
    size_t buffered_records_per_partition = 1000;
    // nullptr: fail_on_invalid_timestamp(). Code may set its own extractor here.
    timestamp_extractor_ptr default_timestamp_extractor;
    // max.task.idle.ms.
    int64_t max_task_idle_ms = 0;
    // metrics.recording.level.
    recording_level metrics_recording_level = recording_level::info;
    // samsa.metrics.listener as written (checked by parse()); empty: none.
    std::string metrics_listener;
    // Bound on start-up admin calls and on one close() step.
    std::chrono::milliseconds request_timeout{30000};
    // consumer.-prefixed properties, passed to the main consumer (and main.consumer.-prefixed ones).
    std::map<std::string, std::string> consumer;
    // producer.-prefixed properties.
    std::map<std::string, std::string> producer;
    // admin.-prefixed properties.
    std::map<std::string, std::string> admin;
    // restore.consumer.-prefixed properties.
    std::map<std::string, std::string> restore_consumer;
    // global.consumer.-prefixed properties.
    std::map<std::string, std::string> global_consumer;

    // invalid_argument naming the property for a missing required value or
    // a value that does not parse.
    [[nodiscard]] static result<streams_config> parse(const std::map<std::string, std::string>& properties);
};

}  // namespace samsa::streams
