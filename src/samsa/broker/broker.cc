#include "samsa/broker/broker.h"

#include "samsa/broker/group/group_service.h"
#include "samsa/broker/handlers/fetch_waiters.h"

namespace samsa::broker {

broker::broker(const broker_config& config, asio::io_context& io, meta_properties meta,
               std::unique_ptr<topic_manager> topics)
    : config_(config),
      io_(io),
      meta_(std::move(meta)),
      topics_(std::move(topics)),
      waiters_(std::make_unique<fetch_waiters>(io)),
      advertised_(config.advertised_listeners.front()),
      groups_(std::make_unique<group::group_service>(*this)) {
    groups_->load();
}

broker::~broker() = default;

group::group_coordinator& broker::groups() { return groups_->coordinator(); }

void broker::set_stopping() {
    stopping_ = true;
    groups_->shutdown();
}

timestamp_ms broker::now() {
    using namespace std::chrono;
    return timestamp_ms(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace samsa::broker
