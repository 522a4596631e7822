-- Starling social schema, version 2: stored counters.
--
-- Hydrating an account or a post used to run count(*) subqueries (followers, following, statuses;
-- replies, reblogs, favourites) on every read. These tables hold the counts instead. They are
-- maintained by AFTER ... FOR EACH STATEMENT triggers with transition tables, so:
--   * every write path (the Java writers, FK cascades, COPY and bulk INSERT ... SELECT of the seeders,
--     ON CONFLICT DO NOTHING inserts that insert nothing) updates them in the SAME transaction;
--   * a bulk statement costs one aggregated upsert, not one per row;
--   * counts change by relative upserts (n = n + delta) under row locks, never read-modify-write,
--     each statement touches its rows in ascending key order (INSERT ... SELECT ... ORDER BY),
--     and every statement locks account_stats rows before post_stats rows, so concurrent writers
--     cannot deadlock on the counter rows.
-- A missing row means all zeros (readers LEFT JOIN and coalesce). There are no foreign keys on the
-- stats tables (a cascade may delete the owner first); deleting a post deletes its stats row.
-- last_status_at is the created_at of the author's newest post (highest id; ids are time-sortable).

CREATE TABLE account_stats (
  account_id      bigint PRIMARY KEY,
  followers_count bigint NOT NULL DEFAULT 0,
  following_count bigint NOT NULL DEFAULT 0,
  statuses_count  bigint NOT NULL DEFAULT 0,
  last_status_at  timestamptz
);

CREATE TABLE post_stats (
  post_id          bigint PRIMARY KEY,
  replies_count    bigint NOT NULL DEFAULT 0,
  reblogs_count    bigint NOT NULL DEFAULT 0,
  favourites_count bigint NOT NULL DEFAULT 0
);

-- Back-fill from the current rows.
INSERT INTO account_stats (account_id, followers_count, following_count, statuses_count, last_status_at)
SELECT a.id,
       coalesce(fr.n, 0), coalesce(fg.n, 0), coalesce(st.n, 0),
       (SELECT p.created_at FROM posts p WHERE p.author_id = a.id ORDER BY p.id DESC LIMIT 1)
FROM accounts a
LEFT JOIN (SELECT followee_id AS id, count(*) AS n FROM follows GROUP BY followee_id) fr ON fr.id = a.id
LEFT JOIN (SELECT follower_id AS id, count(*) AS n FROM follows GROUP BY follower_id) fg ON fg.id = a.id
LEFT JOIN (SELECT author_id AS id, count(*) AS n FROM posts GROUP BY author_id) st ON st.id = a.id;

INSERT INTO post_stats (post_id, replies_count, reblogs_count, favourites_count)
SELECT d.id, sum(d.r), sum(d.b), sum(d.f)
FROM (SELECT in_reply_to_id AS id, 1 AS r, 0 AS b, 0 AS f FROM posts WHERE in_reply_to_id IS NOT NULL
      UNION ALL SELECT reblog_of_id, 0, 1, 0 FROM posts WHERE reblog_of_id IS NOT NULL
      UNION ALL SELECT post_id, 0, 0, 1 FROM favourites) d
WHERE EXISTS (SELECT 1 FROM posts p WHERE p.id = d.id)
GROUP BY d.id;

-- follows: followers_count of the followee, following_count of the follower.
CREATE FUNCTION stats_follows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO account_stats AS s (account_id, followers_count, following_count)
    SELECT d.id, sum(d.fr), sum(d.fg)
    FROM (SELECT followee_id AS id, 1 AS fr, 0 AS fg FROM new_rows
          UNION ALL SELECT follower_id, 0, 1 FROM new_rows) d
    GROUP BY d.id ORDER BY d.id
    ON CONFLICT (account_id) DO UPDATE
      SET followers_count = s.followers_count + excluded.followers_count,
          following_count = s.following_count + excluded.following_count;
  ELSE
    INSERT INTO account_stats AS s (account_id, followers_count, following_count)
    SELECT d.id, -sum(d.fr), -sum(d.fg)
    FROM (SELECT followee_id AS id, 1 AS fr, 0 AS fg FROM old_rows
          UNION ALL SELECT follower_id, 0, 1 FROM old_rows) d
    WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = d.id)
    GROUP BY d.id ORDER BY d.id
    ON CONFLICT (account_id) DO UPDATE
      SET followers_count = s.followers_count + excluded.followers_count,
          following_count = s.following_count + excluded.following_count;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER follows_stats_insert AFTER INSERT ON follows
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_follows_changed();
CREATE TRIGGER follows_stats_delete AFTER DELETE ON follows
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_follows_changed();

-- posts: statuses_count and last_status_at of the author; replies_count and reblogs_count of the
-- post replied to / reposted (only while that post exists).
CREATE FUNCTION stats_posts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_stats AS s (account_id, statuses_count, last_status_at)
  SELECT n.author_id, count(*), max(n.created_at)
  FROM new_rows n GROUP BY n.author_id ORDER BY n.author_id
  ON CONFLICT (account_id) DO UPDATE
    SET statuses_count = s.statuses_count + excluded.statuses_count,
        last_status_at = greatest(s.last_status_at, excluded.last_status_at);

  INSERT INTO post_stats AS s (post_id, replies_count, reblogs_count)
  SELECT d.id, sum(d.r), sum(d.b)
  FROM (SELECT in_reply_to_id AS id, 1 AS r, 0 AS b FROM new_rows WHERE in_reply_to_id IS NOT NULL
        UNION ALL SELECT reblog_of_id, 0, 1 FROM new_rows WHERE reblog_of_id IS NOT NULL) d
  WHERE EXISTS (SELECT 1 FROM posts p WHERE p.id = d.id)
  GROUP BY d.id ORDER BY d.id
  ON CONFLICT (post_id) DO UPDATE
    SET replies_count = s.replies_count + excluded.replies_count,
        reblogs_count = s.reblogs_count + excluded.reblogs_count;
  RETURN NULL;
END $$;

CREATE FUNCTION stats_posts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_stats AS s (account_id, statuses_count, last_status_at)
  SELECT o.author_id, -count(*),
         (SELECT p.created_at FROM posts p WHERE p.author_id = o.author_id ORDER BY p.id DESC LIMIT 1)
  FROM old_rows o
  WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = o.author_id)
  GROUP BY o.author_id ORDER BY o.author_id
  ON CONFLICT (account_id) DO UPDATE
    SET statuses_count = s.statuses_count + excluded.statuses_count,
        last_status_at = excluded.last_status_at;

  DELETE FROM post_stats s USING old_rows o WHERE s.post_id = o.id;

  INSERT INTO post_stats AS s (post_id, replies_count, reblogs_count)
  SELECT d.id, -sum(d.r), -sum(d.b)
  FROM (SELECT in_reply_to_id AS id, 1 AS r, 0 AS b FROM old_rows WHERE in_reply_to_id IS NOT NULL
        UNION ALL SELECT reblog_of_id, 0, 1 FROM old_rows WHERE reblog_of_id IS NOT NULL) d
  WHERE EXISTS (SELECT 1 FROM posts p WHERE p.id = d.id)
  GROUP BY d.id ORDER BY d.id
  ON CONFLICT (post_id) DO UPDATE
    SET replies_count = s.replies_count + excluded.replies_count,
        reblogs_count = s.reblogs_count + excluded.reblogs_count;
  RETURN NULL;
END $$;

CREATE TRIGGER posts_stats_insert AFTER INSERT ON posts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_posts_inserted();
CREATE TRIGGER posts_stats_delete AFTER DELETE ON posts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_posts_deleted();

-- favourites: favourites_count of the post (only while it exists).
CREATE FUNCTION stats_favourites_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO post_stats AS s (post_id, favourites_count)
    SELECT n.post_id, count(*) FROM new_rows n
    GROUP BY n.post_id ORDER BY n.post_id
    ON CONFLICT (post_id) DO UPDATE SET favourites_count = s.favourites_count + excluded.favourites_count;
  ELSE
    INSERT INTO post_stats AS s (post_id, favourites_count)
    SELECT o.post_id, -count(*) FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM posts p WHERE p.id = o.post_id)
    GROUP BY o.post_id ORDER BY o.post_id
    ON CONFLICT (post_id) DO UPDATE SET favourites_count = s.favourites_count + excluded.favourites_count;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER favourites_stats_insert AFTER INSERT ON favourites
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_favourites_changed();
CREATE TRIGGER favourites_stats_delete AFTER DELETE ON favourites
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stats_favourites_changed();
