-- 011 (PostgreSQL): the ended bookings' index under the condition load_alloc repeats (the rows
-- that are neither booked nor active), as in ../011_constant_checks.sql. The rest of that
-- migration rewrote SQLite CHECKs whose IN lists cost a temporary b-tree per row; PostgreSQL
-- evaluates IN over constants as plain comparisons, so its CHECKs stay as 003 wrote them.
DROP INDEX bookings_ended;
CREATE INDEX bookings_ended ON bookings(ends_at) WHERE state NOT IN ('booked', 'active');
