# PostgreSQL, for the workshops whose stations share one database (issue 21): the connection
# against a throwaway cluster the test starts on a Unix socket in a temporary folder and
# removes (tests/common/pg_cluster.hpp).
# The PostgreSQL dialect of the migrations against SQLite's, and the constraints that arbitrate
# between stations.
# `etabli db copy` through the real binary onto the same cluster.
etabli_test(pg_tests db pg/test_pg_connection.cpp pg/test_pg_schema.cpp pg/test_pg_copy.cpp)
target_link_libraries(pg_tests PRIVATE etabli_pg etabli_db)
target_include_directories(pg_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(pg_tests etabli)
