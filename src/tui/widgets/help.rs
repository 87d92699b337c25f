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

/// The key hints at the foot of the screen, packed into lines of `width` columns, whole hints only, at
/// most `max_lines` lines (what does not fit is in the help, `?`).
pub fn hint_lines(
    keys: &[KeyHelp],
    width: u16,
    max_lines: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthStr;
    let width = usize::from(width).max(1);
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for (k, d) in keys {
        let wide = k.width() + 1 + d.width();
        let gap = if used == 0 { 0 } else { 2 };
        if used > 0 && used + gap + wide > width {
            if lines.len() == max_lines {
                break;
            }
            lines.push(Vec::new());
            used = 0;
        }
        let line = lines.last_mut().expect("one line at least");
        if used > 0 {
            line.push(Span::styled("  ", theme.dim()));
            used += 2;
        }
        line.push(Span::styled(k.to_string(), theme.key()));
        line.push(Span::raw(format!(" {d}")));
        used += wide;
    }
    lines.into_iter().map(Line::from).collect()
}
