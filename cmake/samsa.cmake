# Helpers shared by every folder's CMakeLists.txt.

# samsa_options: what every target of the project compiles with. Installed
# (cmake/install.cmake) as the include path only: the warnings and sanitizer
# flags are the project's, not its users'.
add_library(samsa_options INTERFACE)
# -Wno-missing-field-initializers: options and record structs give every
# member a default and callers name only the first few ({topic, value});
# GCC 12 warns on that even though no member is left uninitialised.
target_compile_options(samsa_options INTERFACE
  "$<BUILD_INTERFACE:-Wall;-Wextra;-Wno-unused-parameter;-Wno-missing-field-initializers>")
# CI's main build turns warnings into errors, so a new warning fails the
# submission that brings it. Only there: the sanitizer stages compile at other
# optimisation levels, where GCC's flow warnings (-Wmaybe-uninitialized) come
# and go with inlining and say nothing new.
if(SAMSA_WERROR)
  target_compile_options(samsa_options INTERFACE "$<BUILD_INTERFACE:-Werror>")
endif()
target_include_directories(samsa_options INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>
  $<INSTALL_INTERFACE:include>)
# The version, from project(... VERSION ...) only: samsa/version.h.
configure_file(${PROJECT_SOURCE_DIR}/cmake/templates/version.h.in ${PROJECT_BINARY_DIR}/generated/samsa/version.h @ONLY)
if(SAMSA_SANITIZE)
  target_compile_options(samsa_options INTERFACE "$<BUILD_INTERFACE:-fsanitize=address,undefined;-fno-omit-frame-pointer>")
  target_link_options(samsa_options INTERFACE $<BUILD_INTERFACE:-fsanitize=address,undefined>)
endif()
# -Wno-tsan: asio's handlers run inside std_fenced_block, whose
# atomic_thread_fence GCC's TSan does not model (a warning per handler); asio
# hands work between threads under its scheduler's mutex, which TSan sees.
if(SAMSA_TSAN)
  target_compile_options(samsa_options INTERFACE "$<BUILD_INTERFACE:-fsanitize=thread;-fno-omit-frame-pointer;-Wno-tsan>")
  target_link_options(samsa_options INTERFACE $<BUILD_INTERFACE:-fsanitize=thread>)
endif()
if(SAMSA_FUZZ)
  target_compile_options(samsa_options INTERFACE $<BUILD_INTERFACE:-fsanitize=fuzzer-no-link,address,undefined>)
  target_link_options(samsa_options INTERFACE $<BUILD_INTERFACE:-fsanitize=address,undefined>)
endif()

# samsa_library(<name> SOURCES ... DEPS ...): a static library of the project.
function(samsa_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_link_libraries(${name} PUBLIC samsa_options ${ARG_DEPS})
endfunction()

# samsa_test(<name> SOURCES ... DEPS ... LABELS ... [TIMEOUT s] [RUN_SERIAL]): one
# GoogleTest binary, its tests registered with CTest one by one and labelled
# (unit, integration, e2e; and tsan beside one of them for the tests that run
# helper threads, which the ThreadSanitizer build runs). RUN_SERIAL: CTest
# runs them with nothing beside (a test that builds or loads the whole
# machine must not starve the others).
function(samsa_test name)
  cmake_parse_arguments(ARG "RUN_SERIAL" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  # The sanitizer build runs only the unit tests (scripts/test.sh): it does not
  # spend CI's two cores compiling the others. (CTest lists an unbuilt binary
  # as a NOT_BUILT test without labels, which `-L unit` leaves out.)
  if(SAMSA_SANITIZE AND NOT "unit" IN_LIST ARG_LABELS)
    set_target_properties(${name} PROPERTIES EXCLUDE_FROM_ALL TRUE)
  endif()
  # The ThreadSanitizer build excludes every folder from `all`; only the
  # binaries labelled tsan are put back (their libraries follow).
  if(SAMSA_TSAN AND "tsan" IN_LIST ARG_LABELS)
    set_target_properties(${name} PROPERTIES EXCLUDE_FROM_ALL FALSE)
  endif()
  target_link_libraries(${name} PRIVATE samsa_options ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  # PROPERTIES is one flat key/value list: a value must not contain a ';'
  # (it would split into two entries and shift every later pair), so each
  # variable goes through its own property and the first label goes here;
  # samsa_test_more_labels sets the whole list.
  list(GET ARG_LABELS 0 first_label)
  set(serial "")
  if(ARG_RUN_SERIAL)
    set(serial RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${first_label}" TIMEOUT ${ARG_TIMEOUT} ${serial}
    ENVIRONMENT "SAMSA_BIN_DIR=${CMAKE_BINARY_DIR}/bin"
    ENVIRONMENT_MODIFICATION "SAMSA_SOURCE_DIR=set:${PROJECT_SOURCE_DIR}"
    DISCOVERY_TIMEOUT 60)
  list(LENGTH ARG_LABELS label_count)
  if(label_count GREATER 1)
    samsa_test_more_labels(${name} "${ARG_LABELS}")
  endif()
endfunction()

# samsa_test_more_labels(<name> <labels>): gives every test discovered in the
# binary <name> the whole label list. CTest includes this file after the one
# gtest_discover_tests writes, which lists the tests in ${name}_TESTS.
function(samsa_test_more_labels name labels)
  set(file ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
  file(WRITE ${file}
    "foreach(test IN LISTS ${name}_TESTS)\n"
    "  set_tests_properties(\"\${test}\" PROPERTIES LABELS \"${labels}\")\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${file})
endfunction()

include(GoogleTest OPTIONAL)

# samsa_use_jemalloc(<target>): links jemalloc into an executable that runs
# the streams engine, when the system has it. A topology allocates many
# small, short-lived objects per record (decoded values, serialized bytes,
# cache entries); glibc's malloc spent a fifth of the order-mail topology's
# time there, with consolidation and chunk unlinking on top. Measured on the
# order-mail driver bench (bench/streams/README.md, 2026-12-04): 1.4-1.6x
# records per CPU second with jemalloc, 1.3-1.5x with mimalloc, the
# hand-written loops unchanged. Libraries never pick an allocator for their
# users; the sanitizer builds keep their own. SAMSA_JEMALLOC=OFF keeps glibc's.
option(SAMSA_JEMALLOC "Link jemalloc into the streams executables (order-mail app, streams benches) when found" ON)
function(samsa_use_jemalloc target)
  set(malloc_name glibc)
  if(SAMSA_JEMALLOC AND NOT SAMSA_SANITIZE AND NOT SAMSA_TSAN AND NOT SAMSA_FUZZ)
    # libjemalloc.so.2: Debian's runtime package, without the -dev symlink.
    find_library(SAMSA_JEMALLOC_LIBRARY NAMES jemalloc libjemalloc.so.2)
    if(SAMSA_JEMALLOC_LIBRARY)
      # --no-as-needed: nothing names a jemalloc symbol, it replaces malloc.
      target_link_libraries(${target} PRIVATE -Wl,--push-state,--no-as-needed ${SAMSA_JEMALLOC_LIBRARY}
                            -Wl,--pop-state)
      set(malloc_name jemalloc)
    endif()
  endif()
  target_compile_definitions(${target} PRIVATE SAMSA_MALLOC_NAME="${malloc_name}")
endfunction()
