# skillhome (#7, kiosk gaps): the member home's card suggestions for the skills being learnt,
# the attendance screen's search of walk-ins by name; headless, at three sizes, in French.
# Included by tests/CMakeLists.txt.
etabli_test(skillhome_gui_tests gui skillhome/test_skillhome_gui.cpp)
target_include_directories(skillhome_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui ${PROJECT_SOURCE_DIR}/gui/src)
target_link_libraries(skillhome_gui_tests PRIVATE etabli_gui)
# The gui harness reads one catalogue, gui.fr.po: these tests get a copy that also holds the
# French of the skills screens and of this feature's lines.
set(_skh_po_dir ${PROJECT_SOURCE_DIR}/assets/i18n)
set(_skh_po gui.fr.po)
foreach(_f skills_gui.fr.po skills.fr.po know.fr.po capture.fr.po tools.fr.po toolgaps.fr.po skillhome.fr.po)
  if(EXISTS ${_skh_po_dir}/${_f})
    list(APPEND _skh_po ${_f})
  endif()
endforeach()
set(_skh_text "")
foreach(_f ${_skh_po})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_skh_po_dir}/${_f})
  file(READ ${_skh_po_dir}/${_f} _body)
  if(NOT _f STREQUAL "gui.fr.po")
    # Drop the header entry (msgid ""): one catalogue has one.
    string(FIND "${_body}" "\n\nmsgid \"" _first)
    string(SUBSTRING "${_body}" ${_first} -1 _body)
  endif()
  string(APPEND _skh_text "${_body}\n")
endforeach()
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/skillhome_assets/i18n/gui.fr.po "${_skh_text}")
target_compile_definitions(skillhome_gui_tests PRIVATE ETABLI_SKILLHOME_ASSETS="${CMAKE_CURRENT_BINARY_DIR}/skillhome_assets")
