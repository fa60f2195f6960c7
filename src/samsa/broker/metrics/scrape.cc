#include "samsa/broker/metrics/scrape.h"

#include "samsa/broker/broker.h"
#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/metrics/broker_metrics.h"
#include "samsa/broker/metrics/metric_names.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/storage/partition_log.h"

namespace samsa::broker::metrics {

namespace {

void collect_logs(broker& b, registry& out) {
    const auto& topics = b.topics().table().topics();
    size_t partitions = 0;
    storage::partition_log::clean_totals cleaned;
    size_t cleaning = 0;
    for (const auto& [name, meta] : topics) {
        for (int32_t p = 0; p < meta.partition_count; ++p) {
            ++partitions;
            const storage::partition_log* log = b.topics().log(name, partition_id(p));
            if (!log) continue;
            label_set labels{{"topic", name}, {"partition", std::to_string(p)}};
            out.set_gauge(names::log_size, "Bytes of the partition's segment files.", labels,
                          static_cast<double>(log->size_bytes()));
            out.set_gauge(names::log_start_offset, "The partition's first offset.", labels,
                          static_cast<double>(log->log_start_offset()()));
            out.set_gauge(names::log_end_offset, "The offset the next appended record gets.", labels,
                          static_cast<double>(log->log_end_offset()()));
            out.set_gauge(names::log_segments, "Segments of the partition.", std::move(labels),
                          static_cast<double>(log->segments().size()));
            cleaned.cleans += log->cleaned().cleans;
            cleaned.bytes_read += log->cleaned().bytes_read;
            cleaned.bytes_written += log->cleaned().bytes_written;
            cleaned.records_read += log->cleaned().records_read;
            cleaned.records_kept += log->cleaned().records_kept;
            if (log->cleaning()) ++cleaning;
        }
    }
    out.set_gauge(names::topic_count, "Topics.", {}, static_cast<double>(topics.size()));
    out.set_gauge(names::partition_count, "Partitions (all led by this broker).", {},
                  static_cast<double>(partitions));
    out.add_counter(names::cleaner_runs, "Cleans swapped in (compaction).").inc(static_cast<double>(cleaned.cleans));
    out.add_counter(names::cleaner_bytes_read, "Bytes the cleaner read.").inc(static_cast<double>(cleaned.bytes_read));
    out.add_counter(names::cleaner_bytes_written, "Bytes the cleaner wrote.")
        .inc(static_cast<double>(cleaned.bytes_written));
    out.add_counter(names::cleaner_records_read, "Records the cleaner read.")
        .inc(static_cast<double>(cleaned.records_read));
    out.add_counter(names::cleaner_records_kept, "Records the cleaner kept.")
        .inc(static_cast<double>(cleaned.records_kept));
    out.set_gauge(names::cleaner_cleaning, "Partitions being cleaned now.", {}, static_cast<double>(cleaning));
    if (cleaned.bytes_read > 0) {
        out.set_gauge(names::cleaner_recopy, "Bytes written as a percentage of bytes read by the cleans so far.", {},
                      100.0 * static_cast<double>(cleaned.bytes_written) / static_cast<double>(cleaned.bytes_read));
    }
}

void collect_groups(broker& b, registry& out) {
    auto& groups = b.groups();
    auto [error, listed] = groups.list({});
    if (error != protocol::error_code::none) return;  // still loading __consumer_offsets
    out.set_gauge(names::group_count, "Consumer groups.", {}, static_cast<double>(listed.size()));
    for (const auto& g : listed) {
        out.set_gauge(names::group_members, "Members of the group.", {{"consumergroup", g.group_id}},
                      static_cast<double>(groups.describe(g.group_id).members.size()));
        auto committed = groups.fetch(g.group_id, std::nullopt);
        if (committed.error != protocol::error_code::none) continue;
        for (const auto& o : committed.partitions) {
            if (o.error != protocol::error_code::none || o.committed() < 0) continue;
            label_set labels{{"consumergroup", g.group_id}, {"topic", o.topic},
                             {"partition", std::to_string(o.partition())}};
            out.set_gauge(names::group_offset, "The group's committed offset.", labels,
                          static_cast<double>(o.committed()));
            if (const storage::partition_log* log = b.topics().log(o.topic, o.partition)) {
                out.set_gauge(names::group_lag, "Log end offset minus the group's committed offset.",
                              std::move(labels), static_cast<double>(log->high_watermark()() - o.committed()));
            }
        }
    }
}

}  // namespace

std::string scrape(broker& b, size_t open_connections) {
    registry now;
    collect_logs(b, now);
    collect_groups(b, now);
    now.set_gauge(names::connections, "Open client connections.", {}, static_cast<double>(open_connections));
    now.set_gauge(names::producer_ids, "Producer ids in the producer state of the partitions loaded.", {},
                  static_cast<double>(b.producers().producer_id_count()));
    return render_text({&b.metrics().counters(), &now});
}

}  // namespace samsa::broker::metrics
