-- Starling social schema, version 5: a per-account counter of new follows, for the in-process
-- home feeds (dev.starling.social.timelines.HomeFeeds).
--
-- A cached home feed holds candidate post ids of the accounts its owner followed when it was
-- built. A new follow makes the feed incomplete (the new followee's older posts are missing), so
-- every insert into follows, by any writer and any process (the API, imports, COPY in the load
-- benchmark), bumps the follower's epoch here in the same transaction; the feed's read checks the
-- epoch in the same round trip as the visibility rule and is rebuilt when it moved. Deleted follows
-- need no epoch: the read applies the follow relation itself. One trigger call per statement
-- (transition table), so bulk inserts cost one upsert per distinct follower, taken in id order.
--
-- Applied out of order on databases that already have server's V100+ (Flyway outOfOrder); it only
-- adds a table and a trigger.

CREATE TABLE home_feed_epochs (
  account_id bigint PRIMARY KEY,
  epoch      bigint NOT NULL
);

CREATE FUNCTION home_feed_epochs_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO home_feed_epochs AS e (account_id, epoch)
    SELECT follower_id, 1 FROM (SELECT DISTINCT follower_id FROM new_follows) n ORDER BY follower_id
  ON CONFLICT (account_id) DO UPDATE SET epoch = e.epoch + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER follows_bump_home_feed_epochs
  AFTER INSERT ON follows REFERENCING NEW TABLE AS new_follows
  FOR EACH STATEMENT EXECUTE FUNCTION home_feed_epochs_bump();
