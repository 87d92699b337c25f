//! The keys a user may change, screen by screen. Each action has a
//! default letter; the config file can give it another. A key the user
//! chose is turned into the default before the screen sees it, so the
//! screens keep one key map each, and the help shows the chosen keys.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The screens whose keys can be changed, as named in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPlace {
    Home,
    Walk,
    Summary,
    CheckIn,
    Plan,
    Drafts,
    Compare,
}

impl KeyPlace {
    pub const ALL: [KeyPlace; 7] = [
        KeyPlace::Home,
        KeyPlace::Walk,
        KeyPlace::Summary,
        KeyPlace::CheckIn,
        KeyPlace::Plan,
        KeyPlace::Drafts,
        KeyPlace::Compare,
    ];

    /// The name of its table in the config file: `[keys.walk]`.
    pub fn name(self) -> &'static str {
        match self {
            KeyPlace::Home => "home",
            KeyPlace::Walk => "walk",
            KeyPlace::Summary => "summary",
            KeyPlace::CheckIn => "checkin",
            KeyPlace::Plan => "plan",
            KeyPlace::Drafts => "drafts",
            KeyPlace::Compare => "compare",
        }
    }
}

/// An action and its default key on one screen.
pub struct Binding {
    pub place: KeyPlace,
    pub action: &'static str,
    pub key: char,
}

const fn bind(place: KeyPlace, action: &'static str, key: char) -> Binding {
    Binding { place, action, key }
}

/// Every key that can be changed, with its default. Across screens a
/// letter keeps one meaning where it can: h and l step back and on, g and
/// G go to the first and last, H shows history, s the summary, v reveals
/// confidential notes, x takes away, u undoes, q goes back.
pub const BINDINGS: &[Binding] = &[
    bind(KeyPlace::Home, "down", 'j'),
    bind(KeyPlace::Home, "up", 'k'),
    bind(KeyPlace::Home, "first", 'g'),
    bind(KeyPlace::Home, "last", 'G'),
    bind(KeyPlace::Home, "add_school", 'a'),
    bind(KeyPlace::Home, "new_evaluation", 'n'),
    bind(KeyPlace::Home, "summary", 's'),
    bind(KeyPlace::Home, "check_in", 'c'),
    bind(KeyPlace::Home, "across", 'A'),
    bind(KeyPlace::Home, "plan", 'p'),
    bind(KeyPlace::Home, "remove", 'x'),
    bind(KeyPlace::Home, "search", '/'),
    bind(KeyPlace::Home, "quit", 'q'),
    bind(KeyPlace::Walk, "next", 'l'),
    bind(KeyPlace::Walk, "previous", 'h'),
    bind(KeyPlace::Walk, "first", 'g'),
    bind(KeyPlace::Walk, "last", 'G'),
    bind(KeyPlace::Walk, "next_open", ']'),
    bind(KeyPlace::Walk, "go_to", '/'),
    bind(KeyPlace::Walk, "carry", 'c'),
    bind(KeyPlace::Walk, "defer", 'd'),
    bind(KeyPlace::Walk, "clear", 'x'),
    bind(KeyPlace::Walk, "undo", 'u'),
    bind(KeyPlace::Walk, "evidence", 'e'),
    bind(KeyPlace::Walk, "confidential", '!'),
    bind(KeyPlace::Walk, "reveal", 'v'),
    bind(KeyPlace::Walk, "history", 'H'),
    bind(KeyPlace::Walk, "summary", 's'),
    bind(KeyPlace::Walk, "home", 'q'),
    bind(KeyPlace::Summary, "down", 'j'),
    bind(KeyPlace::Summary, "up", 'k'),
    bind(KeyPlace::Summary, "walk", 'w'),
    bind(KeyPlace::Summary, "draft", 'D'),
    bind(KeyPlace::Summary, "plan", 'P'),
    bind(KeyPlace::Summary, "compare", 'C'),
    bind(KeyPlace::Summary, "report", 'R'),
    bind(KeyPlace::Summary, "reveal", 'v'),
    bind(KeyPlace::Summary, "home", 'q'),
    bind(KeyPlace::CheckIn, "green", 'g'),
    bind(KeyPlace::CheckIn, "amber", 'a'),
    bind(KeyPlace::CheckIn, "red", 'r'),
    bind(KeyPlace::CheckIn, "impact", 'i'),
    bind(KeyPlace::CheckIn, "next", 'l'),
    bind(KeyPlace::CheckIn, "previous", 'h'),
    bind(KeyPlace::CheckIn, "done", 'D'),
    bind(KeyPlace::CheckIn, "undo", 'u'),
    bind(KeyPlace::CheckIn, "confidential", '!'),
    bind(KeyPlace::CheckIn, "reveal", 'v'),
    bind(KeyPlace::CheckIn, "history", 'H'),
    bind(KeyPlace::CheckIn, "home", 'q'),
    bind(KeyPlace::Plan, "down", 'j'),
    bind(KeyPlace::Plan, "up", 'k'),
    bind(KeyPlace::Plan, "group", 'v'),
    bind(KeyPlace::Plan, "check_in", 'c'),
    bind(KeyPlace::Plan, "home", 'q'),
    bind(KeyPlace::Drafts, "down", 'j'),
    bind(KeyPlace::Drafts, "up", 'k'),
    bind(KeyPlace::Drafts, "accept", 'a'),
    bind(KeyPlace::Drafts, "edit", 'e'),
    bind(KeyPlace::Drafts, "mark", 'm'),
    bind(KeyPlace::Drafts, "merge", 'M'),
    bind(KeyPlace::Drafts, "discard", 'x'),
    bind(KeyPlace::Drafts, "bring_back", 'u'),
    bind(KeyPlace::Drafts, "draft_deferred", 'D'),
    bind(KeyPlace::Drafts, "limit", 'L'),
    bind(KeyPlace::Drafts, "reveal", 'v'),
    bind(KeyPlace::Drafts, "back", 'q'),
    bind(KeyPlace::Compare, "down", 'j'),
    bind(KeyPlace::Compare, "up", 'k'),
    bind(KeyPlace::Compare, "summary", 's'),
    bind(KeyPlace::Compare, "back", 'q'),
];

/// The keys in force: the defaults, and any the user chose instead.
#[derive(Debug, Default, Clone)]
pub struct KeyMap {
    /// A chosen key on a screen, and the default it stands for.
    to_default: HashMap<(KeyPlace, char), char>,
    /// A default key on a screen, and the key chosen for it.
    chosen: HashMap<(KeyPlace, char), char>,
}

impl KeyMap {
    /// Keys chosen by action name, screen by screen (`[keys.walk]` in the
    /// config file). An unknown screen or action, a key that is not one
    /// character, a digit (digits judge), or two actions given one key is
    /// refused with a sentence saying which.
    pub fn from_table(keys: &toml::Table) -> Result<KeyMap, String> {
        let mut map = KeyMap::default();
        for (place_name, actions) in keys {
            let Some(place) = KeyPlace::ALL.into_iter().find(|p| p.name() == place_name) else {
                let names: Vec<&str> = KeyPlace::ALL.iter().map(|p| p.name()).collect();
                return Err(format!(
                    "[keys.{place_name}] is not a screen; the screens are {}",
                    names.join(", ")
                ));
            };
            let Some(actions) = actions.as_table() else {
                return Err(format!(
                    "keys.{place_name} must be a table of action = \"key\""
                ));
            };
            for (action, key) in actions {
                let Some(binding) = BINDINGS
                    .iter()
                    .find(|b| b.place == place && b.action == action)
                else {
                    let names: Vec<&str> = BINDINGS
                        .iter()
                        .filter(|b| b.place == place)
                        .map(|b| b.action)
                        .collect();
                    return Err(format!(
                        "{action} is not an action of [keys.{place_name}]; its actions are {}",
                        names.join(", ")
                    ));
                };
                let key = key
                    .as_str()
                    .and_then(single_char)
                    .filter(|c| {
                        // A letter or a printable ASCII sign: nothing blank,
                        // invisible or wide that the help could not show.
                        let visible = c.is_ascii_graphic()
                            || (c.is_alphabetic()
                                && !crate::text::is_forbidden(*c)
                                && unicode_width::UnicodeWidthChar::width(*c) == Some(1));
                        visible && !c.is_ascii_digit() && *c != '?'
                    })
                    .ok_or_else(|| {
                        format!(
                            "keys.{place_name}.{action} must be one visible character in quotes, not a digit, a space or ? (help)"
                        )
                    })?;
                if let Some(other) = map.to_default.get(&(place, key)) {
                    let other = action_of(place, *other).unwrap_or("another action");
                    return Err(format!(
                        "keys.{place_name}: {action} and {other} are both given {key:?}"
                    ));
                }
                map.to_default.insert((place, key), binding.key);
                map.chosen.insert((place, binding.key), key);
            }
        }
        // A chosen key that is another action's default takes it over only
        // if that action was given a key of its own.
        for (&(place, key), &default) in &map.to_default {
            if key == default {
                continue;
            }
            if let Some(owner) = BINDINGS.iter().find(|b| b.place == place && b.key == key) {
                if !map.chosen.contains_key(&(place, owner.key)) {
                    let action = action_of(place, default).unwrap_or("an action");
                    return Err(format!(
                        "keys.{}: {key:?} for {action} is already {}'s key; give {} another key too",
                        place.name(),
                        owner.action,
                        owner.action
                    ));
                }
            }
        }
        Ok(map)
    }

    /// The key as the screen at `place` knows it: a chosen key becomes its
    /// action's default, and a default whose action was given another key
    /// does nothing (someone who moves `clear` off `x` to avoid accidents
    /// must be safe from `x`).
    pub fn translate(&self, place: KeyPlace, key: KeyEvent) -> KeyEvent {
        let KeyCode::Char(c) = key.code else {
            return key;
        };
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return key;
        }
        match self.to_default.get(&(place, c)) {
            Some(&default) => KeyEvent::new(KeyCode::Char(default), KeyModifiers::NONE),
            None if self.chosen.contains_key(&(place, c)) => {
                KeyEvent::new(KeyCode::Null, KeyModifiers::NONE)
            }
            None => key,
        }
    }

    /// A help label (`"g / G"`, `"h"`, `"→ / l"`) with each default letter
    /// replaced by the key chosen for it.
    pub fn relabel(&self, place: KeyPlace, label: &str) -> String {
        if self.chosen.is_empty() {
            return label.to_string();
        }
        label
            .split(' ')
            .map(|word| match single_char(word) {
                Some(c) => match self.chosen.get(&(place, c)) {
                    Some(chosen) => chosen.to_string(),
                    None => word.to_string(),
                },
                None => word.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn action_of(place: KeyPlace, default: char) -> Option<&'static str> {
    BINDINGS
        .iter()
        .find(|b| b.place == place && b.key == default)
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Result<KeyMap, String> {
        let table: toml::Table = text.parse().unwrap();
        KeyMap::from_table(&table)
    }

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn each_screen_has_one_action_per_default_key() {
        for place in KeyPlace::ALL {
            let mut seen = std::collections::HashSet::new();
            for b in BINDINGS.iter().filter(|b| b.place == place) {
                assert!(seen.insert(b.key), "{:?} has {:?} twice", place, b.key);
            }
        }
    }

    #[test]
    fn a_chosen_key_stands_for_its_action_and_shows_in_help() {
        let keys = map("[walk]\nnext = \"n\"\nprevious = \"p\"\nhistory = \"y\"").unwrap();
        assert_eq!(keys.translate(KeyPlace::Walk, press('n')), press('l'));
        assert_eq!(keys.translate(KeyPlace::Walk, press('y')), press('H'));
        // The default no longer does anything; other screens are untouched.
        let nothing = KeyEvent::new(KeyCode::Null, KeyModifiers::NONE);
        assert_eq!(keys.translate(KeyPlace::Walk, press('l')), nothing);
        assert_eq!(keys.translate(KeyPlace::Walk, press('H')), nothing);
        assert_eq!(keys.translate(KeyPlace::Home, press('n')), press('n'));
        assert_eq!(keys.relabel(KeyPlace::Walk, "→ / l"), "→ / n");
        assert_eq!(keys.relabel(KeyPlace::Walk, "H"), "y");
        assert_eq!(keys.relabel(KeyPlace::Home, "n"), "n");
        // Control keys are never changed.
        let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(keys.translate(KeyPlace::Walk, ctrl_n), ctrl_n);
    }

    #[test]
    fn swapping_two_keys_works_when_both_are_given() {
        let keys = map("[walk]\ncarry = \"d\"\ndefer = \"c\"").unwrap();
        assert_eq!(keys.translate(KeyPlace::Walk, press('d')), press('c'));
        assert_eq!(keys.translate(KeyPlace::Walk, press('c')), press('d'));
    }

    #[test]
    fn mistakes_are_refused_with_a_sentence_naming_them() {
        let refused = |text: &str, says: &str| {
            let e = map(text).unwrap_err();
            assert!(e.contains(says), "{e}");
        };
        refused("[wlk]\nnext = \"n\"", "not a screen");
        refused("[walk]\nnxt = \"n\"", "nxt is not an action of [keys.walk]");
        refused("[walk]\nnext = \"nn\"", "must be one visible character");
        refused("[walk]\nnext = \"5\"", "must be one visible character");
        refused("[walk]\nnext = 5", "must be one visible character");
        refused(
            "[walk]\nnext = \"\u{202e}\"",
            "must be one visible character",
        );
        refused(
            "[walk]\nnext = \"\u{301}\"",
            "must be one visible character",
        );
        refused("[walk]\nnext = \"中\"", "must be one visible character");
        for blank in ["\u{a0}", "\u{2007}", "\u{2028}", "\u{1680}", "\u{2800}"] {
            refused(
                &format!("[walk]\nnext = \"{blank}\""),
                "must be one visible character",
            );
        }
        assert!(
            map("[walk]\nnext = \"é\"").is_ok(),
            "a letter of any alphabet"
        );
        refused("[walk]\nnext = \"n\"\nprevious = \"n\"", "both given");
        refused("[walk]\nhistory = \"c\"", "already carry's key");
        refused("walk = 3", "must be a table");
    }
}
