# Trust: the rights table walked for every command and every asker, the host PIN and
# its lockout, the audit chain, members' data (export, erasure, retention).
etabli_test(rights_tests app trust/test_rights.cpp)
target_link_libraries(rights_tests PRIVATE etabli_db)

etabli_test(audit_tests cli trust/test_audit.cpp)
target_include_directories(audit_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(audit_tests PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json SQLite::SQLite3)
add_dependencies(audit_tests etabli)

etabli_test(privacy_tests cli trust/test_privacy.cpp)
target_include_directories(privacy_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(privacy_tests PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json)
add_dependencies(privacy_tests etabli)

etabli_test(retention_tests cli trust/test_retention.cpp)
target_include_directories(retention_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(retention_tests PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json)
add_dependencies(retention_tests etabli)

# The audit chain's verification rate, label bench.
pkg_check_modules(SODIUM_BENCH REQUIRED IMPORTED_TARGET libsodium)
add_executable(bench_audit bench/bench_audit.cpp)
target_link_libraries(bench_audit PRIVATE etabli_db etabli_core SQLite::SQLite3 PkgConfig::SODIUM_BENCH)
etabli_warnings(bench_audit)
add_test(NAME bench_audit COMMAND bench_audit)
set_tests_properties(bench_audit PROPERTIES LABELS bench TIMEOUT 600)

etabli_test(hostile_gui_tests gui trust/test_hostile_gui.cpp)
target_link_libraries(hostile_gui_tests PRIVATE etabli_gui)
target_include_directories(hostile_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui ${PROJECT_SOURCE_DIR}/gui/src)

etabli_test(pin_pad_gui_tests gui trust/test_pin_pad.cpp)
target_link_libraries(pin_pad_gui_tests PRIVATE etabli_gui)
target_include_directories(pin_pad_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui ${PROJECT_SOURCE_DIR}/gui/src)

etabli_test(hostile_export_tests unit trust/test_hostile_exports.cpp)
target_link_libraries(hostile_export_tests PRIVATE etabli_core)

etabli_test(host_pin_tests app trust/test_host_pin.cpp)
target_link_libraries(host_pin_tests PRIVATE etabli_db)

etabli_test(pin_tests unit trust/test_pin.cpp)
target_link_libraries(pin_tests PRIVATE etabli_db)

# A PIN check's time against the 300 ms budget, label bench.
add_executable(bench_pin bench/bench_pin.cpp)
target_link_libraries(bench_pin PRIVATE etabli_db PkgConfig::SODIUM_BENCH)
etabli_warnings(bench_pin)
add_test(NAME bench_pin COMMAND bench_pin)
set_tests_properties(bench_pin PROPERTIES LABELS bench TIMEOUT 600)
