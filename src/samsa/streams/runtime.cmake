# samsa_streams_runtime: kafka_streams and the runtime that runs a topology
# against a Kafka broker (internal/runtime/: threads, tasks, changelogs,
# commits; internal/kafka/: the clients on samsa/kafka, the only files here
# that include librdkafka).
# Included from this folder's CMakeLists.txt.
samsa_library(samsa_streams_runtime
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/kafka_streams.cc
    ${CMAKE_CURRENT_LIST_DIR}/streams_config.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/runtime/changelog_reader.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/runtime/global_stream_thread.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/runtime/internal_topic_manager.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/runtime/metrics_http_endpoint.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/runtime/stream_record_collector.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/runtime/stream_thread.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/runtime/task_manager.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/kafka/rdkafka_admin.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/kafka/rdkafka_client_supplier.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/kafka/rdkafka_group_consumer.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/kafka/rdkafka_messages.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/kafka/rdkafka_producer.cc
    ${CMAKE_CURRENT_LIST_DIR}/internal/kafka/rdkafka_reader.cc
  DEPS samsa_kafka samsa_streams samsa_streams_state samsa_base samsa_broker_metrics_http spdlog::spdlog PkgConfig::RDKAFKA
       Threads::Threads)
