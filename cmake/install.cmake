# Installing Samsa (`cmake --install`) and packaging it (`cpack -G DEB`).
#
# Components:
#   runtime  the programs: samsa-broker, samsa, the order-mail demo
#   dev      samsa::streams for applications: static libraries, headers, the
#            CMake package (find_package(samsa CONFIG)) and samsa-streams.pc
#   service  the broker as a system service: a systemd unit and a default
#            /etc/samsa/server.properties (data in /var/lib/samsa). Absolute
#            paths, so only the .deb installs it; `cmake --install` leaves
#            it out (EXCLUDE_FROM_ALL) and never writes to /etc.
#
# Not yet: a shared libsamsa-streams.so with only the public API exported,
# and public headers free of internal/ ones (the DSL's templates reach the
# internal graph and processor headers today, so those are installed too).

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(samsa_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/samsa)

# --- programs --------------------------------------------------------------
set(samsa_programs samsa-broker samsa order-mail order-mail-sender order-mail-datagen)
foreach(program ${samsa_programs})
  if(TARGET ${program})
    install(TARGETS ${program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
  endif()
endforeach()

# --- samsa::streams ----------------------------------------------------------
# samsa::streams is what an application links: the DSL, the runtime (which
# brings librdkafka) and the test driver. The libraries below it are
# installed as the targets samsa::base, samsa::bytes, ... that it needs.
add_library(samsa_streams_package INTERFACE)
target_link_libraries(samsa_streams_package INTERFACE samsa_streams_runtime samsa_streams_json)
add_library(samsa::streams ALIAS samsa_streams_package)

# samsa_broker_metrics(_http): the Prometheus text renderer and the GET
# /metrics endpoint, which kafka_streams reuses for samsa.metrics.listener.
# samsa_kafka: the Kafka client layer the runtime's clients are built on.
set(samsa_exported_libraries
  samsa_options samsa_base samsa_bytes samsa_kafka samsa_streams_state samsa_streams_json samsa_streams
  samsa_streams_runtime samsa_streams_package samsa_broker_metrics samsa_broker_metrics_http)
set_target_properties(samsa_options PROPERTIES EXPORT_NAME options)
set_target_properties(samsa_base PROPERTIES EXPORT_NAME base)
set_target_properties(samsa_bytes PROPERTIES EXPORT_NAME bytes)
set_target_properties(samsa_kafka PROPERTIES EXPORT_NAME kafka)
set_target_properties(samsa_streams_state PROPERTIES EXPORT_NAME streams_state)
set_target_properties(samsa_streams_json PROPERTIES EXPORT_NAME streams_json)
set_target_properties(samsa_streams PROPERTIES EXPORT_NAME streams_dsl)
set_target_properties(samsa_streams_runtime PROPERTIES EXPORT_NAME streams_runtime)
set_target_properties(samsa_streams_package PROPERTIES EXPORT_NAME streams)
set_target_properties(samsa_broker_metrics PROPERTIES EXPORT_NAME broker_metrics)
set_target_properties(samsa_broker_metrics_http PROPERTIES EXPORT_NAME broker_metrics_http)

install(TARGETS ${samsa_exported_libraries} EXPORT samsa-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT samsa-targets NAMESPACE samsa:: DESTINATION ${samsa_cmake_dir} COMPONENT dev)

# The headers the installed libraries' headers include, and the version.
foreach(dir base bytes kafka streams)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/samsa/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/samsa
    COMPONENT dev FILES_MATCHING PATTERN "*.h")
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/generated/samsa/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/samsa COMPONENT dev)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/templates/samsaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/packaging/samsaConfig.cmake INSTALL_DESTINATION ${samsa_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/packaging/samsaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/packaging/samsaConfig.cmake ${PROJECT_BINARY_DIR}/packaging/samsaConfigVersion.cmake
  DESTINATION ${samsa_cmake_dir} COMPONENT dev)

# Relocatable: the prefix is found from the .pc file's own place.
file(RELATIVE_PATH samsa_pc_to_prefix /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" samsa_pc_to_prefix "${samsa_pc_to_prefix}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/templates/samsa-streams.pc.in
  ${PROJECT_BINARY_DIR}/packaging/samsa-streams.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/samsa-streams.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# --- the broker as a service (the .deb only) ----------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/packaging/server.properties DESTINATION /etc/samsa
  COMPONENT service EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/samsa-broker.service DESTINATION /lib/systemd/system
  COMPONENT service EXCLUDE_FROM_ALL)

# --- packages ----------------------------------------------------------------
# Two .debs: `samsa` (programs + service) and `samsa-dev` (the library).
set(CPACK_PACKAGE_NAME samsa)
set(CPACK_PACKAGE_VENDOR "Samsa")
set(CPACK_PACKAGE_CONTACT "Samsa developers <samsa@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "A Kafka-protocol broker and Kafka Streams for C++")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL runtime service dev)
set(CPACK_COMPONENT_RUNTIME_GROUP broker)
set(CPACK_COMPONENT_SERVICE_GROUP broker)
set(CPACK_COMPONENT_DEV_GROUP dev)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_BROKER_PACKAGE_NAME samsa)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME samsa-dev)
set(CPACK_DEBIAN_BROKER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The programs' shared-library dependencies, read off the binaries by
# dpkg-shlibdeps; the -dev package needs the -dev packages of what its
# static libraries and headers use.
set(CPACK_DEBIAN_BROKER_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_BROKER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_BROKER_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "librdkafka-dev, libssl-dev, librocksdb-dev, libspdlog-dev, libfmt-dev, nlohmann-json3-dev, libsimdjson-dev, libmurmurhash-dev, libcpp-httplib-dev, pkg-config")
include(CPack)
