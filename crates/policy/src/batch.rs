//! The batched, item-major fast path: [`Matcher::match_batch`].
//!
//! Enterprises are taken [`CHUNK`] at a time and transposed into columns: one `f64` column per
//! numeric slot the items use, one column per bit word in the narrowest unsigned type that holds
//! every mask the items test (`u8` for a catalog of at most 8 tags), the industry code packed into
//! a `u64`, and for each fact a bitset of the enterprises for which it is known. Each item's
//! program is then run over the whole chunk at once, producing a bitset of the enterprises it
//! holds for:
//!
//! - the item's prefilters (its (size, street) bucket, band mask and required tags, exactly as
//!   [`Matcher::matches`] applies them) give the first candidate set;
//! - every node is evaluated only where the answer can still matter (its *care* set): `All`
//!   narrows the set child by child and stops when it is empty, `Any` removes the enterprises a
//!   child already satisfied and stops when none remain;
//! - a leaf computes its raw test with a branch-free loop over 64 enterprises per word (skipping
//!   words with no enterprise left), then inverts it when negated and clears the enterprises
//!   whose fact is unknown, so an unknown fact never passes, negated or not — exactly as
//!   `leaf()` in the matcher.
//!
//! Finally the (item × enterprise) bit matrix of the chunk is transposed in 64 × 64 blocks so
//! that the pairs come out per enterprise, items in order.

use crate::matcher::{CompactFacts, ItemId, Matcher, Op, TEST_ALL, TEST_ANY, TEST_NONE, WORDS};

/// Enterprises per chunk: a multiple of 64, small enough that the columns the items read (about
/// 100 bytes per enterprise) and the chunk's result matrix stay in L2.
const CHUNK: usize = 2048;

/// An unsigned integer type a bit word is narrowed to.
trait Lane: Copy + Default + PartialEq + std::ops::BitAnd<Output = Self> {
    /// The low bits of `w` (the masks tested against the column fit in them).
    fn narrow(w: u128) -> Self;
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            #[inline(always)]
            fn narrow(w: u128) -> $t {
                w as $t
            }
        }
    )*};
}
lane!(u8, u16, u32, u64, u128);

/// A bit word of the chunk's enterprises, in the narrowest type the items need.
enum Col {
    Unused,
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    U128(Vec<u128>),
}

/// Dispatches on the lane type of a [`Col`]: `$v` is bound to the `Vec` and `$T` to its type.
macro_rules! with_col {
    ($col:expr, |$v:ident : $T:ident| $body:expr) => {
        match $col {
            Col::Unused => unreachable!("the column of a word the items test"),
            Col::U8($v) => {
                type $T = u8;
                $body
            }
            Col::U16($v) => {
                type $T = u16;
                $body
            }
            Col::U32($v) => {
                type $T = u32;
                $body
            }
            Col::U64($v) => {
                type $T = u64;
                $body
            }
            Col::U128($v) => {
                type $T = u128;
                $body
            }
        }
    };
}

impl Col {
    fn for_bits(bits: u32) -> Col {
        match bits {
            0 => Col::Unused,
            1..=8 => Col::U8(Vec::new()),
            9..=16 => Col::U16(Vec::new()),
            17..=32 => Col::U32(Vec::new()),
            33..=64 => Col::U64(Vec::new()),
            _ => Col::U128(Vec::new()),
        }
    }

    fn fill(&mut self, facts: &[CompactFacts], word: usize, lanes: usize) {
        fn go<T: Lane>(v: &mut Vec<T>, facts: &[CompactFacts], word: usize, lanes: usize) {
            v.clear();
            v.extend(facts.iter().map(|f| T::narrow(f.words[word])));
            v.resize(lanes, T::default());
        }
        if !matches!(self, Col::Unused) {
            with_col!(self, |v: T| go::<T>(v, facts, word, lanes))
        }
    }
}

/// A normalised industry prefix as a test on the packed code: `code & mask == key`.
#[derive(Clone, Copy)]
struct Prefix {
    mask: u64,
    key: u64,
}

/// The industry code's bytes, little endian, zero padded (codes are ASCII, never NUL, so a
/// longer prefix never matches a shorter code).
fn pack_code(bytes: &[u8; 5]) -> u64 {
    bytes
        .iter()
        .enumerate()
        .fold(0, |k, (i, &b)| k | u64::from(b) << (8 * i))
}

/// What `match_batch` derives from the matcher once per call.
struct Plan {
    /// Numeric slot → its column in [`Chunk::nums`], `usize::MAX` when no item reads it.
    slot_col: Vec<usize>,
    /// The slots the items read, in column order.
    slots: Vec<usize>,
    /// Bits needed for each word (highest bit of any mask tested against it, plus one).
    word_bits: [u32; WORDS],
    industry: bool,
    prefixes: Vec<Prefix>,
    /// Per item: the buckets it is in (bit `b` of word `b / 64`), `None` when in all of them.
    buckets: Vec<Option<Vec<u64>>>,
    /// Deepest nesting of `All` / `Any` in the programs.
    depth: usize,
}

impl Plan {
    fn new(m: &Matcher) -> Plan {
        let mut slot_col = Vec::new();
        let mut slots = Vec::new();
        let mut word_bits = [0u32; WORDS];
        let mut industry = false;
        let width = |mask: u128| 128 - mask.leading_zeros();
        for ins in &m.code {
            match ins.op {
                Op::Num { slot, .. } => {
                    let s = usize::from(slot);
                    if slot_col.len() <= s {
                        slot_col.resize(s + 1, usize::MAX);
                    }
                    if slot_col[s] == usize::MAX {
                        slot_col[s] = slots.len();
                        slots.push(s);
                    }
                }
                Op::Set { word, mask, .. } => {
                    let w = usize::from(word);
                    // at least one bit so that the column exists even for an empty mask
                    word_bits[w] = word_bits[w].max(width(mask)).max(1);
                }
                Op::Industry { .. } => industry = true,
                Op::All | Op::Any => {}
            }
        }
        for it in &m.items {
            if it.tags_req != 0 {
                word_bits[0] = word_bits[0].max(width(it.tags_req));
            }
        }
        let nb = m.buckets.len();
        let mut member = vec![vec![0u64; nb.div_ceil(64)]; m.items.len()];
        for (b, items) in m.buckets.iter().enumerate() {
            for &i in items {
                member[i as usize][b / 64] |= 1 << (b % 64);
            }
        }
        let buckets = member
            .into_iter()
            .map(|bits| {
                let all = (0..nb).all(|b| bits[b / 64] >> (b % 64) & 1 == 1);
                (!all).then_some(bits)
            })
            .collect();
        let prefixes = m
            .prefixes
            .iter()
            .map(|p| Prefix {
                mask: (1u64 << (8 * u32::from(p.len))) - 1,
                key: pack_code(&p.bytes),
            })
            .collect();
        Plan {
            slot_col,
            slots,
            word_bits,
            industry,
            prefixes,
            buckets,
            depth: group_depth(m, 0, m.code.len()),
        }
    }
}

/// Deepest nesting of groups among the subtrees in `code[pc..end]`.
fn group_depth(m: &Matcher, mut pc: usize, end: usize) -> usize {
    let mut d = 0;
    while pc < end {
        let ins = &m.code[pc];
        if matches!(ins.op, Op::All | Op::Any) {
            d = d.max(1 + group_depth(m, pc + 1, ins.end as usize));
        }
        pc = ins.end as usize;
    }
    d
}

/// One chunk of enterprises as columns. Columns are padded to whole words of 64 enterprises;
/// padding lanes are never in a care set.
struct Chunk {
    /// Enterprises in the chunk.
    len: usize,
    /// Bitset words per column (`len` rounded up to 64, over 64).
    words: usize,
    nums: Vec<Vec<f64>>,
    /// Per numeric column: the enterprises whose value is not NaN.
    nums_known: Vec<Vec<u64>>,
    bits: [Col; WORDS],
    /// Per word: the enterprises whose fact is known.
    bits_known: [Vec<u64>; WORDS],
    industry: Vec<u64>,
    industry_known: Vec<u64>,
    /// The first `len` bits.
    valid: Vec<u64>,
    /// The buckets present in the chunk and, for each, the bitset of its enterprises.
    buckets: Vec<(usize, Vec<u64>)>,
    /// The band indices present in the chunk and, for each, the bitset of its enterprises.
    bands: Vec<(u8, Vec<u64>)>,
}

/// Bitset of the lanes for which `pred` holds.
#[inline(always)]
fn bitset<T: Copy>(col: &[T], out: &mut Vec<u64>, pred: impl Fn(T) -> bool) {
    out.clear();
    out.extend(col.chunks_exact(64).map(|lanes| {
        lanes
            .iter()
            .enumerate()
            .fold(0u64, |bits, (j, &x)| bits | u64::from(pred(x)) << j)
    }));
}

impl Chunk {
    fn new(plan: &Plan) -> Chunk {
        Chunk {
            len: 0,
            words: 0,
            nums: vec![Vec::new(); plan.slots.len()],
            nums_known: vec![Vec::new(); plan.slots.len()],
            bits: plan.word_bits.map(Col::for_bits),
            bits_known: Default::default(),
            industry: Vec::new(),
            industry_known: Vec::new(),
            valid: Vec::new(),
            buckets: Vec::new(),
            bands: Vec::new(),
        }
    }

    fn load(&mut self, m: &Matcher, plan: &Plan, facts: &[CompactFacts]) {
        let len = facts.len();
        let words = len.div_ceil(64);
        let lanes = words * 64;
        self.len = len;
        self.words = words;
        for (c, &slot) in plan.slots.iter().enumerate() {
            let col = &mut self.nums[c];
            col.clear();
            col.extend(
                facts
                    .iter()
                    .map(|f| f.nums.get(slot).copied().unwrap_or(f64::NAN)),
            );
            col.resize(lanes, f64::NAN);
            bitset(col, &mut self.nums_known[c], |v: f64| !v.is_nan());
        }
        let mut flags = Vec::with_capacity(lanes);
        for w in 0..WORDS {
            if matches!(self.bits[w], Col::Unused) {
                continue;
            }
            self.bits[w].fill(facts, w, lanes);
            flags.clear();
            flags.extend(facts.iter().map(|f| !f.missing[w]));
            flags.resize(lanes, false);
            bitset(&flags, &mut self.bits_known[w], |k| k);
        }
        if plan.industry {
            self.industry.clear();
            self.industry.extend(
                facts
                    .iter()
                    .map(|f| f.industry.map_or(0, |c| pack_code(&c.bytes))),
            );
            self.industry.resize(lanes, 0);
            flags.clear();
            flags.extend(facts.iter().map(|f| f.industry.is_some()));
            flags.resize(lanes, false);
            bitset(&flags, &mut self.industry_known, |k| k);
        }
        self.valid.clear();
        self.valid.resize(words, u64::MAX);
        if !len.is_multiple_of(64) {
            self.valid[words - 1] = (1u64 << (len % 64)) - 1;
        }
        // the bitsets of the buckets and bands present
        self.buckets.clear();
        self.bands.clear();
        let mut bucket_at = vec![usize::MAX; m.buckets.len()];
        let mut band_at = [usize::MAX; 128];
        for (j, f) in facts.iter().enumerate() {
            let b = m.bucket(f);
            if bucket_at[b] == usize::MAX {
                bucket_at[b] = self.buckets.len();
                self.buckets.push((b, vec![0; words]));
            }
            self.buckets[bucket_at[b]].1[j / 64] |= 1 << (j % 64);
            let band = usize::from(f.band & 127);
            if band_at[band] == usize::MAX {
                band_at[band] = self.bands.len();
                self.bands.push((f.band, vec![0; words]));
            }
            self.bands[band_at[band]].1[j / 64] |= 1 << (j % 64);
        }
    }
}

/// The bits of 64 bytes that are each 0 or 1: bit `j` is byte `j`.
#[inline(always)]
fn pack(bytes: &[u8; 64]) -> u64 {
    // byte i (0 or 1) times 2^(56 − 7i) lands on bit 56 + i; the other products fall above bit
    // 63 or on distinct bits below 56, so nothing carries into the top byte
    const GATHER: u64 = 0x0102_0408_1020_4080;
    bytes.chunks_exact(8).enumerate().fold(0, |bits, (k, b)| {
        let x = u64::from_le_bytes(b.try_into().expect("8 bytes"));
        bits | (x.wrapping_mul(GATHER) >> 56) << (8 * k)
    })
}

/// `out = (raw ^ flip) & known & care` per word, where `raw` has bit `j` set when `pred` holds
/// for lane `j`; words with an empty care set are not evaluated.
#[inline(always)]
fn leaf_words<T: Copy>(
    col: &[T],
    known: &[u64],
    flip: u64,
    care: &[u64],
    out: &mut [u64],
    pred: impl Fn(T) -> bool,
) {
    for (w, (o, &c)) in out.iter_mut().zip(care).enumerate() {
        *o = if c == 0 {
            0
        } else {
            let lanes: &[T; 64] = col[w * 64..w * 64 + 64].try_into().expect("64 lanes");
            let mut hit = [0u8; 64];
            for (h, &x) in hit.iter_mut().zip(lanes) {
                *h = u8::from(pred(x));
            }
            (pack(&hit) ^ flip) & known[w] & c
        };
    }
}

fn set_leaf<T: Lane>(
    col: &[T],
    known: &[u64],
    test: u8,
    mask: u128,
    flip: u64,
    care: &[u64],
    out: &mut [u64],
) {
    let m = T::narrow(mask);
    let zero = T::default();
    match test {
        TEST_ANY => leaf_words(col, known, flip, care, out, |x| x & m != zero),
        TEST_ALL => leaf_words(col, known, flip, care, out, |x| x & m == m),
        TEST_NONE => leaf_words(col, known, flip, care, out, |x| x & m == zero),
        _ => unreachable!("set tests are any, all, none"),
    }
}

fn is_empty(s: &[u64]) -> bool {
    s.iter().all(|&w| w == 0)
}

/// Evaluates items over one loaded chunk.
struct Eval<'a> {
    m: &'a Matcher,
    plan: &'a Plan,
    ch: &'a Chunk,
}

impl Eval<'_> {
    /// `out` = the enterprises of `care` for which the subtree at `pc` holds. `scratch` holds
    /// two buffers per level of group nesting below.
    fn node(&self, pc: usize, care: &[u64], out: &mut [u64], scratch: &mut [Vec<u64>]) {
        let ins = &self.m.code[pc];
        let ch = self.ch;
        let flip = if ins.neg { u64::MAX } else { 0 };
        match ins.op {
            Op::All | Op::Any => {
                let conj = matches!(ins.op, Op::All);
                let (run, rest) = scratch.split_first_mut().expect("scratch for a group");
                let (child, rest) = rest.split_first_mut().expect("scratch for a group");
                let run = &mut run[..care.len()];
                let child = &mut child[..care.len()];
                // `All`: `run` is the set still passing; `Any`: the set not yet passing, and
                // `out` collects those that passed
                run.copy_from_slice(care);
                if !conj {
                    out.fill(0);
                }
                let end = ins.end as usize;
                let mut c = pc + 1;
                while c < end && !is_empty(run) {
                    self.node(c, run, child, rest);
                    if conj {
                        run.copy_from_slice(child);
                    } else {
                        for ((o, r), &h) in out.iter_mut().zip(run.iter_mut()).zip(child.iter()) {
                            *o |= h;
                            *r &= !h;
                        }
                    }
                    c = self.m.code[c].end as usize;
                }
                if conj {
                    out.copy_from_slice(run);
                }
            }
            Op::Num { slot, min, max } => {
                let c = self.plan.slot_col[usize::from(slot)];
                leaf_words(&ch.nums[c], &ch.nums_known[c], flip, care, out, |v: f64| {
                    (v >= min) & (v <= max)
                });
            }
            Op::Set { word, test, mask } => {
                let w = usize::from(word);
                let known = &ch.bits_known[w];
                with_col!(&ch.bits[w], |v: T| set_leaf::<T>(
                    v, known, test, mask, flip, care, out
                ));
            }
            Op::Industry { start, len } => {
                let ps = &self.plan.prefixes[start as usize..(start + len) as usize];
                for (w, (o, &c)) in out.iter_mut().zip(care).enumerate() {
                    *o = if c == 0 {
                        0
                    } else {
                        let lanes: &[u64; 64] = ch.industry[w * 64..w * 64 + 64]
                            .try_into()
                            .expect("64 lanes");
                        let mut hit = [0u8; 64];
                        for p in ps {
                            for (h, &k) in hit.iter_mut().zip(lanes) {
                                *h |= u8::from(k & p.mask == p.key);
                            }
                        }
                        (pack(&hit) ^ flip) & ch.industry_known[w] & c
                    };
                }
            }
        }
    }

    /// The candidates of item `i` by its prefilters, as [`Matcher::matches`] applies them.
    fn candidates(&self, i: usize, out: &mut [u64], tmp: &mut [u64]) {
        let ch = self.ch;
        let it = &self.m.items[i];
        match &self.plan.buckets[i] {
            None => out.copy_from_slice(&ch.valid),
            Some(member) => {
                out.fill(0);
                for (b, set) in &ch.buckets {
                    if member[b / 64] >> (b % 64) & 1 == 1 {
                        out.iter_mut().zip(set).for_each(|(o, s)| *o |= s);
                    }
                }
            }
        }
        if ch
            .bands
            .iter()
            .any(|(band, _)| it.band_mask >> band & 1 == 0)
        {
            tmp.fill(0);
            for (band, set) in &ch.bands {
                if it.band_mask >> band & 1 == 1 {
                    tmp.iter_mut().zip(set).for_each(|(t, s)| *t |= s);
                }
            }
            out.iter_mut().zip(tmp.iter()).for_each(|(o, t)| *o &= t);
        }
        if it.tags_req != 0 && !is_empty(out) {
            // known: tags are always known, so `valid` serves
            with_col!(&ch.bits[0], |v: T| set_leaf::<T>(
                v,
                &ch.valid,
                TEST_ALL,
                it.tags_req,
                0,
                out,
                tmp
            ));
            out.copy_from_slice(tmp);
        }
    }
}

/// Transposes a 64 × 64 bit matrix: bit `c` of row `r` ↔ bit `r` of row `c`.
fn transpose64(a: &mut [u64; 64]) {
    let mut j = 32;
    let mut m: u64 = 0x0000_0000_FFFF_FFFF;
    while j != 0 {
        let mut k = 0;
        while k < 64 {
            let t = ((a[k] >> j) ^ a[k + j]) & m;
            a[k] ^= t << j;
            a[k + j] ^= t;
            k = (k + j + 1) & !j;
        }
        j >>= 1;
        m ^= m << j;
    }
}

impl Matcher {
    /// Matches every enterprise of `facts` (each compacted by this matcher) against every item
    /// and appends `(index into facts, item id)` for each qualifying pair to `out`: exactly the
    /// pairs of [`matches`](Self::matches), in the same order as calling it for each enterprise
    /// in turn — by enterprise index, then by item in the order given to [`new`](Self::new).
    ///
    /// One thread; the fast way to match many enterprises at once (whole chunks of enterprises
    /// per item instead of one enterprise at a time). Panics if `facts` has more than
    /// `u32::MAX` enterprises.
    pub fn match_batch(&self, facts: &[CompactFacts], out: &mut Vec<(u32, ItemId)>) {
        self.match_batch_chunked(facts, CHUNK, out);
    }

    /// [`match_batch`](Self::match_batch) with `chunk` (a positive multiple of 64) enterprises
    /// per chunk.
    pub(crate) fn match_batch_chunked(
        &self,
        facts: &[CompactFacts],
        chunk: usize,
        out: &mut Vec<(u32, ItemId)>,
    ) {
        assert!(
            chunk > 0 && chunk.is_multiple_of(64),
            "chunk is a multiple of 64"
        );
        assert!(
            u32::try_from(facts.len()).is_ok(),
            "at most u32::MAX enterprises"
        );
        if facts.is_empty() || self.items.is_empty() {
            return;
        }
        let plan = Plan::new(self);
        let mut ch = Chunk::new(&plan);
        let max_words = chunk.min(facts.len()).div_ceil(64);
        let mut scratch = vec![vec![0u64; max_words]; 2 * plan.depth];
        let mut cand = vec![0u64; max_words];
        let mut tmp = vec![0u64; max_words];
        let n = self.items.len();
        let item_words = n.div_ceil(64);
        // the chunk's results: item-major, then per enterprise the items as bits
        let mut res = vec![0u64; n * max_words];
        let mut per_ent = vec![0u64; max_words * 64 * item_words];
        for (k, part) in facts.chunks(chunk).enumerate() {
            ch.load(self, &plan, part);
            let words = ch.words;
            let ev = Eval {
                m: self,
                plan: &plan,
                ch: &ch,
            };
            let cand = &mut cand[..words];
            let tmp = &mut tmp[..words];
            for (i, it) in self.items.iter().enumerate() {
                let r = &mut res[i * words..(i + 1) * words];
                ev.candidates(i, cand, tmp);
                if is_empty(cand) {
                    r.fill(0);
                } else {
                    ev.node(it.root as usize, cand, r, &mut scratch);
                }
            }
            // transpose: per enterprise, a bitset of items
            let mut block = [0u64; 64];
            for ib in 0..item_words {
                for ew in 0..words {
                    let mut any = 0;
                    for (r, row) in block.iter_mut().enumerate() {
                        let i = ib * 64 + r;
                        *row = if i < n { res[i * words + ew] } else { 0 };
                        any |= *row;
                    }
                    if any != 0 {
                        transpose64(&mut block);
                    }
                    for (e, &row) in block.iter().enumerate() {
                        per_ent[(ew * 64 + e) * item_words + ib] = row;
                    }
                }
            }
            let base = k * chunk;
            for e in 0..ch.len {
                let ix = (base + e) as u32;
                for ib in 0..item_words {
                    let mut bits = per_ent[e * item_words + ib];
                    while bits != 0 {
                        let i = ib * 64 + bits.trailing_zeros() as usize;
                        out.push((ix, self.items[i].id));
                        bits &= bits - 1;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    use super::*;
    use crate::testgen::{TODAY, catalog, facts, rule};
    use crate::{Facts, Rule};

    /// What `matches` gives, enterprise by enterprise.
    fn one_by_one(m: &Matcher, cs: &[CompactFacts]) -> Vec<(u32, ItemId)> {
        cs.iter()
            .enumerate()
            .flat_map(|(e, c)| {
                m.matches(c)
                    .map(move |id| (e as u32, id))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn batch(m: &Matcher, cs: &[CompactFacts], chunk: usize) -> Vec<(u32, ItemId)> {
        let mut out = vec![(u32::MAX, 0)]; // appended to, not replaced
        m.match_batch_chunked(cs, chunk, &mut out);
        assert_eq!(out.remove(0), (u32::MAX, 0));
        out
    }

    fn items(rules: Vec<Rule>) -> Vec<(ItemId, Rule)> {
        rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i as u32 * 7 + 3, r))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// Random rules (negations, groups, every leaf kind) and facts (NaN, missing, unknown
        /// codes), 0 to 300 enterprises in chunks of 64 to 192: partial words, partial chunks.
        #[test]
        fn batch_agrees_with_matches(
            rules in proptest::collection::vec(rule(), 1..12),
            pool in proptest::collection::vec(facts(), 1..24),
            picks in proptest::collection::vec(0usize..24, 0..300),
            chunk in prop_oneof![Just(64usize), Just(128), Just(192)],
        ) {
            let items = items(rules);
            let m = Matcher::new(&items, &catalog()).unwrap();
            let cs: Vec<CompactFacts> =
                picks.iter().map(|&p| m.compact(&pool[p % pool.len()], TODAY)).collect();
            prop_assert_eq!(batch(&m, &cs, chunk), one_by_one(&m, &cs));
        }
    }

    /// The real chunk size: 0, 1, a chunk, a chunk and a bit, several chunks.
    #[test]
    fn batch_across_chunks() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let items = items(
            (0..150)
                .map(|_| rule().new_tree(&mut runner).unwrap().current())
                .collect(),
        );
        let m = Matcher::new(&items, &catalog()).unwrap();
        let pool: Vec<Facts> = (0..500)
            .map(|_| facts().new_tree(&mut runner).unwrap().current())
            .collect();
        let cs: Vec<CompactFacts> = (0..3 * CHUNK + 77)
            .map(|i| m.compact(&pool[(i * 7919) % pool.len()], TODAY))
            .collect();
        let mut total = 0;
        for n in [0, 1, 63, 64, 65, CHUNK - 1, CHUNK, CHUNK + 1, cs.len()] {
            let want = one_by_one(&m, &cs[..n]);
            let mut got = Vec::new();
            m.match_batch(&cs[..n], &mut got);
            assert_eq!(got, want, "{n} enterprises");
            total = want.len();
        }
        assert!(total > 1000, "the rules match something: {total}");
        // no items
        let empty = Matcher::new(&[], &catalog()).unwrap();
        let mut got = Vec::new();
        empty.match_batch(&[empty.compact(&pool[0], TODAY)], &mut got);
        assert!(got.is_empty());
    }

    #[test]
    fn transpose_is_a_transpose() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut a = [0u64; 64];
        for row in &mut a {
            *row = any::<u64>().new_tree(&mut runner).unwrap().current();
        }
        let mut t = a;
        transpose64(&mut t);
        for (r, row) in a.iter().enumerate() {
            for (c, col) in t.iter().enumerate() {
                assert_eq!(row >> c & 1, col >> r & 1, "({r}, {c})");
            }
        }
    }
}
