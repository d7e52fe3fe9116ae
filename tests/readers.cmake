# Readers and devices: decoding from key positions, badge formats, etabli.toml, the
# device registry, the reader drivers through their transport seam and the evdev path, the
# CLI, the config fuzz target and the report -> station latency benchmark.
etabli_test(readers_tests unit
  readers/test_hid_decoder.cpp readers/test_badge_format.cpp readers/test_config.cpp)
target_link_libraries(readers_tests PRIVATE etabli_core etabli_hw)

etabli_fuzz(config etabli_core)

etabli_test(readers_device_tests app readers/test_devices.cpp)
target_link_libraries(readers_device_tests PRIVATE etabli_hw)

# Report -> station latency (p99 < 1 ms) and decoder throughput against a baseline loop.
add_executable(bench_reader bench/bench_reader.cpp common/testing.cpp)
target_include_directories(bench_reader PRIVATE common)
target_link_libraries(bench_reader PRIVATE etabli_hw etabli_db SQLite::SQLite3)
etabli_warnings(bench_reader)
add_test(NAME bench_reader COMMAND bench_reader)
set_tests_properties(bench_reader PROPERTIES LABELS bench TIMEOUT 600)

# umockdev (Debian umockdev + libumockdev-dev): enumeration, descriptors, matching, add/remove on a
# mocked sysfs and /dev, under umockdev-wrapper (LD_PRELOAD of libumockdev-preload).
pkg_check_modules(UMOCKDEV IMPORTED_TARGET umockdev-1.0)
find_program(UMOCKDEV_WRAPPER umockdev-wrapper)
if(UMOCKDEV_FOUND AND UMOCKDEV_WRAPPER)
  add_executable(readers_umockdev_tests readers/test_umockdev.cpp)
  target_link_libraries(readers_umockdev_tests PRIVATE etabli_testing etabli_hw PkgConfig::UMOCKDEV)
  etabli_warnings(readers_umockdev_tests)
  add_test(NAME readers_umockdev_tests COMMAND ${UMOCKDEV_WRAPPER} $<TARGET_FILE:readers_umockdev_tests>)
  set_tests_properties(readers_umockdev_tests PROPERTIES LABELS app TIMEOUT 600)
  if(ETABLI_SANITIZE)
    # umockdev-wrapper preloads its library ahead of the ASan runtime: ASan refuses that order
    # unless told it is fine (it is: the preload only redirects file and ioctl calls).
    set_tests_properties(readers_umockdev_tests PROPERTIES ENVIRONMENT
      "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1:abort_on_error=1")
  endif()
endif()

# The kiosk's device panel and reader enrolment: the Station's side; the host screens, headless.
etabli_test(readers_station_tests app readers/test_station_devices.cpp readers/test_reader_enrol_station.cpp)
target_link_libraries(readers_station_tests PRIVATE etabli_hw etabli_db)
etabli_test(readers_gui_tests gui readers/test_gui_devices.cpp readers/test_reader_enrol_gui.cpp)
target_link_libraries(readers_gui_tests PRIVATE etabli_gui)
target_include_directories(readers_gui_tests PRIVATE gui ${PROJECT_SOURCE_DIR}/gui/src)

# The evdev path through umockdev: the real EvdevTransport with EVIOCGRAB on an emulated
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
