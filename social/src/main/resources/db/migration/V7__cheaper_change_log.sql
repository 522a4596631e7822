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
--    counters), and the counter tables' triggers stay silent when they fire inside another trigger
--    (pg_trigger_depth() > 1: V2's maintenance). A direct write to account_stats or post_stats (psql, a
--    repair) still logs its own entries. A reply's parent gets its replies_count from V2 too: the posts
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

CREATE OR REPLACE FUNCTION changes_account_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() > 1 THEN
    RETURN NULL; -- V2's counters, kept by a follows or posts trigger whose own entry implies this change
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM starling_changes_log(array(SELECT 'A,' || account_id FROM old_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'A,' || account_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION changes_post_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() > 1 THEN
    RETURN NULL; -- V2's counters, kept by a posts or favourites trigger whose own entry implies this change
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM starling_changes_log(array(SELECT 'S,' || post_id FROM old_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'S,' || post_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
