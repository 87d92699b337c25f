//! Type-to-filter matching, behind one small function so the matcher can change.

use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;

pub use crate::finder::filter;

/// Spans of `text` with the matched characters (char indices) highlighted.
pub fn highlight(
    text: &str,
    matched: &[usize],
    base: ratatui::style::Style,
    theme: &Theme,
) -> Line<'static> {
    if matched.is_empty() {
        return Line::from(Span::styled(text.to_string(), base));
    }
    let spans: Vec<Span<'static>> = text
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let style = if matched.contains(&i) {
                base.patch(theme.matched())
            } else {
                base
            };
            Span::styled(c.to_string(), style)
        })
        .collect();
    Line::from(spans)
}

/// One row of a pick list: a marker when chosen, an optional prefix, the text
/// with its matched characters highlighted, and an optional dim suffix.
/// A row of a pick list in `width` columns: the marker, `prefix`, `text`
/// with its matched characters marked, and `suffix`. When the row is too
/// wide the text is cut short with an ellipsis, and the suffix (a count, a
/// scope) is kept whole.
pub fn pick_row(
    chosen: bool,
    prefix: &str,
    text: &str,
    matched: &[usize],
    suffix: &str,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    use crate::text::wrap::{shorten, width as columns};
    let mut spans = vec![
        Span::raw(if chosen { "▶ " } else { "  " }),
        Span::raw(prefix.to_string()),
    ];
    let room = width.saturating_sub(2 + columns(prefix) + columns(suffix));
    let text = if columns(text) > room {
        shorten(text, room.max(1))
    } else {
        text.to_string()
    };
    spans.extend(highlight(&text, matched, ratatui::style::Style::new(), theme).spans);
    if !suffix.is_empty() {
        spans.push(Span::styled(suffix.to_string(), theme.dim()));
    }
    let line = Line::from(spans);
    if chosen {
        line.patch_style(theme.selected())
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_and_reports_char_indices() {
        let items = ["Oakfield Primary", "Ashby High", "Élan École"];
        let hits = filter("oak", &items);
        assert_eq!(hits[0].0, 0);
        assert_eq!(hits[0].1, vec![0, 1, 2]);
        // Char indices, not byte indices: "É" is two bytes.
        let hits = filter("cole", &items);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0], (2, vec![6, 7, 8, 9]));
        assert!(filter("zzz", &items).is_empty());
        assert_eq!(filter("", &items).len(), 3);
    }
}
