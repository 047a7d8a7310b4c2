-- What the first release wrote (schema 0001_foundation): an administrator
-- and a member, each with a personal space; a public community space with
-- both in it and a private one with the administrator alone. Ids are left
-- to the database, as the release left them (1, 2, … in order). Both
-- members' password is the tests' PASSWORD.
INSERT INTO users (username, display_name, email, password_hash, is_admin, status, created_at) VALUES
    ('ada', 'Ada Lovelace', 'ada@example.org', '$argon2id$v=19$m=19456,t=2,p=1$41T/GkMrIPC7HRjORa8vDw$thLnm1R86vYa4x+CZVCb+ASO2RRwNIbbXKUar9/54gI', TRUE, 'active', 1700000000000),
    ('ben', 'Ben Okafor', 'ben@example.org', '$argon2id$v=19$m=19456,t=2,p=1$41T/GkMrIPC7HRjORa8vDw$thLnm1R86vYa4x+CZVCb+ASO2RRwNIbbXKUar9/54gI', FALSE, 'active', 1700000001000);

INSERT INTO spaces (slug, name, description, kind, visibility, join_policy, created_at) VALUES
    ('~ada', 'ada', '', 'personal', 'public', 'invite', 1700000000000),
    ('~ben', 'ben', '', 'personal', 'public', 'invite', 1700000001000),
    ('engines', 'Engines', 'Analytical and difference engines.', 'community', 'public', 'open', 1700000002000),
    ('ledger', 'Ledger', 'The accounts.', 'community', 'private', 'request', 1700000003000);

INSERT INTO memberships (space_id, user_id, role, joined_at) VALUES
    (1, 1, 'owner', 1700000000000),
    (2, 2, 'owner', 1700000001000),
    (3, 1, 'owner', 1700000002000),
    (3, 2, 'member', 1700000002500),
    (4, 1, 'owner', 1700000003000);
