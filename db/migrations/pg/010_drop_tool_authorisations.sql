-- 010 (PostgreSQL): the per-tool authorisation lists of 004 go (007 turned them into skill
-- grants), as in ../010_drop_tool_authorisations.sql.
DROP TABLE tool_authorisations;
