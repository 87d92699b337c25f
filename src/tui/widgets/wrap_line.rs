//! A styled line wrapped by the app's one wrapper ([`crate::text::wrap`]),
//! each piece keeping the style it had. Screens draw these rows as they
//! are, so the rows a screen counts are the rows it draws.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text::wrap::{clusters, wrap};

/// `line` as rows of at most `width` columns, broken where
/// [`wrap`] breaks its text, each piece in its span's style (and the
/// line's). At least one row.
pub fn wrap_line(line: &Line, width: usize) -> Vec<Line<'static>> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    // Each cluster of the text with the style of the span it came from.
    let mut styled: Vec<(&str, Style)> = Vec::new();
    for span in &line.spans {
        for cluster in clusters(&span.content) {
            styled.push((cluster, line.style.patch(span.style)));
        }
    }
    // A cluster that spans two spans (an accent in a span of its own) is
    // matched through the joined text instead, in the first span's style.
    let joined: Vec<&str> = clusters(&text).collect();
    if joined.len() != styled.len() {
        let style = line
            .spans
            .first()
            .map_or(line.style, |s| line.style.patch(s.style));
        styled = joined.into_iter().map(|c| (c, style)).collect();
    }
    let mut source = styled.into_iter().peekable();
    let mut rows = Vec::new();
    for row in wrap(&text, width) {
        let mut spans: Vec<Span<'static>> = Vec::new();
        for cluster in clusters(&row) {
            // Whitespace the wrapper dropped (at a break, or a run it made
            // one space) is passed over.
            while let Some(&(c, _)) = source.peek() {
                if c == cluster || !c.chars().all(char::is_whitespace) {
                    break;
                }
                source.next();
            }
            let style = match source.next() {
                Some((_, style)) => style,
                None => line.style,
            };
            match spans.last_mut() {
                Some(last) if last.style == style => last.content.to_mut().push_str(cluster),
                _ => spans.push(Span::styled(cluster.to_string(), style)),
            }
        }
        let mut row = Line::from(spans);
        row.alignment = line.alignment;
        rows.push(row);
    }
    rows
}

/// `lines` wrapped one after the other, as a paragraph draws them.
pub fn wrap_lines(lines: &[Line], width: usize) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| wrap_line(l, width)).collect()
}

/// As [`wrap_line`], but the spaces `line` starts with (up to half the
/// width) start each of its rows: an indented line stays indented, and
/// its continuation rows sit under its text.
pub fn wrap_line_indented(line: &Line, width: usize) -> Vec<Line<'static>> {
    let leading = line
        .spans
        .iter()
        .flat_map(|s| s.content.chars())
        .take_while(|c| *c == ' ')
        .count()
        .min(width / 2);
    if leading == 0 {
        return wrap_line(line, width);
    }
    let style = line
        .spans
        .first()
        .map_or(line.style, |s| line.style.patch(s.style));
    let indent = " ".repeat(leading);
    wrap_line(line, width - leading)
        .into_iter()
        .map(|mut row| {
            row.spans.insert(0, Span::styled(indent.clone(), style));
            row
        })
        .collect()
}

/// `lines` wrapped one after the other by [`wrap_line_indented`].
pub fn wrap_lines_indented(lines: &[Line], width: usize) -> Vec<Line<'static>> {
    lines
        .iter()
        .flat_map(|l| wrap_line_indented(l, width))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Stylize;

    fn plain(rows: &[Line]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn each_piece_keeps_its_style_across_rows() {
        let line = Line::from(vec![
            Span::raw("Guidance: ").bold(),
            Span::raw("look at  books and\nplans together").italic(),
        ]);
        let rows = wrap_line(&line, 14);
        assert_eq!(
            plain(&rows),
            ["Guidance: look", "at books and", "plans together"]
        );
        assert_eq!(rows[0].spans[0].content, "Guidance: ");
        assert_eq!(rows[0].spans[0].style, Style::new().bold());
        assert_eq!(rows[0].spans[1].content, "look");
        assert_eq!(rows[0].spans[1].style, Style::new().italic());
        assert_eq!(rows[1].spans.len(), 1);
        assert_eq!(rows[1].spans[0].style, Style::new().italic());
    }

    #[test]
    fn a_family_emoji_split_over_spans_stays_whole() {
        let line = Line::from(vec![
            Span::raw("ab \u{1F468}\u{200D}"),
            Span::raw("\u{1F469}").bold(),
        ]);
        let rows = wrap_line(&line, 3);
        assert_eq!(plain(&rows), ["ab", "\u{1F468}\u{200D}\u{1F469}"]);
    }

    #[test]
    fn an_indented_line_stays_indented() {
        let line = Line::raw("   one two three four");
        assert_eq!(
            plain(&wrap_line_indented(&line, 12)),
            ["   one two", "   three", "   four"]
        );
        assert_eq!(plain(&wrap_line(&line, 12)), ["one two", "three four"]);
    }

    #[test]
    fn an_empty_line_is_one_empty_row() {
        assert_eq!(plain(&wrap_line(&Line::raw(""), 10)), [""]);
    }
}
