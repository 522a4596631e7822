-- Starling social schema, version 6: the change log that keeps the in-process caches current.
--
-- The server keeps what a home page needs in memory (who follows, blocks and mutes whom; post rows;
-- counters; accounts; each viewer's likes, reposts and bookmarks) and must learn of every change,
-- whoever makes it: the Java writers, FK cascades, imports, the seeders' COPY, a second server on the
-- same database, psql. So the tables log their own changes: AFTER ... FOR EACH STATEMENT triggers
-- (transition tables, like V2's counters) append one row per statement to change_log, in the writer's
-- transaction. dev.starling.social.changes.ChangeFeed polls it.
--
-- Not LISTEN/NOTIFY: PostgreSQL serializes the commits of notifying transactions (a global lock held
-- through the commit's WAL flush), which halved durable post creation (16 writers, fsync on: 1,965
-- against 1,027 posts/s). A row insert keeps group commit.
--
-- One trigger function per table, with static SQL (PL/pgSQL caches its plans; a generic function
-- building its query with EXECUTE cost about a third of durable post creation's throughput).
--
-- Entries: "K,a,b,c" separated by ';':
--   F follower,followee (follows)    B account,target (blocks)       M account,target (mutes)
--   P id,author,reblog_of (posts inserted)  C ... (posts updated)    D ... (posts deleted)
--   V account,post (favourites)      K account,post (bookmarks)      A account (accounts, account_stats)
--   S post (post_stats)              R (reset: drop every cached state)
-- reblog_of is 0 for a post that is not a repost. A statement that changes more than 1,000 rows logs
-- one R instead of its entries (bulk loads: readers drop everything and reload lazily). A transaction
-- that sets starling.bulk_load to 'on' (set_config(..., true)) logs nothing from these triggers and
-- must call starling_changes_reset() itself before it commits.
--
-- tx is the writing transaction's id: a reader that saw the log up to a snapshot with xmin X finds
-- every row committed later at tx >= X (a transaction still running then has an id >= X). Readers
-- delete rows older than they need (ChangeFeed: after a minute).

-- tx as a bigint (xid8 has no BRIN operator class): a BRIN index costs next to nothing per insert,
-- and rows arrive in nearly ascending tx order, so the poll's range scan reads only the table's tail.
CREATE TABLE change_log (
  seq     bigint GENERATED ALWAYS AS IDENTITY,
  tx      bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
  entries text   NOT NULL
);
CREATE INDEX change_log_tx ON change_log USING brin (tx);

CREATE FUNCTION starling_changes_log(entries text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('starling.bulk_load', true), '') = 'on' OR cardinality(entries) = 0 THEN
    RETURN;
  END IF;
  IF cardinality(entries) > 1000 THEN
    INSERT INTO change_log (entries) VALUES ('R');
  ELSE
    INSERT INTO change_log (entries) VALUES (array_to_string(entries, ';'));
  END IF;
END $$;

-- For bulk loads that silenced the triggers: every reader drops its cached state.
CREATE FUNCTION starling_changes_reset() RETURNS void LANGUAGE sql AS $$
  INSERT INTO change_log (entries) VALUES ('R');
$$;

CREATE FUNCTION changes_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM starling_changes_log(array(SELECT 'F,' || follower_id || ',' || followee_id FROM new_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'F,' || follower_id || ',' || followee_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER follows_changes_insert AFTER INSERT ON follows
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_follows();
CREATE TRIGGER follows_changes_delete AFTER DELETE ON follows
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_follows();

CREATE FUNCTION changes_blocks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM starling_changes_log(array(SELECT 'B,' || account_id || ',' || target_id FROM new_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'B,' || account_id || ',' || target_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER blocks_changes_insert AFTER INSERT ON blocks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_blocks();
CREATE TRIGGER blocks_changes_delete AFTER DELETE ON blocks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_blocks();

CREATE FUNCTION changes_mutes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM starling_changes_log(array(SELECT 'M,' || account_id || ',' || target_id FROM old_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'M,' || account_id || ',' || target_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER mutes_changes_insert AFTER INSERT ON mutes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_mutes();
CREATE TRIGGER mutes_changes_update AFTER UPDATE ON mutes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_mutes();
CREATE TRIGGER mutes_changes_delete AFTER DELETE ON mutes
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_mutes();

CREATE FUNCTION changes_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM starling_changes_log(array(SELECT 'P,' || id || ',' || author_id || ',' || coalesce(reblog_of_id, 0) FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM starling_changes_log(array(SELECT 'C,' || id || ',' || author_id || ',' || coalesce(reblog_of_id, 0) FROM new_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'D,' || id || ',' || author_id || ',' || coalesce(reblog_of_id, 0) FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER posts_changes_insert AFTER INSERT ON posts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_posts();
CREATE TRIGGER posts_changes_update AFTER UPDATE ON posts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_posts();
CREATE TRIGGER posts_changes_delete AFTER DELETE ON posts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_posts();

-- A post's mentions are part of its cached row: a change to them (not made today once a post is
-- written, but possible from psql or a later feature) logs the post as changed (author and reposted
-- post 0: the mention rows do not hold them).
CREATE FUNCTION changes_post_mentions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM starling_changes_log(array(SELECT DISTINCT 'C,' || post_id || ',0,0' FROM old_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT DISTINCT 'C,' || post_id || ',0,0' FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER post_mentions_changes_insert AFTER INSERT ON post_mentions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_post_mentions();
CREATE TRIGGER post_mentions_changes_delete AFTER DELETE ON post_mentions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_post_mentions();

CREATE FUNCTION changes_favourites() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM starling_changes_log(array(SELECT 'V,' || account_id || ',' || post_id FROM new_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'V,' || account_id || ',' || post_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER favourites_changes_insert AFTER INSERT ON favourites
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_favourites();
CREATE TRIGGER favourites_changes_delete AFTER DELETE ON favourites
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_favourites();

CREATE FUNCTION changes_bookmarks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM starling_changes_log(array(SELECT 'K,' || account_id || ',' || post_id FROM new_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'K,' || account_id || ',' || post_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER bookmarks_changes_insert AFTER INSERT ON bookmarks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_bookmarks();
CREATE TRIGGER bookmarks_changes_delete AFTER DELETE ON bookmarks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_bookmarks();

CREATE FUNCTION changes_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM starling_changes_log(array(SELECT 'A,' || id FROM old_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'A,' || id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_changes_update AFTER UPDATE ON accounts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_accounts();
CREATE TRIGGER accounts_changes_delete AFTER DELETE ON accounts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_accounts();

CREATE FUNCTION changes_account_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM starling_changes_log(array(SELECT 'A,' || account_id FROM old_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'A,' || account_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER account_stats_changes_insert AFTER INSERT ON account_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_account_stats();
CREATE TRIGGER account_stats_changes_update AFTER UPDATE ON account_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_account_stats();
CREATE TRIGGER account_stats_changes_delete AFTER DELETE ON account_stats
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_account_stats();

CREATE FUNCTION changes_post_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM starling_changes_log(array(SELECT 'S,' || post_id FROM old_rows));
  ELSE
    PERFORM starling_changes_log(array(SELECT 'S,' || post_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER post_stats_changes_insert AFTER INSERT ON post_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_post_stats();
CREATE TRIGGER post_stats_changes_update AFTER UPDATE ON post_stats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_post_stats();
CREATE TRIGGER post_stats_changes_delete AFTER DELETE ON post_stats
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION changes_post_stats();
