-- Accounts, sessions, tokens, spaces, memberships, invitations, settings.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL CONSTRAINT users_username_key UNIQUE,
    display_name  TEXT    NOT NULL,
    email         TEXT    NOT NULL CONSTRAINT users_email_key UNIQUE,
    password_hash TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL DEFAULT 'active',
    created_at    INTEGER NOT NULL
);

CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT    NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL CONSTRAINT api_tokens_token_hash_key UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE spaces (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL CONSTRAINT spaces_slug_key UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    visibility  TEXT    NOT NULL,
    join_policy TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE memberships (
    space_id  INTEGER NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT    NOT NULL,
    joined_at INTEGER NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (space_id, user_id)
);
CREATE INDEX memberships_user_id ON memberships (user_id);

CREATE TABLE join_requests (
    space_id     INTEGER NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_at INTEGER NOT NULL,
    CONSTRAINT join_requests_pkey PRIMARY KEY (space_id, user_id)
);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    email       TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL CONSTRAINT invites_token_hash_key UNIQUE,
    invited_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    accepted_at INTEGER
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
