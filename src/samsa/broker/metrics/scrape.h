#pragma once
// scrape: the whole /metrics text — the counters broker_metrics keeps, plus
// gauges read from the broker's state at that moment: topics and
// partitions, each partition log's size, segments and start/end offsets,
// consumer groups (members, committed offset and lag per partition),
// connections, producer ids, the log cleaner's totals.
//
// Lag is Kafka's consumer lag: the partition's log end offset (the high
// watermark on one node) minus the group's committed offset; partitions
// without a committed offset have no lag series.
//
// Thread: the I/O thread (it reads what that thread owns; the HTTP thread
// gets the text through a future, metrics_endpoint.h).

#include <cstddef>
#include <string>

namespace samsa::broker {
class broker;
}  // namespace samsa::broker

namespace samsa::broker::metrics {

std::string scrape(broker& b, size_t open_connections);

}  // namespace samsa::broker::metrics
