-- 009: the live bookings are found from a floor instead of an index. load_alloc reads
-- every booked or active booking; 003 kept them in the partial index bookings_live, whose
-- last page every new booking wrote again: one WAL page of the 3.2 a booking's commit
-- wrote (bench_alloc_store, where raw inserts write 1.0). A new booking always takes the
-- next id, and a booking never becomes live again once it has ended, so no live booking
-- has an id below the smallest live one: load_alloc reads the rows from that floor on (a
-- range of the table by id, the few weeks of bookings since the oldest live one was made)
-- and moves the floor up when it can. A booking made live again below the floor (no rule
-- does it today) lowers the floor in the same transaction (write_booking).
CREATE TABLE bookings_live_floor (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    floor INTEGER NOT NULL CHECK (floor >= 0)
);
INSERT INTO bookings_live_floor (id, floor) VALUES (1, COALESCE(
    (SELECT MIN(id) FROM bookings INDEXED BY bookings_live WHERE state IN ('booked', 'active')),
    (SELECT COALESCE(MAX(id), 0) + 1 FROM bookings)));
DROP INDEX bookings_live;
