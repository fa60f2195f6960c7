#pragma once
// scale_partitions: one step of samsa-bench-broker-scale's partition series.
// A fresh broker gets `topics` topics of partitions/topics partitions each,
// created in CreateTopics requests of `create_batch` topics (as an admin
// client sends them), and is measured: create time, RSS and descriptors,
// Metadata latency (all topics, one topic), produce and fetch spread over
// every partition (raw_load: small batches, one partition per request,
// cycling through all of them), then the start time after a clean stop and
// the recovery time after kill -9, both with data in every partition.
//
// Thread: the caller's (raw_load runs its connection threads inside).

#include <chrono>
#include <optional>
#include <string>

#include "bench/broker/load.h"
#include "bench/broker/scale_support.h"

namespace samsa::bench::scale {

struct step_spec {
    int partitions = 100;
    int topics = 10;
    int create_batch = 100;               // topics per CreateTopics request
    std::chrono::milliseconds load{3000};  // produce time
    size_t record_size = 100;
    size_t batch_records = 10;             // records per batch ("small batches")
    int metadata_all_requests = 50;
    int metadata_one_requests = 300;
};

struct step_result {
    std::string error;  // the first thing that failed; figures after it are absent
    std::optional<double> empty_start_ms;
    long idle_rss_kib = 0;
    long idle_fds = 0;
    std::optional<double> create_ms;
    long created_rss_kib = 0;
    long created_fds = 0;
    latency metadata_all;
    latency metadata_one;
    load_result produce;
    load_result fetch;
    uint64_t produce_requests = 0;  // answered batches: >= partitions means every partition has data
    long loaded_rss_kib = 0;
    long loaded_fds = 0;
    restart_times restarts;  // clean stop, start after it, start after kill -9
    int recovered_topics = -1;          // topics in Metadata after the recovery
};

// The names of the step's topics ("scale-<partitions>-<i>").
std::vector<std::string> step_topics(const step_spec& spec);

step_result run_step(const broker_settings& settings, const step_spec& spec);

}  // namespace samsa::bench::scale
