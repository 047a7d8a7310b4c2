-- Each applied migration's kind (expand, migrate or contract), so that a
-- release finding a schema newer than it knows can tell whether it still
-- runs on it (every newer migration an expansion or a migration: the
-- compatibility window a rollback stays within) or must refuse.
ALTER TABLE schema_migrations ADD COLUMN kind TEXT;
