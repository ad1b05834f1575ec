//! The letter itself: its parts (after GB/T 9704-2012) and the standard wording of each tier.

use jiban_assess::{DocNo, LetterTier, Period, UnitMetrics};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, UtcOffset};

use crate::LetterError;

/// Beijing time, in which the zone's dates are written.
const BEIJING: UtcOffset = time::macros::offset!(+8);

/// A warning letter (提醒函 / 预警函 / 督办函), ready to be rendered as PDF or .docx.
///
/// The fields are the 公文 elements of GB/T 9704-2012: 版头 (`issuer`, `doc_no`), 主体 (`title`,
/// `addressee`, `body`, `signer`, `date`) and 版记 (`cc`). Build one with [`Letter::compose`] for
/// the standard wording, or fill the fields yourself (an edited letter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    pub tier: LetterTier,
    /// 发文机关 of the 版头, printed in red: `云岭经济技术开发区管理委员会督查室`.
    pub issuer: String,
    /// 发文字号 with 〔〕: `经开督〔2025〕12号`.
    pub doc_no: String,
    /// 标题: `关于向阳街道办事处考核排名情况的提醒函`. A `\n` marks where a long title breaks
    /// (回行 keeping words whole); lines too long for the 版心 are also broken where they must.
    pub title: String,
    /// 主送机关, without the colon: `向阳街道办事处`.
    pub addressee: String,
    /// 正文, one entry per paragraph (each indented two characters). The rectification deadline of
    /// a 督办函 is **not** part of it: it is written from `rectify_by` (see [`Letter::paragraphs`]).
    pub body: Vec<String>,
    /// 整改期限 of a 督办函 (the day by which the unit reports its rectification).
    pub rectify_by: Option<Date>,
    /// 发文机关署名 (落款).
    pub signer: String,
    /// 成文日期, written `2025年11月24日`.
    pub date: Date,
    /// 抄送机关 of the 版记, separated by “、” or “，”: `管委会办公室、经济发展部`.
    pub cc: Option<String>,
}

/// The facts a letter is written from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterFacts {
    pub tier: LetterTier,
    /// 发文机关 (版头): `云岭经济技术开发区管理委员会督查室`.
    pub issuer: String,
    /// 落款; usually the same as `issuer`.
    pub signer: String,
    /// 发文字号, e.g. from `jiban_assess::format_doc_no`; typed brackets (`[]`, `【】`, `()` …) are
    /// written back with 〔〕.
    pub doc_no: String,
    /// The unit the letter is addressed to (主送机关): `向阳街道办事处`.
    pub unit: String,
    /// The assessment period in words, e.g. [`period_text`]: `2025年11月17日至11月23日`.
    pub period: String,
    /// Why the letter is sent: `LetterDecision::reason` (`连续 3 期排名末位（本期第 4 名，共 4 名）`).
    pub reason: String,
    /// The unit's figures in words, e.g. [`metrics_text`]; empty to leave them out.
    pub metrics: String,
    /// 成文日期.
    pub date: Date,
    /// 整改期限: required for a 督办函 (`rectification_due` of the assessment crate), refused
    /// otherwise.
    pub rectify_by: Option<Date>,
    /// 抄送.
    pub cc: Option<String>,
}

/// Characters of 2号 in a line of the 版心 (156 mm / 22 pt).
const TITLE_CHARS: usize = 20;

/// The closing formula of the standard wording; the rectification deadline goes before it.
const CLOSING: &str = "特此函告。";

impl Letter {
    /// The letter with the standard wording of its tier. Errors when a text field is empty, the
    /// 文号 cannot be read, or the rectification deadline is missing from a 督办函 (or given to
    /// another tier, or not after the date of the letter).
    pub fn compose(facts: LetterFacts) -> Result<Letter, LetterError> {
        for (value, what) in [
            (&facts.issuer, "发文机关"),
            (&facts.signer, "落款"),
            (&facts.unit, "主送机关"),
            (&facts.period, "考核期"),
            (&facts.reason, "发函事由"),
        ] {
            if value.trim().is_empty() {
                return Err(LetterError::Invalid(format!("{what}不能为空")));
            }
        }
        let doc_no = DocNo::parse(facts.doc_no.trim())
            .map_err(|e| LetterError::Invalid(e.to_string()))?
            .to_string();
        match (facts.tier, facts.rectify_by) {
            (LetterTier::Supervision, None) => {
                return Err(LetterError::Invalid("督办函须写明整改期限".into()));
            }
            (LetterTier::Supervision, Some(by)) if by <= facts.date => {
                return Err(LetterError::Invalid("整改期限应晚于成文日期".into()));
            }
            (LetterTier::Reminder | LetterTier::Warning, Some(_)) => {
                return Err(LetterError::Invalid(format!(
                    "{}不设整改期限",
                    facts.tier.label()
                )));
            }
            _ => {}
        }

        let unit = facts.unit.trim();
        let signer = facts.signer.trim();
        let (lead, rest) = match facts.tier {
            LetterTier::Reminder => (format!("关于{unit}"), "考核排名情况的提醒函"),
            LetterTier::Warning => (format!("关于{unit}"), "考核排名情况的预警函"),
            LetterTier::Supervision => (format!("关于督促{unit}"), "限期整改的督办函"),
        };
        // a title too long for one line breaks after the unit's name, not in a word
        let title = if (lead.chars().count() + rest.chars().count()) > TITLE_CHARS {
            format!("{lead}\n{rest}")
        } else {
            format!("{lead}{rest}")
        };

        let mut facts_paragraph = format!(
            "按照园区群众诉求办理考核评价工作安排，{}对{}各单位诉求办理情况进行了综合考核排名。经统计，你单位{}。",
            we(signer),
            tidy(&facts.period),
            tidy(facts.reason.trim().trim_end_matches(['。', '；', ';']))
        );
        let metrics = tidy(facts.metrics.trim().trim_end_matches(['。', '；', ';']));
        if !metrics.is_empty() {
            facts_paragraph.push_str(&format!("本期主要指标：{metrics}。"));
        }

        let body: Vec<String> = match facts.tier {
            LetterTier::Reminder => vec![
                facts_paragraph,
                "群众诉求办理质效直接关系群众切身利益，是检验干部作风和营商环境的重要标尺。请你单位高度重视，对照考核指标认真查找工单签收、办理、答复等环节存在的问题，压实办理责任，加强跟踪督促，切实提高按期办结率和群众满意率。".into(),
                CLOSING.into(),
            ],
            LetterTier::Warning => vec![
                facts_paragraph,
                "上述情况反映出你单位在诉求办理工作中仍存在责任落实不到位、办理质效不高等问题，现予以预警。请你单位主要负责同志亲自过问，逐件梳理考核期内超期、退单和群众不满意的工单，深入分析原因，制定切实可行的改进措施。".into(),
                format!("请将有关情况书面报送{signer}。如后续考核情况仍无明显改善，将按规定予以督办。"),
                CLOSING.into(),
            ],
            LetterTier::Supervision => vec![
                facts_paragraph,
                "鉴于你单位诉求办理工作存在的问题未得到有效解决，根据考核评价有关规定，决定对你单位予以督办。现将有关要求函告如下：".into(),
                "一、请你单位主要负责同志切实履行第一责任人职责，专题研究部署整改工作，对考核期内超期未办结、退单和群众不满意的工单逐件复查，能解决的立即解决，一时难以解决的明确办理时限，并向诉求人做好解释说明。".into(),
                "二、针对签收、办理、答复、回访等环节的薄弱问题，健全内部工单流转和跟踪督办机制，明确责任科室和责任人，确保群众诉求件件有着落、事事有回音。".into(),
                CLOSING.into(),
            ],
        };

        Ok(Letter {
            tier: facts.tier,
            issuer: facts.issuer.trim().to_string(),
            doc_no,
            title,
            addressee: unit.to_string(),
            body,
            rectify_by: facts.rectify_by,
            signer: signer.to_string(),
            date: facts.date,
            cc: facts
                .cc
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
        })
    }

    /// The rectification paragraph of a 督办函, written from `rectify_by`.
    pub fn deadline_paragraph(&self) -> Option<String> {
        self.rectify_by.map(|by| {
            format!(
                "请你单位于{}前完成整改，并将整改落实情况（包括问题原因、整改措施、责任人及完成时限）书面报送{}。逾期未报送或整改不到位的，将予以通报，并纳入年度综合考核。",
                date_text(by),
                self.signer
            )
        })
    }

    /// The paragraphs of the 正文 as printed: `body`, with the rectification paragraph of a 督办函
    /// before a closing formula (`特此函告。`, any short last paragraph starting with 特此) or at the
    /// end.
    pub fn paragraphs(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .body
            .iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if let Some(deadline) = self.deadline_paragraph() {
            let closing = out
                .last()
                .is_some_and(|p| p.starts_with("特此") && p.chars().count() <= 8);
            let at = if closing { out.len() - 1 } else { out.len() };
            out.insert(at, deadline);
        }
        out
    }

    /// The title in one line, without its line breaks.
    pub fn title_text(&self) -> String {
        self.title.split('\n').map(str::trim).collect()
    }

    /// The 成文日期 as printed: `2025年11月24日`.
    pub fn date_text(&self) -> String {
        date_text(self.date)
    }

    /// A file name for the letter: `经开督〔2025〕12号-督办函`.
    pub fn file_stem(&self) -> String {
        let safe: String = self
            .doc_no
            .chars()
            .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
            .collect();
        format!("{safe}-{}", self.tier.label())
    }
}

/// How the issuing body calls itself: 我室, 我办, 我局, 我委, 我中心 … or 我们.
fn we(signer: &str) -> String {
    const ENDINGS: [(&str, &str); 8] = [
        ("委员会", "委"),
        ("中心", "中心"),
        ("室", "室"),
        ("办", "办"),
        ("局", "局"),
        ("部", "部"),
        ("处", "处"),
        ("委", "委"),
    ];
    ENDINGS
        .iter()
        .find(|(end, _)| signer.ends_with(end))
        .map_or_else(|| "我们".to_string(), |(_, short)| format!("我{short}"))
}

/// A date as official documents write it: the full year, month and day without leading zeros,
/// `2025年11月24日` (GB/T 9704-2012 §7.3.5).
pub fn date_text(date: Date) -> String {
    format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// An assessment period in words (Beijing time): `2025年11月17日至11月23日`, one day
/// `2025年11月17日`, across years `2025年12月29日至2026年1月4日`.
pub fn period_text(period: &Period) -> String {
    let first = period.from.to_offset(BEIJING).date();
    let last = (period.to.to_offset(BEIJING) - Duration::nanoseconds(1)).date();
    if last <= first {
        return date_text(first);
    }
    let end = if last.year() == first.year() {
        format!("{}月{}日", u8::from(last.month()), last.day())
    } else {
        date_text(last)
    };
    format!("{}至{}", date_text(first), end)
}

fn percent(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

/// A unit's figures in words, for the letter: `收件23件，签收及时率83.3%，按期办结率60%，……，
/// 综合得分65.00分`. Figures without a value (nothing to count) are left out.
pub fn metrics_text(m: &UnitMetrics) -> String {
    let mut parts = vec![format!("收件{}件", m.received)];
    let rates = [
        ("签收及时率", m.signed_on_time.rate()),
        ("按期办结率", m.resolved_on_time.rate()),
        ("解决率", m.resolved.rate()),
        ("满意率", m.satisfied.rate()),
        ("退单率", m.returned.rate()),
        ("重办率", m.reworked.rate()),
    ];
    for (name, rate) in rates {
        if let Some(r) = rate {
            parts.push(format!("{name}{}", percent(r)));
        }
    }
    if m.overdue_now > 0 {
        parts.push(format!("当前超期{}件", m.overdue_now));
    }
    if let Some(c) = m.composite {
        parts.push(format!("综合得分{c:.2}分"));
    }
    parts.join("，")
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31C0..=0x31EF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Removes the spaces that screens put between Chinese and figures (`第 4 名` → `第4名`): printed
/// documents have none.
pub(crate) fn tidy(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = out.chars().next_back();
            let next = chars[i + 1..].iter().copied().find(|&n| n != ' ');
            if prev.is_none_or(is_cjk) || next.is_none_or(is_cjk) || prev == Some(' ') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_are_written_without_leading_zeros() {
        assert_eq!(date_text(date!(2025 - 01 - 05)), "2025年1月5日");
        assert_eq!(date_text(date!(2025 - 11 - 24)), "2025年11月24日");
    }

    #[test]
    fn periods_in_words() {
        let p = Period::week(date!(2025 - 11 - 19), datetime!(2025-11-24 08:00 +8)).unwrap();
        assert_eq!(period_text(&p), "2025年11月17日至11月23日");
        let p = Period::days(
            date!(2025 - 12 - 29),
            date!(2026 - 01 - 04),
            datetime!(2026-01-05 08:00 +8),
        )
        .unwrap();
        assert_eq!(period_text(&p), "2025年12月29日至2026年1月4日");
        let p = Period::days(
            date!(2025 - 12 - 29),
            date!(2025 - 12 - 29),
            datetime!(2026-01-05 08:00 +8),
        )
        .unwrap();
        assert_eq!(period_text(&p), "2025年12月29日");
    }

    #[test]
    fn spaces_between_chinese_and_figures_go() {
        assert_eq!(
            tidy("连续 3 期排名末位（本期第 4 名，共 4 名）"),
            "连续3期排名末位（本期第4名，共4名）"
        );
        assert_eq!(tidy("满意率 70% 低于 80%"), "满意率70%低于80%");
        assert_eq!(tidy("Wi-Fi  router 2"), "Wi-Fi router 2");
    }
}
