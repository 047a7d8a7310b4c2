-- What the deployment did for its own safety, kept in the database so that
-- every node and every restart tells the same: the last backup written,
-- the last one proven by restoring it, the last integrity check of the
-- live database; each with when, whether it went well, and what, and
-- when it last went well.
-- Operational state: not exported (a restore elsewhere starts its own).
CREATE TABLE ops_records (
    name   TEXT    PRIMARY KEY,
    at     INTEGER NOT NULL,
    ok     INTEGER NOT NULL,
    detail TEXT    NOT NULL,
    last_ok_at INTEGER
);
-- Background work that exactly one node at a time does (scheduled
-- backups): who holds it, and until when.
CREATE TABLE job_claims (
    name   TEXT    PRIMARY KEY,
    holder TEXT    NOT NULL,
    until  INTEGER NOT NULL
);
