//! Encodes cells as terminal bytes, short: cursor moves relative where that
//! is shorter, and each change of colour or style as one SGR sequence that
//! says only what changed, with the eight-colour codes (`ESC [ 9 0 m`, not
//! `ESC [ 3 8 ; 5 ; 8 ; 4 9 m`) where a named colour allows.

use std::io::Write;

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// The colours and styles a cell is drawn in.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Look {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Look {
    const DEFAULT: Look = Look {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Look {
        Look {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }
}

/// What the terminal's cursor and pen are set to, as one frame is written.
pub struct Pen {
    /// Where the next character printed lands; `None` when not sure (at
    /// the start, after a wide character, at the right edge).
    at: Option<(u16, u16)>,
    look: Look,
    columns: u16,
}

impl Pen {
    /// At the start of a frame: default colours (every frame ends with
    /// them), cursor position unknown, on a screen `columns` wide.
    pub fn new(columns: u16) -> Pen {
        Pen {
            at: None,
            look: Look::DEFAULT,
            columns,
        }
    }

    fn move_to(&mut self, out: &mut Vec<u8>, x: u16, y: u16) {
        match self.at {
            Some((cx, cy)) if cy == y && cx == x => {}
            Some((cx, cy)) if cy == y && x == cx + 1 => out.extend_from_slice(b"\x1b[C"),
            Some((cx, cy)) if cy == y && x > cx => {
                let _ = write!(out, "\x1b[{}C", x - cx);
            }
            _ if x == 0 => {
                let _ = write!(out, "\x1b[{}H", y + 1);
            }
            _ => {
                let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
            }
        }
        self.at = Some((x, y));
    }

    /// Blanks `n` cells from (x, y) in the default colours; the cursor
    /// stays where it is.
    pub fn erase(&mut self, out: &mut Vec<u8>, x: u16, y: u16, n: u16) {
        self.move_to(out, x, y);
        self.set_look(out, Look::DEFAULT);
        let _ = write!(out, "\x1b[{n}X");
    }

    pub fn print(&mut self, out: &mut Vec<u8>, x: u16, y: u16, cell: &Cell) {
        self.move_to(out, x, y);
        self.set_look(out, Look::of(cell));
        out.extend_from_slice(cell.symbol().as_bytes());
        let next = x.saturating_add(1);
        // A terminal may count a wide or unusual character's width
        // differently: after one, the next cell is reached by an absolute
        // move. At the right edge the cursor waits to wrap.
        self.at = (cell.symbol().width() == 1 && next < self.columns).then_some((next, y));
    }

    /// Leaves the pen at the defaults, as the next frame expects.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.look != Look::DEFAULT {
            out.extend_from_slice(b"\x1b[0m");
            self.look = Look::DEFAULT;
        }
    }

    fn set_look(&mut self, out: &mut Vec<u8>, to: Look) {
        if to == self.look {
            return;
        }
        let step = changes(self.look, to);
        let fresh = changes(Look::DEFAULT, to);
        let params = if fresh.len() + 2 < step.len() {
            // "0;" and then all of the new look is shorter.
            let mut p = String::from("0");
            if !fresh.is_empty() {
                p.push(';');
                p.push_str(&fresh);
            }
            p
        } else {
            step
        };
        let _ = write!(out, "\x1b[{params}m");
        self.look = to;
    }
}

/// The SGR parameters that take a terminal from `from` to `to`, joined.
fn changes(from: Look, to: Look) -> String {
    let mut params: Vec<String> = Vec::new();
    let removed = from.modifier - to.modifier;
    let mut added = to.modifier - from.modifier;
    // One code ends both bold and dim, one both blinks: what stays is
    // set again.
    if removed.intersects(Modifier::BOLD | Modifier::DIM) {
        params.push("22".into());
        added |= to.modifier & (Modifier::BOLD | Modifier::DIM);
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        params.push("25".into());
        added |= to.modifier & (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
    }
    for (modifier, off) in [
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::REVERSED, "27"),
        (Modifier::HIDDEN, "28"),
        (Modifier::CROSSED_OUT, "29"),
    ] {
        if removed.contains(modifier) {
            params.push(off.into());
        }
    }
    for (modifier, on) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if added.contains(modifier) {
            params.push(on.into());
        }
    }
    if to.fg != from.fg {
        params.push(colour(to.fg, Layer::Fore));
    }
    if to.bg != from.bg {
        params.push(colour(to.bg, Layer::Back));
    }
    if to.underline != from.underline {
        params.push(colour(to.underline, Layer::Underline));
    }
    params.join(";")
}

#[derive(Clone, Copy)]
enum Layer {
    Fore,
    Back,
    Underline,
}

/// The SGR parameters for one colour: the eight-colour codes for named
/// colours (as ratatui numbers them: Gray is 7, DarkGray 8, White 15).
fn colour(c: Color, layer: Layer) -> String {
    let named = match c {
        Color::Black => Some(0),
        Color::Red => Some(1),
        Color::Green => Some(2),
        Color::Yellow => Some(3),
        Color::Blue => Some(4),
        Color::Magenta => Some(5),
        Color::Cyan => Some(6),
        Color::Gray => Some(7),
        Color::DarkGray => Some(8),
        Color::LightRed => Some(9),
        Color::LightGreen => Some(10),
        Color::LightYellow => Some(11),
        Color::LightBlue => Some(12),
        Color::LightMagenta => Some(13),
        Color::LightCyan => Some(14),
        Color::White => Some(15),
        _ => None,
    };
    let (reset, base, bright, extended) = match layer {
        Layer::Fore => (39, 30, 90, 38),
        Layer::Back => (49, 40, 100, 48),
        // Underline colours have no short codes.
        Layer::Underline => (59, 0, 0, 58),
    };
    match (c, named, layer) {
        (Color::Reset, _, _) => reset.to_string(),
        (_, Some(n), Layer::Underline) => format!("{extended};5;{n}"),
        (_, Some(n), _) if n < 8 => (base + n).to_string(),
        (_, Some(n), _) => (bright + n - 8).to_string(),
        (Color::Indexed(n), _, _) => format!("{extended};5;{n}"),
        (Color::Rgb(r, g, b), _, _) => format!("{extended};2;{r};{g};{b}"),
        _ => reset.to_string(),
    }
}
