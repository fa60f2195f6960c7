#pragma once
// node_metrics: the processor-node sensors that operators make for
// themselves at init, named as Kafka 3.8's ProcessorNodeMetrics names them
// (group stream-processor-node-metrics, tags thread-id, task-id,
// processor-node-id; all DEBUG). The task owns them (task_context::
// operator_sensors) and unregisters them when it goes.
//   suppression-emit-rate/-total         KTABLE-SUPPRESS, per record emitted
//   window-aggregate-final-emit-rate/-total          windowed aggregations
//   window-aggregate-final-emit-latency-avg/-max     (time, sliding and
//       session windows), per look for closed windows under
//       emit_strategy::on_window_close: records emitted, and the ms it took
// And one store-level family no metered layer covers: the suppression
// buffer's size (Kafka 3.8's StateStoreMetrics.suppressionBuffer*Sensor,
// group stream-state-metrics, tags thread-id, task-id,
// in-memory-suppression-state-id; DEBUG), recorded by KTABLE-SUPPRESS as the
// buffer records it in Kafka: at init (after restoration), after each put and
// after evictions:
//   suppression-buffer-size-avg/-max    bytes buffered
//   suppression-buffer-count-avg/-max   records buffered
// Kafka registers the emit-final sensors for every windowed aggregation,
// whatever its emit strategy; only an on-close one records into them.
// Without a registry (the test driver) every sensor is nullptr and
// recording is a null check.
//
// Installed with the DSL (the operators that make these sensors are
// templates): sensors are opaque here, recorded through record_sensor(), so
// the registry (internal/runtime/streams_metrics.h) stays out of the
// installed headers.
//
// Threads: the task's.

#include <chrono>
#include <cstdint>
#include <string>

#include "samsa/streams/export.h"

namespace samsa::streams::internal {

class sensor;
class task_context;

// sensor::record(value); out of line (see above).
SAMSA_STREAMS_API void record_sensor(sensor& s, double value);
inline void record_sensor_if(sensor* s, double value = 1.0) {
    if (s) record_sensor(*s, value);
}

SAMSA_STREAMS_API sensor* suppression_emit_sensor(task_context& task, const std::string& node);

struct emit_final_sensors {
    sensor* emitted = nullptr;  // value: records emitted by one look
    sensor* latency = nullptr;  // value: wall-clock ms of that look

    // Times fetch-and-forward, which returns how many records it emitted
    // (Kafka's fetchAndEmit).
    template<class F>
    void measure(F&& fetch_and_forward) const {
        const auto start = std::chrono::steady_clock::now();
        const auto emitted_count = fetch_and_forward();
        record_sensor_if(emitted, static_cast<double>(emitted_count));
        const auto elapsed = std::chrono::steady_clock::now() - start;
        record_sensor_if(latency,
                         static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
    }
};

SAMSA_STREAMS_API emit_final_sensors make_emit_final_sensors(task_context& task, const std::string& node);

struct suppression_buffer_sensors {
    sensor* size = nullptr;   // value: bytes buffered
    sensor* count = nullptr;  // value: records buffered

    void record(int64_t bytes, int64_t records) const {
        record_sensor_if(size, static_cast<double>(bytes));
        record_sensor_if(count, static_cast<double>(records));
    }
};

SAMSA_STREAMS_API suppression_buffer_sensors make_suppression_buffer_sensors(task_context& task,
                                                                             const std::string& store);

}  // namespace samsa::streams::internal
