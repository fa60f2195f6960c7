# cmake -DDOXYGEN=... -DDOXYFILE=... -DWARNINGS=... -DMAX_WARNINGS=n -P run_doxygen.cmake
# Runs doxygen and fails when it wrote more than MAX_WARNINGS warnings
# (printing them) or failed itself. The test streams_api_docs
# (cmake/api_docs.cmake).
file(REMOVE ${WARNINGS})
execute_process(COMMAND ${DOXYGEN} ${DOXYFILE} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "doxygen failed (${rc}):\n${out}\n${err}")
endif()
set(count 0)
if(EXISTS ${WARNINGS})
  file(STRINGS ${WARNINGS} lines REGEX "(warning|error):")
  list(LENGTH lines count)
endif()
if(count GREATER MAX_WARNINGS)
  file(READ ${WARNINGS} text)
  message(FATAL_ERROR "${text}\ndoxygen: ${count} warnings about the public headers (at most ${MAX_WARNINGS}); "
                      "document what they name (a // comment above the declaration)")
endif()
message(STATUS "doxygen: ${count} warnings (at most ${MAX_WARNINGS})")
