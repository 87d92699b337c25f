//! The user's config file: keys and colours for the app. It lives at
//! `~/.config/headway/config.toml` (the platform's config folder, found
//! with `directories`), or where HEADWAY_CONFIG says. A missing file means
//! the defaults; a file with a mistake is refused with one sentence naming
//! the file, the line and the mistake, and the app does not start.
//!
//! ```toml
//! [colours]
//! scheme = "colour-blind"   # or "standard"
//! weak = "#d55e00"          # any colour name, 0-255, or #rrggbb
//!
//! [keys.walk]
//! next = "n"
//! previous = "p"
//! ```

use std::path::PathBuf;
use std::str::FromStr;

use ratatui::style::Color;

use super::keymap::KeyMap;
use super::theme::Palette;

#[derive(Debug, Clone)]
pub struct Config {
    pub keys: KeyMap,
    pub palette: Palette,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            keys: KeyMap::default(),
            palette: Palette::STANDARD,
        }
    }
}

/// The largest config file read: a few lines are expected.
const MAX_BYTES: u64 = 64 * 1024;

/// Where the config file is looked for, and whether it was named (by
/// HEADWAY_CONFIG) rather than the default. HEADWAY_CONFIG set but empty
/// means no config file.
pub fn path() -> Option<(PathBuf, bool)> {
    match std::env::var_os("HEADWAY_CONFIG") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some((PathBuf::from(p), true)),
        None => directories::ProjectDirs::from("", "", "headway")
            .map(|d| (d.config_dir().join("config.toml"), false)),
    }
}

/// The config in force: the file's, or the defaults if there is none. A
/// file named by HEADWAY_CONFIG must exist; only a regular file of at most
/// 64 KiB is read.
pub fn load() -> Result<Config, String> {
    use std::io::Read;
    let Some((path, named)) = path() else {
        return Ok(Config::default());
    };
    let shown = crate::text::clean_line(&path.display().to_string());
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(Config::default())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "HEADWAY_CONFIG names {shown}, which does not exist; unset it, or set it empty for no config file."
            ))
        }
        Err(e) => return Err(format!("The config file {shown} could not be read: {e}.")),
    };
    let regular = file.metadata().map(|m| m.is_file()).unwrap_or(false);
    if !regular {
        return Err(format!("The config file {shown} is not a regular file."));
    }
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("The config file {shown} could not be read: {e}."))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "The config file {shown} is larger than 64 KiB; it should hold a few lines."
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("The config file {shown} is not UTF-8 text."))?;
    parse(&text).map_err(|why| format!("The config file {shown} {why}."))
}

/// The config a file's text asks for, or what is wrong with it (to follow
/// the file's name).
pub fn parse(text: &str) -> Result<Config, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let message = e.message().trim().trim_end_matches('.');
        match line {
            Some(n) => format!("is not valid TOML at line {n}: {message}"),
            None => format!("is not valid TOML: {message}"),
        }
    })?;
    let mut config = Config::default();
    for (name, value) in &table {
        match name.as_str() {
            "keys" => {
                let keys = value
                    .as_table()
                    .ok_or("has keys that are not a table: use [keys.walk] and the like")?;
                config.keys =
                    KeyMap::from_table(keys).map_err(|e| format!("has a mistake: {e}"))?;
            }
            "colours" | "colors" => {
                let colours = value
                    .as_table()
                    .ok_or("has colours that are not a table: use [colours]")?;
                config.palette = palette(colours).map_err(|e| format!("has a mistake: {e}"))?;
            }
            other => {
                return Err(format!(
                "has a setting headway does not know, {}: the settings are [keys] and [colours]",
                crate::text::clean_line(other)
            ))
            }
        }
    }
    Ok(config)
}

fn palette(colours: &toml::Table) -> Result<Palette, String> {
    let mut palette = match colours.get("scheme").map(|v| v.as_str()) {
        None => Palette::STANDARD,
        Some(Some("standard")) => Palette::STANDARD,
        Some(Some("colour-blind" | "color-blind")) => Palette::COLOUR_BLIND,
        Some(_) => {
            return Err("colours.scheme must be \"standard\" or \"colour-blind\"".into());
        }
    };
    for (name, value) in colours {
        let slot = match name.as_str() {
            "scheme" => continue,
            "good" => &mut palette.good,
            "middle" => &mut palette.middle,
            "warning" => &mut palette.warning,
            "weak" => &mut palette.weak,
            other => {
                return Err(format!(
                "colours.{} is not a colour headway uses; they are good, middle, warning and weak",
                crate::text::clean_line(other)
            ))
            }
        };
        *slot = value
            .as_str()
            .and_then(|s| Color::from_str(s).ok())
            .ok_or_else(|| {
                format!(
                    "colours.{name} must be a colour name, a number 0-255 or #rrggbb, in quotes"
                )
            })?;
    }
    Ok(palette)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_settings_means_the_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.palette, Palette::STANDARD);
    }

    #[test]
    fn a_colour_blind_scheme_and_single_colours_can_be_chosen() {
        let c = parse("[colours]\nscheme = \"colour-blind\"\nweak = \"#d55e00\"").unwrap();
        assert_eq!(c.palette.good, Palette::COLOUR_BLIND.good);
        assert_eq!(c.palette.weak, Color::Rgb(0xd5, 0x5e, 0x00));
    }

    #[test]
    fn mistakes_say_where_and_what() {
        let e = parse("[colours]\nscheme = \"pink\"").unwrap_err();
        assert!(e.contains("standard"), "{e}");
        let e = parse("[colours]\nweak = \"no-such\"").unwrap_err();
        assert!(e.contains("colours.weak must be"), "{e}");
        let e = parse("\n\n[keys.walk\nnext = 1").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        let e = parse("[look]\nx = 1").unwrap_err();
        assert!(e.contains("[keys] and [colours]"), "{e}");
        let e = parse("[keys.walk]\nnext = \"\u{1b}[31m\"").unwrap_err();
        assert!(!e.contains('\u{1b}'), "{e}");
    }
}
