//! The export reader: a damaged, truncated or hostile export file gets a
//! clear error, never a panic, and is never accepted unless every table
//! matches the manifest.
#![no_main]

use hearth_store::export::TABLES;
use hearth_store::export_file::check;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sums) = check(data) {
        assert_eq!(sums.len(), TABLES.len(), "accepted without every table");
    }
});
