//! Line breaking of Chinese text: a line may break between any two Chinese characters, between
//! words of Latin text and at spaces, except before closing punctuation (避头: ，。、；：？！）》 …)
//! and after opening punctuation (避尾: （《“ …). Lines other than the last of a paragraph are
//! justified (两端对齐) by spreading the room left at the gaps next to Chinese characters.

use crate::letter::is_cjk;

/// Never at the start of a line.
const NO_START: &str = "，。、；：？！）》」』】〕〉〗”’…—·～%‰,.;:?!)]}";
/// Never at the end of a line.
const NO_END: &str = "（《「『【〔〈〖“‘([{";

/// Slack for rounding when comparing widths, in em.
const EPS: f32 = 1e-3;

/// One line: the glyphs `start..end` (trailing spaces left out), in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LineBox {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Space before the first glyph (the paragraph's first-line indent).
    pub(crate) indent: f32,
    /// Width of the glyphs, indent excluded.
    pub(crate) natural: f32,
    /// Extra room added after each glyph followed by a stretchable gap ([`stretchable`]).
    pub(crate) stretch: f32,
}

/// Whether the justification may widen the gap between `a` and `b` (not inside a Latin word).
pub(crate) fn stretchable(a: char, b: char) -> bool {
    is_cjk(a) || is_cjk(b) || a == ' ' || b == ' '
}

/// `true` at the glyphs before which a line may break.
fn break_opportunities(chars: &[char]) -> Vec<bool> {
    let n = chars.len();
    let mut can = vec![false; n];
    for i in 1..n {
        let (a, b) = (chars[i - 1], chars[i]);
        let between = if a == ' ' || b == ' ' {
            // break before a space (it is dropped) and after the last one
            b == ' ' && a != ' ' || a == ' ' && b != ' '
        } else {
            is_cjk(a) || is_cjk(b)
        };
        can[i] = between && !NO_START.contains(b) && !NO_END.contains(a);
    }
    can
}

/// Breaks `items` (each character with its advance, in em) into lines of at most `max` em, the
/// first indented by `indent`. With `justify` every line but the last is stretched to `max`.
pub(crate) fn break_lines(
    items: &[(char, f32)],
    max: f32,
    indent: f32,
    justify: bool,
) -> Vec<LineBox> {
    let chars: Vec<char> = items.iter().map(|(c, _)| *c).collect();
    let can = break_opportunities(&chars);
    let n = items.len();
    let skip_spaces = |mut i: usize| {
        while i < n && chars[i] == ' ' {
            i += 1;
        }
        i
    };
    let mut lines = Vec::new();
    let mut start = skip_spaces(0);
    let mut indent_now = indent;
    let mut width = indent_now;
    let mut i = start;
    while i < n {
        let w = items[i].1;
        if width + w > max + EPS && i > start {
            let mut at = (start + 1..=i).rev().find(|&b| can[b]).unwrap_or(i);
            if at <= start {
                at = i;
            }
            lines.push(finish(items, start, at, indent_now));
            start = skip_spaces(at);
            indent_now = 0.0;
            width = 0.0;
            i = start;
            continue;
        }
        width += w;
        i += 1;
    }
    if start < n || lines.is_empty() {
        lines.push(finish(items, start.min(n), n, indent_now));
    }
    if justify {
        let last = lines.len() - 1;
        for line in &mut lines[..last] {
            let gaps = (line.start..line.end.saturating_sub(1))
                .filter(|&j| stretchable(chars[j], chars[j + 1]))
                .count();
            let room = max - line.indent - line.natural;
            if gaps > 0 && room > EPS {
                let per_gap = room / gaps as f32;
                // a line left short by a long word stays ragged rather than gappy
                if per_gap <= 0.5 {
                    line.stretch = per_gap;
                }
            }
        }
    }
    lines
}

fn finish(items: &[(char, f32)], start: usize, end: usize, indent: f32) -> LineBox {
    let mut end = end;
    while end > start && items[end - 1].0 == ' ' {
        end -= 1;
    }
    LineBox {
        start,
        end,
        indent,
        natural: items[start..end].iter().map(|(_, w)| w).sum(),
        stretch: 0.0,
    }
}

/// Lines of a centred title, balanced: as many as needed within `max`, of even lengths (a long
/// title in two lines is cut near its middle rather than leaving a word on the second line).
pub(crate) fn balanced_lines(items: &[(char, f32)], max: f32) -> Vec<LineBox> {
    let lines = break_lines(items, max, 0.0, false);
    if lines.len() < 2 {
        return lines;
    }
    let total: f32 = items.iter().map(|(_, w)| w).sum();
    let mut width = (total / lines.len() as f32).ceil();
    while width < max {
        let tried = break_lines(items, width, 0.0, false);
        if tried.len() == lines.len() {
            return tried;
        }
        width += 0.5;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(s: &str) -> Vec<(char, f32)> {
        s.chars()
            .map(|c| (c, if is_cjk(c) { 1.0 } else { 0.5 }))
            .collect()
    }

    fn texts(s: &str, lines: &[LineBox]) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        lines
            .iter()
            .map(|l| chars[l.start..l.end].iter().collect())
            .collect()
    }

    #[test]
    fn chinese_breaks_anywhere_at_the_width() {
        let s = "一二三四五六七八九十一二三";
        let lines = break_lines(&items(s), 5.0, 2.0, true);
        assert_eq!(texts(s, &lines), ["一二三", "四五六七八", "九十一二三"]);
        assert_eq!(lines[0].indent, 2.0);
        assert_eq!(lines[1].indent, 0.0);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let s = "一二三四五，六七";
        let lines = break_lines(&items(s), 5.0, 0.0, true);
        assert_eq!(texts(s, &lines), ["一二三四", "五，六七"]);
        // the short line is justified to the full width
        assert!((lines[0].natural + 3.0 * lines[0].stretch - 5.0).abs() < 1e-4);
        assert_eq!(lines[1].stretch, 0.0);
    }

    #[test]
    fn opening_punctuation_never_ends_a_line() {
        let s = "一二三四（五）六";
        let lines = break_lines(&items(s), 5.0, 0.0, false);
        assert_eq!(texts(s, &lines), ["一二三四", "（五）六"]);
    }

    #[test]
    fn figures_and_words_stay_whole() {
        let s = "一二三83.3%四";
        let lines = break_lines(&items(s), 4.0, 0.0, false);
        assert_eq!(texts(s, &lines), ["一二三", "83.3%四"]);
        let s = "see the report";
        let lines = break_lines(&items(s), 4.0, 0.0, false);
        assert_eq!(texts(s, &lines), ["see the", "report"]);
    }

    #[test]
    fn an_overlong_word_is_cut() {
        let s = "abcdefghij";
        let lines = break_lines(&items(s), 2.0, 0.0, false);
        assert_eq!(texts(s, &lines), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn empty_text_is_one_empty_line() {
        let lines = break_lines(&[], 5.0, 2.0, true);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].start, lines[0].end);
    }

    #[test]
    fn titles_are_balanced() {
        let s = "一二三四五六七八九十一二";
        let lines = balanced_lines(&items(s), 10.0);
        assert_eq!(texts(s, &lines), ["一二三四五六", "七八九十一二"]);
    }
}
