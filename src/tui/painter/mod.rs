//! A backend between ratatui and the terminal that sends fewer bytes.
//!
//! ratatui works out which cells changed; this backend writes them. It
//! remembers what the terminal shows, so where two changed runs on a row
//! are a few unchanged cells apart it prints those cells rather than move
//! the cursor, and it blanks a long run of cells that became empty with
//! one "erase characters" sequence (`ESC [ n X`) rather than n spaces. The
//! pen (pen.rs) then writes each move and change of colour in as few bytes
//! as it can. A key that changes a few words of a line sends about as many
//! bytes as those words: it matters over SSH and on a projector's remote
//! session.

mod pen;

use std::io::Write;

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use unicode_width::UnicodeWidthStr;

use pen::Pen;

/// Gaps of unchanged cells up to this wide are printed rather than jumped:
/// a cursor move costs three bytes or more, a plain cell one.
const GAP: u16 = 3;

/// Runs of cells that became blank, at least this long, are erased with
/// one sequence (a cursor move and `ESC [ n X`, about twelve bytes).
const ERASE_RUN: usize = 12;

/// A cell as an erase leaves it: a space in the default colours.
fn blank(cell: &Cell) -> bool {
    cell.symbol() == " " && *cell == Cell::default()
}

/// Takes the long runs of newly blank cells out of `updates` (in order),
/// as (x, y, length), given what the screen shows before them. A run never
/// splits a wide character on screen: terminals differ in what erasing
/// half of one leaves (tmux then draws the rest of the row a column off),
/// so a run that ends on the first half of one also erases the second,
/// and one that starts on a second half leaves that cell to be printed.
fn take_erasable(updates: &mut Vec<(u16, u16, Cell)>, shown: &Buffer) -> Vec<(u16, u16, u16)> {
    let wide = |x: u16, y: u16| shown.cell((x, y)).is_some_and(|c| c.symbol().width() > 1);
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
        let first = if x > 0 && wide(x - 1, y) { i + 1 } else { i };
        if end.saturating_sub(first) >= ERASE_RUN {
            let (start, _, _) = updates[first];
            let (last, _, _) = updates[end - 1];
            let mut length = last - start + 1;
            if wide(last, y) && last + 1 < shown.area.width {
                length += 1;
            }
            runs.push((start, y, length));
            keep[first..end].iter_mut().for_each(|k| *k = false);
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

pub struct Painter<W: Write> {
    inner: CrosstermBackend<W>,
    /// What the terminal shows, as far as this backend has drawn it; `None`
    /// after something it cannot follow (a partial clear), until a full one.
    shown: Option<Buffer>,
    /// The terminal's width, for knowing when the cursor waits to wrap.
    columns: u16,
    /// Whether the cursor is hidden, once this backend has said so: ratatui
    /// hides it again before every frame.
    cursor_hidden: Option<bool>,
    /// The size of a screen that is not a terminal (in tests).
    fixed: Option<Size>,
}

impl<W: Write> Painter<W> {
    /// For a terminal whose screen is blank, as ratatui assumes at start.
    pub fn new(inner: CrosstermBackend<W>) -> Painter<W> {
        Painter::with_size(inner, None)
    }

    /// For a screen of `size` that is not a terminal (in tests).
    #[cfg(test)]
    fn fixed(inner: CrosstermBackend<W>, size: Size) -> Painter<W> {
        Painter::with_size(inner, Some(size))
    }

    fn with_size(inner: CrosstermBackend<W>, fixed: Option<Size>) -> Painter<W> {
        let mut painter = Painter {
            inner,
            shown: None,
            columns: u16::MAX,
            cursor_hidden: None,
            fixed,
        };
        let size = painter.screen_size();
        painter.blank(size);
        painter
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
    cell.fg == other.fg
        && cell.bg == other.bg
        && cell.underline_color == other.underline_color
        && cell.modifier == other.modifier
}

impl<W: Write> Backend for Painter<W> {
    type Error = std::io::Error;

    fn draw<'a, I>(&mut self, content: I) -> std::io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let mut rest: Vec<(u16, u16, Cell)> = content.map(|(x, y, c)| (x, y, c.clone())).collect();
        // Runs to erase are found on the screen as it was; with the screen
        // not known, every cell is printed.
        let runs = match &self.shown {
            Some(shown) => take_erasable(&mut rest, shown),
            None => Vec::new(),
        };
        let mut erased: Vec<(u16, u16, Cell)> = Vec::new();
        for &(x, y, n) in &runs {
            erased.extend((x..x + n).map(|cx| (cx, y, Cell::default())));
        }
        self.remember(&erased);
        self.remember(&rest);
        let mut pen = Pen::new(self.columns);
        let mut out = Vec::with_capacity(rest.len() * 2);
        // Erased first, while the colours are the defaults the last frame
        // ended on; the cells drawn next lie outside the erased runs.
        for (x, y, n) in runs {
            pen.erase(&mut out, x, y, n);
        }
        for (x, y, cell) in self.with_gaps_filled(&rest) {
            pen.print(&mut out, x, y, &cell);
        }
        pen.finish(&mut out);
        self.inner.write_all(&out)
    }

    fn append_lines(&mut self, n: u16) -> std::io::Result<()> {
        self.shown = None;
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> std::io::Result<()> {
        if self.cursor_hidden != Some(true) {
            self.inner.hide_cursor()?;
            self.cursor_hidden = Some(true);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> std::io::Result<()> {
        self.cursor_hidden = Some(false);
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> std::io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> std::io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> std::io::Result<()> {
        self.inner.clear()?;
        let size = self.screen_size();
        self.blank(size);
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> std::io::Result<()> {
        self.inner.clear_region(clear_type)?;
        match clear_type {
            ClearType::All => {
                let size = self.screen_size();
                self.blank(size);
            }
            _ => self.shown = None,
        }
        Ok(())
    }

    fn size(&self) -> std::io::Result<Size> {
        match self.fixed {
            Some(size) => Ok(size),
            None => self.inner.size(),
        }
    }

    fn window_size(&mut self) -> std::io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

impl<W: Write> Painter<W> {
    fn screen_size(&self) -> Option<Size> {
        self.size().ok()
    }

    /// The screen was cleared whole: every cell is blank, at `size`. A
    /// whole clear also follows the terminal being lent to another program
    /// (Ctrl+Z, an editor), which may have shown the cursor: its state is
    /// not known until set again.
    fn blank(&mut self, size: Option<Size>) {
        self.cursor_hidden = None;
        self.shown = size.map(|s| Buffer::empty(Rect::new(0, 0, s.width, s.height)));
        self.columns = size.map_or(u16::MAX, |s| s.width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier, Style};
    use ratatui::text::{Line, Span};
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

    /// A line of text in spans of their own styles.
    type Row = Vec<(String, Style)>;

    fn draw<B: Backend>(terminal: &mut Terminal<B>, rows: &[Row]) {
        terminal
            .draw(|f| {
                let width = f.area().width;
                for (y, row) in rows.iter().enumerate() {
                    let spans: Vec<Span> = row
                        .iter()
                        .map(|(text, style)| Span::styled(text.as_str(), *style))
                        .collect();
                    f.render_widget(Line::from(spans), Rect::new(0, y as u16, width, 1));
                }
            })
            .unwrap();
    }

    /// The bytes sent for `after`, drawn over `before`, with or without
    /// the painter.
    fn bytes_for(before: &str, after: &str, painted: bool) -> usize {
        fn sent<B: Backend>(mut t: Terminal<B>, tap: &Tap, frames: &[Vec<Row>; 2]) -> usize {
            draw(&mut t, &frames[0]);
            let start = tap.0.borrow().len();
            draw(&mut t, &frames[1]);
            let end = tap.0.borrow().len();
            end - start
        }
        let tap = Tap::default();
        let backend = CrosstermBackend::new(tap.clone());
        let frames = [before, after].map(|t| vec![vec![(t.to_string(), Style::new())]]);
        if painted {
            let t = Terminal::new(Painter::fixed(backend, Size::new(40, 1)));
            sent(t.unwrap(), &tap, &frames)
        } else {
            let viewport = ratatui::Viewport::Fixed(Rect::new(0, 0, 40, 1));
            let t = Terminal::with_options(backend, ratatui::TerminalOptions { viewport });
            sent(t.unwrap(), &tap, &frames)
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
        // Six letters change, in four places: the letters and a short
        // cursor move before each (the first absolute, six bytes).
        assert!(painted <= 6 + 6 + 3 * 5, "{painted} bytes");
        // A line cut short: the rest is erased in one sequence.
        let (long, short) = ("the cat sat on the mat by the open door", "the cat");
        let plain = bytes_for(long, short, false);
        let painted = bytes_for(long, short, true);
        assert!(painted + 25 < plain, "{painted} against {plain}");
    }

    /// The colour a terminal shows for a ratatui colour.
    fn shown_colour(c: Color) -> vt100::Color {
        match c {
            Color::Reset => vt100::Color::Default,
            Color::Indexed(n) => vt100::Color::Idx(n),
            Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
            named => {
                let order = [
                    Color::Black,
                    Color::Red,
                    Color::Green,
                    Color::Yellow,
                    Color::Blue,
                    Color::Magenta,
                    Color::Cyan,
                    Color::Gray,
                    Color::DarkGray,
                    Color::LightRed,
                    Color::LightGreen,
                    Color::LightYellow,
                    Color::LightBlue,
                    Color::LightMagenta,
                    Color::LightCyan,
                    Color::White,
                ];
                let n = order.iter().position(|o| *o == named).unwrap();
                vt100::Color::Idx(n as u8)
            }
        }
    }

    /// The screen a terminal shows after `bytes` is what `expected` holds:
    /// every cell's text, colours, and the styles vt100 follows.
    fn assert_shows(screen: &vt100::Screen, expected: &Buffer, context: &str) {
        let area = expected.area;
        for y in 0..area.height {
            for x in 0..area.width {
                let want = &expected[(x, y)];
                let Some(got) = screen.cell(y, x) else {
                    panic!("no cell at {x},{y}");
                };
                if got.is_wide_continuation() {
                    continue;
                }
                // A terminal cell never written and one printed with a
                // space look the same.
                let text = |s: &str| if s.is_empty() { " " } else { s }.to_string();
                let at = format!("cell {x},{y} after {context}");
                assert_eq!(text(got.contents()), text(want.symbol()), "{at}");
                let m = want.modifier;
                assert_eq!(got.bgcolor(), shown_colour(want.bg), "{at}");
                assert_eq!(got.underline(), m.contains(Modifier::UNDERLINED), "{at}");
                assert_eq!(got.inverse(), m.contains(Modifier::REVERSED), "{at}");
                // On a blank cell the rest does not show, and terminals
                // differ in what they keep there when half of a wide
                // character is written over.
                if text(want.symbol()) == " " {
                    continue;
                }
                assert_eq!(got.fgcolor(), shown_colour(want.fg), "{at}");
                assert_eq!(got.bold(), m.contains(Modifier::BOLD), "{at}");
                assert_eq!(got.dim(), m.contains(Modifier::DIM), "{at}");
                assert_eq!(got.italic(), m.contains(Modifier::ITALIC), "{at}");
            }
        }
    }

    /// Draws each frame through the painter into a terminal emulator and
    /// through ratatui's test backend, and checks the two screens agree.
    fn check_frames(width: u16, height: u16, frames: &[Vec<Row>]) {
        let tap = Tap::default();
        let size = Size::new(width, height);
        let mut painted =
            Terminal::new(Painter::fixed(CrosstermBackend::new(tap.clone()), size)).unwrap();
        let mut plain = Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
        let mut screen = vt100::Parser::new(height, width, 0);
        for (i, frame) in frames.iter().enumerate() {
            draw(&mut painted, frame);
            draw(&mut plain, frame);
            screen.process(&tap.0.borrow_mut().split_off(0));
            assert_shows(
                screen.screen(),
                plain.backend().buffer(),
                &format!("frame {i}"),
            );
        }
    }

    #[test]
    fn the_screen_shows_exactly_what_ratatui_drew() {
        let red = Style::new().fg(Color::Red);
        let note = Style::new().fg(Color::DarkGray);
        let key = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
        let chosen = key.add_modifier(Modifier::REVERSED).bg(Color::Indexed(236));
        let row = |parts: &[(&str, Style)]| -> Row {
            parts.iter().map(|(t, s)| (t.to_string(), *s)).collect()
        };
        let frames = vec![
            vec![
                row(&[("the cat sat on the mat", Style::new())]),
                row(&[("ab ", note), ("コ", key), (" cd  ef", red)]),
                row(&[("xxxxxxxxxxxxxxxxxxxxxxxx", red)]),
            ],
            vec![
                row(&[("the dog sat in the hat", Style::new())]),
                row(&[("ab   cdX ef", note)]),
                row(&[("x x x x ", red), ("x x x x", chosen), (" x x x x ", red)]),
            ],
            vec![
                row(&[("THE dog", key), (" sat in the hat", note)]),
                row(&[("ab ", note), ("コ", chosen), (" cd  ef", Style::new())]),
                row(&[("xxxxxxxxxxxx", Style::new().bg(Color::Rgb(1, 2, 3)))]),
            ],
            vec![row(&[]), row(&[("コンピュータ", key)]), row(&[("x", red)])],
            vec![
                row(&[("a b c d e f", Style::new())]),
                row(&[("a b c d e f g h", note)]),
                row(&[("xy xy xy xy xy xy xy xy ", note)]),
            ],
        ];
        check_frames(24, 3, &frames);
    }

    /// tmux draws the rest of a row a column off when an erase splits a
    /// wide character: runs are widened or narrowed to whole characters.
    #[test]
    fn an_erase_never_splits_a_wide_character() {
        let mut shown = Buffer::empty(Rect::new(0, 0, 40, 1));
        shown.set_string(0, 0, "ab", Style::new());
        shown.set_string(2, 0, "コ", Style::new()); // cells 2 and 3
        shown.set_string(4, 0, "abcdefghijklmn", Style::new()); // 4 to 17
        shown.set_string(18, 0, "コ", Style::new()); // cells 18 and 19
                                                     // Cells 3 to 18 become blank: 3 is the second half of a wide
                                                     // character, 18 the first half of one.
        let mut updates: Vec<(u16, u16, Cell)> =
            (3..=18).map(|x| (x, 0, Cell::default())).collect();
        let runs = take_erasable(&mut updates, &shown);
        assert_eq!(runs, vec![(4, 0, 16)], "4 to 19: not 3, and 19 too");
        assert_eq!(updates.len(), 1, "cell 3 is printed");
        assert_eq!(updates[0].0, 3);
    }

    fn any_style() -> impl Strategy<Value = Style> {
        let colours = prop::sample::select(vec![
            Color::Reset,
            Color::Red,
            Color::Yellow,
            Color::DarkGray,
            Color::White,
            Color::Indexed(200),
            Color::Rgb(10, 20, 30),
        ]);
        let modifiers = prop::sample::select(vec![
            Modifier::empty(),
            Modifier::BOLD,
            Modifier::DIM,
            // Not bold and dim together: to many terminals (and vt100)
            // they are one setting.
            Modifier::REVERSED,
            Modifier::BOLD | Modifier::UNDERLINED,
            Modifier::ITALIC | Modifier::REVERSED,
        ]);
        (colours.clone(), colours, modifiers)
            .prop_map(|(fg, bg, m)| Style::new().fg(fg).bg(bg).add_modifier(m))
    }

    /// Narrow text only: when half of a wide character is written over,
    /// terminals differ in the colours they leave in the other half (with
    /// ratatui's own backend too), so random frames would test vt100.
    fn any_row() -> impl Strategy<Value = Row> {
        prop::collection::vec(("[ a-c]{0,6}|…|é", any_style()), 0..5)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn any_frames_are_shown_exactly(
            frames in prop::collection::vec(prop::collection::vec(any_row(), 4), 1..6)
        ) {
            check_frames(16, 4, &frames);
        }
    }
}
