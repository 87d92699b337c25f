//! One line of editable text (wrapped when the box is narrow), built on
//! ratatui-textarea. Control characters never get in, typed or pasted.
//!
//! Keys as in a shell: Home and End (or Ctrl+A, Ctrl+E), Ctrl+U deletes to
//! the start, Ctrl+K to the end, Ctrl+W the word before; Ctrl+/ undoes
//! (Ctrl+Z suspends the app, as in any terminal program) and Ctrl+R redoes.
//! A field entered with its text selected replaces it when typed into, as
//! a form in a browser does.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Block;
use ratatui::Frame;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::text::{clean_line, is_forbidden};

pub struct TextInput {
    area: TextArea<'static>,
}

impl Default for TextInput {
    fn default() -> Self {
        TextInput::new("")
    }
}

impl TextInput {
    pub fn new(text: &str) -> TextInput {
        let mut area = TextArea::new(vec![clean_line(text)]);
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_cursor_line_style(Style::new());
        area.set_selection_style(Style::new().add_modifier(ratatui::style::Modifier::REVERSED));
        area.move_cursor(CursorMove::End);
        TextInput { area }
    }

    /// The same, with the whole text selected: typing replaces it, a
    /// movement key keeps it and moves the cursor.
    pub fn selected(text: &str) -> TextInput {
        let mut input = TextInput::new(text);
        input.select_all();
        input
    }

    /// Replaces the whole text with `text` (cleaned); true if it changed.
    pub fn replace_all(&mut self, text: &str) -> bool {
        let before = self.text();
        *self = TextInput::new(text);
        self.text() != before
    }

    /// Selects the whole text, as entering a form's field does.
    pub fn select_all(&mut self) {
        if !self.text().is_empty() {
            self.area.select_all();
        }
    }

    pub fn text(&self) -> String {
        self.area.lines().join(" ")
    }

    pub fn set_text(&mut self, text: &str) {
        *self = TextInput::new(text);
    }

    pub fn set_placeholder(&mut self, text: &str) {
        self.area.set_placeholder_text(text);
    }

    /// Applies an editing key; returns true if the text changed. Enter, Tab
    /// and Esc are the caller's: they never reach the text.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc => false,
            KeyCode::Char(c) if is_forbidden(c) => false,
            KeyCode::Char('m' | 'j') if key.modifiers.contains(KeyModifiers::CONTROL) => false,
            // As in a shell, Ctrl+U deletes back to the start.
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.area.cancel_selection();
                self.area.delete_line_by_head()
            }
            // Ctrl+/ (which terminals send as Ctrl+_ or Ctrl+7) undoes.
            KeyCode::Char('/' | '_' | '7') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.area.undo()
            }
            _ => {
                let before = self.text();
                self.area.input(key);
                self.text() != before
            }
        }
    }

    /// Inserts pasted text, cleaned; returns true if the text changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let clean = clean_line(text);
        !clean.is_empty() && self.area.insert_str(clean)
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, block: Block<'static>, focused: bool) {
        let mut widget = self.area.clone();
        widget.set_block(block);
        if focused {
            widget.set_cursor_style(Style::new().add_modifier(ratatui::style::Modifier::REVERSED));
        } else {
            widget.set_cursor_style(Style::new());
        }
        frame.render_widget(&widget, area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn typing_and_pasting_keep_out_control_characters() {
        let mut input = TextInput::new("");
        assert!(input.key(press(KeyCode::Char('é'))));
        assert!(!input.key(press(KeyCode::Char('\u{1b}'))));
        assert!(!input.key(press(KeyCode::Enter)));
        assert!(input.paste("a\u{1b}]52;c;x\u{7}\tb\u{202E}"));
        assert_eq!(input.text(), "éa]52;c;x    b");
        assert!(input.key(press(KeyCode::Backspace)));
        assert_eq!(input.text(), "éa]52;c;x    ");
    }
}
