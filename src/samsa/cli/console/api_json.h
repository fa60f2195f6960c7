#pragma once
// api_json: the console's JSON API bodies, built from the plain values of
// cli/kafka/types.h. Pure (no librdkafka, no I/O), so tests check every shape
// without a cluster.
//
//   GET /api/cluster                 {"bootstrap","brokers":[{"id","host","port"}],"topic_count"}
//   GET /api/brokers/{id}/configs    {"broker","configs":[config]}
//   GET /api/topics                  {"topics":[{"name","partitions","internal","records"}]}
//   GET /api/topics/{t}              {"name","partitions":[{"partition","leader","replicas","isr",
//                                      "start_offset","end_offset","records"}],"configs":[config]}
//   GET /api/topics/{t}/records      {"topic","partition","start_offset","end_offset","from_offset",
//                                      "records":[{"offset","timestamp","timestamp_type","key","value",
//                                      "headers":[{"key","value"}]}]}
//   GET /api/groups                  {"groups":[{"group","state","simple"}]}
//   GET /api/groups/{g}              {"group","state","partition_assignor","coordinator","members":[...],
//                                      "partitions":[{"topic","partition","committed_offset",
//                                      "end_offset","lag","member_id","client_id","host"}],"total_lag"}
//   errors                           {"error":{"code","message"}} with an HTTP status (http_status_of)
//
// Keys and values are text; bytes that are not UTF-8 are replaced when the
// body is written (dump_json), never a reason to fail.
//
// Thread: any.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "samsa/base/result.h"
#include "samsa/cli/groups.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::cli::console {

using json = nlohmann::ordered_json;

// A topic's partition with its offsets (-1: unknown).
struct partition_offsets {
    kafka::partition_info info;
    kafka::watermarks marks;
};

json error_json(const error& e);
int http_status_of(errc code);

json cluster_json(const std::string& bootstrap, const kafka::cluster_metadata& md);
json configs_json(const std::vector<kafka::config_entry>& configs);
// One row per topic; `records` is the sum of end - start over partitions when known.
json topic_list_json(const kafka::cluster_metadata& md, const std::vector<std::optional<int64_t>>& record_counts);
json topic_json(const std::string& name, const std::vector<partition_offsets>& partitions,
                const std::vector<kafka::config_entry>& configs);
json record_json(const kafka::record& r);
json records_json(const kafka::topic_partition& tp, kafka::watermarks marks, int64_t from_offset,
                  const std::vector<kafka::record>& records);
json group_list_json(const std::vector<kafka::group_listing>& groups);
json group_json(const kafka::group_description& group, const std::vector<partition_lag>& partitions);
// The sum of the known lags.
int64_t total_lag(const std::vector<partition_lag>& partitions);

// The body text: UTF-8 errors in keys or values are replaced, not thrown.
std::string dump_json(const json& j);

}  // namespace samsa::cli::console
