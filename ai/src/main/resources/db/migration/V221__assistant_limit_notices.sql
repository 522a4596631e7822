-- ai owns V200..V299; the grounding/registry part owns V220..V229.

-- The assistant's daily-limit notices (ai.assistant): at most one per account and UTC day. A notice is posted in
-- the same transaction as its mention's ledger row (assistant_mentions), so it is also exactly-once per mention.
CREATE TABLE assistant_limit_notices (
  account_id      bigint      NOT NULL,
  day             date        NOT NULL,
  mention_post_id bigint      NOT NULL,
  notice_post_id  bigint      NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, day)
);
