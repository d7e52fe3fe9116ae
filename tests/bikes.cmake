# The bike register and the receipts: the pure rules (the marking identifier, the hold of a
# donated marked bike, typed sums of money), and their fuzz targets.
etabli_test(bikes_unit_tests unit bikes/test_bike_rules.cpp bikes/test_money_rules.cpp bikes/test_mail_rules.cpp)
target_link_libraries(bikes_unit_tests PRIVATE etabli_core)

etabli_fuzz(marking etabli_core)
etabli_fuzz(amount etabli_core)
etabli_fuzz(helloasso etabli_core)

# The register: Station scenarios on a temp SQLite (intake, marking, hold, sale, parts,
# repairs, declaration, purge, proof PDF) and the command line end to end.
etabli_test(bikes_app_tests app bikes/test_station_bikes.cpp)
target_link_libraries(bikes_app_tests PRIVATE etabli_db)

etabli_test(bikes_cli_tests cli bikes/test_cli_bikes.cpp)
target_include_directories(bikes_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(bikes_cli_tests etabli)

# The kiosk's bike screens, headless: taps, commands sent, refusals shown, layouts.
etabli_test(bikes_gui_tests gui bikes/test_gui_bikes.cpp)
target_link_libraries(bikes_gui_tests PRIVATE etabli_gui)
target_include_directories(bikes_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui)

# Memberships and the receipts journal: Station scenarios and the command line (a HelloAsso
# export written in Windows-1252).
etabli_test(money_app_tests app bikes/test_station_money.cpp)
target_link_libraries(money_app_tests PRIVATE etabli_db)

etabli_test(money_cli_tests cli bikes/test_cli_money.cpp)
target_include_directories(money_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(money_cli_tests etabli)

# The funders' pack: the store's year counts on a temp SQLite (time-zone month bounds, days
# the retention summarised, cancelled trainings…), the command line end to end (PDF, CSV,
# refusals), and the benchmark on 10 years of history against plain SQL.
etabli_test(report_tests app bikes/test_year_report.cpp)
target_link_libraries(report_tests PRIVATE etabli_db)

etabli_test(report_cli_tests cli bikes/test_cli_report.cpp)
target_include_directories(report_cli_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(report_cli_tests etabli)

# The pack asked at the kiosk: a Station on a temp SQLite and the service's report thread
# (cli::ReportWriter) writing beside it; refusals, a folder that cannot be written, a job given up.
etabli_test(report_kiosk_tests app bikes/test_kiosk_report.cpp)
target_include_directories(report_kiosk_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src)
target_link_libraries(report_kiosk_tests PRIVATE etabli_cli etabli_db)

add_executable(bench_report bench/bench_report.cpp)
target_link_libraries(bench_report PRIVATE etabli_db etabli_core SQLite::SQLite3)
etabli_warnings(bench_report)
add_test(NAME bench_report COMMAND bench_report)
set_tests_properties(bench_report PROPERTIES LABELS bench TIMEOUT 600)

# The payments and the annual report at the kiosk, headless: memberships, receipts, the day's
# closing, the pack asked and its outcome, layouts.
etabli_test(payments_gui_tests gui bikes/test_gui_payments.cpp bikes/test_gui_report.cpp)
target_link_libraries(payments_gui_tests PRIVATE etabli_gui)
target_include_directories(payments_gui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gui)

# Renewal reminders by e-mail: Station scenarios on a temp SQLite (the queue, its leases, the
# retry schedule, drops, erasure), and end to end with the real binary against a throwaway
# SMTP server on loopback that the test itself runs (tests/bikes/smtp_sink.hpp).
etabli_test(mail_app_tests app bikes/test_station_mail.cpp)
target_link_libraries(mail_app_tests PRIVATE etabli_db)

etabli_test(mail_cli_tests cli bikes/test_cli_mail.cpp)
target_include_directories(mail_cli_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(mail_cli_tests PRIVATE etabli_cli nlohmann_json::nlohmann_json)
add_dependencies(mail_cli_tests etabli)

# E-mail addresses and messages built from hostile fields: no header injected, lines bounded.
etabli_fuzz(mail etabli_core)
