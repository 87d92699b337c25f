//! Small layout helpers.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::tui::theme::Theme;

/// Smallest terminal headway draws into.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// A rectangle of at most `width` x `height`, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

/// Keeps `selected` visible in a list `height` rows tall; returns the first row.
pub fn scroll_offset(selected: usize, current: usize, height: usize) -> usize {
    if height == 0 {
        return 0;
    }
    if selected < current {
        selected
    } else if selected >= current + height {
        selected + 1 - height
    } else {
        current
    }
}

/// Blanks `area` for something drawn over the screen. A wide character
/// just left of it, whose right half lies inside, is blanked too: else the
/// terminal would draw it whole over the box's left edge.
pub fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    if area.x == 0 {
        return;
    }
    let buffer = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        if let Some(cell) = buffer.cell_mut((area.x - 1, y)) {
            if cell.symbol().width() > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}

/// Clears a centred box of at most `width` x `height`, draws its rounded
/// border with `title` (and `footer`, if any), and returns the inside.
pub fn popup(
    frame: &mut Frame,
    area: Rect,
    (width, height): (u16, u16),
    title: &str,
    footer: Option<&str>,
    theme: &Theme,
) -> Rect {
    let outer = centered(area, width, height);
    clear(frame, outer);
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(format!(" {title} "), theme.title()));
    if let Some(footer) = footer {
        block = block.title_bottom(Line::styled(format!(" {footer} "), theme.dim()));
    }
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    inner
}

/// Draws `lines` in `area`, scrolled so that line `wanted` is visible; the
/// scroll position is kept in `offset` between frames.
pub fn render_scrolled(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'_>>,
    wanted: usize,
    offset: &std::cell::Cell<usize>,
) {
    render_scrolled_rows(frame, area, lines, wanted..wanted + 1, offset);
}

/// As `render_scrolled`, keeping a selected item of several lines (the
/// range `wanted`) in view whole where the area is tall enough.
pub fn render_scrolled_rows(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'_>>,
    wanted: std::ops::Range<usize>,
    offset: &std::cell::Cell<usize>,
) {
    let height = usize::from(area.height);
    let last = wanted.end.saturating_sub(1).max(wanted.start);
    // The last line in view first, then the first: if both cannot be
    // shown, the first is.
    let first = scroll_offset(last, offset.get(), height);
    let first = scroll_offset(wanted.start, first, height);
    offset.set(first);
    let first = first.min(usize::from(u16::MAX)) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((first, 0)), area);
}

/// A rounded box filled with lines that scroll to keep the selected item in
/// view. `build` gets the inside width and returns the lines and the line
/// number of each selectable item; the first item also shows what is above it.
pub fn render_selectable(
    frame: &mut Frame,
    area: Rect,
    selected: usize,
    offset: &std::cell::Cell<usize>,
    build: impl FnOnce(usize) -> (Vec<Line<'static>>, Vec<usize>),
) {
    let block = Block::bordered().border_type(BorderType::Rounded);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (lines, positions) = build(usize::from(inner.width));
    if selected == 0 {
        offset.set(0);
    }
    let wanted = positions.get(selected).copied().unwrap_or(0);
    render_scrolled(frame, inner, lines, wanted, offset);
}
