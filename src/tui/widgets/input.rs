//! One line of editable text (wrapped when the box is narrow), built on
//! ratatui-textarea. Control characters never get in, typed or pasted.

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
        area.move_cursor(CursorMove::End);
        TextInput { area }
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
