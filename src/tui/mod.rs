//! The terminal UI: the run loop and the guard that always gives the
//! terminal back, panic included.

pub mod app;
pub mod screens;
pub mod theme;
pub mod widgets;

use std::io::{self, stdout};

use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use jiff::civil::Date;

use crate::store::Store;
use app::App;

/// Restores the terminal when dropped, and on panic through a chained hook.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<(TerminalGuard, ratatui::DefaultTerminal)> {
        let terminal = ratatui::try_init()?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableBracketedPaste);
            ratatui::restore();
            previous(info);
        }));
        execute!(stdout(), EnableBracketedPaste)?;
        Ok((TerminalGuard, terminal))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableBracketedPaste);
        ratatui::restore();
    }
}

pub fn run(store: Store, today: Date) -> io::Result<()> {
    let mut app = App::new(store, today, theme::Theme::from_env());
    let (_guard, mut terminal) = TerminalGuard::enter()?;
    while !app.quit {
        terminal.draw(|frame| app.view(frame))?;
        let event = event::read()?;
        app.event(event);
    }
    Ok(())
}
