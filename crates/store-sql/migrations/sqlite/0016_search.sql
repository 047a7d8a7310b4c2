-- Search: one full-text index over topics, replies, spaces and people,
-- written in the same transaction as the text it indexes (store-sql's
-- search module), so that it cannot drift from it. It holds only the index,
-- not the text: the rowid names the document, id * 4 + kind (0 a topic,
-- 1 a reply, 2 a space, 3 a person). Derived: not exported, rebuilt after
-- an import.
CREATE VIRTUAL TABLE search_index USING fts5(
    title,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- A row here asks for the index to be built again from the content: after
-- this migration, and after an import.
CREATE TABLE search_rebuild (pending INTEGER PRIMARY KEY);
INSERT INTO search_rebuild VALUES (1);
