# Skills, the gaps closed after the foundation (#7): refusals naming the skill for bookings,
# slots and queues; a training's grants in one transaction; tool_authorisations dropped
# (migration 010). Station scenarios on a temp SQLite and the command line end to end.
etabli_test(skillgaps_app_tests app skillgaps/test_skillgaps_station.cpp skillgaps/test_skillgaps_migration.cpp)
target_link_libraries(skillgaps_app_tests PRIVATE etabli_db SQLite::SQLite3)

etabli_test(skillgaps_cli_tests cli skillgaps/test_skillgaps_cli.cpp)
target_include_directories(skillgaps_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(skillgaps_cli_tests etabli)
