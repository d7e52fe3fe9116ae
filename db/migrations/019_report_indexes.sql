-- The funders' pack (`etabli report year`) counts a year of each table: the tables it reads
-- by a date that had no index on it get one, so a year is read by range, not by a walk
-- through ten years of history.
CREATE INDEX loans_by_lent ON loans(lent_at);
CREATE INDEX memberships_by_created ON memberships(created_at);
CREATE INDEX trainings_by_start ON trainings(starts_at);
CREATE INDEX bikes_by_intake ON bikes(intake_day);
CREATE INDEX bike_departures_by_day ON bike_departures(day);
