# PostgreSQL, for the workshops whose stations share one database (issue 21): the connection
# against a throwaway cluster the test starts on a Unix socket in a temporary folder and
# removes (tests/common/pg_cluster.hpp).
# The PostgreSQL dialect of the migrations against SQLite's, and the constraints that arbitrate
# between stations.
# `etabli db copy` through the real binary onto the same cluster. The offline journal of taps;
# the weekly quota counted by the database's side.
etabli_test(pg_tests db pg/test_pg_connection.cpp pg/test_pg_schema.cpp pg/test_pg_copy.cpp pg/test_pg_journal.cpp pg/test_pg_quota.cpp)
target_link_libraries(pg_tests PRIVATE etabli_db)
target_include_directories(pg_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli)
add_dependencies(pg_tests etabli)
# The storms: stations as separate processes (pg_storm_worker, each with its own engine) on one
# database of the cluster.
add_executable(pg_storm_worker pg/storm_worker.cpp common/testing.cpp)
target_include_directories(pg_storm_worker PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/common)
target_link_libraries(pg_storm_worker PRIVATE etabli_app etabli_db)
etabli_warnings(pg_storm_worker)
target_sources(pg_tests PRIVATE pg/test_pg_storm.cpp)
target_compile_definitions(pg_tests PRIVATE ETABLI_STORM_WORKER="$<TARGET_FILE:pg_storm_worker>")
add_dependencies(pg_tests pg_storm_worker)
# Decisions per second on SQLite, one and two PostgreSQL stations; the change feed; check-ins.
add_executable(bench_pg bench/bench_pg.cpp common/testing.cpp)
target_include_directories(bench_pg PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/common)
target_link_libraries(bench_pg PRIVATE etabli_app etabli_db)
etabli_warnings(bench_pg)
add_test(NAME bench_pg COMMAND bench_pg)
set_tests_properties(bench_pg PROPERTIES LABELS bench TIMEOUT 600)
