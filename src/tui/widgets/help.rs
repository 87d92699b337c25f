//! The help overlay: every key of the screen you are on.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::layout::centered;
use crate::tui::theme::Theme;

/// A key and what it does, as shown in help and the status line.
pub type KeyHelp = (&'static str, &'static str);

pub fn render(frame: &mut Frame, area: Rect, title: &str, keys: &[KeyHelp], theme: &Theme) {
    let width = keys
        .iter()
        .map(|(k, d)| k.chars().count() + d.chars().count() + 4)
        .max()
        .unwrap_or(20)
        .max(title.chars().count() + 8) as u16
        + 4;
    let height = keys.len() as u16 + 4;
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    let key_width = keys
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(1);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:>key_width$}  "), theme.key()),
                Span::raw(*d),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        " Press any key to close this help.",
        theme.dim(),
    ));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(format!(" Keys: {title} "), theme.title()));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}

/// The status line's hints: `key what · key what`, as many as fit.
pub fn hints(keys: &[KeyHelp], theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, (k, d)) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("  ", theme.dim()));
        }
        spans.push(Span::styled(k.to_string(), theme.key()));
        spans.push(Span::raw(format!(" {d}")));
    }
    spans
}
