-- Stylesheets and scripts by fingerprint, as each release served them: a
-- page rendered by one node names its assets by fingerprint, and any other
-- node, of an older or newer release, serves them from here (a rolling
-- upgrade mixes releases behind one balancer).
-- Derived from releases, not from members: not exported.
CREATE TABLE assets (
    fingerprint TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    body        BYTEA   NOT NULL,
    kept_at     BIGINT  NOT NULL
);
