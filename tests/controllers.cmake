# Machine controllers: protocol, firmware, simulator and the station's link; each part adds
# its own block.

# Simulator harness (firmware-bridge/sim), only when libsimavr and avr-gcc were found.
if(TARGET etabli_sim)
  etabli_test(sim_tests unit sim/test_sim.cpp sim/test_sim_pty.cpp)
  target_link_libraries(sim_tests PRIVATE etabli_sim)
  target_compile_definitions(sim_tests PRIVATE
    ETABLI_SIM_ECHO_ELF="$<TARGET_PROPERTY:etabli_sim,ETABLI_ECHO_ELF>"
    ETABLI_CONTROLLER_SIM="$<TARGET_FILE:etabli-controller-sim>")
  add_dependencies(sim_tests etabli_sim_echo_elf etabli-controller-sim)
  set_tests_properties(sim_tests PROPERTIES TIMEOUT 120
    ENVIRONMENT LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/sim/lsan.supp)
  # The real firmware in the simulator (its simulator build, with simavr's MCU section).
  if(TARGET etabli_fw_avr)
    target_sources(sim_tests PRIVATE sim/test_sim_firmware.cpp)
    target_link_libraries(sim_tests PRIVATE etabli_protocol)
    target_compile_definitions(sim_tests PRIVATE
      ETABLI_FW_SIM_ELF="$<TARGET_PROPERTY:etabli_fw_avr,ETABLI_FW_SIM_ELF>")
    add_dependencies(sim_tests etabli_fw_avr)
  endif()
endif()

# Protocol and firmware (fw): host tests of the firmware core and the protocol module, golden
# vectors, the fuzz target of the receiver and payload decoders, and the AVR size budget.
etabli_test(firmware_tests unit firmware/test_firmware.cpp firmware/test_controller_host.cpp)
target_link_libraries(firmware_tests PRIVATE etabli_fw_host)
target_include_directories(firmware_tests PRIVATE firmware)
target_compile_definitions(firmware_tests PRIVATE
  ETABLI_CONTROLLER_HOST="$<TARGET_FILE:etabli-controller-host>")
add_dependencies(firmware_tests etabli-controller-host)
etabli_fuzz(proto etabli_protocol etabli_fw_host)
if(TARGET etabli_fw_avr AND ETABLI_AVR_SIZE)
  add_test(NAME firmware_size COMMAND ${CMAKE_COMMAND} -DAVR_SIZE=${ETABLI_AVR_SIZE}
    -DELF=$<TARGET_PROPERTY:etabli_fw_avr,ETABLI_FW_ELF> -P ${CMAKE_CURRENT_SOURCE_DIR}/firmware/size_check.cmake)
  set_tests_properties(firmware_size PROPERTIES LABELS unit TIMEOUT 60)
endif()

# Station side (link): the controller link against the host-built firmware on a fake clock
# (policies, resets, faults, a hostile line), and the station end to end over a real pty.
etabli_test(controller_link_tests unit controllers/test_link.cpp)
target_link_libraries(controller_link_tests PRIVATE etabli_hw etabli_fw_host)

# Opt-in real libFuzzer build of the protocol target with clang (the project's compiler is g++,
# so clang is called directly): build `fuzz_proto_libfuzzer`, then run for example
#   tests/fuzz_proto_libfuzzer -max_total_time=60 <scratch dir> tests/fuzz/corpus/proto
# (new inputs go to the scratch dir; copy the interesting ones into the corpus by hand).
option(ETABLI_LIBFUZZER "Build fuzz_proto_libfuzzer with clang -fsanitize=fuzzer,address,undefined" OFF)
if(ETABLI_LIBFUZZER)
  find_program(ETABLI_CLANG clang REQUIRED)
  find_program(ETABLI_CLANGXX clang++ REQUIRED)
  set(lf_dir ${CMAKE_CURRENT_BINARY_DIR}/libfuzzer_proto)
  set(lf_flags -g -O1 -fsanitize=fuzzer,address,undefined -I${PROJECT_SOURCE_DIR}/firmware-bridge/protocol)
  set(lf_objs)
  set(lf_cmds)
  set(lf_srcs)
  list(APPEND lf_flags -I${PROJECT_SOURCE_DIR}/firmware-bridge/firmware -DFW_HOST_BUILD)
  foreach(c protocol/etb_cobs protocol/etb_crc16 protocol/etb_proto protocol/etb_proto_names
      firmware/fw_core firmware/fw_board_host)
    get_filename_component(base ${c} NAME)
    list(APPEND lf_objs ${lf_dir}/${base}.o)
    list(APPEND lf_srcs ${PROJECT_SOURCE_DIR}/firmware-bridge/${c}.c)
    list(APPEND lf_cmds COMMAND ${ETABLI_CLANG} -std=c99 ${lf_flags} -c
      ${PROJECT_SOURCE_DIR}/firmware-bridge/${c}.c -o ${lf_dir}/${base}.o)
  endforeach()
  add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/fuzz_proto_libfuzzer
    COMMAND ${CMAKE_COMMAND} -E make_directory ${lf_dir}
    ${lf_cmds}
    COMMAND ${ETABLI_CLANGXX} -std=c++20 ${lf_flags} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_proto.cpp ${lf_objs}
      -o ${CMAKE_CURRENT_BINARY_DIR}/fuzz_proto_libfuzzer
    DEPENDS fuzz/fuzz_proto.cpp ${lf_srcs} VERBATIM COMMENT "clang libFuzzer build of fuzz_proto")
  add_custom_target(fuzz_proto_libfuzzer ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/fuzz_proto_libfuzzer)
endif()

# The golden vectors compiled for the AVR (tests/firmware/avr_vectors.c) and run in the
# simulator, when avr-gcc and the simulator harness are both there.
if(TARGET etabli_fw_avr AND TARGET etabli_sim)
  pkg_get_variable(avrvec_simavr_inc simavr includedir)
  set(avrvec_elf ${CMAKE_CURRENT_BINARY_DIR}/avr_vectors.elf)
  set(avrvec_src ${CMAKE_CURRENT_SOURCE_DIR}/firmware/avr_vectors.c
    ${PROJECT_SOURCE_DIR}/firmware-bridge/protocol/etb_proto.c
    ${PROJECT_SOURCE_DIR}/firmware-bridge/protocol/etb_cobs.c
    ${PROJECT_SOURCE_DIR}/firmware-bridge/protocol/etb_crc16.c)
  add_custom_command(OUTPUT ${avrvec_elf}
    COMMAND ${ETABLI_AVR_GCC} -mmcu=atmega328p -DF_CPU=16000000UL -Os -std=c99 -Wall -Wextra
      -Wconversion -ffunction-sections -fdata-sections -Wl,--gc-sections -DFW_SIMAVR_MCU_SECTION
      -I${avrvec_simavr_inc}/simavr/avr -I${PROJECT_SOURCE_DIR}/firmware-bridge/protocol
      -I${CMAKE_CURRENT_SOURCE_DIR}/firmware
      -Wl,--undefined=_mmcu,--section-start=.mmcu=0x910000 -o ${avrvec_elf} ${avrvec_src}
    DEPENDS ${avrvec_src} firmware/vectors.h VERBATIM COMMENT "avr-gcc avr_vectors.elf")
  add_custom_target(etabli_avr_vectors_elf ALL DEPENDS ${avrvec_elf})
  etabli_test(firmware_avr_tests unit firmware/test_avr_vectors.cpp)
  target_link_libraries(firmware_avr_tests PRIVATE etabli_sim)
  target_link_libraries(firmware_avr_tests PRIVATE etabli_protocol)
  target_include_directories(firmware_avr_tests PRIVATE ${PROJECT_SOURCE_DIR}/firmware-bridge/firmware)
  target_compile_definitions(firmware_avr_tests PRIVATE ETABLI_AVR_VECTORS_ELF="${avrvec_elf}"
    ETABLI_FW_SIM_ELF="$<TARGET_PROPERTY:etabli_fw_avr,ETABLI_FW_SIM_ELF>")
  add_dependencies(firmware_avr_tests etabli_avr_vectors_elf etabli_fw_avr)
endif()
etabli_test(controller_station_tests app controllers/test_station_controllers.cpp)
target_link_libraries(controller_station_tests PRIVATE etabli_hw etabli_db etabli_fw_host)
add_executable(bench_controller bench/bench_controller.cpp)
target_link_libraries(bench_controller PRIVATE etabli_hw etabli_fw_host)
etabli_warnings(bench_controller)
add_test(NAME bench_controller COMMAND bench_controller)
set_tests_properties(bench_controller PROPERTIES LABELS bench TIMEOUT 120)
etabli_test(controller_gui_tests gui controllers/test_gui_controllers.cpp)
target_link_libraries(controller_gui_tests PRIVATE etabli_gui)
target_include_directories(controller_gui_tests PRIVATE gui)
etabli_test(controller_cli_tests cli controllers/test_cli_controllers.cpp)
target_link_libraries(controller_cli_tests PRIVATE etabli_hw etabli_fw_host nlohmann_json::nlohmann_json)
add_dependencies(controller_cli_tests etabli)

# Wiring (wire): the controllers in `etabli kiosk` (Context::before_start) and --demo's fake
# board, through the cli's own sources.
etabli_test(controller_wiring_tests cli controllers/test_kiosk_wiring.cpp)
target_link_libraries(controller_wiring_tests PRIVATE etabli_cli etabli_fw_host)
target_include_directories(controller_wiring_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src)
