-- Search: one full-text index over topics, replies, spaces and people,
-- written in the same transaction as the text it indexes (store-sql's
-- search module), so that it cannot drift from it. It holds only the
-- vectors, not the text: doc names the document, id * 4 + kind (0 a topic,
-- 1 a reply, 2 a space, 3 a person); titles weigh A, bodies B. Derived:
-- not exported, rebuilt after an import.
CREATE TABLE search_index (
    doc    BIGINT   PRIMARY KEY,
    vector TSVECTOR NOT NULL
);
CREATE INDEX search_index_vector ON search_index USING GIN (vector);
-- A row here asks for the index to be built again from the content: after
-- this migration, and after an import.
CREATE TABLE search_rebuild (pending BIGINT PRIMARY KEY);
INSERT INTO search_rebuild VALUES (1);
