#pragma once
// Codes shared by DescribeConfigs, AlterConfigs and IncrementalAlterConfigs.

#include <cstdint>

namespace samsa::protocol {

// Kafka's ConfigResource.Type codes.
enum class config_resource_type : int8_t { unknown = 0, any = 1, topic = 2, group = 3, broker = 4, broker_logger = 8 };

// Kafka's DescribeConfigsResponse.ConfigSource codes.
enum class config_source : int8_t {
    unknown = 0,
    dynamic_topic_config = 1,
    dynamic_broker_config = 2,
    dynamic_default_broker_config = 3,
    static_broker_config = 4,
    default_config = 5,
    dynamic_broker_logger_config = 6,
};

// IncrementalAlterConfigs' config_operation.
enum class config_operation : int8_t { set = 0, del = 1, append = 2, subtract = 3 };

}  // namespace samsa::protocol
