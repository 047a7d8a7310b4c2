-- Sign-in attempts, counted in the database so that every node sees the
-- same limits. Keys are hashes; no login text is kept.
CREATE TABLE signin_attempts (
    attempt TEXT NOT NULL,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX signin_attempts_key ON signin_attempts (key, at);
CREATE INDEX signin_attempts_at ON signin_attempts (at);

-- Logins and the addresses they signed in from, recently.
CREATE TABLE signin_known (
    key TEXT PRIMARY KEY,
    at BIGINT NOT NULL
);
CREATE INDEX signin_known_at ON signin_known (at);
