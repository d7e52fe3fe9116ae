# Skills, trainings and know-how at the kiosk: rule tables (unit); the Station on a temp-file
# SQLite (refusals naming the skill, a training's grants in one transaction, the migration
# that made tools follow grants); the command line end to end; the kiosk screens headless
# (skills, trainings, help in the room, know-how cards, the member home's suggestions, the
# attendance search), layouts at three sizes in French. Included by tests/CMakeLists.txt.
etabli_test(skill_unit_tests unit skills/test_skill_rules.cpp)
target_link_libraries(skill_unit_tests PRIVATE etabli_core)

etabli_test(skill_app_tests app skills/test_skill_station.cpp skills/test_skill_refusals_station.cpp
  skills/test_skill_tool_grants_migration.cpp)
target_link_libraries(skill_app_tests PRIVATE etabli_db SQLite::SQLite3)

etabli_test(skill_cli_tests cli skills/test_skill_cli.cpp skills/test_skill_refusals_cli.cpp)
target_include_directories(skill_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(skill_cli_tests etabli)

etabli_test(skill_gui_tests gui skills/test_skill_kiosk.cpp skills/test_skill_kiosk_station.cpp
  skills/test_skill_home_gui.cpp)
target_include_directories(skill_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui ${PROJECT_SOURCE_DIR}/gui/src)
target_link_libraries(skill_gui_tests PRIVATE etabli_gui etabli_db)
