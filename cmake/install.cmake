# Installing Samsa (`cmake --install`) and packaging it (`cpack -G DEB`).
#
# Components:
#   runtime  the programs: samsa-broker, samsa, the order-mail demo
#   library  libsamsa-streams.so.<major>.<minor>: samsa::streams as a shared
#            library (cmake/shared_library.cmake), only its public API
#            exported
#   dev      samsa::streams for applications: static libraries, the shared
#            library's link, headers, the CMake package
#            (find_package(samsa CONFIG): samsa::streams, the static
#            libraries; samsa::streams_shared, the shared one) and
#            samsa-streams.pc / samsa-streams-shared.pc
#   service  the broker as a system service: a systemd unit and a default
#            /etc/samsa/server.properties (data in /var/lib/samsa). Absolute
#            paths, so only the .deb installs it; `cmake --install` leaves
#            it out (EXCLUDE_FROM_ALL) and never writes to /etc.
#
# Headers: the public ones and detail/ (what the DSL's templates need), never
# internal/; tests/packaging checks that no installed header includes one
# that is not installed.

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
# samsa_streams_package (samsa::streams, static) and samsa_streams_shared
# (samsa::streams_shared) are defined in cmake/shared_library.cmake. The
# libraries below the static one are installed as the targets samsa::base,
# samsa::bytes, ... that it needs.

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
install(TARGETS samsa_streams_shared EXPORT samsa-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT library NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT samsa-targets NAMESPACE samsa:: DESTINATION ${samsa_cmake_dir} COMPONENT dev)

# The headers: the public API, the detail/ headers its templates need (the
# DSL's operators, graph and the few runtime interfaces they call), what
# those include from base/, bytes/ and kafka/, and the version. Never
# streams/internal/ (the runtime's own headers): tests/packaging checks that
# no installed header includes one that is not installed.
foreach(dir base bytes kafka streams)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/samsa/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/samsa
    COMPONENT dev FILES_MATCHING PATTERN "*.h" PATTERN "internal" EXCLUDE)
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
configure_file(${PROJECT_SOURCE_DIR}/cmake/templates/samsa-streams-shared.pc.in
  ${PROJECT_BINARY_DIR}/packaging/samsa-streams-shared.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/samsa-streams.pc ${PROJECT_BINARY_DIR}/packaging/samsa-streams-shared.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# --- the broker as a service (the .deb only) ----------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/packaging/server.properties DESTINATION /etc/samsa
  COMPONENT service EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/samsa-broker.service DESTINATION /lib/systemd/system
  COMPONENT service EXCLUDE_FROM_ALL)

# --- packages ----------------------------------------------------------------
# Three .debs: `samsa` (programs + service), `libsamsa-streams<major>.<minor>`
# (the shared library, named after its SONAME as Debian names libraries)
# and `samsa-dev` (headers, static libraries, the CMake package).
set(CPACK_PACKAGE_NAME samsa)
set(CPACK_PACKAGE_VENDOR "Samsa")
set(CPACK_PACKAGE_CONTACT "Samsa developers <samsa@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "A Kafka-protocol broker and Kafka Streams for C++")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL runtime service library dev)
set(CPACK_COMPONENT_RUNTIME_GROUP broker)
set(CPACK_COMPONENT_SERVICE_GROUP broker)
set(CPACK_COMPONENT_LIBRARY_GROUP library)
set(CPACK_COMPONENT_DEV_GROUP dev)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_BROKER_PACKAGE_NAME samsa)
set(samsa_library_package libsamsa-streams${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
set(CPACK_DEBIAN_LIBRARY_PACKAGE_NAME ${samsa_library_package})
set(CPACK_DEBIAN_DEV_PACKAGE_NAME samsa-dev)
set(CPACK_DEBIAN_BROKER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_LIBRARY_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The programs' shared-library dependencies, read off the binaries by
# dpkg-shlibdeps; the -dev package needs the -dev packages of what its
# static libraries and headers use.
set(CPACK_DEBIAN_BROKER_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_LIBRARY_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_BROKER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_BROKER_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "${samsa_library_package} (= ${PROJECT_VERSION}), librdkafka-dev, libssl-dev, librocksdb-dev, libspdlog-dev, libfmt-dev, nlohmann-json3-dev, libsimdjson-dev, libmurmurhash-dev, libcpp-httplib-dev, pkg-config")
include(CPack)
