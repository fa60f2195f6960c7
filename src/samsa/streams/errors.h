#pragma once
// The exceptions samsa::streams throws at its public surface.
//
// streams_exception (Kafka's StreamsException): a start-up failure (missing
// source topics, co-partitioning, internal topics, a locked state directory,
// an unreachable broker), or a failure a processor raises on purpose to stop
// its task (a suppression buffer that is full under shut_down_when_full).
//
// Threads: values.

#include <stdexcept>

namespace samsa::streams {

struct streams_exception : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace samsa::streams
