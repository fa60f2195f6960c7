#include "samsa/streams/processor/timestamp_extractor.h"

#include <chrono>
#include <spdlog/spdlog.h>
#include <stdexcept>

namespace samsa::streams {

namespace {

std::string describe(const extractor_record& r) {
    return std::string(r.topic) + "-" + std::to_string(r.partition) + "@" + std::to_string(r.offset) +
           " (timestamp " + std::to_string(r.timestamp) + ")";
}

// Kafka's ExtractRecordMetadataTimestamp: the record's own timestamp, with
// a policy for negative ones.
class record_metadata_timestamp : public timestamp_extractor {
public:
    int64_t extract(const extractor_record& r, int64_t partition_time) const final {
        if (r.timestamp < 0) return on_invalid_timestamp(r, partition_time);
        return r.timestamp;
    }

protected:
    virtual int64_t on_invalid_timestamp(const extractor_record& r, int64_t partition_time) const = 0;
};

class fail_on_invalid final : public record_metadata_timestamp {
public:
    std::string name() const override { return "FailOnInvalidTimestamp"; }

private:
    int64_t on_invalid_timestamp(const extractor_record& r, int64_t) const override {
        std::string message = "Input record " + describe(r) +
                              " has invalid (negative) timestamp. Possibly because a pre-0.10 producer client was "
                              "used to write this record to Kafka without embedding a timestamp, or because the "
                              "input topic was created before upgrading the Kafka cluster to 0.10+. Use a "
                              "different TimestampExtractor to process this data.";
        spdlog::error("[streams] {}", message);
        throw std::runtime_error(message);
    }
};

class log_and_skip final : public record_metadata_timestamp {
public:
    std::string name() const override { return "LogAndSkipOnInvalidTimestamp"; }

private:
    int64_t on_invalid_timestamp(const extractor_record& r, int64_t) const override {
        spdlog::warn("[streams] Input record {} will be dropped because it has an invalid (negative) timestamp.",
                     describe(r));
        return r.timestamp;
    }
};

class use_partition_time final : public record_metadata_timestamp {
public:
    std::string name() const override { return "UsePartitionTimeOnInvalidTimestamp"; }

private:
    int64_t on_invalid_timestamp(const extractor_record& r, int64_t partition_time) const override {
        if (partition_time < 0) {
            throw std::runtime_error("Could not infer new timestamp for input record " + describe(r) +
                                     " because partition time is unknown.");
        }
        return partition_time;
    }
};

class wallclock final : public timestamp_extractor {
public:
    int64_t extract(const extractor_record&, int64_t) const override {
        auto now = std::chrono::system_clock::now().time_since_epoch();
        return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
    }
    std::string name() const override { return "WallclockTimestampExtractor"; }
};

class function_extractor final : public timestamp_extractor {
public:
    explicit function_extractor(std::function<int64_t(const extractor_record&, int64_t)> f) : f_(std::move(f)) {}
    int64_t extract(const extractor_record& r, int64_t partition_time) const override { return f_(r, partition_time); }

private:
    std::function<int64_t(const extractor_record&, int64_t)> f_;
};

}  // namespace

timestamp_extractor_ptr fail_on_invalid_timestamp() {
    static const timestamp_extractor_ptr e = std::make_shared<fail_on_invalid>();
    return e;
}

timestamp_extractor_ptr log_and_skip_on_invalid_timestamp() {
    static const timestamp_extractor_ptr e = std::make_shared<log_and_skip>();
    return e;
}

timestamp_extractor_ptr use_partition_time_on_invalid_timestamp() {
    static const timestamp_extractor_ptr e = std::make_shared<use_partition_time>();
    return e;
}

timestamp_extractor_ptr wallclock_timestamp_extractor() {
    static const timestamp_extractor_ptr e = std::make_shared<wallclock>();
    return e;
}

timestamp_extractor_ptr make_timestamp_extractor(std::function<int64_t(const extractor_record&, int64_t)> f) {
    return std::make_shared<function_extractor>(std::move(f));
}

timestamp_extractor_ptr timestamp_extractor_by_name(std::string_view name) {
    constexpr std::string_view package = "org.apache.kafka.streams.processor.";
    if (name.starts_with(package)) name.remove_prefix(package.size());
    if (name == "FailOnInvalidTimestamp") return fail_on_invalid_timestamp();
    if (name == "LogAndSkipOnInvalidTimestamp") return log_and_skip_on_invalid_timestamp();
    if (name == "UsePartitionTimeOnInvalidTimestamp") return use_partition_time_on_invalid_timestamp();
    if (name == "WallclockTimestampExtractor") return wallclock_timestamp_extractor();
    return nullptr;
}

}  // namespace samsa::streams
