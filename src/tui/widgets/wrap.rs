//! Word wrapping by display width (é, ŵ, 中文 and emoji measured correctly).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Splits `text` into lines no wider than `width` columns, breaking at
/// spaces where it can and inside words wider than a line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut col = 0;
    for word in text.split_whitespace() {
        let w = word.width();
        if col > 0 && col + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            col = 0;
        }
        if col > 0 {
            line.push(' ');
            col += 1;
        }
        if w <= width - col {
            line.push_str(word);
            col += w;
            continue;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if col + cw > width && col > 0 {
                lines.push(std::mem::take(&mut line));
                col = 0;
            }
            line.push(c);
            col += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut to `width` columns, with an ellipsis when cut.
pub fn shorten(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + c.width().unwrap_or(0) + 1 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_display_width() {
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("aaaa bbbb", 9), vec!["aaaa bbbb"]);
        assert_eq!(wrap("aaaa bbbb", 8), vec!["aaaa", "bbbb"]);
        assert_eq!(wrap("中文中文中文", 4), vec!["中文", "中文", "中文"]);
        assert_eq!(wrap("é ŵ 🎉🎉", 3), vec!["é ŵ", "🎉", "🎉"]);
        for line in wrap("a verylongwordthatneverends here", 7) {
            assert!(line.width() <= 7, "{line}");
        }
    }
}
