-- Starling server schema, version 100 (the `server` module owns V100+; `social` owns V1..V99).
-- OAuth 2 applications, access tokens and authorization codes as Mastodon clients use them.
-- Secrets (client secrets, tokens, codes) are stored only as SHA-256 hashes.

CREATE TABLE oauth_applications (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  website            text        CHECK (length(website) <= 2048),
  redirect_uris      text[]      NOT NULL CHECK (cardinality(redirect_uris) BETWEEN 1 AND 16),
  scopes             text        NOT NULL CHECK (length(scopes) <= 1000),
  client_id          text        NOT NULL UNIQUE,
  client_secret_hash bytea       NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);

-- account_id NULL: an app token (client_credentials grant), which may only sign up accounts
-- and read public data.
CREATE TABLE oauth_access_tokens (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash     bytea       NOT NULL UNIQUE,
  application_id bigint      NOT NULL REFERENCES oauth_applications (id) ON DELETE CASCADE,
  account_id     bigint      REFERENCES accounts (id) ON DELETE CASCADE,
  scopes         text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz
);
CREATE INDEX oauth_access_tokens_account ON oauth_access_tokens (account_id) WHERE revoked_at IS NULL;

CREATE TABLE oauth_authorization_codes (
  code_hash             bytea PRIMARY KEY,
  application_id        bigint      NOT NULL REFERENCES oauth_applications (id) ON DELETE CASCADE,
  account_id            bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  redirect_uri          text        NOT NULL,
  scopes                text        NOT NULL,
  code_challenge        text,
  code_challenge_method text,
  expires_at            timestamptz NOT NULL,
  used_at               timestamptz
);

-- Idempotency-Key of POST /api/v1/statuses: a retried request answers with the post the first
-- one created. post_id is NULL while the first request is still running.
CREATE TABLE status_idempotency_keys (
  account_id bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key        text        NOT NULL CHECK (length(key) <= 256),
  post_id    bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, key)
);
