//! Colours, or none: with NO_COLOR set, every colour is the terminal's own
//! and the selection is shown by reverse video and a marker.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }
    pub fn strong(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn weak(&self) -> Style {
        self.fg(Color::Red)
    }
    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn matched(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn focus_border(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// A colour per level of a scale, weakest red to strongest green.
    pub fn level(&self, level: u8, levels: u8, weak_up_to: u8) -> Style {
        if !self.color {
            return Style::new();
        }
        if level <= weak_up_to {
            Style::new().fg(Color::Red)
        } else if level == levels {
            Style::new().fg(Color::Green)
        } else {
            Style::new().fg(Color::Blue)
        }
    }
}
