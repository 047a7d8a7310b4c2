//! The `hearth` binary's library: configuration, opening the store, serving
//! with graceful shutdown, and the operator commands.

pub mod admin;
pub mod backup;
pub mod bench;
pub mod bench_mail;
pub mod ceiling;
pub mod cli;
pub mod config;
pub mod handover;
pub mod mail;
pub mod seed;
pub mod serve;
pub mod storage;
pub mod transfer;
pub mod upgrade;
