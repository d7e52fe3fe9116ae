# The station service (#16): `etabli serve`, one owner per database, the local API, the
# command line as its client, systemd's readiness and watchdog; end to end with the real
# binary, and in process (the watchdog on a stuck Station). Included by tests/CMakeLists.txt.
etabli_test(serve_cli_tests cli serve/test_serve_cli.cpp)
target_include_directories(serve_cli_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src)
target_link_libraries(serve_cli_tests PRIVATE etabli_cli nlohmann_json::nlohmann_json SQLite::SQLite3)
add_dependencies(serve_cli_tests etabli)
