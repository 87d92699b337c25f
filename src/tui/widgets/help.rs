//! The help overlay: every key of the screen you are on.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::layout::{centered, clear};
use crate::text::wrap::wrap;
use crate::tui::theme::Theme;

/// A key and what it does, as shown in help and the status line.
pub type KeyHelp = (&'static str, &'static str);

/// The help box over `area`. When its lines do not all fit, they scroll:
/// `offset` (kept between frames, clamped here) is the first one shown.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    keys: &[(String, &str)],
    offset: &std::cell::Cell<usize>,
    theme: &Theme,
) {
    let key_width = keys.iter().map(|(k, _)| k.width()).max().unwrap_or(1);
    let widest = keys
        .iter()
        .map(|(k, d)| key_width.max(k.width()) + d.width() + 4)
        .max()
        .unwrap_or(20)
        .max(title.width() + 8);
    // The box is as wide as its longest line, within the screen; a
    // description that does not fit wraps under itself, not under the key.
    let width = (widest + 2).min(usize::from(area.width));
    let text_width = width.saturating_sub(2 + key_width + 3).max(8);
    let indent = " ".repeat(key_width + 3);
    let mut lines: Vec<Line> = Vec::new();
    for (k, d) in keys {
        for (i, row) in wrap(d, text_width).into_iter().enumerate() {
            let lead = if i == 0 {
                Span::styled(format!(" {k:>key_width$}  "), theme.key())
            } else {
                Span::raw(indent.clone())
            };
            lines.push(Line::from(vec![lead, Span::raw(row)]));
        }
    }
    let room = usize::from(area.height).saturating_sub(2).max(1);
    let scrolls = lines.len() > room;
    let first = offset.get().min(lines.len().saturating_sub(room));
    offset.set(first);
    let footer = if scrolls {
        format!(
            " ↑↓ more ({}-{} of {}) · any other key closes ",
            first + 1,
            (first + room).min(lines.len()),
            lines.len()
        )
    } else {
        " any key closes ".to_string()
    };
    let shown: Vec<Line> = lines.into_iter().skip(first).take(room).collect();
    let height = (shown.len() + 2).min(usize::from(u16::MAX)) as u16;
    let popup = centered(area, width as u16, height);
    clear(frame, popup);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(format!(" Keys: {title} "), theme.title()))
        .title_bottom(Line::styled(footer, theme.dim()));
    frame.render_widget(Paragraph::new(shown).block(block), popup);
}

/// The key hints at the foot of the screen, packed into lines of `width` columns, whole hints only, at
/// most `max_lines` lines (what does not fit is in the help, `?`).
pub fn hint_lines(
    keys: &[(String, &str)],
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
