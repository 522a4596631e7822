-- ai owns V200..V299; the assistant and budgets part owns V200..V209.

-- Per-account daily AI budgets (ai.budget.AiBudget): one row per UTC day, account and feature
-- ("ask", "assistant", ...). A generation reserves one request and its worst-case tokens before it
-- runs (a conditional upsert, so concurrent reservations never pass the limit) and settles to the
-- tokens it really used afterwards.
CREATE TABLE ai_budget_usage (
  day        date    NOT NULL,
  account_id bigint  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  feature    text    NOT NULL CHECK (feature ~ '^[a-z][a-z0-9_]{0,31}$'),
  requests   integer NOT NULL DEFAULT 0 CHECK (requests >= 0),
  tokens     bigint  NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  PRIMARY KEY (day, account_id, feature)
);
CREATE INDEX ai_budget_usage_account ON ai_budget_usage (account_id, day DESC);

-- The assistant's ledger (ai.assistant): one row per mention it handled. The primary key is what
-- makes replies exactly-once: a 'replied' row is inserted in the SAME transaction as the reply
-- posts, so a replayed mention (outbox redelivery after a crash, a second worker) finds the row and
-- does nothing. 'failed' and 'skipped' rows say why no reply was posted. No foreign keys: the
-- record outlives a deleted mention or reply.
CREATE TABLE assistant_mentions (
  mention_post_id    bigint      PRIMARY KEY,
  assistant_id       bigint      NOT NULL,
  mentioner_id       bigint      NOT NULL,
  outcome            text        NOT NULL CHECK (outcome IN ('replied', 'failed', 'skipped')),
  reason             text        NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
  reply_post_ids     bigint[]    NOT NULL DEFAULT '{}',
  reply_visibility   smallint    CHECK (reply_visibility BETWEEN 0 AND 3),
  retrieved_post_ids bigint[]    NOT NULL DEFAULT '{}',
  attempts           integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  model              text        CHECK (length(model) <= 200),
  prompt             text        CHECK (length(prompt) <= 200),
  prompt_tokens      integer     NOT NULL DEFAULT 0,
  completion_tokens  integer     NOT NULL DEFAULT 0,
  generation_millis  bigint      NOT NULL DEFAULT 0,
  outbox_position    bigint,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assistant_mentions_created ON assistant_mentions (created_at DESC);
CREATE INDEX assistant_mentions_mentioner ON assistant_mentions (mentioner_id, created_at DESC);
