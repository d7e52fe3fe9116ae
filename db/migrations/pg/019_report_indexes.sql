-- 019 (PostgreSQL): the funders' pack reads a year of each table by range, as in
-- ../019_report_indexes.sql.
CREATE INDEX loans_by_lent ON loans(lent_at);
CREATE INDEX memberships_by_created ON memberships(created_at);
CREATE INDEX trainings_by_start ON trainings(starts_at);
CREATE INDEX bikes_by_intake ON bikes(intake_day);
CREATE INDEX bike_departures_by_day ON bike_departures(day);
