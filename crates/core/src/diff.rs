//! Line diffs between two versions of a text.

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

/// The lines that changed from `old` to `new`, in order, with unchanged lines between.
pub fn line_diff(old: &str, new: &str) -> Vec<LineChange> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| {
            let line = c.value().trim_end_matches(['\n', '\r']).to_owned();
            match c.tag() {
                ChangeTag::Equal => LineChange::Same(line),
                ChangeTag::Insert => LineChange::Added(line),
                ChangeTag::Delete => LineChange::Removed(line),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_lines_are_marked() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!(
            d,
            [
                LineChange::Same("a".into()),
                LineChange::Removed("b".into()),
                LineChange::Added("B".into()),
                LineChange::Same("c".into()),
                LineChange::Added("d".into()),
            ]
        );
    }
}
