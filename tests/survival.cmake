# Never lose the workshop's data: backups, restore and `check` at the storage layer, then
# with the real binary and through a running service. Included by tests/CMakeLists.txt.
etabli_test(backup_tests db survival/test_backup.cpp)
target_link_libraries(backup_tests PRIVATE etabli_db etabli_core)
target_compile_definitions(backup_tests PRIVATE ETABLI_ASSETS_DIR="${PROJECT_SOURCE_DIR}/assets")

etabli_test(backup_cli_tests cli survival/test_backup_cli.cpp)
target_include_directories(backup_cli_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(backup_cli_tests PRIVATE etabli_cli nlohmann_json::nlohmann_json)
add_dependencies(backup_cli_tests etabli)

etabli_test(backup_panel_tests gui survival/test_backup_panel.cpp)
target_link_libraries(backup_panel_tests PRIVATE etabli_gui)

# Power cuts and disk faults under the real Station and store, through a fault-injecting VFS.
etabli_test(power_loss_tests app survival/test_power_loss.cpp survival/fault_vfs.cpp)
target_link_libraries(power_loss_tests PRIVATE etabli_db SQLite::SQLite3)
target_compile_definitions(power_loss_tests PRIVATE ETABLI_ASSETS_DIR="${PROJECT_SOURCE_DIR}/assets")

# kill -9 under a write storm: 50 cycles here; scripts/kill9 runs 1,000 (ETABLI_KILL9_CYCLES).
etabli_test(kill9_tests cli survival/test_kill9.cpp)
target_include_directories(kill9_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(kill9_tests PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json SQLite::SQLite3)
add_dependencies(kill9_tests etabli)
set_tests_properties(kill9_tests PROPERTIES TIMEOUT 1500)

# A month in an afternoon: 30 simulated days through the real service on a test clock. Its
# figures are timings and memory, so it runs with the benchmarks (optimised build).
etabli_test(soak_tests bench survival/test_soak.cpp)
target_include_directories(soak_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(soak_tests PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json SQLite::SQLite3)
add_dependencies(soak_tests etabli)
set_tests_properties(soak_tests PROPERTIES TIMEOUT 1200)
