//! Duplicate detection (重复件): how likely two demands are the same matter.
//!
//! The text similarity is the cosine of the two demands' feature sets (jieba words and character
//! bigrams, see [`crate::features`]), each feature weighted by its inverse document frequency in
//! the routing model — so "停电" shared by two complaints counts, "公司" hardly. The same
//! enterprise and the same grid add to the score; they never make a duplicate alone, because one
//! enterprise raises many different demands and one grid holds many different potholes. Demands
//! further apart than the window are never compared.
//!
//! Precision matters more than recall (a wrong merge hides a demand), so the default threshold is
//! set high; `jiban route-eval --duplicates` and the tests report both on the labelled set
//! `corpus/duplicates.csv`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::{Model, features, is_bigram};

/// A demand as the detector sees it.
#[derive(Debug, Clone)]
pub struct DupDoc {
    pub enterprise: Option<String>,
    pub grid: Option<String>,
    /// When it arrived, in days (any origin, fractional allowed).
    pub day: f64,
    /// [`crate::features`] of its text.
    pub features: Vec<String>,
    /// The model's three likeliest categories of its text, with confidences.
    pub categories: Vec<(String, f64)>,
}

impl DupDoc {
    pub fn new(
        model: &Model,
        enterprise: Option<String>,
        grid: Option<String>,
        day: f64,
        text: &str,
    ) -> Self {
        let mut f = features(text);
        let categories = model
            .suggest_features(&f, 3)
            .candidates
            .into_iter()
            .map(|c| (c.category, c.confidence))
            .collect();
        f.sort();
        f.dedup();
        DupDoc {
            enterprise,
            grid,
            day,
            features: f,
            categories,
        }
    }

    /// How much two documents agree on what kind of demand they are (0..1): the overlap of
    /// their category distributions.
    pub fn category_overlap(&self, other: &DupDoc) -> f64 {
        self.categories
            .iter()
            .map(|(c, p)| {
                other
                    .categories
                    .iter()
                    .find(|(d, _)| d == c)
                    .map(|(_, q)| p.min(*q))
                    .unwrap_or(0.0)
            })
            .sum()
    }
}

/// The threshold of the list shown while a case is entered: lower than the sweep's, because the
/// intake operator judges each candidate before merging.
pub const INTAKE_THRESHOLD: f64 = 0.2;

/// Detector settings.
#[derive(Debug, Clone, Copy)]
pub struct DupConfig {
    /// Demands further apart than this many days are never duplicates.
    pub window_days: f64,
    /// Scores at or above this are reported (the nightly sweep's default favours precision).
    pub threshold: f64,
}

impl Default for DupConfig {
    fn default() -> Self {
        DupConfig {
            window_days: 30.0,
            threshold: 0.3,
        }
    }
}

/// A likely duplicate: the score (0..1) and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DupMatch {
    pub score: f64,
    pub text_similarity: f64,
    pub same_enterprise: bool,
    pub same_grid: bool,
    /// How much the model agrees on the two demands' category (0..1).
    pub category_overlap: f64,
    pub days_apart: f64,
    /// The shared words that weigh most.
    pub shared_words: Vec<String>,
}

impl DupMatch {
    /// The reason in words, for the screen: 同一企业；同一网格；相隔 2 天；文本相似度 0.72（停电、锦绣路）.
    pub fn reason(&self) -> String {
        let mut parts = Vec::new();
        if self.same_enterprise {
            parts.push("同一企业".to_string());
        }
        if self.same_grid {
            parts.push("同一网格".to_string());
        }
        parts.push(format!("相隔 {:.0} 天", self.days_apart.abs().floor()));
        let mut t = format!("文本相似度 {:.2}", self.text_similarity);
        if !self.shared_words.is_empty() {
            t.push_str(&format!("（{}）", self.shared_words.join("、")));
        }
        parts.push(t);
        parts.join("；")
    }
}

/// Text similarity of two documents: idf-weighted cosine of their feature sets, and the shared
/// words that weigh most.
pub fn text_similarity(model: &Model, a: &DupDoc, b: &DupDoc) -> (f64, Vec<String>) {
    let w = |f: &str| model.idf(f);
    let norm = |d: &DupDoc| d.features.iter().map(|f| w(f).powi(2)).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return (0.0, Vec::new());
    }
    let bset: HashSet<&str> = b.features.iter().map(String::as_str).collect();
    let mut dot = 0.0;
    let mut shared: Vec<(f64, &str)> = Vec::new();
    for f in &a.features {
        if bset.contains(f.as_str()) {
            let x = w(f).powi(2);
            dot += x;
            if !is_bigram(f) && f.chars().count() >= 2 {
                shared.push((x, f));
            }
        }
    }
    shared.sort_by(|x, y| y.0.total_cmp(&x.0));
    let words = shared.iter().take(4).map(|(_, f)| f.to_string()).collect();
    (dot / (na * nb), words)
}

/// Scores a pair; `None` when outside the window.
pub fn score(model: &Model, cfg: &DupConfig, a: &DupDoc, b: &DupDoc) -> Option<DupMatch> {
    let days = (a.day - b.day).abs();
    if days > cfg.window_days {
        return None;
    }
    let (sim, words) = text_similarity(model, a, b);
    let same =
        |x: &Option<String>, y: &Option<String>| matches!((x, y), (Some(p), Some(q)) if p == q);
    let same_enterprise = same(&a.enterprise, &b.enterprise);
    let same_grid = same(&a.grid, &b.grid);
    // the text carries the decision; a shared enterprise or grid only tips a close call, and a
    // different known enterprise argues against
    let mut s = sim;
    if same_enterprise {
        s += 0.12;
    } else if a.enterprise.is_some() && b.enterprise.is_some() {
        s -= 0.15;
    }
    if same_grid {
        s += 0.08;
    } else if a.grid.is_some() && b.grid.is_some() {
        s -= 0.1;
    }
    s -= 0.004 * days;
    // two texts about different kinds of demand (a loan and a hiring drive of one enterprise,
    // a street light and a guard rail on one road) are not one matter however many names they
    // share: scale by how much the model agrees on their category
    let overlap = a.category_overlap(b);
    s *= 0.2 + 0.8 * overlap;
    Some(DupMatch {
        score: (s.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
        text_similarity: (sim * 1000.0).round() / 1000.0,
        same_enterprise,
        same_grid,
        category_overlap: (overlap * 1000.0).round() / 1000.0,
        days_apart: days,
        shared_words: words,
    })
}

/// All likely duplicate pairs `(i, j, match)` with `i < j` among many documents, without comparing
/// every pair: documents are blocked by their rarest features (a pair must share one of each
/// other's eight rarest features, or the enterprise, or the grid).
pub fn find_pairs(
    model: &Model,
    cfg: &DupConfig,
    docs: &[DupDoc],
) -> Vec<(usize, usize, DupMatch)> {
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let mut rare: Vec<(f64, &String)> = d
            .features
            .iter()
            .filter(|f| !is_bigram(f))
            .map(|f| (model.idf(f), f))
            .collect();
        rare.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, f) in rare.iter().take(8) {
            blocks.entry(format!("w:{f}")).or_default().push(i);
        }
        if let Some(e) = &d.enterprise {
            blocks.entry(format!("e:{e}")).or_default().push(i);
        }
        if let Some(g) = &d.grid {
            blocks.entry(format!("g:{g}")).or_default().push(i);
        }
    }
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();
    for members in blocks.values() {
        // a block as large as a tenth of everything is a common word, not evidence
        if members.len() > 2000 {
            continue;
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (i, j) = if i < j { (i, j) } else { (j, i) };
                if i == j || !seen.insert((i, j)) {
                    continue;
                }
                if let Some(m) = score(model, cfg, &docs[i], &docs[j])
                    && m.score >= cfg.threshold
                {
                    out.push((i, j, m));
                }
            }
        }
    }
    out.sort_by(|a, b| b.2.score.total_cmp(&a.2.score));
    out
}

/// A labelled case of the duplicate evaluation set.
#[derive(Debug, Clone)]
pub struct LabelledDup {
    pub cluster: u32,
    pub doc: DupDoc,
    pub text: String,
}

/// The built-in labelled duplicate set.
pub fn labelled_set(model: &Model) -> Vec<LabelledDup> {
    parse_labelled(model, include_str!("../corpus/duplicates.csv"))
        .expect("the labelled set parses")
}

/// Reads `cluster,enterprise,grid,day,text` CSV.
pub fn parse_labelled(model: &Model, data: &str) -> Result<Vec<LabelledDup>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(data.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("第 {line} 行无法读取：{e}"))?;
        let field = |k: usize| rec.get(k).unwrap_or("").trim().to_string();
        let opt = |s: String| (!s.is_empty()).then_some(s);
        let cluster = field(0)
            .parse()
            .map_err(|_| format!("第 {line} 行 cluster 不是整数"))?;
        let day: f64 = field(3)
            .parse()
            .map_err(|_| format!("第 {line} 行 day 不是数字"))?;
        let text = field(4);
        out.push(LabelledDup {
            cluster,
            doc: DupDoc::new(model, opt(field(1)), opt(field(2)), day, &text),
            text,
        });
    }
    Ok(out)
}

/// Precision and recall of the detector on a labelled set, over pairs.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct DupEvaluation {
    pub true_pairs: usize,
    pub reported: usize,
    pub correct: usize,
}

impl DupEvaluation {
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.reported.max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.true_pairs.max(1) as f64
    }
}

/// Evaluates [`find_pairs`] on a labelled set.
pub fn evaluate_duplicates(model: &Model, cfg: &DupConfig, set: &[LabelledDup]) -> DupEvaluation {
    let docs: Vec<DupDoc> = set.iter().map(|l| l.doc.clone()).collect();
    let pairs = find_pairs(model, cfg, &docs);
    let mut true_pairs = 0;
    for i in 0..set.len() {
        for j in i + 1..set.len() {
            if set[i].cluster == set[j].cluster {
                true_pairs += 1;
            }
        }
    }
    let correct = pairs
        .iter()
        .filter(|(i, j, _)| set[*i].cluster == set[*j].cluster)
        .count();
    DupEvaluation {
        true_pairs,
        reported: pairs.len(),
        correct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_matter_in_other_words_is_a_duplicate() {
        let m = Model::builtin();
        let cfg = DupConfig::default();
        let a = DupDoc::new(
            &m,
            None,
            Some("G1".into()),
            0.0,
            "锦绣路与文华路口东南角井盖丢了，晚上很危险",
        );
        let b = DupDoc::new(
            &m,
            None,
            Some("G1".into()),
            1.0,
            "来电人反映锦绣路文华路路口东南角的井盖缺失，请尽快处理",
        );
        let c = DupDoc::new(
            &m,
            None,
            Some("G1".into()),
            1.0,
            "锦绣路中段的路灯连续几晚不亮",
        );
        let ab = score(&m, &cfg, &a, &b).unwrap();
        assert!(ab.score >= cfg.threshold, "{ab:?}");
        assert!(ab.reason().contains("同一网格"), "{}", ab.reason());
        assert!(ab.shared_words.iter().any(|w| w == "井盖"), "{ab:?}");
        let ac = score(&m, &cfg, &a, &c).unwrap();
        assert!(ac.score < cfg.threshold, "{ac:?}");
        // outside the window: never
        let late = DupDoc {
            day: 45.0,
            ..b.clone()
        };
        assert!(score(&m, &cfg, &a, &late).is_none());
    }

    #[test]
    fn labelled_set_precision_and_recall() {
        let m = Model::builtin();
        let set = labelled_set(&m);
        assert!(set.len() >= 300);
        // the nightly sweep's threshold: precision first, a wrong merge hides a demand
        let ev = evaluate_duplicates(&m, &DupConfig::default(), &set);
        assert!(ev.precision() >= 0.9, "{ev:?} p={:.3}", ev.precision());
        assert!(ev.recall() >= 0.12, "{ev:?} r={:.3}", ev.recall());
        // the intake list's threshold: an operator judges each, so more are shown
        let cfg = DupConfig {
            threshold: INTAKE_THRESHOLD,
            ..DupConfig::default()
        };
        let ev = evaluate_duplicates(&m, &cfg, &set);
        assert!(ev.precision() >= 0.75, "{ev:?} p={:.3}", ev.precision());
        assert!(ev.recall() >= 0.4, "{ev:?} r={:.3}", ev.recall());
    }
}
