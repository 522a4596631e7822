-- Trends (ai module, migrations V210..V219). Everything here is DERIVED from posts and can be rebuilt
-- (TrendCounter.rebuild) except the moderation decisions (trend_hidden, trend_stories.hidden_*).

-- The counting base: one row per (kind, term, post) of a PUBLIC, original (not a repost) post, kept by the
-- "trends" outbox consumer (created -> rows added, deleted or no longer public -> rows removed).
-- kind: 0 tag, 1 link (normalized URL), 2 phrase. hour: the post's created_at truncated to the hour (UTC).
CREATE TABLE trend_uses (
  kind       smallint    NOT NULL CHECK (kind BETWEEN 0 AND 2),
  term       text        NOT NULL CHECK (length(term) BETWEEN 1 AND 2048),
  post_id    bigint      NOT NULL,
  account_id bigint      NOT NULL,
  hour       timestamptz NOT NULL,
  PRIMARY KEY (kind, term, post_id)
);
CREATE INDEX trend_uses_post ON trend_uses (post_id);
CREATE INDEX trend_uses_hour ON trend_uses (hour, kind, term);

-- Per hour bucket: distinct authors and uses of each item (what the history of the API shows).
CREATE VIEW trend_hourly AS
  SELECT kind, term, hour, count(DISTINCT account_id) AS accounts, count(*) AS uses
  FROM trend_uses GROUP BY kind, term, hour;

-- The last scoring of each item that scored: its remembered peak (Mastodon's max_score/max_score_at) and the
-- decayed score the lists rank by. Rows whose score fell below the threshold are deleted by the refresh.
CREATE TABLE trend_scores (
  kind         smallint         NOT NULL CHECK (kind BETWEEN 0 AND 2),
  term         text             NOT NULL,
  max_score    double precision NOT NULL,
  max_score_at timestamptz      NOT NULL,
  score        double precision NOT NULL,
  accounts     integer          NOT NULL,
  uses         integer          NOT NULL,
  expected     double precision NOT NULL,
  trending     boolean          NOT NULL,
  updated_at   timestamptz      NOT NULL,
  PRIMARY KEY (kind, term)
);
CREATE INDEX trend_scores_rank ON trend_scores (kind, score DESC) WHERE trending;

-- Trending posts of the last refresh (Mastodon's status trends).
CREATE TABLE trend_statuses (
  post_id    bigint           PRIMARY KEY,
  score      double precision NOT NULL,
  updated_at timestamptz      NOT NULL
);

-- Moderation: items an admin hid; they never show, whatever their score.
CREATE TABLE trend_hidden (
  kind      smallint    NOT NULL CHECK (kind BETWEEN 0 AND 2),
  term      text        NOT NULL,
  hidden_by bigint,
  hidden_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, term)
);

-- Trend stories: trending items grouped by the similarity of their posts, with a model-written headline and
-- summary citing the representative posts. A story keeps its id while its cluster overlaps the previous one, so
-- that hiding sticks; its text is regenerated only when its signature (items + posts) changes.
CREATE TABLE trend_stories (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  items          jsonb            NOT NULL,
  post_ids       bigint[]         NOT NULL,
  signature      text             NOT NULL,
  score          double precision NOT NULL,
  active         boolean          NOT NULL DEFAULT true,
  text_state     text             NOT NULL CHECK (text_state IN ('pending', 'generated', 'no_model', 'failed')),
  text_reason    text,
  headline       text             CHECK (length(headline) <= 300),
  summary        text             CHECK (length(summary) <= 2000),
  cited_post_ids bigint[]         NOT NULL DEFAULT '{}',
  model_id       text,
  prompt_name    text,
  prompt_version text,
  generated_at   timestamptz,
  hidden_by      bigint,
  hidden_at      timestamptz,
  created_at     timestamptz      NOT NULL DEFAULT now(),
  updated_at     timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX trend_stories_active ON trend_stories (score DESC) WHERE active;
