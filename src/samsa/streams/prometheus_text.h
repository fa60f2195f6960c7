#pragma once
// Kafka Streams' built-in metrics (metrics.h) in Prometheus' text exposition
// format 0.0.4, the text a Prometheus server scrapes.
//
// Names follow the Prometheus JMX exporter's default rule for the MBean
// Kafka Streams registers, `kafka.streams:type=<group>,<tag>=<value>,...`
// with attribute `<name>`, so dashboards written for Java applications
// find the same series:
//
//   name   kafka_streams_<group>_<name>, every character other than
//          [a-zA-Z0-9_] written `_`
//   labels the tags, names sanitized alike (thread-id -> thread_id),
//          values escaped (\\, \", \n)
//   type   counter for a `-total` metric, gauge for everything else
//
//   process-total{stream-thread-metrics}[thread-id=app-StreamThread-1] = 20
//   ->
//   # HELP kafka_streams_stream_thread_metrics_process_total Kafka Streams stream-thread-metrics process-total
//   # TYPE kafka_streams_stream_thread_metrics_process_total counter
//   kafka_streams_stream_thread_metrics_process_total{thread_id="app-StreamThread-1"} 20
//
// A metric not recorded yet (an avg or max over no value) is written NaN,
// as Prometheus' format allows.
//
// A text metric (text_metrics_snapshot: version, state ...) has no number;
// the JMX exporter skips such attributes. It is written the Prometheus way
// for facts, an `_info` gauge of value 1 carrying the text in a label named
// after the metric:
//
//   state{stream-metrics}[client-id=app] = "RUNNING"
//   ->
//   kafka_streams_stream_metrics_state_info{client_id="app",state="RUNNING"} 1 docs/streams-metrics.md shows the endpoint
// that serves this text (samsa.metrics.listener).
//
// Thread: any; pure functions.

#include <string>

#include "samsa/streams/export.h"
#include "samsa/streams/metrics.h"

namespace samsa::streams {

// kafka_streams_<group>_<name>, sanitized as above.
SAMSA_STREAMS_API std::string prometheus_name(const metric_name& m);
// The whole snapshot (and the text metrics as _info gauges), families
// sorted by name; empty for empty snapshots.
SAMSA_STREAMS_API std::string to_prometheus_text(const metrics_snapshot& snapshot,
                                                const text_metrics_snapshot& text = {});

}  // namespace samsa::streams
