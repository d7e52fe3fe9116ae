# Trainings, help in the room and know-how cards: the pure rules and the Markdown import
# (tables and bad input), Station scenarios on a temp SQLite, the command line end to end, and
# the fuzz target of the card parser.
etabli_test(know_unit_tests unit know/test_know_core.cpp)
target_link_libraries(know_unit_tests PRIVATE etabli_core)

etabli_fuzz(card_markdown etabli_core)

etabli_test(know_app_tests app know/test_station_know.cpp know/test_know_capture.cpp)
target_link_libraries(know_app_tests PRIVATE etabli_db)

etabli_test(know_cli_tests cli know/test_cli_know.cpp)
target_include_directories(know_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(know_cli_tests etabli)
