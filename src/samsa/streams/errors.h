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

#include "samsa/streams/export.h"

namespace samsa::streams {

struct SAMSA_STREAMS_API streams_exception : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Interactive queries (kafka_streams::store and the read-only views it
// returns) fail with Kafka's InvalidStateStoreException family. Callers
// that only want to retry later catch the base; the subclasses say why:
//
//   invalid_state_store_exception            a store is not queryable now
//                                            (its task is restoring, or the
//                                            stream thread is rebalancing):
//                                            retry later
//   streams_not_started_exception            start() not called yet
//   unknown_state_store_exception            no store of that name in the topology
//   invalid_state_store_partition_exception  with_partition(p): this instance
//                                            has no task of partition p
//   state_store_migrated_exception           no local task holds the store
//                                            (any more): rediscover the
//                                            owner through the metadata
//   state_store_not_available_exception      the instance is shutting down,
//                                            stopped, or failed
//
// A view that finds the store of the wrong type for the queryable store type
// asked for throws the base with Kafka's message.
struct SAMSA_STREAMS_API invalid_state_store_exception : streams_exception {
    using streams_exception::streams_exception;
};
struct SAMSA_STREAMS_API streams_not_started_exception : invalid_state_store_exception {
    using invalid_state_store_exception::invalid_state_store_exception;
};
struct SAMSA_STREAMS_API unknown_state_store_exception : invalid_state_store_exception {
    using invalid_state_store_exception::invalid_state_store_exception;
};
struct SAMSA_STREAMS_API invalid_state_store_partition_exception : invalid_state_store_exception {
    using invalid_state_store_exception::invalid_state_store_exception;
};
struct SAMSA_STREAMS_API state_store_migrated_exception : invalid_state_store_exception {
    using invalid_state_store_exception::invalid_state_store_exception;
};
struct SAMSA_STREAMS_API state_store_not_available_exception : invalid_state_store_exception {
    using invalid_state_store_exception::invalid_state_store_exception;
};

}  // namespace samsa::streams
