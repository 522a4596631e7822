-- Web app sign-in sessions (dev.starling.server.web.session.WebSessions).
-- The cookie holds a 256-bit random secret; only its SHA-256 is stored here.
-- password_stamp is SHA-256 of the account's password hash when the session was made: a session
-- whose stamp no longer matches (the password changed, through the web or the API) is dead.
CREATE TABLE web_sessions (
  id              bigserial PRIMARY KEY,
  token_hash      bytea       NOT NULL UNIQUE,
  account_id      bigint      NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  password_stamp  bytea       NOT NULL,
  user_agent      text,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz
);
CREATE INDEX web_sessions_live_by_account ON web_sessions (account_id) WHERE revoked_at IS NULL;
