# The station service: `etabli serve`, one owner per database, the local API, the
# command line as its client, systemd's readiness and watchdog; end to end with the real
# binary, and in process (the watchdog on a stuck Station). Included by tests/CMakeLists.txt.
etabli_test(serve_cli_tests cli serve/test_serve_cli.cpp)
target_include_directories(serve_cli_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli)
target_link_libraries(serve_cli_tests PRIVATE etabli_cli nlohmann_json::nlohmann_json SQLite::SQLite3)
add_dependencies(serve_cli_tests etabli)
# The 1,000 interleaved commands run as their own test (about 45 s optimised, 8 min under
# ASan), so that the rest of the suite runs beside them.
# (The case is marked skip in the source; this test runs it with --no-skip.)
add_test(NAME serve_load_tests COMMAND serve_cli_tests --no-skip "--test-case=1?000*")
set_tests_properties(serve_load_tests PROPERTIES LABELS cli TIMEOUT 1500)

etabli_test(serve_station_tests app serve/test_serve_station.cpp serve/test_kiosk_stream.cpp)
target_include_directories(serve_station_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src)
target_link_libraries(serve_station_tests PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json)

# Its benchmark (tests/bench/README.md): API round trips, durable bookings through the API,
# a kiosk tap while 50 clients read.
add_executable(bench_api bench/bench_api.cpp)
target_include_directories(bench_api PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src)
target_link_libraries(bench_api PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json)
target_compile_definitions(bench_api PRIVATE ETABLI_ASSETS_DIR="${PROJECT_SOURCE_DIR}/assets")
etabli_warnings(bench_api)
add_test(NAME bench_api COMMAND bench_api)
set_tests_properties(bench_api PROPERTIES LABELS bench TIMEOUT 600)
