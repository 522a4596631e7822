-- Starling social schema, version 4: each account's default post visibility (Mastodon's
-- source.privacy), used when a new post does not say its visibility.
--
-- Same codes as posts.visibility: 0 public, 1 unlisted, 2 private (followers-only). Direct (3) is
-- not a default, as in Mastodon. Existing and new accounts start public.
--
-- Applied out of order on databases that already have server's V100+ (Database.migrate sets
-- Flyway outOfOrder): it only adds a column with a default, so order does not matter.

ALTER TABLE accounts
  ADD COLUMN default_visibility smallint NOT NULL DEFAULT 0 CHECK (default_visibility BETWEEN 0 AND 2);
