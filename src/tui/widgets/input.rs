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
    placeholder: String,
    /// The text and cursor before each step Ctrl+/ takes back: a word
    /// typed (with the spaces after it), or any other change.
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// What the last change was, to know whether a letter joins its word.
    last: LastEdit,
}

#[derive(Clone)]
struct Snapshot {
    text: String,
    cursor: (usize, usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LastEdit {
    Other,
    Letter,
    Space,
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
        TextInput {
            area,
            placeholder: String::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            last: LastEdit::Other,
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            text: self.text(),
            cursor: {
                let at = self.area.cursor();
                (at.0, at.1)
            },
        }
    }

    /// Puts back a snapshot's text and cursor, keeping the history.
    fn restore(&mut self, to: Snapshot) {
        let mut fresh = TextInput::new(&to.text);
        fresh.area.set_placeholder_text(self.placeholder.clone());
        let (row, col) = to.cursor;
        fresh
            .area
            .move_cursor(CursorMove::Jump(row as u16, col as u16));
        self.area = fresh.area;
        self.last = LastEdit::Other;
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
        self.placeholder = text.to_string();
        self.area.set_placeholder_text(text);
    }

    /// Applies an editing key; returns true if the text changed. Enter, Tab
    /// and Esc are the caller's: they never reach the text.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab | KeyCode::Esc => false,
            KeyCode::Char(c) if is_forbidden(c) => false,
            KeyCode::Char('m' | 'j') if ctrl => false,
            // Ctrl+/ (which terminals send as Ctrl+_ or Ctrl+7) undoes a
            // word or a change at a time; Ctrl+R redoes.
            KeyCode::Char('/' | '_' | '7') if ctrl => self.step_back(),
            KeyCode::Char('r') if ctrl => self.step_forward(),
            // As in a shell, Ctrl+U deletes back to the start.
            KeyCode::Char('u') if ctrl => self.edit(LastEdit::Other, |area| {
                area.cancel_selection();
                area.delete_line_by_head();
            }),
            KeyCode::Char(c) if !ctrl && !alt => {
                let kind = if c.is_whitespace() {
                    LastEdit::Space
                } else {
                    LastEdit::Letter
                };
                self.edit(kind, |area| {
                    area.input(key);
                })
            }
            _ => self.edit(LastEdit::Other, |area| {
                area.input(key);
            }),
        }
    }

    /// Applies `change`; if the text changed, remembers how it was before
    /// as an undo step, unless `kind` continues the word being typed.
    fn edit(&mut self, kind: LastEdit, change: impl FnOnce(&mut TextArea<'static>)) -> bool {
        let before = self.snapshot();
        change(&mut self.area);
        if self.text() == before.text {
            // A movement: the next letter starts a step of its own.
            if self.area.cursor() != before.cursor {
                self.last = LastEdit::Other;
            }
            return false;
        }
        let continues = matches!(
            (self.last, kind),
            (LastEdit::Letter, LastEdit::Letter)
                | (LastEdit::Letter | LastEdit::Space, LastEdit::Space)
        );
        if !continues {
            self.undo.push(before);
        }
        self.redo.clear();
        self.last = kind;
        true
    }

    fn step_back(&mut self) -> bool {
        let Some(to) = self.undo.pop() else {
            return false;
        };
        self.redo.push(self.snapshot());
        self.restore(to);
        true
    }

    fn step_forward(&mut self) -> bool {
        let Some(to) = self.redo.pop() else {
            return false;
        };
        self.undo.push(self.snapshot());
        self.restore(to);
        true
    }

    /// Inserts pasted text, cleaned; returns true if the text changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let clean = clean_line(text);
        !clean.is_empty()
            && self.edit(LastEdit::Other, |area| {
                area.insert_str(clean);
            })
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

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn type_in(input: &mut TextInput, text: &str) {
        for c in text.chars() {
            input.key(press(KeyCode::Char(c)));
        }
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time_and_redo_brings_it_back() {
        let mut input = TextInput::new("");
        type_in(&mut input, "books show gaps");
        assert!(input.key(ctrl('_')));
        assert_eq!(input.text(), "books show ");
        assert!(input.key(ctrl('/')));
        assert_eq!(input.text(), "books ");
        assert!(input.key(ctrl('r')));
        assert_eq!(input.text(), "books show ");
        // A deletion is a step of its own.
        input.key(press(KeyCode::Backspace));
        assert_eq!(input.text(), "books show");
        input.key(ctrl('7'));
        assert_eq!(input.text(), "books show ");
        // Typing after an undo starts afresh: nothing left to redo.
        type_in(&mut input, "x");
        assert!(!input.key(ctrl('r')));
        // Back to the start, then no further.
        while input.key(ctrl('_')) {}
        assert_eq!(input.text(), "");
    }

    #[test]
    fn a_selected_field_typed_over_comes_back_whole_with_one_undo() {
        let mut input = TextInput::selected("2026-11-30");
        type_in(&mut input, "2026-12-01");
        assert_eq!(input.text(), "2026-12-01");
        input.key(ctrl('_'));
        assert_eq!(input.text(), "2026-11-30");
    }
}
