# PostgreSQL, for the workshops whose stations share one database (issue 21): the connection
# against a throwaway cluster the test starts on a Unix socket in a temporary folder and
# removes (tests/common/pg_cluster.hpp).
etabli_test(pg_tests db pg/test_pg_connection.cpp)
target_link_libraries(pg_tests PRIVATE etabli_pg)
