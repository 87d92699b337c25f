//! A bordered box of text that becomes an editor while it has the focus,
//! marked "not saved yet" when the store has not accepted what is typed.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use super::input::TextInput;
use super::wrap_line::wrap_lines;
use crate::tui::theme::Theme;

pub struct NoteBox<'a> {
    pub title: &'a str,
    /// The saved text, shown when not editing.
    pub text: &'a str,
    /// Shown dim when the text is empty.
    pub placeholder: &'a str,
    /// The editor and whether it holds unsaved text, while editing.
    pub editing: Option<(&'a TextInput, bool)>,
}

pub fn render(frame: &mut Frame, area: Rect, note: NoteBox<'_>, theme: &Theme) {
    let editing = note.editing.is_some();
    let (border, title) = if editing {
        (theme.focus_border(), theme.focus_border())
    } else {
        (theme.dim(), theme.strong())
    };
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(Span::styled(format!(" {} ", note.title), title));
    match note.editing {
        Some((editor, unsaved)) => {
            if unsaved {
                block = block.title_bottom(Line::styled(" not saved yet ", theme.error()));
            }
            editor.render(frame, area, block, true);
        }
        None => {
            let paragraph = if note.text.is_empty() {
                Paragraph::new(Line::styled(note.placeholder.to_string(), theme.dim()))
            } else {
                // Each line of the note wrapped inside the border.
                let lines: Vec<Line> = note.text.lines().map(Line::raw).collect();
                Paragraph::new(wrap_lines(
                    &lines,
                    usize::from(area.width.saturating_sub(2)).max(1),
                ))
            };
            frame.render_widget(paragraph.block(block), area);
        }
    }
}
