#pragma once
// rdkafka_admin: admin_client on samsa/kafka's admin: Metadata for partition
// counts, CreateTopics (TOPIC_ALREADY_EXISTS is success), DescribeGroups
// for streams metadata.
//
// Threads: the caller's (kafka_streams::start(); the metadata calls from any
// one thread at a time, kafka_streams serializes them); purge_records from
// any stream thread.

#include <memory>
#include <mutex>

#include "samsa/kafka/admin.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

class rdkafka_admin final : public admin_client {
public:
    [[nodiscard]] static result<std::unique_ptr<admin_client>> create(const client_config& config);

    [[nodiscard]] result<std::map<std::string, int>> partition_counts(const std::set<std::string>& topics,
                                                                     std::chrono::milliseconds timeout) override;
    [[nodiscard]] status create_topics(const std::vector<new_topic>& topics,
                                       std::chrono::milliseconds timeout) override;
    [[nodiscard]] result<std::vector<group_member_info>> describe_group(const std::string& group,
                                                                      std::chrono::milliseconds timeout) override;
    bool purge_records(const std::map<topic_partition, samsa::offset>& before) override;

private:
    explicit rdkafka_admin(std::unique_ptr<samsa::kafka::admin> admin) : admin_(std::move(admin)) {}
    std::unique_ptr<samsa::kafka::admin> admin_;
    // purge_records comes from every stream thread; the other calls from
    // one thread at a time, never beside a purge of the same admin
    // (kafka_streams keeps one admin for purges).
    std::mutex purge_mutex_;
};

}  // namespace samsa::streams::internal::kafka
