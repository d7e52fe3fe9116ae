-- A member's presences by time: the volunteer hours of the year read their volunteers'
-- presences through it instead of every presence ever recorded (the soak test of a workshop
-- with a year of history found that scan taking most of the station's time).
CREATE INDEX presence_by_member ON presence(member_id, checked_in);
