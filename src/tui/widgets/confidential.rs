//! Notes marked confidential are hidden on screen behind a visible marker
//! until a key shows them, because in a meeting the screen is shared. Text
//! being typed right now is never hidden.

/// Shown instead of a confidential note on screens where `v` shows it.
pub const HIDDEN: &str = "[confidential: press v to show]";

/// `text`, or `marker` when it is confidential and not asked for.
pub fn shown<'a>(text: &'a str, confidential: bool, revealed: bool, marker: &'a str) -> &'a str {
    if confidential && !revealed && !text.is_empty() {
        marker
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_confidential_text_not_asked_for_is_hidden() {
        assert_eq!(shown("secret", true, false, HIDDEN), HIDDEN);
        assert_eq!(shown("secret", true, true, HIDDEN), "secret");
        assert_eq!(shown("open", false, false, HIDDEN), "open");
        assert_eq!(shown("", true, false, HIDDEN), "");
    }
}
