//! Chinese text for jiban: segmentation with jieba and the zone's domain dictionary, the terms that
//! go into the full-text index, the terms of a query, and highlighting.
//!
//! One [`Segmenter`] serves the whole process ([`segmenter`]): building jieba's dictionary costs
//! ~140 ms, segmenting afterwards runs at tens of MB/s.
//!
//! Search uses jieba's dictionary path only (no HMM guessing of unknown words), for both the
//! documents and the queries: the HMM decides by context, so an unknown word could be cut one way
//! in a sentence and another way when typed alone, and the search would miss it. Without HMM an
//! unknown word falls apart into single characters in both places, and a query matches those as a
//! phrase. Words the zone cares about (熔喷布, 专精特新, its departments and parks) are in the
//! domain dictionary `dict/domain.txt`, so they are whole words everywhere.
//!
//! ```
//! let s = jiban_lang::segmenter();
//! let doc = s.index_terms("我公司急需熔喷布原料，请帮忙对接供应商");
//! assert!(doc.iter().any(|t| t == "熔喷布"));
//! let q = s.query("熔喷布 供应商");
//! assert_eq!(q.groups(), &[vec!["熔喷布".to_string()], vec!["供应商".to_string()]]);
//! ```

use std::collections::HashSet;
use std::io::BufReader;
use std::sync::LazyLock;

use jieba_rs::Jieba;

/// The embedded domain dictionary.
pub const DOMAIN_DICT: &str = include_str!("../dict/domain.txt");

/// Function words that say nothing about a demand; never indexed, never searched.
const STOP: &[&str] = &[
    "的", "了", "是", "在", "和", "与", "及", "或", "等", "也", "都", "就", "还", "又", "把", "被",
    "给", "吗", "呢", "吧", "啊", "呀", "哦", "嗯", "着", "过", "之", "其", "该", "这", "那",
    "这个", "那个", "我", "你", "他", "她", "它", "我们", "你们", "他们", "我司", "贵", "请", "您",
    "一个", "一下",
];

/// The segmenter of this process.
pub fn segmenter() -> &'static Segmenter {
    static S: LazyLock<Segmenter> = LazyLock::new(Segmenter::new);
    &S
}

/// jieba with the default dictionary and jiban's domain dictionary.
pub struct Segmenter {
    jieba: Jieba,
    stop: HashSet<&'static str>,
}

impl Default for Segmenter {
    fn default() -> Self {
        Self::new()
    }
}

impl Segmenter {
    /// Builds the segmenter (~140 ms); prefer [`segmenter`].
    pub fn new() -> Self {
        let mut jieba = Jieba::new();
        for line in DOMAIN_DICT.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let word = parts.next().unwrap_or_default();
            let freq = parts.next().and_then(|f| f.parse::<usize>().ok());
            let tag = parts.next();
            // a domain word must win over the pieces the general dictionary knows
            let freq = freq.unwrap_or_else(|| jieba.suggest_freq(word).max(2000));
            jieba.add_word(word, Some(freq), tag);
        }
        // an empty user dictionary keeps the API shape for a zone's own words later
        let _ = jieba.load_dict(&mut BufReader::new("".as_bytes()));
        Self {
            jieba,
            stop: STOP.iter().copied().collect(),
        }
    }

    fn keep(&self, w: &str) -> bool {
        w.chars().any(|c| c.is_alphanumeric()) && !self.stop.contains(w)
    }

    /// The words of a text in accurate mode (with HMM for unknown words), without punctuation and
    /// function words, ASCII lower-cased: the features of the routing model.
    pub fn words(&self, text: &str) -> Vec<String> {
        self.jieba
            .cut(text, true)
            .into_iter()
            .map(|t| t.word.trim())
            .filter(|w| self.keep(w))
            .map(normalise)
            .collect()
    }

    /// The terms to index for a text, in order: jieba's search mode (a long word also yields the
    /// shorter words inside it), dictionary only, without punctuation and function words.
    pub fn index_terms(&self, text: &str) -> Vec<String> {
        self.jieba
            .cut_for_search(text, false)
            .into_iter()
            .map(|t| t.word.trim())
            .filter(|w| self.keep(w))
            .map(normalise)
            .collect()
    }

    /// A search query: every group must match (AND); a group of several terms is a phrase (the
    /// characters of an unknown word, which must stand next to each other).
    pub fn query(&self, q: &str) -> Query {
        let mut groups: Vec<Vec<String>> = Vec::new();
        for chunk in q.split_whitespace() {
            let mut run: Vec<String> = Vec::new();
            for t in self.jieba.cut(chunk, false) {
                let w = t.word.trim();
                if !self.keep(w) {
                    if !run.is_empty() {
                        groups.push(std::mem::take(&mut run));
                    }
                    continue;
                }
                let single = w.chars().count() == 1 && !w.is_ascii();
                if single {
                    run.push(normalise(w));
                } else {
                    if !run.is_empty() {
                        groups.push(std::mem::take(&mut run));
                    }
                    groups.push(vec![normalise(w)]);
                }
            }
            if !run.is_empty() {
                groups.push(run);
            }
        }
        let mut seen = HashSet::new();
        groups.retain(|g| seen.insert(g.clone()));
        Query { groups }
    }
}

fn normalise(w: &str) -> String {
    w.to_lowercase()
}

/// A parsed search query (see [`Segmenter::query`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    groups: Vec<Vec<String>>,
}

impl Query {
    /// The groups, each a word or a phrase of single characters.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    /// Whether nothing searchable is left (only punctuation or function words).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The strings to highlight: each group joined.
    pub fn highlight_terms(&self) -> Vec<String> {
        self.groups.iter().map(|g| g.concat()).collect()
    }

    /// The query in SQLite FTS5 syntax: `"a" AND "b c"`, each group a quoted phrase.
    pub fn to_fts5(&self) -> String {
        self.groups
            .iter()
            .map(|g| format!("\"{}\"", g.join(" ").replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The query in PostgreSQL `tsquery` input syntax: `'a' & ('b' <-> 'c')`.
    pub fn to_tsquery(&self) -> String {
        self.groups
            .iter()
            .map(|g| {
                let parts: Vec<String> = g.iter().map(|t| ts_lexeme(t)).collect();
                if parts.len() == 1 {
                    parts[0].clone()
                } else {
                    format!("({})", parts.join(" <-> "))
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// A lexeme quoted for PostgreSQL's `tsvector`/`tsquery` input.
pub fn ts_lexeme(t: &str) -> String {
    format!("'{}'", t.replace('\\', "\\\\").replace('\'', "''"))
}

/// Weighted index terms for PostgreSQL: the `tsvector` literal of fields with weights `A`..`D`,
/// positions counted across the fields (at most 16,383, as PostgreSQL allows).
pub fn tsvector_literal(fields: &[(&[String], char)]) -> String {
    let mut out = String::new();
    let mut pos = 0usize;
    for (terms, weight) in fields {
        for t in terms.iter() {
            pos = (pos + 1).min(16_383);
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&ts_lexeme(t));
            out.push(':');
            out.push_str(&pos.to_string());
            out.push(*weight);
        }
    }
    out
}

/// Byte ranges of `text` where any of `terms` occurs (case-insensitive for ASCII), merged and in
/// order: what the screen highlights.
pub fn highlight_ranges(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let lower = text.to_lowercase();
    // lower-casing may change byte lengths outside ASCII; fall back to the text itself then
    let hay = if lower.len() == text.len() {
        lower.as_str()
    } else {
        text
    };
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for t in terms.iter().filter(|t| !t.is_empty()) {
        let mut from = 0;
        while let Some(i) = hay[from..].find(t.as_str()) {
            let s = from + i;
            ranges.push((s, s + t.len()));
            from = s + t.len();
        }
    }
    ranges.sort();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// A window of `text` of about `max_chars` characters around the first highlighted term, with
/// `…` where it was cut.
pub fn snippet(text: &str, terms: &[String], max_chars: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= max_chars {
        return text.to_string();
    }
    let first = highlight_ranges(text, terms)
        .first()
        .map(|r| r.0)
        .unwrap_or(0);
    let at = chars.iter().position(|(b, _)| *b >= first).unwrap_or(0);
    let start = at.saturating_sub(max_chars / 4);
    let end = (start + max_chars).min(chars.len());
    let start = end.saturating_sub(max_chars);
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    s.extend(chars[start..end].iter().map(|(_, c)| c));
    if end < chars.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_words_are_whole_in_a_sentence() {
        let s = segmenter();
        for (text, word) in [
            ("我公司急需熔喷布原料请帮忙对接", "熔喷布"),
            ("申报专精特新小巨人需要哪些材料", "专精特新"),
            ("建设与公用事业管理部派人来看过", "建设与公用事业管理部"),
            ("厂区要做用电增容", "用电增容"),
        ] {
            let terms = s.index_terms(text);
            assert!(terms.iter().any(|t| t == word), "{word} in {terms:?}");
        }
    }

    #[test]
    fn a_long_word_is_also_indexed_by_its_parts() {
        let terms = segmenter().index_terms("中华人民共和国");
        for w in ["中华", "人民", "共和国", "中华人民共和国"] {
            assert!(terms.iter().any(|t| t == w), "{w} in {terms:?}");
        }
    }

    #[test]
    fn punctuation_and_function_words_are_dropped() {
        let terms = segmenter().index_terms("路灯坏了，的确很暗！！");
        assert!(terms.iter().all(|t| t != "，" && t != "了" && t != "！"));
        assert!(terms.iter().any(|t| t == "路灯"));
        assert!(segmenter().query("的，了！").is_empty());
    }

    #[test]
    fn an_unknown_word_becomes_a_phrase_of_characters() {
        let s = segmenter();
        let q = s.query("犇鑫");
        assert_eq!(q.groups(), &[vec!["犇".to_string(), "鑫".to_string()]]);
        assert_eq!(q.to_fts5(), "\"犇 鑫\"");
        assert_eq!(q.to_tsquery(), "('犇' <-> '鑫')");
        let doc = s.index_terms("泉湖镇犇鑫五金店门口堆物");
        let pos = |w: &str| doc.iter().position(|t| t == w).unwrap();
        assert_eq!(pos("鑫"), pos("犇") + 1);
    }

    #[test]
    fn ascii_is_case_insensitive_and_quotes_are_escaped() {
        let s = segmenter();
        assert!(
            s.index_terms("申请5G基站入园")
                .iter()
                .any(|t| t == "5g基站")
        );
        // quotes cannot come out of the segmenter, but the encoders must hold if they ever do
        let q = Query {
            groups: vec![vec!["a\"b".into()], vec!["o'neil".into(), "x".into()]],
        };
        assert_eq!(q.to_fts5(), "\"a\"\"b\" AND \"o'neil x\"");
        assert_eq!(q.to_tsquery(), "'a\"b' & ('o''neil' <-> 'x')");
    }

    #[test]
    fn tsvector_literal_has_positions_and_weights() {
        let a = vec!["路灯".to_string()];
        let b = vec!["不亮".to_string(), "it's".to_string()];
        assert_eq!(
            tsvector_literal(&[(&a, 'A'), (&b, 'B')]),
            "'路灯':1A '不亮':2B 'it''s':3B"
        );
    }

    #[test]
    fn highlights_and_snippets() {
        let text = "锦绣路与文华路口的路灯不亮，路灯杆也歪了";
        let r = highlight_ranges(text, &["路灯".into()]);
        assert_eq!(r.len(), 2);
        assert_eq!(&text[r[0].0..r[0].1], "路灯");
        let long = format!("{}熔喷布{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&long, &["熔喷布".into()], 40);
        assert!(s.starts_with('…') && s.ends_with('…') && s.contains("熔喷布"));
        assert!(s.chars().count() <= 42);
    }
}
