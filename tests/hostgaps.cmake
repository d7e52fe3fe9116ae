# hostgaps: the hosts' forgotten check-outs screen (#8), reader enrolment from the kiosk (#5),
# the evdev path under umockdev (#5, see the note below).
etabli_test(hostgaps_app_tests app hostgaps/test_hostgaps_app.cpp)
target_link_libraries(hostgaps_app_tests PRIVATE etabli_hw etabli_db)

etabli_test(hostgaps_gui_tests gui hostgaps/test_hostgaps_gui.cpp)
target_link_libraries(hostgaps_gui_tests PRIVATE etabli_gui)
target_include_directories(hostgaps_gui_tests PRIVATE gui ${PROJECT_SOURCE_DIR}/gui/src)

# The evdev path through umockdev (#5): the real EvdevTransport with EVIOCGRAB on an emulated
# /dev/input/eventN. umockdev 0.17 (Debian 12) emulates the node and carries the events written
# on its other end; EVIOCGRAB is answered by an ioctl handler attached with its C API
# (umockdev_testbed_attach_ioctl), which also counts the grab. Under umockdev-wrapper, as the
# other umockdev tests (readers.cmake).
if(UMOCKDEV_FOUND AND UMOCKDEV_WRAPPER)
  add_executable(readers_umockdev_evdev_tests readers/test_umockdev_evdev.cpp)
  target_link_libraries(readers_umockdev_evdev_tests PRIVATE etabli_testing etabli_hw PkgConfig::UMOCKDEV)
  etabli_warnings(readers_umockdev_evdev_tests)
  add_test(NAME readers_umockdev_evdev_tests COMMAND ${UMOCKDEV_WRAPPER} $<TARGET_FILE:readers_umockdev_evdev_tests>)
  set_tests_properties(readers_umockdev_evdev_tests PROPERTIES LABELS app TIMEOUT 120)
  if(ETABLI_SANITIZE)
    set_tests_properties(readers_umockdev_evdev_tests PROPERTIES ENVIRONMENT
      "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1:abort_on_error=1")
  endif()
endif()
