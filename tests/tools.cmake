# The tool library: rules and CSV (unit), the Station with a temp-file SQLite (app), the
# command line end to end (cli), the kiosk screens headless (gui), the CSV fuzz replay and the
# benchmark. Included by tests/CMakeLists.txt.
etabli_test(tool_unit_tests unit tools/test_tool_rules.cpp tools/test_tool_config.cpp)
target_link_libraries(tool_unit_tests PRIVATE etabli_core)

etabli_test(tool_app_tests app tools/test_tool_station.cpp tools/test_tool_view.cpp tools/test_tool_export.cpp)
target_link_libraries(tool_app_tests PRIVATE etabli_db)

etabli_test(tool_cli_tests cli tools/test_tool_cli.cpp)
target_include_directories(tool_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(tool_cli_tests etabli)

if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tools/test_tool_kiosk.cpp)
  etabli_test(tool_gui_tests gui tools/test_tool_kiosk.cpp tools/test_tool_host_kiosk.cpp)
  target_include_directories(tool_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui)
  target_link_libraries(tool_gui_tests PRIVATE etabli_gui)
endif()

etabli_fuzz(tool_csv etabli_core)

add_executable(bench_tools bench/bench_tools.cpp)
target_link_libraries(bench_tools PRIVATE etabli_db SQLite::SQLite3)
etabli_warnings(bench_tools)
add_test(NAME bench_tools COMMAND bench_tools)
set_tests_properties(bench_tools PROPERTIES LABELS bench TIMEOUT 600)
