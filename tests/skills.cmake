# Skills (#7, foundation): rule tables (unit), included by tests/CMakeLists.txt.
etabli_test(skill_unit_tests unit skills/test_skill_rules.cpp)
target_link_libraries(skill_unit_tests PRIVATE etabli_core)

etabli_test(skill_app_tests app skills/test_skill_station.cpp)
target_link_libraries(skill_app_tests PRIVATE etabli_db SQLite::SQLite3)

etabli_test(skill_cli_tests cli skills/test_skill_cli.cpp)
target_include_directories(skill_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(skill_cli_tests etabli)
