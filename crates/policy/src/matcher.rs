//! The boolean fast path: many items against many enterprises.
//!
//! Each rule is compiled, with `Not` pushed down to the leaves, into a flat program (pre-order,
//! every instruction knowing where its subtree ends, so `All` / `Any` short-circuit by jumping).
//! Facts are compacted once per enterprise: tags as a `u128` bitset, street and band as small
//! indices, size as a `u8`, the industry code as bytes, numbers as `f64` with NaN for unknown.
//!
//! Items are indexed by cheap necessary conditions taken from the conjunctive top of their rule
//! (size, street, band, required tags): an enterprise only runs the programs of the items of its
//! (size, street) bucket whose band mask and required tags it meets.

use std::collections::HashMap;

use jiban_core::DomainError;
use time::Date;

use crate::model::{
    Catalog, Facts, Rule, finite, founded_years, growth, hi, intensity, lo, norm_industry,
    norm_prefix,
};
use crate::validate::{CODE, FIELD};

/// The identifier of a policy item in a [`Matcher`].
pub type ItemId = u32;

/// Index of a street or band that is given but not in the catalog.
const UNKNOWN: u8 = 126;
/// Index of a street or band that is not given.
const MISSING: u8 = 127;
/// Most streets / bands a catalog may have for the matcher.
pub const MAX_CODES: usize = 126;
/// Most tags a catalog may have for the matcher.
pub const MAX_TAGS: usize = 128;

const SLOT_YEARS: u16 = 0;
const SLOT_EMPLOYEES: u16 = 1;
const SLOT_REVENUE: u16 = 2;
const SLOT_GROWTH: u16 = 3;
const SLOT_RD: u16 = 4;
const SLOT_INDICATORS: u16 = 5;

/// A normalised industry code or prefix (`C3911`, `C39`, `C`): at most 5 ASCII bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Code5 {
    pub(crate) bytes: [u8; 5],
    pub(crate) len: u8,
}

impl Code5 {
    fn new(s: &str) -> Option<Code5> {
        let b = s.as_bytes();
        if b.len() > 5 {
            return None;
        }
        let mut bytes = [0; 5];
        bytes[..b.len()].copy_from_slice(b);
        Some(Code5 {
            bytes,
            len: b.len() as u8,
        })
    }

    #[inline]
    fn starts_with(&self, p: &Code5) -> bool {
        p.len <= self.len && self.bytes[..p.len as usize] == p.bytes[..p.len as usize]
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    All,
    Any,
    Industry {
        start: u32,
        len: u32,
    },
    /// A bit test on one word of [`CompactFacts::words`]: `test` 0 = any bit of `mask`,
    /// 1 = all bits, 2 = no bit.
    Set {
        word: u8,
        test: u8,
        mask: u128,
    },
    Num {
        slot: u16,
        min: f64,
        max: f64,
    },
}

const W_TAGS: u8 = 0;
const W_SIZE: u8 = 1;
const W_STREET: u8 = 2;
const W_BAND: u8 = 3;
const W_HAZARD: u8 = 4;
/// Number of bit words of [`CompactFacts`].
pub(crate) const WORDS: usize = 5;
pub(crate) const TEST_ANY: u8 = 0;
pub(crate) const TEST_ALL: u8 = 1;
pub(crate) const TEST_NONE: u8 = 2;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Instr {
    pub(crate) op: Op,
    /// For leaves: the result is inverted (a leaf with an unknown fact fails either way).
    pub(crate) neg: bool,
    /// Index one past the last instruction of this subtree.
    pub(crate) end: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub(crate) id: ItemId,
    pub(crate) root: u32,
    pub(crate) band_mask: u128,
    pub(crate) tags_req: u128,
}

/// Compiled items, ready to be matched against [`CompactFacts`].
#[derive(Debug, Clone)]
pub struct Matcher {
    tag_ix: HashMap<String, u8>,
    street_ix: HashMap<String, u8>,
    band_ix: HashMap<String, u8>,
    indicator_ix: HashMap<String, u16>,
    pub(crate) code: Vec<Instr>,
    pub(crate) prefixes: Vec<Code5>,
    pub(crate) items: Vec<Item>,
    /// `size * street_slots + street_slot` → items (indices into `items`, ascending).
    pub(crate) buckets: Vec<Vec<u32>>,
    street_slots: usize,
}

/// The facts of one enterprise, compacted for a [`Matcher`] (see [`CompactFacts::new`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CompactFacts {
    size: u8,
    street: u8,
    pub(crate) band: u8,
    tags: u128,
    /// Tags, size, street, band, “no hazard” as bit words (see `W_*`).
    pub(crate) words: [u128; WORDS],
    /// Whether each word's fact is unknown.
    pub(crate) missing: [bool; WORDS],
    pub(crate) industry: Option<Code5>,
    pub(crate) nums: Vec<f64>,
}

fn size_ix(s: jiban_core::size::SizeClass) -> u8 {
    use jiban_core::size::SizeClass;
    match s {
        SizeClass::Large => 0,
        SizeClass::Medium => 1,
        SizeClass::Small => 2,
        SizeClass::Micro => 3,
    }
}

fn index(list: impl Iterator<Item = String>) -> HashMap<String, u8> {
    let mut m = HashMap::new();
    for (i, s) in list.enumerate() {
        m.entry(s).or_insert(i as u8);
    }
    m
}

fn mask(ix: &HashMap<String, u8>, codes: &[String]) -> u128 {
    codes
        .iter()
        .filter_map(|c| ix.get(c))
        .fold(0, |m, &i| m | 1u128 << i)
}

impl CompactFacts {
    /// Compacts `facts` evaluated on `today` for `matcher`. Tags, streets, bands and indicators
    /// outside the matcher's catalog are kept as “given but matching nothing”.
    pub fn new(facts: &Facts, today: Date, matcher: &Matcher) -> CompactFacts {
        let code_of = |ix: &HashMap<String, u8>, v: &Option<String>| match v {
            None => MISSING,
            Some(s) => ix.get(s).copied().unwrap_or(UNKNOWN),
        };
        let mut nums = vec![f64::NAN; SLOT_INDICATORS as usize + matcher.indicator_ix.len()];
        nums[SLOT_YEARS as usize] = facts
            .founded_on
            .map_or(f64::NAN, |d| founded_years(d, today));
        nums[SLOT_EMPLOYEES as usize] = finite(facts.employees).unwrap_or(f64::NAN);
        nums[SLOT_REVENUE as usize] = finite(facts.revenue_wan).unwrap_or(f64::NAN);
        nums[SLOT_GROWTH as usize] = growth(facts.revenue_wan, facts.revenue_last_year_wan);
        nums[SLOT_RD as usize] = intensity(facts.rd_spend_wan, facts.revenue_wan);
        for (code, v) in &facts.indicators {
            if let Some(&i) = matcher.indicator_ix.get(code)
                && v.is_finite()
            {
                nums[(SLOT_INDICATORS + i) as usize] = *v;
            }
        }
        let size = size_ix(facts.size_class);
        let street = code_of(&matcher.street_ix, &facts.street);
        let band = code_of(&matcher.band_ix, &facts.band);
        let tags = facts
            .tags
            .iter()
            .filter_map(|t| matcher.tag_ix.get(t))
            .fold(0, |m, &i| m | 1u128 << i);
        let bit = |i: u8| if i == MISSING { 0 } else { 1u128 << i };
        CompactFacts {
            size,
            street,
            band,
            tags,
            words: [
                tags,
                bit(size),
                bit(street),
                bit(band),
                u128::from(facts.serious_hazards == 0),
            ],
            missing: [false, false, street == MISSING, band == MISSING, false],
            industry: norm_industry(&facts.industry_code).and_then(|c| Code5::new(&c)),
            nums,
        }
    }
}

/// Necessary conditions of a rule, from its conjunctive top.
struct Pre {
    size: u8,
    street: u128,
    band: u128,
    tags: u128,
}

/// Evaluation cost class, to put cheap leaves first (the result does not depend on the order).
fn cost(r: &Rule) -> u8 {
    match r {
        Rule::Size { .. }
        | Rule::Street { .. }
        | Rule::Band { .. }
        | Rule::TagsAll { .. }
        | Rule::TagsAny { .. }
        | Rule::TagsNone { .. }
        | Rule::NoSeriousHazard => 0,
        Rule::FoundedYears { .. }
        | Rule::Employees { .. }
        | Rule::Revenue { .. }
        | Rule::RevenueGrowth { .. }
        | Rule::RdIntensity { .. }
        | Rule::Indicator { .. } => 1,
        Rule::Industry { .. } => 2,
        Rule::Not { rule } => cost(rule),
        Rule::All { .. } | Rule::Any { .. } => 3,
    }
}

impl Matcher {
    /// Validates (see [`Rule::validate`]; the message is prefixed with “条目 {id}：”) and compiles
    /// the items. The catalog may have at most [`MAX_TAGS`] tags and [`MAX_CODES`] streets and
    /// bands (error field `catalog`, code `validation.policy_catalog`).
    pub fn new(items: &[(ItemId, Rule)], catalog: &Catalog) -> Result<Matcher, DomainError> {
        if catalog.tags.len() > MAX_TAGS
            || catalog.streets.len() > MAX_CODES
            || catalog.bands.len() > MAX_CODES
            || catalog.indicators.len() > usize::from(u16::MAX - SLOT_INDICATORS)
        {
            return Err(DomainError::new(
                "catalog",
                "validation.policy_catalog",
                format!("标签至多 {MAX_TAGS} 个，街道和五色图色标各至多 {MAX_CODES} 个"),
            ));
        }
        let mut m = Matcher {
            tag_ix: index(catalog.tags.iter().cloned()),
            street_ix: index(catalog.streets.iter().map(|s| s.0.clone())),
            band_ix: index(catalog.bands.iter().map(|s| s.0.clone())),
            indicator_ix: catalog
                .indicators
                .iter()
                .enumerate()
                .map(|(i, (c, _))| (c.clone(), i as u16))
                .collect(),
            code: Vec::new(),
            prefixes: Vec::new(),
            items: Vec::with_capacity(items.len()),
            buckets: Vec::new(),
            street_slots: catalog.streets.len() + 2,
        };
        let mut pres = Vec::with_capacity(items.len());
        for (id, rule) in items {
            rule.validate(catalog)
                .map_err(|e| DomainError::new(FIELD, CODE, format!("条目 {id}：{}", e.message)))?;
            let root = m.code.len() as u32;
            m.compile(rule, false);
            let mut pre = Pre {
                size: 0xF,
                street: u128::MAX,
                band: u128::MAX,
                tags: 0,
            };
            m.necessary(rule, false, &mut pre);
            m.items.push(Item {
                id: *id,
                root,
                band_mask: pre.band,
                tags_req: pre.tags,
            });
            pres.push(pre);
        }
        let n = catalog.streets.len();
        for size in 0..4u8 {
            for slot in 0..m.street_slots {
                let bit = match slot {
                    s if s < n => s as u8,
                    s if s == n => UNKNOWN,
                    _ => MISSING,
                };
                m.buckets.push(
                    pres.iter()
                        .enumerate()
                        .filter(|(_, p)| p.size >> size & 1 == 1 && p.street >> bit & 1 == 1)
                        .map(|(i, _)| i as u32)
                        .collect(),
                );
            }
        }
        Ok(m)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Shorthand for [`CompactFacts::new`].
    pub fn compact(&self, facts: &Facts, today: Date) -> CompactFacts {
        CompactFacts::new(facts, today, self)
    }

    fn compile(&mut self, rule: &Rule, neg: bool) {
        let op = match rule {
            Rule::Not { rule } => return self.compile(rule, !neg),
            Rule::All { rules } | Rule::Any { rules } => {
                let conj = matches!(rule, Rule::All { .. }) != neg;
                let at = self.code.len();
                self.code.push(Instr {
                    op: if conj { Op::All } else { Op::Any },
                    neg: false,
                    end: 0,
                });
                let mut order: Vec<&Rule> = rules.iter().collect();
                order.sort_by_key(|r| cost(r));
                for r in order {
                    self.compile(r, neg);
                }
                self.code[at].end = self.code.len() as u32;
                return;
            }
            Rule::Industry { prefixes } => {
                let start = self.prefixes.len() as u32;
                self.prefixes.extend(
                    prefixes
                        .iter()
                        .filter_map(|p| norm_prefix(p).and_then(|p| Code5::new(&p))),
                );
                let len = self.prefixes.len() as u32 - start;
                Op::Industry { start, len }
            }
            Rule::Size { classes } => Op::Set {
                word: W_SIZE,
                test: TEST_ANY,
                mask: classes.iter().fold(0, |m, c| m | 1 << size_ix(*c)),
            },
            Rule::Street { streets } => Op::Set {
                word: W_STREET,
                test: TEST_ANY,
                mask: mask(&self.street_ix, streets),
            },
            Rule::Band { bands } => Op::Set {
                word: W_BAND,
                test: TEST_ANY,
                mask: mask(&self.band_ix, bands),
            },
            Rule::TagsAll { tags } => Op::Set {
                word: W_TAGS,
                test: TEST_ALL,
                mask: mask(&self.tag_ix, tags),
            },
            Rule::TagsAny { tags } => Op::Set {
                word: W_TAGS,
                test: TEST_ANY,
                mask: mask(&self.tag_ix, tags),
            },
            Rule::TagsNone { tags } => Op::Set {
                word: W_TAGS,
                test: TEST_NONE,
                mask: mask(&self.tag_ix, tags),
            },
            Rule::FoundedYears { min, max } => num(SLOT_YEARS, *min, *max),
            Rule::Employees { min, max } => num(SLOT_EMPLOYEES, *min, *max),
            Rule::Revenue { min, max } => num(SLOT_REVENUE, *min, *max),
            Rule::RevenueGrowth { min, max } => num(SLOT_GROWTH, *min, *max),
            Rule::RdIntensity { min, max } => num(SLOT_RD, *min, *max),
            Rule::Indicator { code, min, max } => {
                let i = self.indicator_ix[code];
                num(SLOT_INDICATORS + i, *min, *max)
            }
            Rule::NoSeriousHazard => Op::Set {
                word: W_HAZARD,
                test: TEST_ANY,
                mask: 1,
            },
        };
        let end = self.code.len() as u32 + 1;
        self.code.push(Instr { op, neg, end });
    }

    fn necessary(&self, rule: &Rule, neg: bool, pre: &mut Pre) {
        const KNOWN_OR_UNKNOWN: u128 = !(1u128 << MISSING);
        match rule {
            Rule::Not { rule } => self.necessary(rule, !neg, pre),
            Rule::All { rules } if !neg => rules.iter().for_each(|r| self.necessary(r, neg, pre)),
            Rule::Any { rules } if neg => rules.iter().for_each(|r| self.necessary(r, neg, pre)),
            Rule::Size { classes } => {
                let m: u8 = classes.iter().fold(0, |m, c| m | 1 << size_ix(*c));
                pre.size &= if neg { !m & 0xF } else { m };
            }
            Rule::Street { streets } => {
                let m = mask(&self.street_ix, streets);
                pre.street &= if neg { !m & KNOWN_OR_UNKNOWN } else { m };
            }
            Rule::Band { bands } => {
                let m = mask(&self.band_ix, bands);
                pre.band &= if neg { !m & KNOWN_OR_UNKNOWN } else { m };
            }
            Rule::TagsAll { tags } if !neg => pre.tags |= mask(&self.tag_ix, tags),
            _ => {}
        }
    }

    fn eval(&self, pc: usize, f: &CompactFacts) -> bool {
        let ins = &self.code[pc];
        match ins.op {
            Op::All => self.group(pc, true, f),
            Op::Any => self.group(pc, false, f),
            _ => self.leaf(ins, f),
        }
    }

    /// `All` (`conj`) or `Any`: short-circuits; leaves are evaluated inline.
    #[inline]
    fn group(&self, pc: usize, conj: bool, f: &CompactFacts) -> bool {
        let end = self.code[pc].end as usize;
        let mut c = pc + 1;
        while c < end {
            let ch = &self.code[c];
            let r = match ch.op {
                Op::All | Op::Any => self.eval(c, f),
                _ => self.leaf(ch, f),
            };
            if r != conj {
                return !conj;
            }
            c = ch.end as usize;
        }
        conj
    }

    #[inline(always)]
    fn leaf(&self, ins: &Instr, f: &CompactFacts) -> bool {
        match ins.op {
            Op::Set { word, test, mask } => {
                let w = word as usize;
                let hit = f.words[w] & mask;
                let raw = [hit != 0, hit == mask, hit == 0][test as usize];
                (raw != ins.neg) & !f.missing[w]
            }
            Op::Num { slot, min, max } => {
                let v = f.nums[slot as usize];
                ((v >= min) & (v <= max)) != ins.neg && !v.is_nan()
            }
            Op::Industry { start, len } => match &f.industry {
                None => false,
                Some(code) => {
                    self.prefixes[start as usize..(start + len) as usize]
                        .iter()
                        .any(|p| code.starts_with(p))
                        != ins.neg
                }
            },
            Op::All | Op::Any => unreachable!("groups are not leaves"),
        }
    }

    /// The (size, street) bucket of the enterprise: an index into `buckets`.
    #[inline]
    pub(crate) fn bucket(&self, f: &CompactFacts) -> usize {
        let n = self.street_slots - 2;
        let slot = match f.street {
            s if (s as usize) < n => s as usize,
            UNKNOWN => n,
            _ => n + 1,
        };
        usize::from(f.size) * self.street_slots + slot
    }

    #[inline]
    fn candidates(&self, f: &CompactFacts) -> &[u32] {
        &self.buckets[self.bucket(f)]
    }

    /// The items the enterprise qualifies for, in the order they were given.
    pub fn matches<'a>(&'a self, f: &'a CompactFacts) -> impl Iterator<Item = ItemId> + 'a {
        self.candidates(f).iter().filter_map(move |&i| {
            let it = &self.items[i as usize];
            (it.band_mask >> f.band & 1 == 1
                && f.tags & it.tags_req == it.tags_req
                && self.eval(it.root as usize, f))
            .then_some(it.id)
        })
    }

    /// Appends the items the enterprise qualifies for to `out` (see [`matches`](Self::matches)).
    pub fn matches_into(&self, f: &CompactFacts, out: &mut Vec<ItemId>) {
        out.extend(self.matches(f));
    }

    /// Whether the enterprise qualifies for the item at position `index` (as given to
    /// [`new`](Self::new)), without the index.
    pub fn matches_item(&self, index: usize, f: &CompactFacts) -> bool {
        self.eval(self.items[index].root as usize, f)
    }
}

fn num(slot: u16, min: Option<f64>, max: Option<f64>) -> Op {
    Op::Num {
        slot,
        min: lo(min),
        max: hi(max),
    }
}
