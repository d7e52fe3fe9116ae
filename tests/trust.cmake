# Trust (#18): the rights table walked for every command and every asker, the host PIN and
# its lockout, the audit chain, members' data (export, erasure, retention).
etabli_test(rights_tests app trust/test_rights.cpp)
target_link_libraries(rights_tests PRIVATE etabli_db)

etabli_test(audit_tests cli trust/test_audit.cpp)
target_include_directories(audit_tests PRIVATE ${PROJECT_SOURCE_DIR}/station/cli/src ${CMAKE_CURRENT_SOURCE_DIR}/cli ${CMAKE_CURRENT_SOURCE_DIR}/serve)
target_link_libraries(audit_tests PRIVATE etabli_cli etabli_db nlohmann_json::nlohmann_json SQLite::SQLite3)
add_dependencies(audit_tests etabli)
