# First-day defects: what a new user met on the demo workshop, each with the test that
# failed before its fix. Station scenarios on a temp SQLite file; the command line end to end.
# Included by tests/CMakeLists.txt.
etabli_test(firstday_app_tests app firstday/test_firstday_station.cpp)
target_link_libraries(firstday_app_tests PRIVATE etabli_db)

etabli_test(firstday_cli_tests cli firstday/test_firstday_cli.cpp)
target_include_directories(firstday_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(firstday_cli_tests etabli)

etabli_test(firstday_gui_tests gui firstday/test_firstday_gui.cpp)
target_include_directories(firstday_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui ${PROJECT_SOURCE_DIR}/gui/src)
target_link_libraries(firstday_gui_tests PRIVATE etabli_gui)
