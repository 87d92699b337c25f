//! What a shell and `man` read about headway: completion scripts and the
//! manual page, both made from the same clap definitions as `--help`, so
//! they cannot drift from what the program accepts.

use clap::{CommandFactory, ValueEnum};

use crate::cli::Cli;

/// The shells headway writes a completion script for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// The completion script for `shell`.
pub fn completions(shell: CompletionShell) -> String {
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut visible(Cli::command()), "headway", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// The manual page, in roff: the page of `headway` itself, then a section
/// for each command (and each `tools` command) with its synopsis, options
/// and examples, so one page holds everything `--help` says.
pub fn man_page() -> Result<String, std::io::Error> {
    let mut command = visible(Cli::command()).disable_help_subcommand(true);
    command.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    let mut page = String::from_utf8_lossy(&page).into_owned();
    // clap_mangen names each command as a page of its own (headway-report(1));
    // here they are sections of this page, named as typed.
    let mut commands = Vec::new();
    for sub in command.get_subcommands() {
        page = page.replace(
            &format!("headway\\-{}(1)", sub.get_name()),
            &format!("headway {}", sub.get_name()),
        );
        if sub.has_subcommands() {
            commands.extend(
                sub.get_subcommands()
                    .filter(|c| !c.is_hide_set() && c.get_name() != "help")
                    .cloned(),
            );
        } else {
            commands.push(sub.clone());
        }
    }
    for sub in commands {
        page.push_str(&command_section(sub)?);
    }
    Ok(ascii_roff(&page))
}

/// `command` without its hidden subcommands (the reliability drill and the
/// benchmarks' generator), which completions and the manual leave out.
fn visible(command: clap::Command) -> clap::Command {
    let shown: Vec<clap::Command> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .cloned()
        .collect();
    let mut bare = clap::Command::new("headway")
        .version(env!("CARGO_PKG_VERSION"))
        .args(command.get_arguments().cloned())
        .subcommands(shown);
    if let Some(about) = command.get_about() {
        bare = bare.about(about.clone());
    }
    if let Some(about) = command.get_long_about() {
        bare = bare.long_about(about.clone());
    }
    bare
}

/// One command's section: its name as typed, what it does, its synopsis,
/// options and examples, each part a subsection.
fn command_section(sub: clap::Command) -> Result<String, std::io::Error> {
    let typed = sub
        .get_bin_name()
        .unwrap_or_else(|| sub.get_name())
        .to_string();
    let man = clap_mangen::Man::new(sub.clone());
    let mut parts = Vec::new();
    man.render_description_section(&mut parts)?;
    man.render_synopsis_section(&mut parts)?;
    if sub.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut parts)?;
    }
    if sub.get_after_help().is_some() || sub.get_after_long_help().is_some() {
        man.render_extra_section(&mut parts)?;
    }
    let parts = String::from_utf8_lossy(&parts);
    let mut section = format!(".SH \"{}\"\n", typed.to_uppercase());
    let mut examples = false;
    for line in parts.lines() {
        // Text lines that begin with a dot are escaped by roff, so a line
        // starting ".SH " is always a heading: within a command it becomes
        // a subsection.
        let heading = line.strip_prefix(".SH ");
        if examples && heading.is_some() {
            section.push_str(".fi\n");
            examples = false;
        }
        match heading {
            Some("DESCRIPTION") => {}
            // The examples, one a line as typed, never filled or hyphenated.
            Some("EXTRA") => {
                section.push_str(".SS Examples\n.nf\n");
                examples = true;
            }
            Some(heading) => {
                let heading = heading.trim_matches('"').to_lowercase();
                let mut letters = heading.chars();
                let title: String = letters
                    .next()
                    .map(|first| first.to_uppercase().chain(letters).collect())
                    .unwrap_or_default();
                section.push_str(&format!(".SS {title}\n"));
            }
            None if examples && line.trim() == "Examples:" => {}
            None => {
                section.push_str(line);
                section.push('\n');
            }
        }
    }
    if examples {
        section.push_str(".fi\n");
    }
    Ok(section)
}

/// `page` with every character outside ASCII written as a roff escape
/// (`\[u00B7]` for "·"), so it reads the same whatever encoding `man` or
/// groff assumes.
fn ascii_roff(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}
