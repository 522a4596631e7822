-- Starling social schema, version 1. Owned by the `social` module (migrations V1..V99);
-- the `server` module owns V100+ in the same classpath location (db/migration).

-- Snowflake-like ids: (unix millis << 16) | (sequence & 0xFFFF). Time-sortable, so that
-- Mastodon's max_id/since_id/min_id paging is an index range scan on the primary key.
CREATE SEQUENCE snowflake_seq AS bigint CYCLE;

CREATE FUNCTION snowflake_id(ts timestamptz) RETURNS bigint
  LANGUAGE sql VOLATILE PARALLEL UNSAFE AS
$$ SELECT (floor(extract(epoch FROM ts) * 1000)::bigint << 16) | (nextval('snowflake_seq') & 65535) $$;

CREATE TABLE accounts (
  id                  bigint PRIMARY KEY,
  username            text        NOT NULL CHECK (username ~ '^[A-Za-z0-9_]{1,30}$'),
  email               text        NOT NULL CHECK (length(email) <= 320),
  password_hash       text,                           -- PHC string (Argon2id); NULL: cannot sign in
  display_name        text        NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
  note                text        NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  avatar_url          text        CHECK (length(avatar_url) <= 2048),
  locked              boolean     NOT NULL DEFAULT false,
  bot                 boolean     NOT NULL DEFAULT false,
  ai_training_consent boolean     NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));
CREATE UNIQUE INDEX accounts_email_lower ON accounts (lower(email));

-- visibility: 0 public, 1 unlisted, 2 private (followers-only), 3 direct (mentioned only).
CREATE TABLE posts (
  id                     bigint PRIMARY KEY,
  author_id              bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  text                   text        NOT NULL,
  visibility             smallint    NOT NULL CHECK (visibility BETWEEN 0 AND 3),
  in_reply_to_id         bigint,                       -- kept when the parent is deleted (as Mastodon)
  in_reply_to_account_id bigint,
  thread_root_id         bigint,                       -- NULL for a thread root itself
  reblog_of_id           bigint REFERENCES posts (id) ON DELETE CASCADE,
  quote_of_id            bigint,
  language               text        CHECK (length(language) <= 16),
  sensitive              boolean     NOT NULL DEFAULT false,
  spoiler_text           text        NOT NULL DEFAULT '' CHECK (length(spoiler_text) <= 500),
  hashtags               text[]      NOT NULL DEFAULT '{}',
  urls                   text[]      NOT NULL DEFAULT '{}',
  cashtags               text[]      NOT NULL DEFAULT '{}',
  created_at             timestamptz NOT NULL,
  edited_at              timestamptz
);
CREATE INDEX posts_author_id ON posts (author_id, id DESC);
CREATE INDEX posts_in_reply_to ON posts (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX posts_thread_root ON posts (thread_root_id) WHERE thread_root_id IS NOT NULL;
CREATE INDEX posts_reblog_of ON posts (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE UNIQUE INDEX posts_one_reblog_per_author ON posts (author_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX posts_public_local ON posts (id DESC) WHERE visibility = 0 AND reblog_of_id IS NULL;

CREATE TABLE post_mentions (
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (post_id, account_id)
);
CREATE INDEX post_mentions_account ON post_mentions (account_id, post_id DESC);

CREATE TABLE post_tags (
  tag     text   NOT NULL,                            -- lower-cased hashtag without '#'
  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, post_id)
);
CREATE INDEX post_tags_post ON post_tags (post_id);

CREATE TABLE favourites (
  id         bigint PRIMARY KEY,
  account_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  UNIQUE (account_id, post_id)
);
CREATE INDEX favourites_post ON favourites (post_id);
CREATE INDEX favourites_account_id ON favourites (account_id, id DESC);

CREATE TABLE bookmarks (
  id         bigint PRIMARY KEY,
  account_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  post_id    bigint      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  UNIQUE (account_id, post_id)
);
CREATE INDEX bookmarks_account_id ON bookmarks (account_id, id DESC);

CREATE TABLE follows (
  id          bigint      NOT NULL UNIQUE,
  follower_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  followee_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (follower_id, followee_id),
  CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, follower_id);

CREATE TABLE follow_requests (
  id           bigint      NOT NULL UNIQUE,
  requester_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_id    bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (requester_id, target_id),
  CHECK (requester_id <> target_id)
);
CREATE INDEX follow_requests_target ON follow_requests (target_id, id DESC);

CREATE TABLE blocks (
  id         bigint      NOT NULL UNIQUE,
  account_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_id  bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, target_id),
  CHECK (account_id <> target_id)
);
CREATE INDEX blocks_target ON blocks (target_id, account_id);

CREATE TABLE mutes (
  id            bigint      NOT NULL UNIQUE,
  account_id    bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_id     bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  notifications boolean     NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (account_id, target_id),
  CHECK (account_id <> target_id)
);

-- type: mention, follow, follow_request, favourite, reblog (replies notify as mention, as Mastodon).
CREATE TABLE notifications (
  id              bigint PRIMARY KEY,
  account_id      bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  type            text        NOT NULL,
  from_account_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  post_id         bigint REFERENCES posts (id) ON DELETE CASCADE,
  created_at      timestamptz NOT NULL
);
CREATE INDEX notifications_account_id ON notifications (account_id, id DESC);

-- The transactional outbox. Rows are written in the writer's transaction with its xid; a
-- sealing step (Outbox.poll, under an advisory lock) assigns dense `position`s only to rows whose
-- writing transactions are all finished, so a consumer that checkpoints a position never skips
-- a row that commits later with a smaller number.
CREATE TABLE outbox (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  xid          xid8        NOT NULL DEFAULT pg_current_xact_id(),
  position     bigint UNIQUE,
  type         text        NOT NULL,
  aggregate_id bigint      NOT NULL,
  account_id   bigint,
  payload      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_unsealed ON outbox (xid, id) WHERE position IS NULL;

CREATE TABLE outbox_consumers (
  name       text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  position   bigint      NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Imported items (idempotent imports): source ("twitter"/"mastodon") + source id -> post.
CREATE TABLE import_items (
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  source     text   NOT NULL,
  source_id  text   NOT NULL CHECK (length(source_id) <= 512),
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, source, source_id)
);
