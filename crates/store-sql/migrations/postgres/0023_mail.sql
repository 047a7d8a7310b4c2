-- Mail waiting to go out, and what became of it. A mail is written in the
-- transaction of what causes it; a worker on any node claims a batch
-- (FOR UPDATE SKIP LOCKED), hands it to the SMTP server and marks it sent.
-- A claim that ran out while `sending` (its node died) is claimed again
-- and counted in `resent`: the one window SMTP cannot close.
-- Account mail carries its text; a notification's mail is written from
-- the notification when it goes, checked then against what its reader may
-- see and has read. The text is dropped once the mail is done with.
-- Operational state: not exported.
CREATE TABLE mail_outbox (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT   NOT NULL,
    user_id         BIGINT REFERENCES users (id),
    to_address      TEXT   NOT NULL,
    to_name         TEXT   NOT NULL,
    subject         TEXT,
    text_body       TEXT,
    html_body       TEXT,
    notification_id BIGINT,
    status          TEXT   NOT NULL,
    attempts        BIGINT NOT NULL,
    resent          BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_by      TEXT,
    claimed_until   BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at, id)
    WHERE status IN ('queued', 'sending');
-- Mail done with, oldest first, for pruning.
CREATE INDEX mail_outbox_finished ON mail_outbox (finished_at) WHERE finished_at IS NOT NULL;
-- Whether a notification has its mail already.
CREATE INDEX mail_outbox_of_notification ON mail_outbox (notification_id);

-- How each member wants to hear of each kind of notification by e-mail;
-- a kind without a row takes Hearth's default for it. The kind `new_sign_in`
-- says whether a sign-in from a new device is mailed.
CREATE TABLE mail_preferences (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind    TEXT   NOT NULL,
    mode    TEXT   NOT NULL,
    CONSTRAINT mail_preferences_pkey PRIMARY KEY (user_id, kind)
);

-- "Forgot password" links: single use, short-lived; only the hash of the
-- link's secret is kept.
CREATE TABLE password_resets (
    token_hash TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_of_user ON password_resets (user_id, created_at);

-- A member's new e-mail address, waiting to be confirmed from that
-- address: single use, a day; only the hash of the link's secret is kept.
CREATE TABLE email_changes (
    token_hash TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    new_email  TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX email_changes_of_user ON email_changes (user_id);

-- Keys Hearth signs links and addresses in mail with (unsubscribing, reply
-- by e-mail), made at first use, never shown. Not exported: a site
-- restored elsewhere makes its own.
CREATE TABLE site_secrets (
    name       TEXT   PRIMARY KEY,
    secret     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

-- Mail posted as a reply, by its Message-ID: the same mail delivered
-- twice posts once.
CREATE TABLE mail_replies (
    message_id  TEXT   PRIMARY KEY,
    reply_id    BIGINT NOT NULL REFERENCES replies (id),
    received_at BIGINT NOT NULL
);

-- When each member's digests go: the local hour in their time zone (an
-- IANA name), the weekly one on a weekday (1 = Monday). A member without
-- a row gets eight in the morning, UTC, on Mondays.
CREATE TABLE mail_schedules (
    user_id   BIGINT PRIMARY KEY REFERENCES users (id),
    time_zone TEXT    NOT NULL,
    hour      INTEGER NOT NULL,
    weekday   INTEGER NOT NULL
);

-- A digest gathering notifications for a member: one per member and
-- period while it gathers, made with the first notification it gathers.
-- The worker gives it its time (`due_at`, from the member's schedule),
-- then turns it into a mail in the outbox and the row goes.
CREATE TABLE mail_digests (
    user_id BIGINT NOT NULL REFERENCES users (id),
    period  TEXT   NOT NULL,
    due_at  BIGINT,
    CONSTRAINT mail_digests_pkey PRIMARY KEY (user_id, period)
);
CREATE INDEX mail_digests_due ON mail_digests (due_at);

-- Notifications gathered for a digest; `mail_id` names the digest's mail
-- once it is enqueued. Its words are written from them when it goes,
-- checked then against what its reader may see and has read.
CREATE TABLE mail_digest_items (
    notification_id BIGINT PRIMARY KEY,
    user_id         BIGINT NOT NULL,
    period          TEXT   NOT NULL,
    mail_id         BIGINT
);
CREATE INDEX mail_digest_items_gathering ON mail_digest_items (user_id, period)
    WHERE mail_id IS NULL;
CREATE INDEX mail_digest_items_of_mail ON mail_digest_items (mail_id);

-- Devices each member signed in from (a long-lived cookie's secret,
-- hashed), to tell them of a sign-in from one never seen before.
-- Operational state: not exported (a restored site knows no device, and
-- tells of none until each has signed in once).
CREATE TABLE sign_in_devices (
    user_id     BIGINT NOT NULL REFERENCES users (id),
    device_hash TEXT   NOT NULL,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    CONSTRAINT sign_in_devices_pkey PRIMARY KEY (user_id, device_hash)
);
