#pragma once
// store_sensor: a metrics sensor as the store layers see it (the runtime's
// streams_metrics sensors behind an interface, so the state library does not
// depend on the runtime). The metered layer records latencies (ns) into
// them, a caching layer its hit ratio.

#include "samsa/streams/export.h"

namespace samsa::streams {

// A sensor a metered store records into (see the top of this file).
class SAMSA_STREAMS_API store_sensor {
public:
    virtual ~store_sensor() = default;
    // Whether recording is on at the configured level.
    virtual bool should_record() const = 0;
    // Records one value (a latency in ns, a ratio ...).
    virtual void record(double value) = 0;
};

}  // namespace samsa::streams
