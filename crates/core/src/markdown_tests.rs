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

/// The `<a …>` tags of rendered Markdown with their text.
fn links(html: &str) -> Vec<(String, String)> {
    html.split("<a ")
        .skip(1)
        .map(|a| {
            let href = a.split("href=\"").nth(1).and_then(|h| h.split('"').next());
            let text = a.split('>').nth(1).and_then(|t| t.split("</a").next());
            (href.unwrap_or("").to_owned(), text.unwrap_or("").to_owned())
        })
        .collect()
}

#[test]
fn bare_urls_become_links_without_their_trailing_punctuation() {
    for (input, href, text) in [
        (
            "see https://example.com/x",
            "https://example.com/x",
            "https://example.com/x",
        ),
        (
            "go to www.example.com.",
            "http://www.example.com",
            "www.example.com",
        ),
        (
            "(https://example.com/a), then",
            "https://example.com/a",
            "https://example.com/a",
        ),
        (
            "https://en.wikipedia.org/wiki/Rust_(language)!",
            "https://en.wikipedia.org/wiki/Rust_(language)",
            "https://en.wikipedia.org/wiki/Rust_(language)",
        ),
        (
            "Is it http://a.example/q?x=1&y=2?",
            "http://a.example/q?x=1&amp;y=2",
            "http://a.example/q?x=1&amp;y=2",
        ),
        (
            "HTTPS://Example.com;",
            "HTTPS://Example.com",
            "HTTPS://Example.com",
        ),
        ("http://a.b))) and", "http://a.b", "http://a.b"),
        (
            "((https://x.y/a_(b)c)))",
            "https://x.y/a_(b)c",
            "https://x.y/a_(b)c",
        ),
        (
            "www.example.com/p:",
            "http://www.example.com/p",
            "www.example.com/p",
        ),
    ] {
        let html = render(input);
        assert_eq!(
            links(&html),
            [(href.to_owned(), text.to_owned())],
            "{input:?} gave {html}"
        );
        assert!(html.contains("rel=\"nofollow ugc noopener\""), "{html}");
    }
}

#[test]
fn text_that_only_looks_like_a_url_stays_text() {
    for input in [
        "`https://example.com` in code",
        "```\nhttps://example.com\n```",
        "    https://example.com indented code",
        "[a link](https://example.org) and [https://example.com](https://example.org)",
        "<a href=\"https://example.org\">https://example.com</a>",
        "![https://example.com](/x.png)",
        "xhttps://example.com and nowww.example.com",
        "http://localhost and https://no-dot and www.",
        "https://a.b_c and www.example.under_score",
        "bob@www.example.com",
    ] {
        let html = render(input);
        assert!(
            !html.contains("href=\"https://example.com")
                && !html.contains("href=\"http://www.")
                && !html.contains("localhost\"")
                && !html.contains("no-dot\"")
                && !html.contains("b_c\"")
                && !html.contains("under_score\""),
            "{input:?} gave {html}"
        );
    }
}

#[test]
fn mentions_inside_urls_are_not_mentions() {
    let md = "https://example.com/@alice www.example.com/@bob, then @carol";
    let html = render(md);
    assert!(
        !html.contains("/u/alice") && !html.contains("/u/bob"),
        "{html}"
    );
    assert!(html.contains("href=\"/u/carol\""), "{html}");
    let names: Vec<String> = mentions(md).iter().map(|u| u.to_string()).collect();
    assert_eq!(names, ["carol"]);
}

#[test]
fn autolinked_output_is_sanitized_and_stable() {
    for input in [
        "https://example.com/\"><script>alert(1)</script>",
        "www.example.com/<img src=x onerror=alert(1)>",
        "**https://example.com/bold** and _www.example.com_",
        "https://example.com/%22onmouseover=alert(1)",
    ] {
        let html = render(input);
        assert!(
            !html.contains("<script")
                && !html.contains("onerror")
                && !html.contains("onmouseover=\""),
            "{input:?} gave {html}"
        );
        assert_eq!(sanitize(&html), html, "{input:?}");
    }
    assert!(
        render("**https://example.com/bold**")
            .contains("<strong><a href=\"https://example.com/bold\"")
    );
    assert!(render("_www.example.com_").contains("href=\"http://www.example.com\""));
}

#[test]
fn long_runs_of_almost_urls_render_in_linear_time() {
    for (head, unit) in [
        ("", "http://"),
        ("", "www.a_"),
        ("", "https://a.b_"),
        ("", "(http://x_"),
        ("http://a.b", ")"),
        ("http://a.b", "?)"),
        ("www.a.b/(", ")"),
    ] {
        let text = format!("{head}{}", unit.repeat(200_000));
        let started = std::time::Instant::now();
        let _ = render(&text);
        assert!(
            started.elapsed().as_secs() < 5,
            "{unit:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn only_the_mentions_of_people_become_links() {
    let html = render_for("@Ann and @nobody, and @ann again", |name| name == "ann");
    assert_eq!(html.matches("href=\"/u/ann\"").count(), 2, "{html}");
    assert!(
        html.contains("@nobody") && !html.contains("/u/nobody"),
        "{html}"
    );
}
