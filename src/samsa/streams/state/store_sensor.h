#pragma once
// store_sensor: a metrics sensor as the store layers see it (the runtime's
// streams_metrics sensors behind an interface, so the state library does not
// depend on the runtime). The metered layer records latencies (ns) into
// them, a caching layer its hit ratio.

namespace samsa::streams {

class store_sensor {
public:
    virtual ~store_sensor() = default;
    virtual bool should_record() const = 0;
    virtual void record(double value) = 0;
};

}  // namespace samsa::streams
