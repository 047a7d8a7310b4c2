-- Who did what as owner, moderator or administrator: written in the same
-- transaction as the action itself.
CREATE TABLE audit_events (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES users (id),
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    space_id INTEGER REFERENCES spaces (id),
    before   TEXT,
    after    TEXT
);
CREATE INDEX audit_events_space ON audit_events (space_id, id);
