//! Type-to-filter matching, behind one small function so the matcher can change.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;

/// Items matching `query`, best first: (item index, matched char indices).
/// An empty query keeps every item in its order.
pub fn filter<S: AsRef<str>>(query: &str, items: &[S]) -> Vec<(usize, Vec<usize>)> {
    let query = query.trim();
    if query.is_empty() {
        return (0..items.len()).map(|i| (i, Vec::new())).collect();
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut hits: Vec<(i64, usize, Vec<usize>)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            matcher
                .fuzzy_indices(item.as_ref(), query)
                .map(|(score, idx)| (score, i, idx))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, i, idx)| (i, idx)).collect()
}

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
pub fn pick_row(
    chosen: bool,
    prefix: &str,
    text: &str,
    matched: &[usize],
    suffix: &str,
    theme: &Theme,
) -> Line<'static> {
    let mut spans = vec![
        Span::raw(if chosen { "▶ " } else { "  " }),
        Span::raw(prefix.to_string()),
    ];
    spans.extend(highlight(text, matched, ratatui::style::Style::new(), theme).spans);
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
