#include "samsa/broker/broker.h"

#include "samsa/broker/handlers/fetch_waiters.h"

namespace samsa::broker {

broker::broker(const broker_config& config, asio::io_context& io, meta_properties meta,
               std::unique_ptr<topic_manager> topics)
    : config_(config),
      io_(io),
      meta_(std::move(meta)),
      topics_(std::move(topics)),
      waiters_(std::make_unique<fetch_waiters>(io)),
      advertised_(config.advertised_listeners.front()) {}

broker::~broker() = default;

timestamp_ms broker::now() {
    using namespace std::chrono;
    return timestamp_ms(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace samsa::broker
