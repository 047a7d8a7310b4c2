//! Hearth's behaviour suite: real HTTP against the real router, every test
//! against SQLite and against a throwaway PostgreSQL cluster.
//!
//! One test binary (each test file is another slow link): add modules here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod account_api;
mod accounts;
mod admin_api;
mod api;
mod assets;
mod attachments;
mod backups;
mod blogs;
mod bodies;
mod cli;
mod conformance;
mod crash;
mod data_migrations;
mod documents;
mod everyday;
mod failover;
mod feeds;
mod files_privacy;
mod following;
mod following_events;
mod handover;
mod hardening;
mod hostile_input;
mod in_browser;
mod in_browser_everyday;
mod joining;
mod lists;
mod live;
mod mail;
mod mail_account;
mod mail_delivery;
mod mail_digests;
mod managed_failover;
mod moderation;
mod overload;
mod people;
mod profiles;
mod readonly;
mod rolling_upgrade;
mod search;
mod security;
mod sessions;
mod shutdown;
mod signin_limits;
mod spaces;
mod threads;
mod topics;
mod transfer;
mod upgrade;
mod upgrade_chain;
mod writing;
mod xss;
