-- Long data migrations, run online in batches of one short transaction
-- each by one node at a time, so that neither start-up nor a lock waits for
-- them: where each has got to (its step, and the last id done in it), how
-- far (rows done of the total counted when it began), and which node holds
-- it until when. A batch moves the position in the same transaction as the
-- rows it writes, so that a crash resumes where it stopped.
-- Operational state: not exported.
CREATE TABLE data_migrations (
    name         TEXT    PRIMARY KEY,
    step         BIGINT  NOT NULL DEFAULT 0,
    after_id     BIGINT  NOT NULL DEFAULT 0,
    done         BIGINT  NOT NULL DEFAULT 0,
    total        BIGINT,
    requested_at BIGINT  NOT NULL,
    finished_at  BIGINT,
    holder       TEXT,
    held_until   BIGINT  NOT NULL DEFAULT 0
);
-- Building the search index is one: a rebuild asked for before runs so.
INSERT INTO data_migrations (name, requested_at)
SELECT 'search_index', (extract(epoch FROM now()) * 1000)::bigint FROM search_rebuild LIMIT 1;
DELETE FROM search_rebuild;
