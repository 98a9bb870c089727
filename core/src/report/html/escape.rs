//! Report data made safe for the page: text escaped for element content
//! and attribute values, and links kept only when they are plain
//! `http(s)` addresses.

/// Escapes text for HTML element content and quoted attribute values.
///
/// `&`, `<`, `>`, `"` and `'` become character references; control
/// characters other than tab, newline and carriage return (which HTML does
/// not allow) become U+FFFD.
///
/// ```
/// use dosera::report::html::escape;
/// assert_eq!(escape("<b>\"A&B\"</b>"), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;");
/// assert_eq!(escape("it's"), "it&#39;s");
/// assert_eq!(escape("*1/*2"), "*1/*2");
/// ```
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The URL if it is a plain `http(s)` address safe to put in `href`.
pub(super) fn link_target(url: &str) -> Option<&str> {
    let u = url.trim();
    let lower = u.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !u
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\'' | '`'));
    (scheme_ok && clean && u.len() > 8).then_some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_quotes() {
        let hostile = r#"<script>alert("x")</script><img src=x onerror='y'>&amp;"#;
        let e = escape(hostile);
        for bad in ["<", ">", "\"", "'"] {
            assert!(!e.contains(bad), "{bad} left in {e}");
        }
        assert!(e.contains("&amp;amp;"));
        assert_eq!(escape("a\u{0}b\u{7}c\td\n"), "a\u{FFFD}b\u{FFFD}c\td\n");
        assert_eq!(escape("Åäö µ *1/*2 → ok"), "Åäö µ *1/*2 → ok");
    }

    #[test]
    fn only_plain_http_links_become_hrefs() {
        assert_eq!(
            link_target("https://www.pharmgkb.org/x"),
            Some("https://www.pharmgkb.org/x")
        );
        assert_eq!(link_target("HTTP://a.b/"), Some("HTTP://a.b/"));
        for bad in [
            "javascript:alert(1)",
            "https://a.b/\" onclick=\"x",
            "https://a b",
            "data:text/html,x",
            "//evil.example/x",
            "https://",
            "",
        ] {
            assert_eq!(link_target(bad), None, "{bad}");
        }
    }
}
