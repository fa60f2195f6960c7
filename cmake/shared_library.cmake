# samsa::streams as applications link it (installed by cmake/install.cmake):
#
# samsa_streams_package (samsa::streams): the static libraries: the DSL,
# the runtime (which brings librdkafka) and the test driver.
add_library(samsa_streams_package INTERFACE)
target_link_libraries(samsa_streams_package INTERFACE samsa_streams_runtime samsa_streams_json)
add_library(samsa::streams ALIAS samsa_streams_package)

# libsamsa-streams.so: samsa::streams as one shared library (target
# samsa_streams_shared, installed as samsa::streams_shared).
#
# It is compiled from the same sources as the static libraries that make
# samsa::streams (the DSL, the runtime, the state stores, and the base/,
# bytes/ and metrics code below them), found by walking samsa::streams'
# link libraries, so a library added under it is picked up without a list
# to keep in step here. The static libraries stay as they are: tests and
# programs link them.
#
# Compiled with -fvisibility=hidden and -fvisibility-inlines-hidden: it
# exports only what is marked SAMSA_STREAMS_API (samsa/streams/export.h):
# the public API and the few detail/ classes and functions that the DSL's
# templates, which the application instantiates, call. The runtime behind
# kafka_streams (internal/) stays hidden. base/ and bytes/ are exported
# whole: their headers are installed with samsa::streams (result, assert,
# bytes, crc32c ...) and marking them would touch headers every target of
# the project includes.
#
# SOVERSION is major.minor: before 1.0 a minor version may change the ABI,
# as the CMake package's SameMinorVersion compatibility says.

# The project's static libraries samsa::streams is made of, and what they
# link from outside (imported targets, flags).
set(samsa_shared_todo samsa_streams_package)
set(samsa_shared_members "")
set(samsa_shared_external "")
set(samsa_shared_seen "")
while(samsa_shared_todo)
  list(POP_FRONT samsa_shared_todo lib)
  if(lib IN_LIST samsa_shared_seen)
    continue()
  endif()
  list(APPEND samsa_shared_seen ${lib})
  if(NOT TARGET ${lib})
    list(APPEND samsa_shared_external ${lib})
    continue()
  endif()
  get_target_property(imported ${lib} IMPORTED)
  if(imported)
    list(APPEND samsa_shared_external ${lib})
    continue()
  endif()
  get_target_property(type ${lib} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(deps ${lib} INTERFACE_LINK_LIBRARIES)
  else()
    list(APPEND samsa_shared_members ${lib})
    get_target_property(deps ${lib} LINK_LIBRARIES)
  endif()
  if(deps)
    list(APPEND samsa_shared_todo ${deps})
  endif()
endwhile()
list(REMOVE_ITEM samsa_shared_external samsa_options)

set(samsa_shared_sources "")
foreach(lib ${samsa_shared_members})
  get_target_property(sources ${lib} SOURCES)
  get_target_property(dir ${lib} SOURCE_DIR)
  foreach(source ${sources})
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${dir})
    list(APPEND samsa_shared_sources ${source})
  endforeach()
endforeach()

# An imported target a library found in its own folder's scope (the broker's
# cpp-httplib) is found again here.
if("PkgConfig::CPPHTTPLIB" IN_LIST samsa_shared_external AND NOT TARGET PkgConfig::CPPHTTPLIB)
  pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()

add_library(samsa_streams_shared SHARED ${samsa_shared_sources})
foreach(source ${samsa_shared_sources})
  if(source MATCHES "/src/samsa/(base|bytes)/")
    # Directory-scoped: only this target's compilation of the file.
    set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS "-fvisibility=default")
  endif()
endforeach()
set_target_properties(samsa_streams_shared PROPERTIES
  OUTPUT_NAME samsa-streams
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON
  EXPORT_NAME streams_shared)
# An undefined symbol is a missing dependency: fail at link, not at load.
# The version script keeps std:: template instantiations out of the exports
# (cmake/samsa-streams.map).
target_link_options(samsa_streams_shared PRIVATE -Wl,--no-undefined
  -Wl,--version-script=${CMAKE_CURRENT_LIST_DIR}/samsa-streams.map)
set_target_properties(samsa_streams_shared PROPERTIES LINK_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/samsa-streams.map)
# What the installed headers use themselves (spdlog in the operators,
# nlohmann::json in serdes/json.h, MurmurHash3 in the foreign-key join) is
# the application's too; the rest (librdkafka, RocksDB, cpp-httplib ...) is
# the library's alone.
set(samsa_shared_public spdlog::spdlog fmt::fmt nlohmann_json::nlohmann_json PkgConfig::MURMURHASH)
list(REMOVE_ITEM samsa_shared_external ${samsa_shared_public})
target_link_libraries(samsa_streams_shared PUBLIC samsa_options ${samsa_shared_public}
  PRIVATE ${samsa_shared_external})
