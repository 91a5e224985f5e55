-- People: named accounts, each in an office with a role, signing in with
-- a password (Argon2id, hashed by duban or duband, never by PostgreSQL).
-- A signed-in person's session and a person's script token are rows of
-- api_token bound to the account, so every write that checks a token
-- checks the person, and history names them.  Disabling an account
-- revokes its tokens and ends its sessions.

CREATE TABLE account (
	id		bigserial PRIMARY KEY,
	login		text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
	name		text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 64),
	office_id	bigint REFERENCES office (id),
	role		text NOT NULL CHECK (role IN ('clerk', 'head', 'general', 'leader',
				'inspector', 'admin')),
	password	text,			-- Argon2id, PHC string form
	must_change	boolean NOT NULL DEFAULT true,
	password_at	timestamptz,
	created_at	timestamptz NOT NULL,
	created_by	text NOT NULL,
	disabled_at	timestamptz,
	CHECK (role NOT IN ('clerk', 'head') OR office_id IS NOT NULL)
);
CREATE INDEX account_office ON account (office_id);

-- What was done to an account, by whom: append-only.
CREATE TABLE account_log (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL,
	account_id	bigint NOT NULL REFERENCES account (id),
	actor		text NOT NULL,
	action		text NOT NULL CHECK (action IN ('created', 'disabled', 'enabled',
				'password_reset', 'password_changed', 'token_created')),
	note		text
);
CREATE INDEX account_log_account ON account_log (account_id, at);
CREATE TRIGGER account_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON account_log
	FOR EACH STATEMENT EXECUTE FUNCTION progress_append_only();

-- A token acts for the person it is bound to: kind 'script' (duban token
-- create --user), or 'session' (one per sign-in with a password; its
-- secret is never handed out: the session cookie stands for it).
ALTER TABLE api_token ADD COLUMN account_id bigint REFERENCES account (id);
ALTER TABLE api_token ADD COLUMN kind text NOT NULL DEFAULT 'script'
	CHECK (kind IN ('script', 'session'));
CREATE INDEX api_token_account ON api_token (account_id) WHERE revoked_at IS NULL;

-- Sign-in attempts, for throttling per login and per address.
CREATE TABLE signin_attempt (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL,
	login		text NOT NULL,
	address		text NOT NULL,
	ok		boolean NOT NULL
);
CREATE INDEX signin_attempt_login ON signin_attempt (login, at);
CREATE INDEX signin_attempt_address ON signin_attempt (address, at);

-- duband forgets what it cached of an account's tokens and sessions when
-- the account changes (disabled, password changed).
CREATE TRIGGER account_changed AFTER UPDATE OR DELETE ON account
	FOR EACH ROW EXECUTE FUNCTION api_token_notify();

-- Who a session is now says the person too.
DROP FUNCTION duban_session_auth(text);
