//! Line diffs between two versions: any two texts (split at the first NUL)
//! compare within the per-input time limit, and the diff is true: its
//! unchanged and removed lines are the old text, its unchanged and added
//! lines the new one.
#![no_main]

use std::time::{Duration, Instant};

use hearth_core::diff::{LineChange, line_diff};
use libfuzzer_sys::fuzz_target;

/// The text a side of the diff spells, one line per change.
fn side(lines: &[LineChange], old: bool) -> Vec<&str> {
    lines
        .iter()
        .filter_map(|l| match l {
            LineChange::Same(s) => Some(s.as_str()),
            LineChange::Removed(s) if old => Some(s.as_str()),
            LineChange::Added(s) if !old => Some(s.as_str()),
            _ => None,
        })
        .collect()
}

/// The lines of `text` as Markdown reads them: a line ends at `\n`, `\r\n`
/// or a lone `\r`.
fn lines_of(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .map(str::to_owned)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (old, new) = text.split_once('\0').unwrap_or((text, ""));
    let deadline = Instant::now() + Duration::from_millis(200);
    let Some(lines) = line_diff(old, new, deadline) else {
        return;
    };
    assert_eq!(side(&lines, true), lines_of(old));
    assert_eq!(side(&lines, false), lines_of(new));
});
