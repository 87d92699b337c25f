//! Colours, or none: with NO_COLOR set, every colour is the terminal's own
//! and the selection is shown by reverse video and a marker.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    pub palette: Palette,
}

/// The colours that carry meaning: good (green RAG, the top level, saved),
/// middle levels, warning (amber) and weak (red RAG, weak levels, errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub good: Color,
    pub middle: Color,
    pub warning: Color,
    pub weak: Color,
}

impl Palette {
    pub const STANDARD: Palette = Palette {
        good: Color::Green,
        middle: Color::Blue,
        warning: Color::Yellow,
        weak: Color::Red,
    };
    /// Told apart with red-green colour blindness (blue, cyan, yellow and
    /// magenta differ in hue and lightness); every RAG and level is also
    /// written as a word, so colour is never the only sign.
    pub const COLOUR_BLIND: Palette = Palette {
        good: Color::Blue,
        middle: Color::Cyan,
        warning: Color::Yellow,
        weak: Color::Magenta,
    };
}

impl Theme {
    /// With colours or without, in the standard palette.
    pub fn new(color: bool) -> Theme {
        Theme {
            color,
            palette: Palette::STANDARD,
        }
    }

    /// Colours unless NO_COLOR is set, in `palette`.
    pub fn from_env(palette: Palette) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            color: !no_color,
            palette,
        }
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
        self.fg(self.palette.weak)
    }
    pub fn good(&self) -> Style {
        self.fg(self.palette.good)
    }
    /// Amber: at risk.
    pub fn warning(&self) -> Style {
        self.fg(self.palette.warning)
    }
    pub fn error(&self) -> Style {
        self.fg(self.palette.weak).add_modifier(Modifier::BOLD)
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
            Style::new().fg(self.palette.weak)
        } else if level == levels {
            Style::new().fg(self.palette.good)
        } else {
            Style::new().fg(self.palette.middle)
        }
    }
}
