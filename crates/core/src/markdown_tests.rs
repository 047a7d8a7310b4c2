use super::*;

#[test]
fn commonmark_and_extensions_render() {
    let html = render(
        "# Hi\n\n**bold** ~~gone~~\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n<https://example.org>\n\n```rust\nfn main() {}\n```",
    );
    assert!(html.contains("<h1>Hi</h1>"), "{html}");
    assert!(html.contains("<strong>bold</strong>") && html.contains("<del>gone</del>"));
    assert!(html.contains("<table>") && html.contains("<td>1</td>"));
    assert!(html.contains("type=\"checkbox\"") && html.contains("checked"));
    assert!(
        html.contains("href=\"https://example.org\"")
            && html.contains("rel=\"nofollow ugc noopener\"")
    );
    assert!(html.contains("class=\"language-rust\""));
}

#[test]
fn scripts_handlers_and_dangerous_urls_are_removed() {
    for (input, forbidden) in [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](JaVaScRiPt:alert(1))", "script:"),
        (
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "data:",
        ),
        (
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "style",
        ),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
        ("<input type=\"text\" value=\"x\">", "type=\"text\""),
        ("```\" onmouseover=\"alert(1)\n```", "onmouseover=\""),
        (
            "<code class=\"language-x onclick=alert(1)\">x</code>",
            "onclick",
        ),
        // Found by fuzzing: a quotation's source is a URL of any scheme.
        (
            "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
            "javascript:",
        ),
    ] {
        let html = render(input);
        assert!(
            !html.to_ascii_lowercase().contains(forbidden),
            "{input:?} gave {html}"
        );
    }
}

#[test]
fn sanitizing_twice_changes_nothing() {
    for input in [
        "<b onclick=x>hi</b> @alice [a](https://x.example)",
        "<table><tr><td>x</table>",
        "- [x] a\n- b",
        // Found by fuzzing: the unwrapped button left a <p> inside a <p>.
        "a <button> b",
    ] {
        let once = render(input);
        assert_eq!(sanitize(&once), once, "{input:?}");
    }
}

#[test]
fn mentions_become_profile_links_except_in_code_and_email_addresses() {
    let md =
        "Hi @Alice and @bob-, mail carol@example.org, `@code` and [@linked](https://x.example)";
    let html = render(md);
    assert!(
        html.contains("<a class=\"mention\" href=\"/u/alice\""),
        "{html}"
    );
    assert!(html.contains("href=\"/u/bob\""), "{html}");
    assert!(!html.contains("/u/example"), "{html}");
    assert!(!html.contains("/u/code"));
    let names: Vec<String> = mentions(md).iter().map(|u| u.to_string()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert!(mentions("@admin is reserved, @a too short").is_empty());
}

#[test]
fn deeply_nested_and_huge_inputs_render_without_crashing() {
    let quotes = ">".repeat(20_000) + " deep";
    assert!(render(&quotes).contains("deep"));
    let lists: String = (0..5_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i % 200)))
        .collect();
    assert!(render(&lists).contains("<li>"));
    let line = "a".repeat(1_000_000);
    assert_eq!(render(&line).len(), "<p></p>\n".len() + line.len());
    assert!(render("<div><div><b>unclosed").contains("unclosed"));
}
