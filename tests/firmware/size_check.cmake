# The firmware's size budget: flash (text + data) under 28 KB, leaving the bootloader its
# 2 KB, and RAM (data + bss) under 1.5 KB, leaving the stack 512 bytes of the ATmega328P's 2 KB.
# Run by ctest as `cmake -DAVR_SIZE=avr-size -DELF=... -P size_check.cmake`; prints the figures.
execute_process(COMMAND ${AVR_SIZE} ${ELF} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "avr-size failed on ${ELF}")
endif()
# Berkeley format: a header line, then "text data bss dec hex filename".
string(REGEX MATCH "\n[ \t]*([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)" row "${out}")
if(NOT row)
  message(FATAL_ERROR "cannot read avr-size output:\n${out}")
endif()
math(EXPR flash "${CMAKE_MATCH_1} + ${CMAKE_MATCH_2}")
math(EXPR ram "${CMAKE_MATCH_2} + ${CMAKE_MATCH_3}")
math(EXPR flash_max "28 * 1024")
math(EXPR ram_max "1536")
message(STATUS "firmware size: flash ${flash} / ${flash_max} bytes, RAM ${ram} / ${ram_max} bytes (static; stack not counted)")
if(flash GREATER_EQUAL flash_max OR ram GREATER_EQUAL ram_max)
  message(FATAL_ERROR "firmware over budget: flash ${flash} (< ${flash_max}), RAM ${ram} (< ${ram_max})")
endif()
