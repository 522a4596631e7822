-- Starling social schema, version 6: change notifications for the in-process caches.
--
-- The server keeps what a home page needs in memory (who follows, blocks and mutes whom; post rows;
-- counters; accounts; each viewer's likes, reposts and bookmarks) and must learn of every change,
-- whoever makes it: the Java writers, FK cascades, imports, the seeders' COPY, a second server on the
-- same database, psql. So the tables announce their own changes: AFTER ... FOR EACH STATEMENT triggers
-- (transition tables, like V2's counters) call pg_notify on channel 'starling_changes'. PostgreSQL
-- delivers notifications only when the transaction commits, and in commit order
-- (dev.starling.social.changes.ChangeFeed listens).
--
-- Payload: entries "K,a,b,c" separated by ';', at most about 7,900 bytes per notification:
--   F follower,followee (follows)    B account,target (blocks)       M account,target (mutes)
--   P id,author,reblog_of (posts inserted)  C ... (posts updated)    D ... (posts deleted)
--   V account,post (favourites)      K account,post (bookmarks)      A account (accounts, account_stats)
--   S post (post_stats)              R (reset: drop every cached state)
-- reblog_of is 0 for a post that is not a repost. A statement that changes more than 1,000 rows sends
-- one R instead of its entries (bulk loads: the listeners drop everything and reload lazily). A
-- transaction that sets starling.bulk_load to 'on' (set_config(..., true)) sends nothing from these
-- triggers and must send R itself before it commits.

CREATE FUNCTION starling_changes_notify(entries text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  chunk text := '';
  e text;
BEGIN
  IF coalesce(current_setting('starling.bulk_load', true), '') = 'on' OR cardinality(entries) = 0 THEN
    RETURN;
  END IF;
  IF cardinality(entries) > 1000 THEN
    PERFORM pg_notify('starling_changes', 'R');
    RETURN;
  END IF;
  FOREACH e IN ARRAY entries LOOP
    IF length(chunk) + length(e) + 1 > 7900 THEN
      PERFORM pg_notify('starling_changes', chunk);
      chunk := '';
    END IF;
    chunk := CASE WHEN chunk = '' THEN e ELSE chunk || ';' || e END;
  END LOOP;
  IF chunk <> '' THEN
    PERFORM pg_notify('starling_changes', chunk);
  END IF;
END $$;

-- One trigger function for every table: TG_ARGV[0] is the entry's letter, the further arguments are
-- the SQL expressions of its numbers over the statement's transition table (new_rows, or old_rows for
-- DELETE). The arguments are written here, never taken from data.
CREATE FUNCTION starling_changes_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  numbers text := '';
  entries text[];
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    numbers := numbers || ' || '','' || ' || TG_ARGV[i];
  END LOOP;
  EXECUTE format('SELECT array(SELECT DISTINCT %L%s FROM %I)', TG_ARGV[0], numbers,
                 CASE WHEN TG_OP = 'DELETE' THEN 'old_rows' ELSE 'new_rows' END) INTO entries;
  PERFORM starling_changes_notify(entries);
  RETURN NULL;
END $$;

CREATE TRIGGER follows_changes_insert AFTER INSERT ON follows REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('F', 'follower_id', 'followee_id');
CREATE TRIGGER follows_changes_delete AFTER DELETE ON follows REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('F', 'follower_id', 'followee_id');

CREATE TRIGGER blocks_changes_insert AFTER INSERT ON blocks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('B', 'account_id', 'target_id');
CREATE TRIGGER blocks_changes_delete AFTER DELETE ON blocks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('B', 'account_id', 'target_id');

CREATE TRIGGER mutes_changes_insert AFTER INSERT ON mutes REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('M', 'account_id', 'target_id');
CREATE TRIGGER mutes_changes_update AFTER UPDATE ON mutes REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('M', 'account_id', 'target_id');
CREATE TRIGGER mutes_changes_delete AFTER DELETE ON mutes REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('M', 'account_id', 'target_id');

CREATE TRIGGER posts_changes_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('P', 'id', 'author_id', 'coalesce(reblog_of_id, 0)');
CREATE TRIGGER posts_changes_update AFTER UPDATE ON posts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('C', 'id', 'author_id', 'coalesce(reblog_of_id, 0)');
CREATE TRIGGER posts_changes_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('D', 'id', 'author_id', 'coalesce(reblog_of_id, 0)');

-- A post's mentions are part of its cached row: a change to them (not made today once a post is
-- written, but possible from psql or a later feature) announces the post as changed. The author and
-- the reposted post are not in the mention rows (0: the listeners need only the post's id here).
CREATE TRIGGER post_mentions_changes_insert AFTER INSERT ON post_mentions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('C', 'post_id', '0', '0');
CREATE TRIGGER post_mentions_changes_delete AFTER DELETE ON post_mentions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('C', 'post_id', '0', '0');

CREATE TRIGGER favourites_changes_insert AFTER INSERT ON favourites REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('V', 'account_id', 'post_id');
CREATE TRIGGER favourites_changes_delete AFTER DELETE ON favourites REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('V', 'account_id', 'post_id');

CREATE TRIGGER bookmarks_changes_insert AFTER INSERT ON bookmarks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('K', 'account_id', 'post_id');
CREATE TRIGGER bookmarks_changes_delete AFTER DELETE ON bookmarks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('K', 'account_id', 'post_id');

CREATE TRIGGER accounts_changes_update AFTER UPDATE ON accounts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('A', 'id');
CREATE TRIGGER accounts_changes_delete AFTER DELETE ON accounts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('A', 'id');

CREATE TRIGGER account_stats_changes_insert AFTER INSERT ON account_stats REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('A', 'account_id');
CREATE TRIGGER account_stats_changes_update AFTER UPDATE ON account_stats REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('A', 'account_id');
CREATE TRIGGER account_stats_changes_delete AFTER DELETE ON account_stats REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('A', 'account_id');

CREATE TRIGGER post_stats_changes_insert AFTER INSERT ON post_stats REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('S', 'post_id');
CREATE TRIGGER post_stats_changes_update AFTER UPDATE ON post_stats REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('S', 'post_id');
CREATE TRIGGER post_stats_changes_delete AFTER DELETE ON post_stats REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION starling_changes_rows('S', 'post_id');
