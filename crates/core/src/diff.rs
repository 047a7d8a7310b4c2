//! Line diffs between two versions of a text.

use std::time::Instant;

use similar::{ChangeTag, TextDiff};

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineChange {
    /// In both versions.
    Same(String),
    /// Only in the newer version.
    Added(String),
    /// Only in the older version.
    Removed(String),
}

/// The most lines either version may have to be compared line by line.
pub const MAX_DIFF_LINES: usize = 20_000;

/// The lines that changed from `old` to `new`, in order, with unchanged
/// lines between; `None` when either has more than [`MAX_DIFF_LINES`] lines.
/// A line ends at `\n`, `\r\n` or a lone `\r`, as in Markdown.
/// Past `deadline` the comparison stops looking for the smallest diff and
/// marks what is left as removed and added: still true, only coarser.
pub fn line_diff(old: &str, new: &str, deadline: Instant) -> Option<Vec<LineChange>> {
    if line_count(old) > MAX_DIFF_LINES || line_count(new) > MAX_DIFF_LINES {
        return None;
    }
    let lines = TextDiff::configure()
        .deadline(deadline)
        .diff_lines(old, new)
        .iter_all_changes()
        .map(|c| {
            let line = c.value().trim_end_matches(['\n', '\r']).to_owned();
            match c.tag() {
                ChangeTag::Equal => LineChange::Same(line),
                ChangeTag::Insert => LineChange::Added(line),
                ChangeTag::Delete => LineChange::Removed(line),
            }
        })
        .collect();
    Some(lines)
}

/// How many lines `text` has, counting every line ending the comparison
/// splits at (a lone `\r` too, so that it cannot pass the cap unseen).
fn line_count(text: &str) -> usize {
    let endings = text.matches(['\n', '\r']).count() - text.matches("\r\n").count();
    let unterminated = !text.is_empty() && !text.ends_with(['\n', '\r']);
    endings + usize::from(unterminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn later(ms: u64) -> Instant {
        Instant::now() + std::time::Duration::from_millis(ms)
    }

    #[test]
    fn changed_lines_are_marked() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\nd\n", later(10_000));
        assert_eq!(
            d,
            Some(vec![
                LineChange::Same("a".into()),
                LineChange::Removed("b".into()),
                LineChange::Added("B".into()),
                LineChange::Same("c".into()),
                LineChange::Added("d".into()),
            ])
        );
    }

    #[test]
    fn versions_of_too_many_lines_are_not_compared() {
        let long = "a\n".repeat(MAX_DIFF_LINES + 1);
        assert_eq!(line_diff(&long, "a\n", later(10_000)), None);
        assert_eq!(line_diff("a\n", &long, later(10_000)), None);
        let most = "a\n".repeat(MAX_DIFF_LINES);
        assert!(line_diff(&most, "b\n", later(10_000)).is_some());
    }

    #[test]
    fn lone_carriage_returns_end_lines_and_count_against_the_cap() {
        let d = line_diff("a\rb\r\nc", "a\rB\r\nc", later(10_000));
        assert_eq!(
            d,
            Some(vec![
                LineChange::Same("a".into()),
                LineChange::Removed("b".into()),
                LineChange::Added("B".into()),
                LineChange::Same("c".into()),
            ])
        );
        let long = "a\r".repeat(MAX_DIFF_LINES + 1);
        assert_eq!(line_diff(&long, "a", later(10_000)), None);
        assert_eq!(line_count("a\r\nb\rc\n"), 3);
        assert_eq!(line_count("a\r\nb\rc"), 3);
    }

    #[test]
    fn a_diff_past_its_deadline_is_coarser_but_true() {
        // Two versions with nothing in common line by line but many lines
        // alike: the search for the smallest diff is the expensive case.
        let old: String = (0..MAX_DIFF_LINES)
            .map(|i| format!("{}\n", i % 7))
            .collect();
        let new: String = (0..MAX_DIFF_LINES)
            .map(|i| format!("{}\n", i % 5))
            .collect();
        let lines = line_diff(&old, &new, Instant::now()).unwrap();
        let side = |keep: fn(&LineChange) -> Option<&String>| {
            lines
                .iter()
                .filter_map(keep)
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        };
        let before = side(|l| match l {
            LineChange::Same(s) | LineChange::Removed(s) => Some(s),
            LineChange::Added(_) => None,
        });
        let after = side(|l| match l {
            LineChange::Same(s) | LineChange::Added(s) => Some(s),
            LineChange::Removed(_) => None,
        });
        assert_eq!((before, after), (old, new));
    }
}
