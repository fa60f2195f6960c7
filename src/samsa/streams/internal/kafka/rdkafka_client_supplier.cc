#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"

#include "samsa/streams/internal/kafka/rdkafka_admin.h"
#include "samsa/streams/internal/kafka/rdkafka_group_consumer.h"
#include "samsa/streams/internal/kafka/rdkafka_producer.h"
#include "samsa/streams/internal/kafka/rdkafka_reader.h"

namespace samsa::streams::internal {

namespace {

class rdkafka_client_supplier final : public client_supplier {
public:
    result<std::unique_ptr<group_consumer>> consumer(const client_config& config) override {
        return kafka::rdkafka_group_consumer::create(config);
    }
    result<std::unique_ptr<record_producer>> producer(const client_config& config) override {
        return kafka::rdkafka_producer::create(config);
    }
    result<std::unique_ptr<partition_reader>> reader(const client_config& config) override {
        return kafka::rdkafka_reader::create(config);
    }
    result<std::unique_ptr<admin_client>> admin(const client_config& config) override {
        return kafka::rdkafka_admin::create(config);
    }
};

}  // namespace

std::unique_ptr<client_supplier> make_rdkafka_client_supplier() { return std::make_unique<rdkafka_client_supplier>(); }

}  // namespace samsa::streams::internal
