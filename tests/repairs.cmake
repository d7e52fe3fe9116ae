# Repairs, volunteer hours and open repair data: the pure part (validation, PII, ORDS files
# compared byte for byte with repairs/expected/, hours, statistics), Station scenarios, the
# command line end to end, the kiosk (taps of a typical repair, layouts), and the benchmark.
etabli_test(repairs_unit_tests unit repairs/test_repair_core.cpp)
target_link_libraries(repairs_unit_tests PRIVATE etabli_core)

etabli_test(repairs_app_tests app repairs/test_station_repairs.cpp)
target_link_libraries(repairs_app_tests PRIVATE etabli_db)

etabli_test(repairs_cli_tests cli repairs/test_cli_repairs.cpp)
target_include_directories(repairs_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(repairs_cli_tests etabli)

etabli_test(repairs_gui_tests gui repairs/test_gui_repairs.cpp)
target_link_libraries(repairs_gui_tests PRIVATE etabli_gui)

add_executable(bench_repairs bench/bench_repairs.cpp)
target_link_libraries(bench_repairs PRIVATE etabli_db etabli_core SQLite::SQLite3)
etabli_warnings(bench_repairs)
add_test(NAME bench_repairs COMMAND bench_repairs)
set_tests_properties(bench_repairs PROPERTIES LABELS bench TIMEOUT 600)

# Fuzz targets: the part syntax and the PII stripper of the open data exports.
etabli_fuzz(repair_part etabli_core)
etabli_fuzz(pii etabli_core)
