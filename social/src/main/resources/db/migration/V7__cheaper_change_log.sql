-- Starling social schema, version 7: the change log (V6) costs post creation less.
--
-- Measured (see dev.starling.social.changes.ChangeLogCostBenchTest and the issue 2 note): durable post
-- creation fell from 1,696 to 1,292 posts/s (bench-network.sh --quick, same machine, same hour) when V6
-- came in. Two of its costs were not necessary:
--
-- 1. Every post logged two rows: 'P' from the posts trigger, and 'A' for its author's counters from the
--    account_stats trigger, fired by V2's counter trigger in the same statement (and likewise 'A,follower'
--    and 'A,followee' for every follow, 'S,post' for every favourite). Those counter changes follow from
--    the entry of the statement that caused them, so listeners now derive them (HydrationCache: P/D drop the
--    author's account and the reposted post's counters, F drops both accounts, V drops the post's
--    counters), and the counter tables' triggers do not fire for statements run inside another trigger
--    (V2's maintenance). A direct write to account_stats or post_stats (psql, a repair) still logs its own
--    entries. A reply's parent gets its replies_count from V2 too: the posts
--    trigger now adds an 'S,parent' entry for each reply it logs (inserted or deleted), in the same row.
--
-- 2. The BRIN index on change_log.tx made every poll read most of the table: the rows are deleted after a
--    minute, and new rows then fill the freed pages of ranges already summarized, so their ranges widen
--    until every range matches (a poll for 250 new rows rechecked 25,000 at 150,000 rows in the log, about
--    1.3-3.4 ms per poll, 10 polls a second). A btree on tx reads only the rows asked for; its inserts go
--    to its right edge (ids ascend).

DROP INDEX change_log_tx;
CREATE INDEX change_log_tx ON change_log (tx);

CREATE OR REPLACE FUNCTION changes_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM starling_changes_log(array(
      SELECT 'P,' || id || ',' || author_id || ',' || coalesce(reblog_of_id, 0) FROM new_rows
      UNION ALL SELECT 'S,' || in_reply_to_id FROM new_rows WHERE in_reply_to_id IS NOT NULL));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM starling_changes_log(array(SELECT 'C,' || id || ',' || author_id || ',' || coalesce(reblog_of_id, 0) FROM new_rows));
  ELSE
    PERFORM starling_changes_log(array(
      SELECT 'D,' || id || ',' || author_id || ',' || coalesce(reblog_of_id, 0) FROM old_rows
      UNION ALL SELECT 'S,' || in_reply_to_id FROM old_rows WHERE in_reply_to_id IS NOT NULL));
  END IF;
  RETURN NULL;
END $$;

-- The counter tables' change triggers fire only for statements outside any trigger: a WHEN condition is
-- evaluated at the depth of the statement that fired it (0 for a client's statement, 1 inside V2's trigger
-- functions), and skips even the call of the trigger function.
DROP TRIGGER account_stats_changes_insert ON account_stats;
DROP TRIGGER account_stats_changes_update ON account_stats;
DROP TRIGGER account_stats_changes_delete ON account_stats;
CREATE TRIGGER account_stats_changes_insert AFTER INSERT ON account_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION changes_account_stats();
CREATE TRIGGER account_stats_changes_update AFTER UPDATE ON account_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION changes_account_stats();
CREATE TRIGGER account_stats_changes_delete AFTER DELETE ON account_stats
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION changes_account_stats();

DROP TRIGGER post_stats_changes_insert ON post_stats;
DROP TRIGGER post_stats_changes_update ON post_stats;
DROP TRIGGER post_stats_changes_delete ON post_stats;
CREATE TRIGGER post_stats_changes_insert AFTER INSERT ON post_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION changes_post_stats();
CREATE TRIGGER post_stats_changes_update AFTER UPDATE ON post_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION changes_post_stats();
CREATE TRIGGER post_stats_changes_delete AFTER DELETE ON post_stats
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION changes_post_stats();
