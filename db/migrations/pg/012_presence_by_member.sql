-- 012 (PostgreSQL): a member's presences by time (the volunteer hours of a year), as in
-- ../012_presence_by_member.sql.
CREATE INDEX presence_by_member ON presence(member_id, checked_in);
