-- Who did what as owner, moderator or administrator: written in the same
-- transaction as the action itself.
CREATE TABLE audit_events (
    id       BIGSERIAL PRIMARY KEY,
    at       BIGINT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES users (id),
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    space_id BIGINT REFERENCES spaces (id),
    before   TEXT,
    after    TEXT
);
CREATE INDEX audit_events_space ON audit_events (space_id, id);
