//! A backend between ratatui and the terminal that sends fewer bytes.
//!
//! ratatui sends only the cells that changed, but moves the cursor before
//! each run of them: `ESC [ row ; col H`, six to eight bytes. Where two
//! changed runs on a row are a few unchanged cells apart, printing those
//! cells again is shorter than the move. This backend remembers what the
//! terminal shows and fills such gaps, and blanks a long run of cells that
//! became empty with one "erase characters" sequence (`ESC [ n X`) rather
//! than n spaces, so a key that changes a few words of a line sends about
//! as many bytes as those words. It matters over SSH and on a projector's
//! remote session.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use unicode_width::UnicodeWidthStr;

/// Gaps of unchanged cells up to this wide are printed rather than jumped:
/// a cursor move costs six bytes or more, a plain cell one.
const GAP: u16 = 5;

/// Runs of cells that became blank, at least this long, are erased with
/// one sequence (a cursor move and `ESC [ n X`, about twelve bytes).
const ERASE_RUN: usize = 12;

/// A backend that can blank `n` cells from a position, in the terminal's
/// default colours, without moving on.
pub trait Erase: Backend {
    fn erase(&mut self, x: u16, y: u16, n: u16) -> Result<(), Self::Error>;
}

impl<W: std::io::Write> Erase for ratatui::backend::CrosstermBackend<W> {
    fn erase(&mut self, x: u16, y: u16, n: u16) -> std::io::Result<()> {
        crossterm::queue!(
            self,
            crossterm::cursor::MoveTo(x, y),
            crossterm::style::Print(format!("\x1b[{n}X"))
        )
    }
}

impl Erase for ratatui::backend::TestBackend {
    fn erase(&mut self, x: u16, y: u16, n: u16) -> Result<(), Self::Error> {
        let blank = Cell::default();
        let cells: Vec<(u16, u16, &Cell)> =
            (x..x.saturating_add(n)).map(|cx| (cx, y, &blank)).collect();
        Backend::draw(self, cells.into_iter())
    }
}

/// A cell as an erase leaves it: a space in the default colours.
fn blank(cell: &Cell) -> bool {
    cell.symbol() == " " && *cell == Cell::default()
}

/// Takes the long runs of newly blank cells out of `updates` (in order),
/// as (x, y, length).
fn take_erasable(updates: &mut Vec<(u16, u16, Cell)>) -> Vec<(u16, u16, u16)> {
    let mut runs = Vec::new();
    let mut keep = vec![true; updates.len()];
    let mut i = 0;
    while i < updates.len() {
        let (x, y, ref cell) = updates[i];
        if !blank(cell) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < updates.len() {
            let (nx, ny, ref next) = updates[end];
            let (px, _, _) = updates[end - 1];
            if ny != y || nx != px + 1 || !blank(next) {
                break;
            }
            end += 1;
        }
        if end - i >= ERASE_RUN {
            runs.push((x, y, (end - i) as u16));
            keep[i..end].iter_mut().for_each(|k| *k = false);
        }
        i = end;
    }
    let mut n = 0;
    updates.retain(|_| {
        n += 1;
        keep[n - 1]
    });
    runs
}

pub struct Painter<B: Backend> {
    inner: B,
    /// What the terminal shows, as far as this backend has drawn it; `None`
    /// after something it cannot follow (a partial clear), until a full one.
    shown: Option<Buffer>,
}

impl<B: Erase> Painter<B> {
    /// For a terminal whose screen is blank, as ratatui assumes at start.
    pub fn new(inner: B) -> Painter<B> {
        let shown = inner
            .size()
            .ok()
            .map(|s| Buffer::empty(Rect::new(0, 0, s.width, s.height)));
        Painter { inner, shown }
    }

    /// The updates to send: `updates`, and between two on one row the
    /// unchanged cells of a short gap, when printing them changes nothing
    /// on screen and needs no change of colour.
    fn with_gaps_filled(&self, updates: &[(u16, u16, Cell)]) -> Vec<(u16, u16, Cell)> {
        let Some(shown) = &self.shown else {
            return updates.to_vec();
        };
        let mut out: Vec<(u16, u16, Cell)> = Vec::with_capacity(updates.len());
        for (x, y, cell) in updates {
            if let Some((px, py, previous)) = out.last() {
                let (px, py) = (*px, *py);
                let gap = x.saturating_sub(px + 1);
                if *y == py && *x > px + 1 && gap <= GAP && plain(previous) {
                    let filler: Option<Vec<Cell>> = (px + 1..*x)
                        .map(|gx| {
                            shown
                                .cell((gx, py))
                                .filter(|c| plain(c) && same_look(c, previous))
                                .cloned()
                        })
                        .collect();
                    if let Some(filler) = filler {
                        out.extend(filler.into_iter().zip(px + 1..).map(|(c, gx)| (gx, py, c)));
                    }
                }
            }
            out.push((*x, *y, cell.clone()));
        }
        out
    }

    fn remember(&mut self, updates: &[(u16, u16, Cell)]) {
        let Some(shown) = &mut self.shown else {
            return;
        };
        for (x, y, cell) in updates {
            let width = cell.symbol().width().max(1) as u16;
            if let Some(slot) = shown.cell_mut((*x, *y)) {
                *slot = cell.clone();
            }
            // The cells a wide character covers are not known as plain.
            for covered in 1..width {
                if let Some(slot) = shown.cell_mut((x + covered, *y)) {
                    // No symbol: never taken for a plain cell.
                    slot.reset();
                    slot.set_symbol("");
                }
            }
        }
    }
}

/// One printable ASCII character, drawn in one cell.
fn plain(cell: &Cell) -> bool {
    let symbol = cell.symbol().as_bytes();
    symbol.len() == 1 && (0x20..0x7f).contains(&symbol[0])
}

/// Printed after `other`, `cell` needs no change of colour or style.
fn same_look(cell: &Cell, other: &Cell) -> bool {
    cell.fg == other.fg && cell.bg == other.bg && cell.modifier == other.modifier
}

impl<B: Erase> Backend for Painter<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let updates: Vec<(u16, u16, Cell)> = content.map(|(x, y, c)| (x, y, c.clone())).collect();
        self.remember(&updates);
        let mut rest = updates;
        // Erased first, while the colours are the defaults the last frame
        // ended on; the cells drawn next lie outside the erased runs.
        for (x, y, n) in take_erasable(&mut rest) {
            self.inner.erase(x, y, n)?;
        }
        let out = self.with_gaps_filled(&rest);
        self.inner.draw(out.iter().map(|(x, y, c)| (*x, *y, c)))
    }

    fn append_lines(&mut self, n: u16) -> Result<(), Self::Error> {
        self.shown = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()?;
        self.blank();
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)?;
        match clear_type {
            ClearType::All => self.blank(),
            _ => self.shown = None,
        }
        Ok(())
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

impl<B: Erase> Painter<B> {
    /// The screen was cleared whole: every cell is blank, at today's size.
    fn blank(&mut self) {
        self.shown = self
            .inner
            .size()
            .ok()
            .map(|s| Buffer::empty(Rect::new(0, 0, s.width, s.height)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::style::{Color, Style};
    use ratatui::text::Line;
    use ratatui::Terminal;

    /// Collects what a backend writes, readable while it is in use.
    #[derive(Clone, Default)]
    struct Tap(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl std::io::Write for Tap {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The bytes sent for `after`, drawn over `before`, with or without
    /// the painter.
    fn bytes_for(before: &str, after: &str, painted: bool) -> usize {
        use ratatui::backend::CrosstermBackend;
        fn sent<B: Backend>(backend: B, tap: &Tap, before: &str, after: &str) -> usize {
            let viewport = ratatui::Viewport::Fixed(Rect::new(0, 0, 40, 1));
            let mut t =
                Terminal::with_options(backend, ratatui::TerminalOptions { viewport }).unwrap();
            let mut frame = |text: &str| {
                t.draw(|f| f.render_widget(Line::raw(text), Rect::new(0, 0, 40, 1)))
                    .unwrap();
            };
            frame(before);
            let start = tap.0.borrow().len();
            frame(after);
            let end = tap.0.borrow().len();
            end - start
        }
        let tap = Tap::default();
        let backend = CrosstermBackend::new(tap.clone());
        if painted {
            sent(Painter::new(backend), &tap, before, after)
        } else {
            sent(backend, &tap, before, after)
        }
    }

    #[test]
    fn a_few_changed_letters_cost_about_as_many_bytes() {
        let (before, after) = (
            "the cat sat on the mat by the door",
            "the dog sat in the hat by the moor",
        );
        let plain = bytes_for(before, after, false);
        let painted = bytes_for(before, after, true);
        assert!(painted < plain, "{painted} against {plain}");
        // A line cut short: the rest is erased in one sequence.
        let (long, short) = ("the cat sat on the mat by the open door", "the cat");
        let plain = bytes_for(long, short, false);
        let painted = bytes_for(long, short, true);
        assert!(painted + 25 < plain, "{painted} against {plain}");
    }

    #[test]
    fn filling_gaps_leaves_the_screen_exactly_as_ratatui_alone_would() {
        let mut painted = Terminal::new(Painter::new(TestBackend::new(24, 3))).unwrap();
        let mut plain = Terminal::new(TestBackend::new(24, 3)).unwrap();
        let frames: [[&str; 3]; 5] = [
            [
                "the cat sat on the mat",
                "ab コ cd  ef",
                "xxxxxxxxxxxxxxxxxxxxxxxx",
            ],
            [
                "the dog sat in the hat",
                "ab   cdX ef",
                "x x x x x x x x x x x x ",
            ],
            [
                "THE dog sat in the hat",
                "ab コ cd  ef",
                "xxxxxxxxxxxxxxxxxxxxxxxx",
            ],
            ["", "コンピュータ", "x"],
            ["a b c d e f", "a b c d e f g h", "xy xy xy xy"],
        ];
        fn draw<B: Backend>(terminal: &mut Terminal<B>, frame: &[&str; 3]) {
            terminal
                .draw(|f| {
                    for (y, text) in frame.iter().enumerate() {
                        let style = if y == 2 {
                            Style::new().fg(Color::Red)
                        } else {
                            Style::new()
                        };
                        f.render_widget(Line::styled(*text, style), Rect::new(0, y as u16, 24, 1));
                    }
                })
                .unwrap();
        }
        for frame in &frames {
            draw(&mut painted, frame);
            draw(&mut plain, frame);
            assert_eq!(
                painted.backend().inner.buffer(),
                plain.backend().buffer(),
                "{frame:?}"
            );
        }
    }
}
