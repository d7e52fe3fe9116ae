# The kiosk screens of skills, trainings, help in the room and know-how cards (#7), headless:
# flows driven by taps and badges, layouts at three sizes in French. Included by
# tests/CMakeLists.txt.
etabli_test(skills_gui_tests gui skills_gui/test_skills_kiosk.cpp skills_gui/test_skills_station.cpp)
target_include_directories(skills_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui)
target_link_libraries(skills_gui_tests PRIVATE etabli_gui etabli_db)
# The gui harness reads one catalogue, gui.fr.po: these tests get a copy that also holds the
# French of the skills screens and of the skills and know messages they render.
set(_skg_po_dir ${PROJECT_SOURCE_DIR}/assets/i18n)
set(_skg_po gui.fr.po)
foreach(_f skills_gui.fr.po skills.fr.po know.fr.po capture.fr.po)
  if(EXISTS ${_skg_po_dir}/${_f})
    list(APPEND _skg_po ${_f})
  endif()
endforeach()
set(_skg_text "")
foreach(_f ${_skg_po})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_skg_po_dir}/${_f})
  file(READ ${_skg_po_dir}/${_f} _body)
  if(NOT _f STREQUAL "gui.fr.po")
    # Drop the header entry (msgid ""): one catalogue has one.
    string(FIND "${_body}" "\n\nmsgid \"" _first)
    string(SUBSTRING "${_body}" ${_first} -1 _body)
  endif()
  string(APPEND _skg_text "${_body}\n")
endforeach()
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/skills_gui_assets/i18n/gui.fr.po "${_skg_text}")
target_compile_definitions(skills_gui_tests PRIVATE ETABLI_SKILLS_GUI_ASSETS="${CMAKE_CURRENT_BINARY_DIR}/skills_gui_assets")
