#pragma once
// The single measures of samsa-bench-broker-scale, each on a fresh broker:
//   connections  N raw connections opened one after the other, each answered
//                an ApiVersions; RSS and descriptors per connection; Metadata
//                latency on one more connection while the N are open
//                (scale_connections.cc)
//   group        N members of one group over the raw JoinGroup/SyncGroup
//                protocol on N connections: time until every member has its
//                assignment, then one member leaves and the others rejoin
//                (scale_group.cc)
//   log          one partition of `gib` GiB in 1 MiB segments: start time
//                after a clean stop and after kill -9, Fetch latency at
//                offset 0 and in the middle (scale_log.cc)
//   bombs        one connection sends compressed "bombs" (zstd of N MiB of
//                zeros, refused as INVALID_RECORD) pipelined; another
//                times small Produce round trips before and meanwhile
//                (scale_bombs.cc)
//   auto-create  one Metadata naming N unknown topics (auto-creation on):
//                the time to its answer and until every topic is there,
//                and another client's Metadata latency meanwhile
//                (scale_auto_create.cc)
//
// Thread: the caller's.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "bench/broker/scale_support.h"

namespace samsa::bench::scale {

struct connections_result {
    std::string skipped;  // why the measure did not run (descriptor limit)
    std::string error;
    int opened = 0;
    double open_ms = 0;  // connect + ApiVersions, all of them, one after the other
    long idle_rss_kib = 0;
    long open_rss_kib = 0;
    long open_fds = 0;
    latency metadata_idle;   // one topic, before the N connections
    latency metadata_loaded; // one topic, while they are open
};
connections_result measure_connections(const broker_settings& settings, int n);

struct group_result {
    std::string error;
    int members = 0;
    double first_group_ms = 0;  // a group of one, whose first write creates __consumer_offsets
    double join_ms = 0;     // first JoinGroup to the last SyncGroup answer
    // group.initial.rebalance.delay.ms, part of join_ms: Kafka waits it once,
    // then once more when members joined during the first wait.
    double delay_ms = 0;
    double sync_ms = 0;     // SyncGroups sent (the leader's last) to the last answer
    double rebalance_ms = 0;  // LeaveGroup of one member to the others' last SyncGroup answer
    int generation = -1;    // after the rebalance
};
group_result measure_group(const broker_settings& settings, int members);

struct log_result {
    std::string skipped;  // not enough disk space
    std::string error;
    double gib = 0;       // written
    double write_s = 0;
    long segments = 0;
    long rss_kib = 0;
    long fds = 0;
    long peak_fds = 0;  // while writing (sampled every 100 ms)
    std::optional<double> empty_start_ms;
    restart_times restarts;
    latency fetch_first;   // offset 0
    latency fetch_middle;  // the middle offset
    latency fetch_last;    // near the end (the active segment)
};
log_result measure_log(const broker_settings& settings, double gib);

struct bombs_result {
    std::string error;
    size_t bomb_bytes = 0;   // one bomb's Produce frame
    long answered = 0;       // bombs answered while the producer was timed
    long refused = 0;        // of them, INVALID_RECORD
    double seconds = 0;      // how long the timed producer ran beside them
    latency produce_idle;    // 1-record Produce, acks=1, no bombs
    latency produce_bombed;  // the same while the bombs arrive
};
bombs_result measure_bombs(const broker_settings& settings, int in_flight, int bomb_mib);

struct auto_create_result {
    std::string error;
    int topics = 0;
    double answer_ms = 0;       // the Metadata sent to its answer
    int answered_ready = 0;     // of its topics, answered NONE (made before the answer)
    double all_visible_ms = 0;  // the Metadata sent until every topic is answered NONE
    latency other_idle;         // another client's 1-topic Metadata, before
    latency other_meanwhile;    // the same, from the request until every topic is there
    double other_max_ms = 0;    // its slowest round trip meanwhile
};
auto_create_result measure_auto_create(const broker_settings& settings, int topics);

}  // namespace samsa::bench::scale
