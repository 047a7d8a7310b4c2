//! Markdown → sanitized HTML: whatever a member types, the stored HTML holds
//! only allowed tags and attributes, no event handler, no style, no URL of
//! a scheme other than http, https and mailto, links that carry
//! `rel="nofollow ugc noopener"`, and sanitizing it again changes nothing.
//! Every body Hearth takes renders within the per-input time limit
//! `scripts/fuzz` sets: a slow input is a finding like a crash.
#![no_main]

use hearth_core::markdown::{mentions, render, sanitize};
use hearth_core::names::Username;
use libfuzzer_sys::fuzz_target;

mod html;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // What Hearth refuses is never rendered; what it takes must render fast.
    if hearth_core::content::check_body("body", text, true).is_err() {
        return;
    }
    let out = render(text);
    html::check(&out);
    assert_eq!(sanitize(&out), out, "sanitizing again changed it");
    let names = mentions(text);
    for (i, name) in names.iter().enumerate() {
        assert!(Username::parse(name.as_str()).is_ok(), "{name}");
        assert!(!names[..i].contains(name), "{name} twice");
    }
});
