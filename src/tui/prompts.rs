//! The questions the app asks over any screen so that nothing typed is lost
//! or misdirected: text an earlier session left unsaved (put it back, show
//! it, discard it), leaving or quitting while text is unsaved, and the
//! notice that holds keys after a failed change.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::nav::Nav;
use super::recovery::Unsaved;
use super::theme::Theme;
use super::widgets::layout::popup;
use crate::tui::widgets::wrap_line::wrap_lines_indented;

/// A question that takes every key until it is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Text an earlier session could not save.
    Offer { show: bool, discarding: bool },
    /// The user asked to go to `nav` (or quit) while text is unsaved.
    Leave { nav: Nav },
    /// The last session ended without quitting, in a walk: where it was,
    /// described, and the end of what was typed there.
    Resume {
        evaluation: i64,
        index: usize,
        place: String,
        typed: String,
    },
}

/// What the user answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Still asking (the key changed what the prompt shows, or did nothing).
    Ask(Prompt),
    PutBack,
    Discard,
    Later,
    Go(Nav),
    Stay,
    /// The offer to pick up where the last session was is declined.
    NotNow,
}

pub fn key(prompt: &Prompt, key: KeyEvent) -> Answer {
    match prompt.clone() {
        Prompt::Offer { show, discarding } => {
            if discarding {
                return match key.code {
                    KeyCode::Char('y') | KeyCode::Char('Y') => Answer::Discard,
                    _ => Answer::Ask(Prompt::Offer {
                        show,
                        discarding: false,
                    }),
                };
            }
            match key.code {
                KeyCode::Char('p') | KeyCode::Enter => Answer::PutBack,
                KeyCode::Char('v') => Answer::Ask(Prompt::Offer {
                    show: !show,
                    discarding,
                }),
                KeyCode::Char('d') => Answer::Ask(Prompt::Offer {
                    show,
                    discarding: true,
                }),
                KeyCode::Char('l') | KeyCode::Esc => Answer::Later,
                _ => Answer::Ask(prompt.clone()),
            }
        }
        Prompt::Leave { nav } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Answer::Go(nav),
            _ => Answer::Stay,
        },
        Prompt::Resume {
            evaluation, index, ..
        } => match key.code {
            KeyCode::Enter => Answer::Go(Nav::Walk {
                evaluation,
                index: Some(index),
            }),
            _ => Answer::NotNow,
        },
    }
}

fn boxed(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(76);
    // Drawn as wrapped here, so the box is as tall as what it holds.
    let lines = wrap_lines_indented(&lines, usize::from(width.saturating_sub(2)).max(1));
    let rows = u16::try_from(lines.len()).unwrap_or(u16::MAX - 2);
    let height = (rows.min(u16::MAX - 2) + 2).min(area.height);
    let inner = popup(frame, area, (width, height), title, None, theme);
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn view(
    frame: &mut Frame,
    area: Rect,
    prompt: &Prompt,
    kept: &[Unsaved],
    file: Option<&str>,
    theme: &Theme,
) {
    match prompt {
        Prompt::Offer { show, discarding } => {
            let mut lines = vec![
                Line::styled(
                    match kept.len() {
                        1 => "Text typed last time was not saved:".to_string(),
                        n => format!("{n} pieces of text typed last time were not saved:"),
                    },
                    theme.strong(),
                ),
                Line::raw(""),
            ];
            for entry in kept {
                lines.push(Line::styled(format!("• {}", entry.label), theme.key()));
                if *show {
                    lines.push(Line::raw(format!("  \"{}\"", entry.text)));
                } else {
                    let words = entry.text.split_whitespace().count();
                    lines.push(Line::styled(
                        format!("  {words} words, hidden: v shows them"),
                        theme.dim(),
                    ));
                }
            }
            lines.push(Line::raw(""));
            if let Some(file) = file {
                lines.push(Line::styled(format!("Kept in {file}"), theme.dim()));
            }
            if *discarding {
                lines.push(Line::styled(
                    "Discard it for good? y discards · any other key keeps it",
                    theme.error(),
                ));
            } else {
                lines.push(Line::styled(
                    "p put it back where it belongs · v show it · d discard · l later",
                    theme.key(),
                ));
            }
            boxed(frame, area, "Unsaved text from last time", lines, theme);
        }
        Prompt::Leave { nav } => {
            let what = if *nav == Nav::Quit { "Quit" } else { "Leave" };
            let kept = match file {
                Some(file) => Line::raw(format!(
                    "It is kept in {file} and offered back when headway next starts."
                )),
                None => Line::styled(
                    "The recovery file could not be written either: if you go, this text is lost.",
                    theme.error(),
                ),
            };
            let lines = vec![
                Line::styled(
                    "Some text is not saved: the disk refused it.",
                    theme.error(),
                ),
                Line::raw(""),
                kept,
                Line::raw(""),
                Line::styled(
                    format!(
                        "y: {} anyway · any other key: stay here",
                        what.to_lowercase()
                    ),
                    theme.key(),
                ),
            ];
            boxed(
                frame,
                area,
                &format!("{what} with unsaved text?"),
                lines,
                theme,
            );
        }
        Prompt::Resume { place, typed, .. } => resume_view(frame, area, place, typed, theme),
    }
}

/// The offer to go back to where an unfinished session was.
fn resume_view(frame: &mut Frame, area: Rect, place: &str, typed: &str, theme: &Theme) {
    let lines = vec![
        Line::styled(
            "headway did not close normally last time (everything typed was saved).",
            theme.strong(),
        ),
        Line::raw(""),
        Line::raw(format!("The meeting was at {place}.")),
        if typed.is_empty() {
            Line::styled("Nothing was typed there yet.", theme.dim())
        } else {
            Line::raw(format!("What was typed there ends: \"{typed}\""))
        },
        Line::raw(""),
        Line::styled(
            "Enter: go there to finish it · any other key: not now",
            theme.key(),
        ),
    ];
    boxed(frame, area, "Pick up where you were?", lines, theme);
}

/// The notice over the screen while keys are held after a failed change.
pub fn held_notice(frame: &mut Frame, area: Rect, message: &str, theme: &Theme) {
    let lines = vec![
        Line::styled(message.to_string(), theme.error()),
        Line::raw(""),
        Line::raw("Nothing you type now runs as a command."),
        Line::styled("Enter or Esc: go on", theme.key()),
    ];
    boxed(frame, area, "Not saved", lines, theme);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn drawn(message: &str, width: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, 24)).unwrap();
        terminal
            .draw(|f| held_notice(f, f.area(), message, &Theme::new(false)))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..24)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    #[test]
    fn the_box_is_as_tall_as_its_wrapped_lines() {
        let message = "Could not write /home/liaison/Documents/Reports/2026/Oakfield-Primary-School/governors-autumn.html: the disk is full";
        for width in 30..=90 {
            let text = drawn(message, width);
            assert!(text.contains("Enter or Esc: go on"), "at {width}:\n{text}");
            assert!(text.contains("governors-"), "at {width}:\n{text}");
        }
    }
}
