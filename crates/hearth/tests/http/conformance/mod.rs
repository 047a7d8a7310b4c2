//! The storage conformance suite: the `Store` traits' behaviour, checked
//! directly (no HTTP) on both engines, and the permission table run through
//! every list query a viewer reads.

mod activity;
mod fixtures;
mod permission_table;
mod writes;
