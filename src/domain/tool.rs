//! Self-evaluation tools: the file format, its validation, and the types the
//! rest of headway reads. Parsing never panics, whatever the bytes.

use std::collections::HashSet;
use std::fmt;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::text::is_forbidden;
use crate::text::wrap::{clusters, width, ELLIPSIS};

/// Largest tool file accepted.
pub const MAX_TOOL_BYTES: usize = 1024 * 1024;
const MIN_LEVELS: usize = 2;
const MAX_LEVELS: usize = 9;
const MAX_ID_LEN: usize = 64;
const DEFAULT_LEVELS: [&str; 4] = ["Not yet", "Emerging", "Secure", "Exemplary"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub area: String,
    pub summary: Option<String>,
    pub scope: ToolScope,
    pub scale: Scale,
    pub aspects: Vec<Aspect>,
}

impl Tool {
    /// The same tool in all that is judged: it differs at most in the
    /// draft titles it suggests for plan actions.
    pub fn same_apart_from_drafts(&self, other: &Tool) -> bool {
        let without = |t: &Tool| {
            let mut t = t.clone();
            for a in &mut t.aspects {
                for s in &mut a.statements {
                    s.draft = None;
                }
            }
            t
        };
        without(self) == without(other)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolScope {
    School,
    Department,
}

impl ToolScope {
    pub fn as_str(self) -> &'static str {
        match self {
            ToolScope::School => "school",
            ToolScope::Department => "department",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// Level names, weakest first; a judgement is a 1-based position here.
    pub levels: Vec<String>,
    /// Judgements at or below this level are weak.
    pub weak_up_to: u8,
}

impl Scale {
    pub fn len(&self) -> u8 {
        self.levels.len() as u8
    }

    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// The name of a 1-based level, if it is on this scale.
    pub fn label(&self, level: u8) -> Option<&str> {
        let index = usize::from(level).checked_sub(1)?;
        self.levels.get(index).map(String::as_str)
    }

    pub fn contains(&self, level: u8) -> bool {
        self.label(level).is_some()
    }

    pub fn is_weak(&self, level: u8) -> bool {
        level >= 1 && level <= self.weak_up_to
    }

    /// A strength is the top level, or on a scale of five or more levels
    /// the one below it too, provided it is not weak.
    pub fn is_strong(&self, level: u8) -> bool {
        let top = self.len();
        let lowest_strong = if top >= 5 { top - 1 } else { top };
        level >= lowest_strong && level <= top && !self.is_weak(level)
    }

    fn default_weak_up_to(levels: usize) -> u8 {
        (levels / 2) as u8
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aspect {
    pub id: String,
    pub title: String,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub id: String,
    pub text: String,
    pub guidance: Option<String>,
    /// A short title for a plan action drafted from the statement when it
    /// is judged weak ("Teach behaviour explicitly").
    pub draft: Option<String>,
}

/// The longest draft title a tool file may give a statement.
pub const DRAFT_CHARS: usize = 60;

/// One statement in walk order, with where it sits in the tool.
#[derive(Debug, Clone, Copy)]
pub struct StatementRef<'a> {
    /// 0-based position in the whole tool.
    pub index: usize,
    pub aspect: &'a Aspect,
    pub statement: &'a Statement,
}

impl StatementRef<'_> {
    /// The statement's key, stable across tool versions: `tool/aspect/statement`.
    pub fn key(&self, tool_id: &str) -> String {
        format!("{tool_id}/{}/{}", self.aspect.id, self.statement.id)
    }
}

impl Tool {
    /// All statements in walk order.
    pub fn statements(&self) -> impl Iterator<Item = StatementRef<'_>> {
        self.aspects
            .iter()
            .flat_map(|aspect| aspect.statements.iter().map(move |s| (aspect, s)))
            .enumerate()
            .map(|(index, (aspect, statement))| StatementRef {
                index,
                aspect,
                statement,
            })
    }

    pub fn statement_count(&self) -> usize {
        self.aspects.iter().map(|a| a.statements.len()).sum()
    }

    pub fn statement(&self, index: usize) -> Option<StatementRef<'_>> {
        self.statements().nth(index)
    }

    pub fn statement_key(&self, index: usize) -> Option<String> {
        self.statement(index).map(|s| s.key(&self.id))
    }

    /// Keys of every statement, in walk order.
    pub fn statement_keys(&self) -> Vec<String> {
        self.statements().map(|s| s.key(&self.id)).collect()
    }
}

/// One problem found in a tool file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Parses and validates a tool file, returning every problem found.
pub fn parse_tool(bytes: &[u8]) -> Result<Tool, Vec<Problem>> {
    if bytes.len() > MAX_TOOL_BYTES {
        return Err(vec![Problem {
            line: 1,
            col: 1,
            message: format!(
                "the file is {} bytes, over the 1 MiB limit for a tool file",
                bytes.len()
            ),
        }]);
    }
    let source = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            // The valid prefix is UTF-8 by definition.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let (line, col) = line_col(prefix, prefix.len());
            return Err(vec![Problem {
                line,
                col,
                message: "the file is not valid UTF-8".into(),
            }]);
        }
    };
    let mut checker = Checker {
        source,
        problems: Vec::new(),
    };
    checker.raw_control_characters();
    let (root, errors) = DeTable::parse_recoverable(source);
    for error in errors {
        let at = error.span().map(|s| s.start).unwrap_or(0);
        checker.problem(at, format!("TOML syntax: {}", first_line(error.message())));
    }
    if !checker.problems.is_empty() {
        return Err(checker.finish());
    }
    let tool = checker.tool(&root);
    match tool {
        Some(tool) if checker.problems.is_empty() => Ok(tool),
        _ => Err(checker.finish()),
    }
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    Locator::new(source).locate(offset)
}

/// Turns byte offsets, visited in increasing order, into 1-based lines and
/// columns in one pass over the text, however many problems there are.
struct Locator<'s> {
    source: &'s str,
    /// Byte offset reached so far, and its line and column.
    at: usize,
    line: usize,
    col: usize,
}

impl<'s> Locator<'s> {
    fn new(source: &'s str) -> Self {
        Locator {
            source,
            at: 0,
            line: 1,
            col: 1,
        }
    }

    /// The line and column of `offset`; offsets must not go backwards.
    fn locate(&mut self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.source.len()).max(self.at);
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        for c in self.source[self.at..offset].chars() {
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
        self.at = offset.max(self.at);
        (self.line, self.col)
    }
}

type Table<'i> = DeTable<'i>;
type Value<'i> = Spanned<DeValue<'i>>;

struct Checker<'s> {
    source: &'s str,
    /// Problems at byte offsets; lines and columns are found once, at the end.
    problems: Vec<(usize, String)>,
}

impl Checker<'_> {
    fn problem(&mut self, offset: usize, message: impl Into<String>) {
        self.problems.push((offset, message.into()));
    }

    fn finish(mut self) -> Vec<Problem> {
        self.problems.sort_by_key(|(offset, _)| *offset);
        let mut locator = Locator::new(self.source);
        let mut problems: Vec<Problem> = self
            .problems
            .into_iter()
            .map(|(offset, message)| {
                let (line, col) = locator.locate(offset);
                Problem { line, col, message }
            })
            .collect();
        problems.dedup();
        problems
    }

    fn raw_control_characters(&mut self) {
        let mut found = Vec::new();
        for (offset, c) in self.source.char_indices() {
            if is_forbidden(c) && !matches!(c, '\n' | '\r' | '\t') {
                found.push((offset, c));
            }
        }
        for (offset, c) in found {
            self.problem(
                offset,
                format!(
                    "control character U+{:04X} is not allowed in a tool file",
                    c as u32
                ),
            );
        }
    }

    fn tool(&mut self, root: &Spanned<Table<'_>>) -> Option<Tool> {
        let table = root.get_ref();
        self.unknown_keys(
            table,
            &[
                "id", "version", "title", "area", "summary", "scope", "scale", "aspects",
            ],
            "",
        );
        let at = root.span().start;
        let id = self.id(table, at, "id", "the tool");
        let version = self.version(table, at);
        let title = self.required_text(table, at, "title", "the tool");
        let area = self.required_text(table, at, "area", "the tool");
        let summary = self.optional_text(table, "summary");
        let scope = self.scope(table);
        let scale = self.scale(table);
        let aspects = self.aspects(table, at);
        Some(Tool {
            id: id?,
            version: version?,
            title: title?,
            area: area?,
            summary,
            scope: scope?,
            scale: scale?,
            aspects: aspects?,
        })
    }

    fn unknown_keys(&mut self, table: &Table<'_>, known: &[&str], context: &str) {
        for key in table.keys() {
            let name: &str = key.get_ref();
            if !known.contains(&name) {
                let hint = closest(name, known)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                self.problem(
                    key.span().start,
                    format!("unknown key `{}`{context}{hint}", visible(name)),
                );
            }
        }
    }

    fn get<'t, 'i>(table: &'t Table<'i>, key: &str) -> Option<&'t Value<'i>> {
        table.get(key)
    }

    fn string(&mut self, value: &Value<'_>, key: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => {
                if let Some((i, c)) = s
                    .char_indices()
                    .find(|(_, c)| is_forbidden(*c) && !matches!(c, '\n' | '\t'))
                {
                    let _ = i;
                    self.problem(
                        value.span().start,
                        format!(
                            "`{key}` contains control character U+{:04X}, which is not allowed",
                            c as u32
                        ),
                    );
                    return None;
                }
                Some(s.to_string())
            }
            other => {
                self.problem(
                    value.span().start,
                    format!("`{key}` must be a string, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn required_text(
        &mut self,
        table: &Table<'_>,
        at: usize,
        key: &str,
        owner: &str,
    ) -> Option<String> {
        let Some(value) = Self::get(table, key) else {
            self.problem(at, format!("{owner} is missing required key `{key}`"));
            return None;
        };
        let text = self.string(value, key)?;
        if text.trim().is_empty() {
            self.problem(value.span().start, format!("`{key}` must not be empty"));
            return None;
        }
        Some(crate::text::clean_multiline(text.trim()))
    }

    fn optional_text(&mut self, table: &Table<'_>, key: &str) -> Option<String> {
        let value = Self::get(table, key)?;
        let text = self.string(value, key)?;
        let text = text.trim();
        (!text.is_empty()).then(|| crate::text::clean_multiline(text))
    }

    fn id(&mut self, table: &Table<'_>, at: usize, key: &str, owner: &str) -> Option<String> {
        let Some(value) = Self::get(table, key) else {
            self.problem(at, format!("{owner} is missing required key `{key}`"));
            return None;
        };
        let id = self.string(value, key)?;
        if let Err(why) = check_id(&id) {
            self.problem(value.span().start, format!("bad id \"{id}\": {why}"));
            return None;
        }
        Some(id)
    }

    fn integer(&mut self, value: &Value<'_>, key: &str) -> Option<i64> {
        match value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.problem(value.span().start, format!("`{key}` is too large"));
                    None
                }
            },
            other => {
                self.problem(
                    value.span().start,
                    format!("`{key}` must be an integer, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn version(&mut self, table: &Table<'_>, at: usize) -> Option<u32> {
        let Some(value) = Self::get(table, "version") else {
            self.problem(at, "the tool is missing required key `version`");
            return None;
        };
        let n = self.integer(value, "version")?;
        match u32::try_from(n) {
            Ok(v) if v >= 1 => Some(v),
            _ => {
                self.problem(
                    value.span().start,
                    format!("`version` must be a positive integer, found {n}"),
                );
                None
            }
        }
    }

    fn scope(&mut self, table: &Table<'_>) -> Option<ToolScope> {
        let Some(value) = Self::get(table, "scope") else {
            return Some(ToolScope::School);
        };
        match self.string(value, "scope")?.as_str() {
            "school" => Some(ToolScope::School),
            "department" => Some(ToolScope::Department),
            other => {
                self.problem(
                    value.span().start,
                    format!("`scope` must be \"school\" or \"department\", found \"{other}\""),
                );
                None
            }
        }
    }

    fn scale(&mut self, table: &Table<'_>) -> Option<Scale> {
        let Some(value) = Self::get(table, "scale") else {
            return Some(Scale {
                levels: DEFAULT_LEVELS.iter().map(|s| s.to_string()).collect(),
                weak_up_to: Scale::default_weak_up_to(DEFAULT_LEVELS.len()),
            });
        };
        let DeValue::Table(scale) = value.get_ref() else {
            self.problem(
                value.span().start,
                format!(
                    "`scale` must be a table, found {}",
                    value.get_ref().type_str()
                ),
            );
            return None;
        };
        self.unknown_keys(scale, &["levels", "weak_up_to"], " in [scale]");
        let Some(levels_value) = Self::get(scale, "levels") else {
            self.problem(
                value.span().start,
                "[scale] is missing required key `levels`",
            );
            return None;
        };
        let DeValue::Array(items) = levels_value.get_ref() else {
            self.problem(
                levels_value.span().start,
                format!(
                    "`levels` must be an array of strings, found {}",
                    levels_value.get_ref().type_str()
                ),
            );
            return None;
        };
        let mut levels = Vec::new();
        let mut ok = true;
        for item in items.iter() {
            match self.string(item, "levels") {
                Some(s) if !s.trim().is_empty() => {
                    let s = crate::text::clean_line(s.trim());
                    if levels.contains(&s) {
                        self.problem(item.span().start, format!("level \"{s}\" appears twice"));
                        ok = false;
                    }
                    levels.push(s);
                }
                Some(_) => {
                    self.problem(item.span().start, "a level name must not be empty");
                    ok = false;
                }
                None => ok = false,
            }
        }
        if !(MIN_LEVELS..=MAX_LEVELS).contains(&items.len()) {
            self.problem(
                levels_value.span().start,
                format!(
                    "a scale needs {MIN_LEVELS} to {MAX_LEVELS} levels, found {}",
                    items.len()
                ),
            );
            ok = false;
        }
        let weak_up_to = match Self::get(scale, "weak_up_to") {
            None => Some(Scale::default_weak_up_to(items.len())),
            Some(w) => {
                let n = self.integer(w, "weak_up_to");
                let top = items.len() as i64 - 1;
                match n {
                    Some(n) if (1..=top).contains(&n) => Some(n as u8),
                    Some(n) => {
                        self.problem(
                            w.span().start,
                            format!(
                                "`weak_up_to` is {n}, outside the scale: it must be from 1 to {} so that at least the top level is not weak",
                                top.max(1)
                            ),
                        );
                        None
                    }
                    None => None,
                }
            }
        };
        if !ok {
            return None;
        }
        Some(Scale {
            levels,
            weak_up_to: weak_up_to?,
        })
    }

    fn array_of_tables<'t, 'i>(
        &mut self,
        table: &'t Table<'i>,
        at: usize,
        key: &str,
        owner: &str,
    ) -> Option<Vec<(&'t Table<'i>, usize)>> {
        let Some(value) = Self::get(table, key) else {
            self.problem(at, format!("{owner} is missing required key `{key}`"));
            return None;
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.problem(
                value.span().start,
                format!(
                    "`{key}` must be an array of tables ([[{key}]]), found {}",
                    value.get_ref().type_str()
                ),
            );
            return None;
        };
        if items.is_empty() {
            self.problem(value.span().start, format!("`{key}` must not be empty"));
            return None;
        }
        let mut tables = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => tables.push((t, item.span().start)),
                other => self.problem(
                    item.span().start,
                    format!(
                        "each entry of `{key}` must be a table, found {}",
                        other.type_str()
                    ),
                ),
            }
        }
        Some(tables)
    }

    fn aspects(&mut self, table: &Table<'_>, at: usize) -> Option<Vec<Aspect>> {
        let tables = self.array_of_tables(table, at, "aspects", "the tool")?;
        let mut seen = HashSet::new();
        let mut aspects = Vec::new();
        let mut ok = true;
        for (aspect, at) in tables {
            self.unknown_keys(aspect, &["id", "title", "statements"], " in [[aspects]]");
            let id = self.id(aspect, at, "id", "an aspect");
            if let Some(id) = &id {
                if !seen.insert(id.clone()) {
                    let where_ = aspect.get("id").map(|v| v.span().start).unwrap_or(at);
                    self.problem(where_, format!("duplicate aspect id \"{id}\""));
                    ok = false;
                }
            }
            let title = self.required_text(aspect, at, "title", "an aspect");
            let statements = self.statements(aspect, at);
            match (id, title, statements) {
                (Some(id), Some(title), Some(statements)) => aspects.push(Aspect {
                    id,
                    title,
                    statements,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(aspects)
    }

    fn statements(&mut self, aspect: &Table<'_>, at: usize) -> Option<Vec<Statement>> {
        let tables = self.array_of_tables(aspect, at, "statements", "an aspect")?;
        let mut seen = HashSet::new();
        let mut statements = Vec::new();
        let mut ok = true;
        for (statement, at) in tables {
            self.unknown_keys(
                statement,
                &["id", "text", "guidance", "draft"],
                " in [[aspects.statements]]",
            );
            let id = self.id(statement, at, "id", "a statement");
            if let Some(id) = &id {
                if !seen.insert(id.clone()) {
                    let where_ = statement.get("id").map(|v| v.span().start).unwrap_or(at);
                    self.problem(
                        where_,
                        format!("duplicate statement id \"{id}\" in this aspect"),
                    );
                    ok = false;
                }
            }
            let text = self.required_text(statement, at, "text", "a statement");
            let guidance = self.optional_text(statement, "guidance");
            let draft = self
                .optional_text(statement, "draft")
                .map(|d| crate::text::clean_line(&d));
            if let Some(d) = &draft {
                if d.chars().count() > DRAFT_CHARS {
                    let where_ = statement.get("draft").map(|v| v.span().start).unwrap_or(at);
                    self.problem(
                        where_,
                        format!("`draft` is a title for a plan action: at most {DRAFT_CHARS} characters"),
                    );
                    ok = false;
                }
            }
            match (id, text) {
                (Some(id), Some(text)) => statements.push(Statement {
                    id,
                    text,
                    guidance,
                    draft,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(statements)
    }
}

/// Most columns of a key name quoted in a message; longer ones are cut
/// with "…".
const MAX_QUOTED: usize = 80;

/// A name from the file as a message can show it: control characters and
/// bidi marks written as `\u{1b}` (never raw), cut between whole
/// characters if very long.
fn visible(name: &str) -> String {
    let mut out = String::new();
    let mut used = 0;
    for cluster in clusters(name) {
        let mut shown = String::new();
        for c in cluster.chars() {
            if is_forbidden(c) {
                shown.push_str(&format!("\\u{{{:x}}}", c as u32));
            } else {
                shown.push(c);
            }
        }
        used += width(&shown);
        if used > MAX_QUOTED {
            out.push(ELLIPSIS);
            break;
        }
        out.push_str(&shown);
    }
    out
}

/// Checks an id: 1 to 64 of a-z, 0-9 and '-', not starting or ending with '-'.
pub fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("an id must not be empty");
    }
    if id.len() > MAX_ID_LEN {
        return Err("an id must be at most 64 characters");
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("use only a-z, 0-9 and '-'");
    }
    if id.starts_with('-') || id.ends_with('-') {
        return Err("an id must not start or end with '-'");
    }
    Ok(())
}

/// The known key nearest to a misspelt one, if it is close enough to suggest.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}
