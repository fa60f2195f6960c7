# `samsa console`, the web console: a cpp-httplib server, a JSON API over
# cli/kafka, and the page compiled in from web/. Included by cli/CMakeLists.txt
# (the console is part of samsa_cli, as every command is): sets
# samsa_cli_console_sources and samsa_cli_console_deps.
#
# The three files that include <httplib.h> build in their own object library
# (samsa_cli_console_http, objects added to samsa_cli): cpp-httplib's
# definitions and link are PRIVATE there, so they do not reach the other
# samsa_cli files nor samsa_cli's users. Their headers only forward-declare
# httplib's types.
if(NOT TARGET PkgConfig::CPPHTTPLIB)
  pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()

set(console_dir ${CMAKE_CURRENT_LIST_DIR})
set(console_web_cc ${CMAKE_CURRENT_BINARY_DIR}/console/web_assets.cc)
add_custom_command(
  OUTPUT ${console_web_cc}
  COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${console_dir}/web -DOUTPUT=${console_web_cc} -P ${console_dir}/embed_web.cmake
  DEPENDS ${console_dir}/web/index.html ${console_dir}/web/app.js ${console_dir}/web/style.css
          ${console_dir}/embed_web.cmake
  COMMENT "Embedding the console's page")

add_library(samsa_cli_console_http OBJECT
  console/console_command.cc
  console/http_routes.cc
  console/url_fetch.cc)
target_link_libraries(samsa_cli_console_http
  PUBLIC samsa_options samsa_base CLI11::CLI11 nlohmann_json::nlohmann_json fmt::fmt
  PRIVATE PkgConfig::CPPHTTPLIB)

set(samsa_cli_console_sources
  console/api_json.cc
  console/cluster.cc
  console/lag_history.cc
  console/node_rates.cc
  console/record_query.cc
  console/topology_store.cc
  console/topology_text.cc
  ${console_web_cc})
set(samsa_cli_console_deps samsa_cli_console_http)
