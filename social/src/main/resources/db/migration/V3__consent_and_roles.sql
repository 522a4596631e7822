-- Starling social schema, version 3: account roles, and the bookkeeping of training consent.
--
-- Training consent itself is the column accounts.ai_training_consent of V1 (true: the account's
-- public posts may train Starling's models). Its default for NEW accounts is not a database
-- default: the application inserts the operator's configured default (Social.Settings
-- trainingConsentDefault, false out of the box, i.e. opt-in), so the column default stays false.
-- This migration records when the setting last changed, so that an operator can tell whether a
-- corpus snapshot predates a revocation.
--
-- Roles: 'user' (everyone) or 'admin' (admin pages, trend moderation). Granted by the operator
-- only (command line), never through the HTTP API.
--
-- Applied out of order on databases that already have server's V100+ (Database.migrate sets
-- Flyway outOfOrder): it only adds columns with defaults and an index, so order does not matter.

ALTER TABLE accounts
  ADD COLUMN role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
  ADD COLUMN training_consent_changed_at timestamptz;

CREATE INDEX accounts_admins ON accounts (id) WHERE role = 'admin';
