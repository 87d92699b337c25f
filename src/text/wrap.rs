//! Wrapping and shortening text by the columns it takes on screen: the one
//! place the whole app does it.
//!
//! Text is measured and cut by grapheme cluster, what a reader sees as one
//! character: `é` written as `e` and a combining accent, a flag (two
//! regional indicators), a family emoji (several emoji joined by ZWJ), a
//! Hangul syllable written as jamo. A cut never falls inside one, so no
//! accent is left dangling and no emoji is split in half. Each cluster is
//! counted as the screen buffer draws it, so a line that fits here fits
//! on screen.
//!
//! Where a line may break is decided by textwrap, by the Unicode line
//! breaking rules (after spaces, between CJK ideographs, after a slash in
//! a path), and lines are filled first-fit: as many words as fit, then the
//! next line.

use textwrap::core::Fragment;
use textwrap::wrap_algorithms::wrap_first_fit;
use textwrap::WordSeparator;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};
use unicode_width::UnicodeWidthStr;

/// Marks where text was cut; one column wide.
pub const ELLIPSIS: char = '…';

/// Columns one grapheme cluster takes on screen, as the screen buffer
/// counts it: the cluster's width as a whole, plus one for each halfwidth
/// (semi-)voiced sound mark, which terminals draw in a cell of its own.
pub fn cluster_width(cluster: &str) -> usize {
    let marks = cluster
        .chars()
        .filter(|c| matches!(c, '\u{FF9E}' | '\u{FF9F}'))
        .count();
    cluster.width() + marks
}

/// The grapheme clusters of `text`, in order.
pub fn clusters(text: &str) -> impl DoubleEndedIterator<Item = &str> {
    text.graphemes(true)
}

/// Columns `text` takes on screen.
pub fn width(text: &str) -> usize {
    // Printable ASCII, most text: one column a byte.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return text.len();
    }
    text.graphemes(true).map(cluster_width).sum()
}

/// Splits `text` into lines no wider than `width` columns (a width of 0 is
/// taken as 1). Runs of spaces and line breaks between words count as one
/// space (no-break spaces stay and hold their words together); lines break
/// where the Unicode rules allow, and a word wider than a line is split
/// between grapheme clusters. Only a single cluster wider than the whole
/// line (an ideograph at width 1) can make a line wider than `width`: it
/// is given a line of its own. Always at least one line, empty for empty
/// text.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut line = text
        .split(|c: char| c.is_whitespace() && !is_no_break_space(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    // A space at the end, never shown: textwrap 0.16.2 loses the last
    // break of a line that ends in "-" (it takes the last break it finds
    // for the end of the line), and nothing ends in "-" this way.
    line.push(' ');
    let mut pieces = Vec::new();
    for (body, spaces) in words(&line) {
        let columns = self::width(body);
        if columns <= width {
            pieces.push(Piece {
                text: body,
                columns,
                spaces,
            });
        } else {
            split_word(body, spaces, width, &mut pieces);
        }
    }
    wrap_first_fit(&pieces, &[width as f64])
        .into_iter()
        .map(|row| {
            let mut out = String::new();
            for (i, piece) in row.iter().enumerate() {
                out.push_str(piece.text);
                if i + 1 < row.len() {
                    out.extend(std::iter::repeat_n(' ', piece.spaces));
                }
            }
            out
        })
        .collect()
}

/// `text` in at most `width` columns: whole if it fits, else its start with
/// "…" after it. Empty at width 0.
pub fn shorten(text: &str, width: usize) -> String {
    // No character is wider in columns than in bytes, so text of no more
    // bytes than `width` fits without measuring.
    if text.len() <= width || self::width(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = start_within(text, width - 1).to_string();
    out.push(ELLIPSIS);
    out
}

/// `text` in at most `width` columns: whole if it fits, else its start and
/// its end with "…" between, so a long path keeps its file name. The end
/// gets two thirds of the room, as a path's end (its file name) says most.
pub fn shorten_middle(text: &str, width: usize) -> String {
    if self::width(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1;
    let tail_room = room * 2 / 3;
    let head = start_within(text, room - tail_room);
    let mut used = 0;
    let mut tail_start = text.len();
    for (at, cluster) in text.grapheme_indices(true).rev() {
        used += cluster_width(cluster);
        if used > tail_room || at < head.len() {
            break;
        }
        tail_start = at;
    }
    format!("{head}{ELLIPSIS}{}", &text[tail_start..])
}

/// The longest start of `text` that fits in `width` columns, cut between
/// grapheme clusters; no ellipsis.
pub fn start_within(text: &str, width: usize) -> &str {
    let mut used = 0;
    for (at, cluster) in text.grapheme_indices(true) {
        used += cluster_width(cluster);
        if used > width {
            return &text[..at];
        }
    }
    text
}

/// `text` in exactly `width` columns, for a table's column: cut between
/// grapheme clusters if longer (no ellipsis), padded with spaces if shorter.
pub fn fill_column(text: &str, width: usize) -> String {
    let start = start_within(text, width);
    let pad = width - self::width(start);
    let mut out = String::with_capacity(start.len() + pad);
    out.push_str(start);
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Spaces that must not break a line.
fn is_no_break_space(c: char) -> bool {
    matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// A run of text that is never split across lines, and the spaces after it.
#[derive(Debug)]
struct Piece<'a> {
    text: &'a str,
    columns: usize,
    spaces: usize,
}

impl Fragment for Piece<'_> {
    fn width(&self) -> f64 {
        self.columns as f64
    }

    fn whitespace_width(&self) -> f64 {
        self.spaces as f64
    }

    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// The words of `line` as textwrap's Unicode line breaking finds them, each
/// with the number of spaces after it. A break the rules would allow inside
/// a grapheme cluster is not taken: the two sides stay one word.
fn words(line: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for word in WordSeparator::UnicodeBreakProperties.find_words(line) {
        end += word.word.len() + word.whitespace.len();
        let mut cursor = GraphemeCursor::new(end, line.len(), true);
        if end < line.len() && cursor.is_boundary(line, 0) != Ok(true) {
            continue;
        }
        let chunk = &line[start..end];
        let body = chunk.trim_end_matches(' ');
        out.push((body, chunk.len() - body.len()));
        start = end;
    }
    if start < line.len() {
        let chunk = &line[start..];
        let body = chunk.trim_end_matches(' ');
        out.push((body, chunk.len() - body.len()));
    }
    out
}

/// A word wider than a line, in pieces of at most `width` columns cut
/// between grapheme clusters; the last piece keeps the spaces after it.
/// A word may hold a space where the rules forbid a break (before a "/",
/// say): where a cut falls beside it, it goes after the piece before the
/// cut, as the space between two words would.
fn split_word<'a>(word: &'a str, spaces: usize, width: usize, pieces: &mut Vec<Piece<'a>>) {
    let first = pieces.len();
    let mut start = 0;
    let mut columns = 0;
    for (at, cluster) in word.grapheme_indices(true) {
        let w = cluster_width(cluster);
        if columns > 0 && columns + w > width {
            push_piece(pieces, &word[start..at], columns, 0);
            start = at;
            columns = 0;
        }
        if columns == 0 && cluster == " " && pieces.len() > first {
            if let Some(last) = pieces.last_mut() {
                last.spaces += 1;
            }
            start = at + 1;
            continue;
        }
        columns += w;
    }
    push_piece(pieces, &word[start..], columns, spaces);
}

/// Adds a piece, its trailing spaces counted as the space after it.
fn push_piece<'a>(pieces: &mut Vec<Piece<'a>>, text: &'a str, columns: usize, spaces: usize) {
    let body = text.trim_end_matches(' ');
    let trailing = text.len() - body.len();
    pieces.push(Piece {
        text: body,
        columns: columns - trailing,
        spaces: spaces + trailing,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn clusters(text: &str) -> Vec<&str> {
        text.graphemes(true).collect()
    }

    /// No cluster of any result is a piece of a cluster of the source.
    fn whole_clusters(source: &str, parts: &[String]) {
        let known = clusters(source);
        for part in parts {
            for c in part.graphemes(true) {
                assert!(
                    known.contains(&c) || c == " " || c == "…",
                    "{c:?} is part of a cluster in {source:?}"
                );
            }
        }
    }

    #[test]
    fn plain_text_wraps_at_spaces() {
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("aaaa bbbb", 9), vec!["aaaa bbbb"]);
        assert_eq!(wrap("aaaa bbbb", 8), vec!["aaaa", "bbbb"]);
        assert_eq!(wrap("  aaaa \n\n bbbb  ", 20), vec!["aaaa bbbb"]);
        assert_eq!(wrap("a verylongword", 7), vec!["a", "verylon", "gword"]);
        assert_eq!(wrap("Y3-Y6 only", 4), vec!["Y3-Y", "6", "only"]);
        assert_eq!(wrap("25\u{A0}Nov", 4), vec!["25\u{A0}N", "ov"]);
        // No break is allowed before a "/" even after a space; the space
        // still goes where a cut falls. A line may end in "-".
        assert_eq!(wrap("aaaa /", 2), vec!["aa", "aa", "/"]);
        assert_eq!(wrap("ab /cd", 3), vec!["ab", "/cd"]);
        assert_eq!(wrap("aaaa -", 2), vec!["aa", "aa", "-"]);
    }

    #[test]
    fn accents_written_as_combining_marks_stay_on_their_letter() {
        let text = "e\u{301}".repeat(7);
        let lines = wrap(&text, 3);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "e\u{301}".repeat(3));
        assert_eq!(lines[2], "e\u{301}");
        whole_clusters(&text, &lines);
        let short = shorten(&text, 4);
        assert_eq!(short, format!("{}…", "e\u{301}".repeat(3)));
        assert_eq!(width(&short), 4);
        let middle = shorten_middle(&text, 4);
        assert_eq!(middle, format!("e\u{301}…{}", "e\u{301}".repeat(2)));
    }

    #[test]
    fn a_family_emoji_is_one_two_column_character() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(width(family), 2);
        let text = family.repeat(4);
        let lines = wrap(&text, 3);
        assert_eq!(lines, vec![family; 4]);
        assert_eq!(shorten(&text, 4), format!("{family}…"));
        assert_eq!(shorten(&text, 5), format!("{family}{family}…"));
        assert_eq!(shorten(family, 2), family);
        assert_eq!(shorten_middle(family, 2), family);
        let middle = shorten_middle(&text, 7);
        assert_eq!(middle, format!("{family}…{family}{family}"));
        whole_clusters(&text, &[middle]);
    }

    #[test]
    fn flags_are_never_split_into_letters() {
        let text = "\u{1F1EC}\u{1F1E7}\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}";
        assert_eq!(width(text), 6);
        let lines = wrap(text, 3);
        assert_eq!(
            lines,
            vec![
                "\u{1F1EC}\u{1F1E7}",
                "\u{1F1EB}\u{1F1F7}",
                "\u{1F1E9}\u{1F1EA}"
            ]
        );
        let short = shorten(text, 4);
        assert_eq!(short, "\u{1F1EC}\u{1F1E7}…");
        whole_clusters(text, &[short, shorten_middle(text, 4)]);
    }

    #[test]
    fn hangul_written_as_jamo_is_one_syllable() {
        let syllable = "\u{1112}\u{1161}\u{11AB}";
        let text = syllable.repeat(3);
        assert_eq!(width(&text), 6);
        assert_eq!(wrap(&text, 3), vec![syllable; 3]);
        assert_eq!(shorten(&text, 4), format!("{syllable}…"));
    }

    #[test]
    fn ideographs_at_odd_widths_leave_a_column_free() {
        assert_eq!(wrap("中文中文中", 5), vec!["中文", "中文", "中"]);
        assert_eq!(wrap("中文 中文", 3), vec!["中", "文", "中", "文"]);
        assert_eq!(shorten("中文中文中", 6), "中文…");
        assert_eq!(shorten("中文中文中", 5), "中文…");
        assert_eq!(shorten_middle("中文学校报告", 7), "中…报告");
        assert_eq!(shorten_middle("中文学校报告", 4), "…告");
    }

    #[test]
    fn widths_of_nothing_and_one_column() {
        assert_eq!(shorten("abc", 0), "");
        assert_eq!(shorten_middle("abc", 0), "");
        assert_eq!(shorten("", 0), "");
        assert_eq!(shorten("abc", 1), "…");
        assert_eq!(shorten_middle("abc", 1), "…");
        assert_eq!(wrap("ab", 0), vec!["a", "b"]);
        assert_eq!(wrap("e\u{301}f", 1), vec!["e\u{301}", "f"]);
        // A cluster wider than the line cannot be split: it stands alone.
        assert_eq!(wrap("中a", 1), vec!["中", "a"]);
        assert_eq!(shorten("中", 1), "…");
        assert_eq!(start_within("中", 1), "");
        assert_eq!(fill_column("中文", 3), "中 ");
        assert_eq!(fill_column("e\u{301}", 3), "e\u{301}  ");
        assert_eq!(fill_column("abc", 0), "");
    }

    #[test]
    fn a_long_path_keeps_its_file_name() {
        let path = "Written to /home/liaison/Documents/Reports/2026/Oakfield Primary School/governors-autumn.html";
        let short = shorten_middle(path, 40);
        assert_eq!(width(&short), 40);
        assert!(short.starts_with("Written to"), "{short}");
        assert!(short.ends_with("governors-autumn.html"), "{short}");
        assert_eq!(shorten_middle("fits", 10), "fits");
    }

    /// Text made of pieces that are hard to cut: combining accents, flags,
    /// a family emoji, jamo, ideographs, and plain words and spaces.
    fn awkward_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("e\u{301}".to_string()),
            Just("\u{1F1EC}\u{1F1E7}".to_string()),
            Just("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}".to_string()),
            Just("\u{1112}\u{1161}\u{11AB}".to_string()),
            Just("\u{1F44D}\u{1F3FD}".to_string()),
            Just("中".to_string()),
            Just("-".to_string()),
            Just("/".to_string()),
            Just(" ".to_string()),
            "[a-z]{1,6}",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn lines_fit_and_give_back_the_text(text in awkward_text(), width in 2usize..30) {
            let lines = wrap(&text, width);
            for line in &lines {
                prop_assert!(super::width(line) <= width, "{line:?} wider than {width}");
            }
            // The words of the text, cluster by cluster, are the lines'
            // clusters less the spaces at the breaks.
            let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
            let flat = words.join(" ");
            let mut rest = flat.as_str();
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    rest = rest.strip_prefix(' ').unwrap_or(rest);
                }
                prop_assert!(rest.starts_with(line.as_str()), "{line:?} is not next in {rest:?}");
                rest = &rest[line.len()..];
                prop_assert!(
                    rest.is_empty() || flat.is_char_boundary(flat.len() - rest.len()),
                    "cut inside a character"
                );
                let joined = format!("{line}{rest}");
                prop_assert_eq!(
                    clusters(&joined)[..clusters(line).len()].concat(),
                    line.clone(),
                    "{:?} ends inside a cluster", line
                );
            }
            prop_assert!(rest.is_empty(), "{rest:?} left over");
        }

        #[test]
        fn shortened_text_fits_and_keeps_whole_clusters(text in awkward_text(), width in 0usize..30) {
            for short in [shorten(&text, width), shorten_middle(&text, width)] {
                prop_assert!(super::width(&short) <= width, "{short:?} wider than {width}");
                let known = clusters(&text);
                for c in short.graphemes(true) {
                    prop_assert!(known.contains(&c) || c == "…", "{c:?} cut from a cluster");
                }
            }
        }
    }
}
