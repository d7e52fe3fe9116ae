-- 006 (PostgreSQL): the event log is read in the order it was written (by id), never by its
-- `at` column, as in ../006_event_log_by_id.sql.
DROP INDEX IF EXISTS events_by_at;
