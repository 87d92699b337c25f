//! How the app keeps text the store refused: it mirrors that text into the
//! recovery file after every event, asks before leaving or quitting while
//! text is unsaved, and answers the offer of text left by an earlier session.

use crossterm::event::KeyEvent;

use super::app::{App, Screen};
use super::nav::{Nav, Status};
use super::prompts::{self, Answer, Prompt};
use super::recovery::{self, Unsaved};

impl App {
    /// What the current screen holds that the store has refused.
    fn live_unsaved(&self) -> Option<Unsaved> {
        match &self.screen {
            Screen::Walk(s) => s.unsaved(),
            Screen::CheckIn(s) => s.unsaved(),
            Screen::Action(s) => s.unsaved(),
            _ => None,
        }
    }

    /// The text field being edited, once what is typed there is saved.
    fn saved_here(&self) -> Option<recovery::Place> {
        match &self.screen {
            Screen::Walk(s) => s.saved_here(),
            Screen::CheckIn(s) => s.saved_here(),
            Screen::Action(s) => s.saved_here(),
            _ => None,
        }
    }

    /// True if any text, here or kept from before, is not saved.
    pub fn has_unsaved(&self) -> bool {
        !self.kept.is_empty() || self.live_unsaved().is_some()
    }

    /// Makes the recovery file hold exactly the unsaved text, so a signal
    /// or a closed terminal loses nothing; says so if it cannot, and then
    /// returns the text it could not keep.
    pub fn keep_unsaved(&mut self) -> Vec<Unsaved> {
        // Text kept from before for a field that has since been typed in
        // and saved is out of date: the newer, saved text wins.
        if let Some(place) = self.saved_here() {
            self.kept.retain(|e| !e.place.same_slot(&place));
        }
        let mut entries: Vec<Unsaved> = self.kept.clone();
        if let Some(live) = self.live_unsaved() {
            entries.retain(|e| !e.place.same_slot(&live.place));
            entries.push(live);
        }
        let Err(e) = self.recovery.sync(&entries) else {
            return Vec::new();
        };
        // Said first, so a narrow status line still shows it.
        let note = format!("No recovery file either ({})", crate::output::reason(&e));
        match &mut self.status {
            Status::Error(m) | Status::Held(m) if m.contains("No recovery file") => {}
            Status::Error(m) | Status::Held(m) => *m = format!("{note}. {m}"),
            other => *other = Status::Error(format!("{note}: unsaved text is only on screen")),
        }
        entries
    }

    /// Goes to `nav`, asking first if that would leave unsaved text behind
    /// (or quit with text kept from before).
    pub(super) fn go(&mut self, nav: Nav) {
        let leaves_text = match nav {
            Nav::Stay => false,
            Nav::Quit => self.has_unsaved(),
            _ => self.live_unsaved().is_some(),
        };
        if leaves_text {
            self.prompt = Some(Prompt::Leave { nav });
        } else {
            self.navigate(nav);
        }
    }

    pub(super) fn answer(&mut self, key: KeyEvent) {
        let Some(prompt) = &self.prompt else {
            return;
        };
        match prompts::key(prompt, key) {
            Answer::Ask(p) => self.prompt = Some(p),
            Answer::PutBack => {
                self.prompt = None;
                let mut failed = Vec::new();
                let mut problem = String::new();
                for entry in std::mem::take(&mut self.kept) {
                    if let Err(e) = recovery::put_back(&mut self.store, &entry) {
                        problem = e.to_string();
                        failed.push(entry);
                    }
                }
                if failed.is_empty() {
                    self.status = Status::Saved("Unsaved text put back where it belongs".into());
                    // The screen may show what was just put back.
                    let nav = self.reopen();
                    self.navigate(nav);
                } else {
                    self.status = Status::Error(format!(
                        "{} not put back, still kept: {problem}",
                        failed.len()
                    ));
                    self.kept = failed;
                }
            }
            Answer::Discard => {
                self.prompt = None;
                self.kept.clear();
                self.status = Status::Info("Unsaved text from last time discarded".into());
            }
            Answer::Later => {
                self.prompt = None;
                self.status =
                    Status::Info("Unsaved text kept; it is offered again at the next start".into());
            }
            Answer::Go(nav) => {
                self.prompt = None;
                if let Some(live) = self.live_unsaved() {
                    self.kept.retain(|e| !e.place.same_slot(&live.place));
                    self.kept.push(live);
                }
                self.navigate(nav);
            }
            Answer::Stay => {
                self.prompt = None;
                self.status = Status::Info("Still here: your text is kept".into());
            }
            Answer::NotNow => self.prompt = None,
        }
    }

    /// Where to go to show the current screen afresh.
    fn reopen(&self) -> Nav {
        match &self.screen {
            Screen::Home(_) => Nav::Home,
            Screen::Walk(w) => Nav::Walk {
                evaluation: w.evaluation_id(),
                index: Some(w.index()),
            },
            _ => Nav::Stay,
        }
    }
}
