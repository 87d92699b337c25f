//! Cleaning text where it enters headway: files, paste and typing.
//!
//! Control characters (C0, DEL, C1) and bidirectional overrides can rewrite a
//! terminal or hide text, so they never reach the store or the screen.
//! Wrapping and shortening by screen columns live in [`wrap`].

pub mod wrap;

/// True for characters that must never be stored or shown: C0 and C1 controls,
/// DEL, and the bidi embedding, override and isolate characters.
pub fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Names joined by commas, a reader's worth: at most `most`, then "and N
/// more" with `after_more` after it.
pub fn named_list<S: AsRef<str>>(names: &[S], most: usize, after_more: &str) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(most)
        .map(|n| n.as_ref().to_string())
        .collect();
    if names.len() > most {
        shown.push(format!("and {} more{after_more}", names.len() - most));
    }
    shown.join(", ")
}

/// The letters U+00C0 to U+017F without their accents, one for one.
const UNACCENTED: &str = "AAAAAAACEEEEIIIIDNOOOOO×OUUUUYÞsaaaaaaaceeeeiiiidnooooo÷ouuuuyþyAaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/// A Latin letter without its accent (`é` to `e`, `Ł` to `L`), so a search
/// typed without accents finds words written with them. Always one
/// character for one, so positions in the text stay the same.
pub fn unaccented(c: char) -> char {
    match u32::from(c) {
        n @ 0xC0..=0x17F => UNACCENTED.chars().nth((n - 0xC0) as usize).unwrap_or(c),
        _ => c,
    }
}

/// `text` as searches and filters compare it: lower case, Latin accents
/// off (`École` to `ecole`).
pub fn folded(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(unaccented)
        .collect()
}

/// Cleans one line of typed or pasted text: tabs become spaces, line breaks
/// become spaces, and forbidden characters are dropped.
pub fn clean_line(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\n' | '\r' => out.push(' '),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Cleans text that may keep its line breaks (guidance, summaries): `\r\n`
/// becomes `\n`, tabs become spaces, other forbidden characters are dropped.
pub fn clean_multiline(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.replace("\r\n", "\n").chars() {
        match c {
            '\t' => out.push_str("    "),
            '\n' => out.push('\n'),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_escape() {
        assert_eq!(clean_line("a\u{1b}[2Jb"), "a[2Jb");
        assert_eq!(clean_line("x\u{9b}31my"), "x31my");
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(clean_line("abc\u{202E}def\u{2066}"), "abcdef");
    }

    #[test]
    fn tabs_expand_and_breaks_flatten() {
        assert_eq!(clean_line("a\tb\nc"), "a    b c");
        assert_eq!(clean_multiline("a\r\nb\u{7}"), "a\nb");
    }

    #[test]
    fn unicode_text_is_kept() {
        assert_eq!(clean_line("é ŵ 中文 🎉"), "é ŵ 中文 🎉");
    }
}
