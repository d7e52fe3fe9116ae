# The tool library (#6): rules and CSV (unit), the Station with a temp-file SQLite (app), the
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
  # The gui harness reads one catalogue, gui.fr.po: these tests get a copy that also holds the
  # tool screens' French, so that the layout checks run on the French text.
  set(_po_dir ${PROJECT_SOURCE_DIR}/assets/i18n)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_po_dir}/gui.fr.po ${_po_dir}/tools.fr.po
    ${_po_dir}/toolgaps.fr.po)
  file(READ ${_po_dir}/gui.fr.po _gui_po)
  file(READ ${_po_dir}/tools.fr.po _tools_po)
  string(FIND "${_tools_po}" "\n\nmsgid \"" _first)
  string(SUBSTRING "${_tools_po}" ${_first} -1 _tools_body)
  file(READ ${_po_dir}/toolgaps.fr.po _gaps_po)  # the hosts' inventory screens
  string(FIND "${_gaps_po}" "\n\nmsgid \"" _first)
  string(SUBSTRING "${_gaps_po}" ${_first} -1 _gaps_body)
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/tool_gui_assets/i18n/gui.fr.po "${_gui_po}\n${_tools_body}\n${_gaps_body}")
  target_compile_definitions(tool_gui_tests PRIVATE ETABLI_TOOL_GUI_ASSETS="${CMAKE_CURRENT_BINARY_DIR}/tool_gui_assets")
endif()

etabli_fuzz(tool_csv etabli_core)

add_executable(bench_tools bench/bench_tools.cpp)
target_link_libraries(bench_tools PRIVATE etabli_db SQLite::SQLite3)
etabli_warnings(bench_tools)
add_test(NAME bench_tools COMMAND bench_tools)
set_tests_properties(bench_tools PROPERTIES LABELS bench TIMEOUT 600)
