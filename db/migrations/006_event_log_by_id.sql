-- The event log is read in the order it was written (by id: rows are appended as events
-- happen), never by its `at` column: the index on `at` only cost every commit one more page
-- written to the WAL (a booking's commit wrote 4.4 pages, 3.2 without it: bench_alloc_store).
DROP INDEX IF EXISTS events_by_at;
