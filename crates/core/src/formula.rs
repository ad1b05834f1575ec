//! Formulas of operating indicators (复工率, 用电恢复率, 开票恢复率 …).
//!
//! An administrator defines an operating indicator as a formula over *reported* indicators (by
//! Chinese name or by code) and their values of the same period last year:
//!
//! - `在岗人数 ÷ 正常用工人数`
//! - `本期用电量 / 去年同期(本期用电量)`
//! - `(开票额 - 去年同期(开票额)) / 去年同期(开票额) * 100`
//! - `zgrs / zcygrs`
//!
//! A formula is parsed (and its names checked, see [`Formula::parse_checked`]) when it is saved;
//! every parse error is a [`DomainError`] with code `formula_invalid`, field `formula` and a Chinese
//! message naming the 1-based character position. It is then evaluated for each enterprise and
//! period with [`Formula::eval`], which never panics: a missing input, a division by zero or a
//! non-finite result is an [`EvalError`].
//!
//! Grammar (white space is ignored between tokens):
//!
//! ```text
//! expr   := term (('+' | '-') term)*
//! term   := factor (('*' | '/' | '×' | '÷') factor)*
//! factor := ('-' | '+') factor | number | name | '去年同期' '(' name ')' | '同期' '(' name ')' | '(' expr ')'
//! number := digits ('.' digits)? '%'?          -- '%' divides by 100
//! name   := (CJK | ASCII letter | '_') (CJK | ASCII letter | '_' | digit)*
//! ```
//!
//! Full-width forms typed with a Chinese input method (`（）＋－×÷％`, `０-９`, `ａ-ｚ` …) are read as
//! their half-width equivalents, and `−` (U+2212) as `-`. A formula has at most [`MAX_CHARS`]
//! characters and at most [`MAX_DEPTH`] levels of parentheses.
//!
//! ```
//! use jiban_core::formula::{Formula, When};
//! let f = Formula::parse("本期用电量 / 去年同期（本期用电量）").unwrap();
//! let v = f
//!     .eval(|name, when| match (name, when) {
//!         ("本期用电量", When::Current) => Some(90.0),
//!         ("本期用电量", When::LastYear) => Some(120.0),
//!         _ => None,
//!     })
//!     .unwrap();
//! assert_eq!(v, 0.75);
//! assert_eq!(
//!     Formula::parse("(在岗人数 + 1").unwrap_err().message,
//!     "公式第 10 个字符处缺少右括号"
//! );
//! ```

use std::fmt;
use std::str::FromStr;

use crate::error::DomainError;

const FIELD: &str = "formula";
const CODE: &str = "formula_invalid";

/// Maximum length of a formula, in characters (after trimming surrounding white space).
pub const MAX_CHARS: usize = 500;

/// Maximum nesting depth of parentheses.
pub const MAX_DEPTH: usize = 32;

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::new(FIELD, CODE, message)
}

/// The period a value is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum When {
    /// The period being evaluated (本期).
    Current,
    /// The same period of the previous year (去年同期).
    LastYear,
}

impl When {
    fn label(self) -> &'static str {
        match self {
            When::Current => "本期",
            When::LastYear => "去年同期",
        }
    }
}

/// Why a formula could not be evaluated for one enterprise and period.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// An input has no value for that period. `name` is the name as written in the formula
    /// (after full-width → half-width normalisation), `when` the period.
    Missing {
        /// Indicator name or code, as in the formula.
        name: String,
        /// The period that has no value.
        when: When,
    },
    /// A divisor evaluated to zero.
    DivisionByZero,
    /// The result (or an intermediate result, or an input) is NaN or infinite.
    NotFinite,
}

impl EvalError {
    /// A Chinese sentence for people, e.g. “缺少去年同期的“本期用电量””, “除数为零”.
    pub fn message(&self) -> String {
        match self {
            EvalError::Missing { name, when } => format!("缺少{}的“{name}”", when.label()),
            EvalError::DivisionByZero => "除数为零".to_owned(),
            EvalError::NotFinite => "计算结果超出有效数值范围".to_owned(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for EvalError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A node of the expression tree. Children are indices into [`Formula::nodes`]; a child always
/// has a smaller index than its parent.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    /// `slot` indexes [`Formula::names`].
    Var {
        slot: usize,
        when: When,
    },
    Neg(usize),
    Bin {
        op: BinOp,
        lhs: usize,
        rhs: usize,
    },
}

/// A parsed formula: the expression tree and the source text (trimmed, as typed).
///
/// `Display` and serde print the source text; deserialisation parses it (and so validates the
/// syntax, but not the names — use [`Formula::parse_checked`] for that).
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    source: String,
    /// Distinct names, in order of first appearance.
    names: Vec<String>,
    /// Arena of nodes, children before parents.
    nodes: Vec<Node>,
    root: usize,
}

impl Formula {
    /// Parses a formula (see the [module documentation](self) for the grammar).
    ///
    /// Errors (code `formula_invalid`, field `formula`) name the 1-based character position in
    /// `src`, e.g. “公式第 7 个字符处缺少右括号”, “公式第 3 个字符“#”无法识别”, “公式为空”,
    /// “公式第 5 个字符处缺少运算对象”. A formula longer than [`MAX_CHARS`] characters or nested
    /// deeper than [`MAX_DEPTH`] parentheses is an error (never a stack overflow).
    pub fn parse(src: &str) -> Result<Formula, DomainError> {
        let source = src.trim();
        if source.is_empty() {
            return Err(invalid("公式为空"));
        }
        let len = source.chars().count();
        if len > MAX_CHARS {
            return Err(invalid(format!(
                "公式不能超过 {MAX_CHARS} 个字符（当前 {len} 个）"
            )));
        }
        let lexed = lex(src);
        let mut p = Parser {
            toks: lexed.toks,
            bad: lexed.bad,
            i: 0,
            nodes: Vec::new(),
            depth: 0,
        };
        let root = p.expr()?;
        let t = p.peek()?;
        if t.kind != TokKind::End {
            return Err(p.after_operand(t));
        }
        Ok(Formula {
            source: source.to_owned(),
            names: lexed.names,
            nodes: p.nodes,
            root,
        })
    }

    /// Parses, then checks every name against `known` (which returns `true` for the code or the
    /// name of a defined reported indicator). Error: “公式中的“xxx”不是已定义的上报指标”, naming
    /// the first unknown name in order of appearance.
    pub fn parse_checked(src: &str, known: impl Fn(&str) -> bool) -> Result<Formula, DomainError> {
        let f = Formula::parse(src)?;
        if let Some(name) = f.names.iter().find(|n| !known(n)) {
            return Err(invalid(format!("公式中的“{name}”不是已定义的上报指标")));
        }
        Ok(f)
    }

    /// The source text, trimmed, as typed (not normalised).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Distinct names referenced, in order of first appearance, each with the periods it is used
    /// for: `[Current]`, `[LastYear]` or `[Current, LastYear]` (always in that order).
    pub fn inputs(&self) -> Vec<(String, Vec<When>)> {
        let mut uses = vec![(false, false); self.names.len()];
        for node in &self.nodes {
            if let Node::Var { slot, when } = *node {
                match when {
                    When::Current => uses[slot].0 = true,
                    When::LastYear => uses[slot].1 = true,
                }
            }
        }
        self.names
            .iter()
            .zip(uses)
            .map(|(name, (current, last_year))| {
                let mut whens = Vec::with_capacity(2);
                if current {
                    whens.push(When::Current);
                }
                if last_year {
                    whens.push(When::LastYear);
                }
                (name.clone(), whens)
            })
            .collect()
    }

    /// All distinct names referenced, in order of first appearance.
    pub fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// Evaluates the formula, taking the value of each input from `lookup(name, when)`.
    ///
    /// Operands are evaluated left to right and the first problem is reported: an input without a
    /// value ([`EvalError::Missing`]), a zero divisor ([`EvalError::DivisionByZero`]), or a NaN or
    /// infinite input or intermediate result ([`EvalError::NotFinite`]). An `Ok` value is always
    /// finite. Does not allocate, except for the name of a missing input.
    pub fn eval(&self, lookup: impl Fn(&str, When) -> Option<f64>) -> Result<f64, EvalError> {
        self.eval_node(self.root, &lookup)
    }

    fn eval_node<F>(&self, id: usize, lookup: &F) -> Result<f64, EvalError>
    where
        F: Fn(&str, When) -> Option<f64>,
    {
        match self.nodes[id] {
            Node::Num(v) => Ok(v),
            Node::Var { slot, when } => {
                let name = &self.names[slot];
                match lookup(name, when) {
                    Some(v) if v.is_finite() => Ok(v),
                    Some(_) => Err(EvalError::NotFinite),
                    None => Err(EvalError::Missing {
                        name: name.clone(),
                        when,
                    }),
                }
            }
            Node::Neg(a) => Ok(-self.eval_node(a, lookup)?),
            Node::Bin { op, lhs, rhs } => {
                let a = self.eval_node(lhs, lookup)?;
                let b = self.eval_node(rhs, lookup)?;
                let r = match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div => {
                        if b == 0.0 {
                            return Err(EvalError::DivisionByZero);
                        }
                        a / b
                    }
                };
                if r.is_finite() {
                    Ok(r)
                } else {
                    Err(EvalError::NotFinite)
                }
            }
        }
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl FromStr for Formula {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Formula::parse(s)
    }
}

impl TryFrom<&str> for Formula {
    type Error = DomainError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Formula::parse(s)
    }
}

impl TryFrom<String> for Formula {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Formula::parse(&s)
    }
}

impl serde::Serialize for Formula {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

impl<'de> serde::Deserialize<'de> for Formula {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Formula::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, Copy, PartialEq)]
enum TokKind {
    Num(f64),
    /// Index into the interned names.
    Name(usize),
    /// `去年同期` or `同期`, as written.
    LastYear(&'static str),
    LParen,
    RParen,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    End,
    /// A lexical error; the message is in [`Lexed::bad`]. Always the last token.
    Bad,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: TokKind,
    /// 1-based character position in the input.
    pos: usize,
}

struct Lexed {
    toks: Vec<Tok>,
    names: Vec<String>,
    bad: String,
}

/// Full-width ASCII forms → ASCII, U+2212 MINUS SIGN → `-`.
fn normalise(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{2212}' => '-',
        _ => c,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{323AF}')
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || is_cjk(c)
}

fn is_name_continue(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

fn lex(src: &str) -> Lexed {
    let raw: Vec<char> = src.chars().collect();
    let s: Vec<char> = raw.iter().map(|&c| normalise(c)).collect();
    let end_pos = src.trim_end().chars().count() + 1;
    let mut toks = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut i = 0;
    let bad = |toks: &mut Vec<Tok>, names, pos, msg: String| {
        toks.push(Tok {
            kind: TokKind::Bad,
            pos,
        });
        Lexed {
            toks: std::mem::take(toks),
            names,
            bad: msg,
        }
    };
    while i < s.len() {
        let c = s[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let kind =
            if c.is_ascii_digit() || (c == '.' && s.get(i + 1).is_some_and(char::is_ascii_digit)) {
                let start = i;
                while i < s.len() && s[i].is_ascii_digit() {
                    i += 1;
                }
                if start == i {
                    return bad(
                        &mut toks,
                        names,
                        pos,
                        format!("公式第 {pos} 个字符处的数字格式不正确（小数点前缺少数字）"),
                    );
                }
                if i < s.len() && s[i] == '.' {
                    if s.get(i + 1).is_some_and(char::is_ascii_digit) {
                        i += 1;
                        while i < s.len() && s[i].is_ascii_digit() {
                            i += 1;
                        }
                    } else {
                        let p = i + 1;
                        return bad(
                            &mut toks,
                            names,
                            p,
                            format!("公式第 {p} 个字符处的数字格式不正确（小数点后缺少数字）"),
                        );
                    }
                }
                let text: String = s[start..i].iter().collect();
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => TokKind::Num(v),
                    _ => {
                        return bad(
                            &mut toks,
                            names,
                            pos,
                            format!("公式第 {pos} 个字符处的数字过大"),
                        );
                    }
                }
            } else if is_name_start(c) {
                let start = i;
                while i < s.len() && is_name_continue(s[i]) {
                    i += 1;
                }
                let name: String = s[start..i].iter().collect();
                match name.as_str() {
                    "去年同期" => TokKind::LastYear("去年同期"),
                    "同期" => TokKind::LastYear("同期"),
                    _ => {
                        let slot = match names.iter().position(|n| *n == name) {
                            Some(slot) => slot,
                            None => {
                                names.push(name);
                                names.len() - 1
                            }
                        };
                        TokKind::Name(slot)
                    }
                }
            } else {
                let kind = match c {
                    '(' => TokKind::LParen,
                    ')' => TokKind::RParen,
                    '+' => TokKind::Plus,
                    '-' => TokKind::Minus,
                    '*' | '×' => TokKind::Star,
                    '/' | '÷' => TokKind::Slash,
                    '%' => TokKind::Percent,
                    _ => {
                        let orig = raw[i];
                        let shown = if orig.is_control() || orig.is_whitespace() {
                            format!("U+{:04X}", orig as u32)
                        } else {
                            orig.to_string()
                        };
                        return bad(
                            &mut toks,
                            names,
                            pos,
                            format!("公式第 {pos} 个字符“{shown}”无法识别"),
                        );
                    }
                };
                i += 1;
                kind
            };
        toks.push(Tok { kind, pos });
    }
    toks.push(Tok {
        kind: TokKind::End,
        pos: end_pos,
    });
    Lexed {
        toks,
        names,
        bad: String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent; recursion only for parentheses, bounded by MAX_DEPTH)

struct Parser {
    toks: Vec<Tok>,
    bad: String,
    i: usize,
    nodes: Vec<Node>,
    depth: usize,
}

impl Parser {
    /// The current token; a lexical error surfaces here, in order of position.
    fn peek(&self) -> Result<Tok, DomainError> {
        let t = self.toks.get(self.i).copied().unwrap_or(Tok {
            kind: TokKind::End,
            pos: 0,
        });
        if t.kind == TokKind::Bad {
            Err(invalid(self.bad.clone()))
        } else {
            Ok(t)
        }
    }

    fn push(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// The error for token `t` found where an operator, `)` or the end was expected.
    fn after_operand(&self, t: Tok) -> DomainError {
        let pos = t.pos;
        match t.kind {
            TokKind::RParen => invalid(format!("公式第 {pos} 个字符处的右括号没有对应的左括号")),
            TokKind::Percent => percent_error(pos),
            TokKind::End => invalid(format!("公式第 {pos} 个字符处缺少右括号")),
            _ => invalid(format!("公式第 {pos} 个字符处缺少运算符")),
        }
    }

    fn expr(&mut self) -> Result<usize, DomainError> {
        let mut lhs = self.term()?;
        loop {
            let op = match self.peek()?.kind {
                TokKind::Plus => BinOp::Add,
                TokKind::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.i += 1;
            let rhs = self.term()?;
            lhs = self.push(Node::Bin { op, lhs, rhs });
        }
    }

    fn term(&mut self) -> Result<usize, DomainError> {
        let mut lhs = self.factor()?;
        loop {
            let op = match self.peek()?.kind {
                TokKind::Star => BinOp::Mul,
                TokKind::Slash => BinOp::Div,
                _ => return Ok(lhs),
            };
            self.i += 1;
            let rhs = self.factor()?;
            lhs = self.push(Node::Bin { op, lhs, rhs });
        }
    }

    fn factor(&mut self) -> Result<usize, DomainError> {
        // Prefix signs are read in a loop (no recursion); an even number of '-' cancels out.
        let mut negate = false;
        loop {
            match self.peek()?.kind {
                TokKind::Plus => {}
                TokKind::Minus => negate = !negate,
                _ => break,
            }
            self.i += 1;
        }
        let operand = self.primary()?;
        Ok(if negate {
            self.push(Node::Neg(operand))
        } else {
            operand
        })
    }

    fn primary(&mut self) -> Result<usize, DomainError> {
        let t = self.peek()?;
        let pos = t.pos;
        match t.kind {
            TokKind::Num(mut v) => {
                self.i += 1;
                if self.peek()?.kind == TokKind::Percent {
                    self.i += 1;
                    v /= 100.0;
                }
                Ok(self.push(Node::Num(v)))
            }
            TokKind::Name(slot) => {
                self.i += 1;
                Ok(self.push(Node::Var {
                    slot,
                    when: When::Current,
                }))
            }
            TokKind::LastYear(kw) => {
                self.i += 1;
                let open = self.peek()?;
                if open.kind != TokKind::LParen {
                    return Err(invalid(format!(
                        "公式第 {} 个字符处缺少左括号：{kw}的写法为“{kw}(指标名称)”",
                        open.pos
                    )));
                }
                self.i += 1;
                let inner = self.peek()?;
                let TokKind::Name(slot) = inner.kind else {
                    return Err(only_name_error(inner.pos, kw));
                };
                self.i += 1;
                let close = self.peek()?;
                match close.kind {
                    TokKind::RParen => {}
                    TokKind::End => {
                        return Err(invalid(format!("公式第 {} 个字符处缺少右括号", close.pos)));
                    }
                    _ => return Err(only_name_error(close.pos, kw)),
                }
                self.i += 1;
                Ok(self.push(Node::Var {
                    slot,
                    when: When::LastYear,
                }))
            }
            TokKind::LParen => {
                if self.depth >= MAX_DEPTH {
                    return Err(invalid(format!(
                        "公式第 {pos} 个字符处括号嵌套超过 {MAX_DEPTH} 层"
                    )));
                }
                self.depth += 1;
                self.i += 1;
                let inner = self.expr()?;
                let close = self.peek()?;
                if close.kind != TokKind::RParen {
                    return Err(self.after_operand(close));
                }
                self.i += 1;
                self.depth -= 1;
                Ok(inner)
            }
            TokKind::Percent => Err(percent_error(pos)),
            TokKind::RParen
            | TokKind::Plus
            | TokKind::Minus
            | TokKind::Star
            | TokKind::Slash
            | TokKind::End
            | TokKind::Bad => Err(invalid(format!("公式第 {pos} 个字符处缺少运算对象"))),
        }
    }
}

fn percent_error(pos: usize) -> DomainError {
    invalid(format!("公式第 {pos} 个字符处的“%”只能紧跟在数字后面"))
}

fn only_name_error(pos: usize, kw: &str) -> DomainError {
    invalid(format!(
        "公式第 {pos} 个字符处有误：{kw}( ) 中只能写指标名称"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn no_inputs(_: &str, _: When) -> Option<f64> {
        None
    }

    fn value(src: &str) -> f64 {
        Formula::parse(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval(no_inputs)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn err(src: &str) -> String {
        let e = Formula::parse(src).expect_err(src);
        assert_eq!(e.code, "formula_invalid", "{src}");
        assert_eq!(e.field, "formula", "{src}");
        e.message
    }

    fn table() -> HashMap<(&'static str, When), f64> {
        HashMap::from([
            (("在岗人数", When::Current), 450.0),
            (("正常用工人数", When::Current), 500.0),
            (("zgrs", When::Current), 45.0),
            (("zcygrs", When::Current), 50.0),
            (("本期用电量", When::Current), 90.0),
            (("本期用电量", When::LastYear), 120.0),
            (("开票额", When::Current), 1100.0),
            (("开票额", When::LastYear), 1000.0),
        ])
    }

    fn eval_with(src: &str, t: &HashMap<(&'static str, When), f64>) -> Result<f64, EvalError> {
        Formula::parse(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval(|n, w| t.get(&(n, w)).copied())
    }

    #[test]
    fn the_examples() {
        let t = table();
        assert_eq!(eval_with("在岗人数 ÷ 正常用工人数", &t), Ok(0.9));
        assert_eq!(eval_with("本期用电量 / 去年同期(本期用电量)", &t), Ok(0.75));
        let v = eval_with("(开票额 - 去年同期(开票额)) / 去年同期(开票额) * 100", &t).unwrap();
        assert!((v - 10.0).abs() < 1e-9, "{v}");
        assert_eq!(eval_with("zgrs / zcygrs", &t), Ok(0.9));
        assert_eq!(eval_with("在岗人数/正常用工人数*100%", &t), Ok(0.9));
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(value("8/4/2"), 1.0);
        assert_eq!(value("2-3-4"), -5.0);
        assert_eq!(value("2+3*4"), 14.0);
        assert_eq!(value("2*3+4"), 10.0);
        assert_eq!(value("(2+3)*4"), 20.0);
        assert_eq!(value("1-2+3"), 2.0);
        assert_eq!(value("8/(4/2)"), 4.0);
        assert_eq!(value("2-(3-4)"), 3.0);
        assert_eq!(value("12/3*2"), 8.0);
        assert_eq!(value("1+2*3-4/2"), 5.0);
        assert_eq!(value("((7))"), 7.0);
        assert_eq!(value("3.25"), 3.25);
        assert_eq!(value("007"), 7.0);
    }

    #[test]
    fn unary_signs() {
        assert_eq!(value("-3+5"), 2.0);
        assert_eq!(value("-(2+3)"), -5.0);
        assert_eq!(value("2*-3"), -6.0);
        assert_eq!(value("--2"), 2.0);
        assert_eq!(value("---2"), -2.0);
        assert_eq!(value("+2"), 2.0);
        assert_eq!(value("-2*-2"), 4.0);
        assert_eq!(value("1 - -1"), 2.0);
        assert_eq!(value("1+-+-1"), 2.0);
        assert_eq!(value("-2*3"), -6.0);
        let t = table();
        assert_eq!(eval_with("-去年同期(开票额)", &t), Ok(-1000.0));
        assert_eq!(eval_with("-zgrs+zcygrs", &t), Ok(5.0));
    }

    #[test]
    fn percent() {
        assert_eq!(value("50%"), 0.5);
        assert_eq!(value("12.5%"), 0.125);
        assert_eq!(value("50 %"), 0.5);
        assert_eq!(value("200*50%"), 100.0);
        assert_eq!(value("-50%"), -0.5);
        assert_eq!(value("１００％"), 1.0);
        assert_eq!(err("zgrs%"), "公式第 5 个字符处的“%”只能紧跟在数字后面");
        assert_eq!(err("50%%"), "公式第 4 个字符处的“%”只能紧跟在数字后面");
        assert_eq!(err("%5"), "公式第 1 个字符处的“%”只能紧跟在数字后面");
        assert_eq!(err("(5)%"), "公式第 4 个字符处的“%”只能紧跟在数字后面");
    }

    #[test]
    fn full_width_and_chinese_operators() {
        assert_eq!(value("（１＋２）×３"), 9.0);
        assert_eq!(value("６÷３"), 2.0);
        assert_eq!(value("６／３＊２"), 4.0);
        assert_eq!(value("１２．５"), 12.5);
        assert_eq!(value("5 − 7"), -2.0);
        assert_eq!(value("5　－　7"), -2.0); // ideographic space
        let t = table();
        assert_eq!(eval_with("本期用电量÷去年同期（本期用电量）", &t), Ok(0.75));
        assert_eq!(eval_with("本期用电量 ÷ 同期(本期用电量)", &t), Ok(0.75));
        let f = Formula::parse("ｚｇｒｓ／ｚｃｙｇｒｓ").unwrap();
        assert_eq!(f.names(), ["zgrs", "zcygrs"]);
        assert_eq!(f.source(), "ｚｇｒｓ／ｚｃｙｇｒｓ");
        assert_eq!(f.eval(|n, w| table().get(&(n, w)).copied()), Ok(0.9));
    }

    #[test]
    fn whitespace_source_display_and_traits() {
        let f = Formula::parse("  在岗人数 ÷\t正常用工人数\n").unwrap();
        assert_eq!(f.source(), "在岗人数 ÷\t正常用工人数");
        assert_eq!(f.to_string(), "在岗人数 ÷\t正常用工人数");
        assert_eq!("在岗人数 ÷\t正常用工人数".parse::<Formula>().unwrap(), f);
        assert_eq!(Formula::try_from(" 在岗人数 ÷\t正常用工人数").unwrap(), f);
        assert_eq!(
            Formula::try_from(String::from("1+")).unwrap_err().code,
            CODE
        );
        // Names are runs: a space splits them.
        assert_eq!(err("在岗 人数"), "公式第 4 个字符处缺少运算符");
        // Names may contain digits and '_' after the first character.
        let f = Formula::parse("_x1 + 用电量2023 + a_b").unwrap();
        assert_eq!(f.names(), ["_x1", "用电量2023", "a_b"]);
    }

    #[test]
    fn serde_round_trip() {
        let f = Formula::parse("本期用电量 / 去年同期(本期用电量)").unwrap();
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, "\"本期用电量 / 去年同期(本期用电量)\"");
        let back: Formula = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        let bad = serde_json::from_str::<Formula>("\"(1+2\"").unwrap_err();
        assert!(bad.to_string().contains("缺少右括号"), "{bad}");
        assert!(serde_json::from_str::<Formula>("12").is_err());
    }

    #[test]
    fn error_empty_and_too_long() {
        assert_eq!(err(""), "公式为空");
        assert_eq!(err(" \t\n　"), "公式为空");
        let ok = format!("10{}", "+1".repeat((MAX_CHARS - 2) / 2));
        assert_eq!(ok.chars().count(), MAX_CHARS);
        assert_eq!(value(&ok), 259.0);
        let long = format!("{ok}+1");
        assert_eq!(err(&long), "公式不能超过 500 个字符（当前 502 个）");
        // Trimmed before counting.
        assert!(Formula::parse(&format!("  {ok}  ")).is_ok());
    }

    #[test]
    fn error_unknown_character() {
        assert_eq!(err("1+#"), "公式第 3 个字符“#”无法识别");
        assert_eq!(err("在岗人数 ^ 2"), "公式第 6 个字符“^”无法识别");
        assert_eq!(err("a＃b"), "公式第 2 个字符“＃”无法识别");
        assert_eq!(err("1,000"), "公式第 2 个字符“,”无法识别");
        assert_eq!(err("1\u{0}"), "公式第 2 个字符“U+0000”无法识别");
        assert_eq!(err("αβ"), "公式第 1 个字符“α”无法识别");
        // The first problem by position wins: the parse error at 1 before the character at 3.
        assert_eq!(err(")+#"), "公式第 1 个字符处缺少运算对象");
    }

    #[test]
    fn error_numbers() {
        assert_eq!(
            err("1.+2"),
            "公式第 2 个字符处的数字格式不正确（小数点后缺少数字）"
        );
        assert_eq!(
            err("2*.5"),
            "公式第 3 个字符处的数字格式不正确（小数点前缺少数字）"
        );
        assert_eq!(
            err("1.2.3"),
            "公式第 4 个字符处的数字格式不正确（小数点前缺少数字）"
        );
        assert_eq!(err("1.2."), "公式第 4 个字符“.”无法识别");
        assert_eq!(err(&"9".repeat(400)), "公式第 1 个字符处的数字过大");
        assert_eq!(err("2x"), "公式第 2 个字符处缺少运算符");
    }

    #[test]
    fn error_parentheses() {
        assert_eq!(err("(1+2"), "公式第 5 个字符处缺少右括号");
        assert_eq!(err("(在岗人数 + 1"), "公式第 10 个字符处缺少右括号");
        assert_eq!(err("((1+2)"), "公式第 7 个字符处缺少右括号");
        assert_eq!(err("(1+2   "), "公式第 5 个字符处缺少右括号");
        assert_eq!(err("1+2)"), "公式第 4 个字符处的右括号没有对应的左括号");
        assert_eq!(err("(1+2))"), "公式第 6 个字符处的右括号没有对应的左括号");
        assert_eq!(err(")"), "公式第 1 个字符处缺少运算对象");
        assert_eq!(err("()"), "公式第 2 个字符处缺少运算对象");
        assert_eq!(err("（1+2"), "公式第 5 个字符处缺少右括号");
        assert_eq!(err("(1 2)"), "公式第 4 个字符处缺少运算符");
    }

    #[test]
    fn error_missing_operand_and_trailing_garbage() {
        assert_eq!(err("1+"), "公式第 3 个字符处缺少运算对象");
        assert_eq!(err("*2"), "公式第 1 个字符处缺少运算对象");
        assert_eq!(err("在岗人数 ÷"), "公式第 7 个字符处缺少运算对象");
        assert_eq!(err("1+*2"), "公式第 3 个字符处缺少运算对象");
        assert_eq!(err("-"), "公式第 2 个字符处缺少运算对象");
        assert_eq!(err("(1+)"), "公式第 4 个字符处缺少运算对象");
        assert_eq!(err("1 2"), "公式第 3 个字符处缺少运算符");
        assert_eq!(err("zgrs zcygrs"), "公式第 6 个字符处缺少运算符");
        assert_eq!(err("2(3+4)"), "公式第 2 个字符处缺少运算符");
        assert_eq!(err("abs(x)"), "公式第 4 个字符处缺少运算符");
        assert_eq!(err("1 去年同期(x)"), "公式第 3 个字符处缺少运算符");
    }

    #[test]
    fn error_last_year() {
        assert_eq!(
            err("去年同期 本期用电量"),
            "公式第 6 个字符处缺少左括号：去年同期的写法为“去年同期(指标名称)”"
        );
        assert_eq!(
            err("1/去年同期"),
            "公式第 7 个字符处缺少左括号：去年同期的写法为“去年同期(指标名称)”"
        );
        assert_eq!(
            err("同期+1"),
            "公式第 3 个字符处缺少左括号：同期的写法为“同期(指标名称)”"
        );
        let m = err("去年同期(本期用电量 * 2)");
        assert_eq!(m, "公式第 12 个字符处有误：去年同期( ) 中只能写指标名称");
        assert!(m.contains("去年同期( ) 中只能写指标名称"));
        assert!(err("去年同期((本期用电量))").contains("去年同期( ) 中只能写指标名称"));
        assert!(err("去年同期(1)").contains("去年同期( ) 中只能写指标名称"));
        assert!(err("去年同期()").contains("去年同期( ) 中只能写指标名称"));
        assert!(err("去年同期(去年同期(x))").contains("去年同期( ) 中只能写指标名称"));
        assert!(err("去年同期(").contains("去年同期( ) 中只能写指标名称"));
        assert_eq!(err("去年同期(x"), "公式第 7 个字符处缺少右括号");
        // A longer name that merely starts with 去年同期 is an ordinary name.
        let f = Formula::parse("去年同期用电量").unwrap();
        assert_eq!(
            f.inputs(),
            [("去年同期用电量".to_owned(), vec![When::Current])]
        );
    }

    #[test]
    fn error_depth_is_an_error_not_an_overflow() {
        let nest = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(value(&nest(MAX_DEPTH)), 1.0);
        assert_eq!(
            err(&nest(MAX_DEPTH + 1)),
            "公式第 33 个字符处括号嵌套超过 32 层"
        );
        assert_eq!(err(&"(".repeat(40)), "公式第 33 个字符处括号嵌套超过 32 层");
        // 1000 levels: rejected (by length first), no stack overflow.
        assert_eq!(err(&nest(1000)), "公式不能超过 500 个字符（当前 2001 个）");
        assert!(Formula::parse(&"(".repeat(100_000)).is_err());
        assert!(Formula::parse(&format!("{}1", "-".repeat(100_000))).is_err());
        // Within the limits, long chains and sign runs are fine.
        assert_eq!(value(&format!("{}1", "-".repeat(MAX_CHARS - 1))), -1.0);
        assert_eq!(value(&format!("{}1", "-".repeat(MAX_CHARS - 2))), 1.0);
        let chain = format!("1{}", "-1".repeat(249));
        assert_eq!(value(&chain), -248.0);
        let chain = format!("(((1{}", "/1".repeat(240)) + ")))";
        assert_eq!(value(&chain), 1.0);
    }

    #[test]
    fn parse_checked_reports_the_first_unknown_name() {
        let known = |n: &str| matches!(n, "在岗人数" | "正常用工人数" | "zgrs" | "本期用电量");
        assert!(Formula::parse_checked("在岗人数 ÷ 正常用工人数", known).is_ok());
        assert!(Formula::parse_checked("本期用电量 / 去年同期(本期用电量)", known).is_ok());
        let e = Formula::parse_checked("zgrs / zcygrs + 开票额", known).unwrap_err();
        assert_eq!(e.code, "formula_invalid");
        assert_eq!(e.field, "formula");
        assert_eq!(e.message, "公式中的“zcygrs”不是已定义的上报指标");
        let e = Formula::parse_checked("1 + 去年同期(开票额)", known).unwrap_err();
        assert_eq!(e.message, "公式中的“开票额”不是已定义的上报指标");
        // Syntax errors come first.
        let e = Formula::parse_checked("未知 +", known).unwrap_err();
        assert_eq!(e.message, "公式第 5 个字符处缺少运算对象");
        // Constants need no names.
        assert!(Formula::parse_checked("1+1", |_| false).is_ok());
        // Names are checked after normalisation.
        assert!(Formula::parse_checked("ｚｇｒｓ", known).is_ok());
    }

    #[test]
    fn inputs_and_names() {
        let f = Formula::parse("(开票额 - 去年同期(开票额)) / 去年同期(开票额) * 100").unwrap();
        assert_eq!(
            f.inputs(),
            [("开票额".to_owned(), vec![When::Current, When::LastYear])]
        );
        assert_eq!(f.names(), ["开票额"]);
        let f = Formula::parse("去年同期(b) + a * b - 同期(c) + a").unwrap();
        assert_eq!(
            f.inputs(),
            [
                ("b".to_owned(), vec![When::Current, When::LastYear]),
                ("a".to_owned(), vec![When::Current]),
                ("c".to_owned(), vec![When::LastYear]),
            ]
        );
        assert_eq!(f.names(), ["b", "a", "c"]);
        let f = Formula::parse("1 + 2").unwrap();
        assert!(f.inputs().is_empty());
        assert!(f.names().is_empty());
    }

    #[test]
    fn eval_missing_inputs() {
        let mut t = table();
        t.remove(&("本期用电量", When::LastYear));
        let e = eval_with("本期用电量 / 去年同期(本期用电量)", &t).unwrap_err();
        assert_eq!(
            e,
            EvalError::Missing {
                name: "本期用电量".to_owned(),
                when: When::LastYear
            }
        );
        assert_eq!(e.message(), "缺少去年同期的“本期用电量”");
        assert_eq!(e.to_string(), "缺少去年同期的“本期用电量”");
        let e = eval_with("在岗人数 / 复工人数", &t).unwrap_err();
        assert_eq!(
            e,
            EvalError::Missing {
                name: "复工人数".to_owned(),
                when: When::Current
            }
        );
        assert_eq!(e.to_string(), "缺少本期的“复工人数”");
        // Left to right: the first missing input is reported.
        let e = eval_with("甲 + 乙", &t).unwrap_err();
        assert_eq!(e.to_string(), "缺少本期的“甲”");
        // Full-width names are reported normalised.
        let e = eval_with("ａｂ", &t).unwrap_err();
        assert_eq!(e.to_string(), "缺少本期的“ab”");
    }

    #[test]
    fn eval_division_by_zero() {
        assert_eq!(
            Formula::parse("1/0").unwrap().eval(no_inputs),
            Err(EvalError::DivisionByZero)
        );
        assert_eq!(
            Formula::parse("0/0.0").unwrap().eval(no_inputs),
            Err(EvalError::DivisionByZero)
        );
        assert_eq!(
            Formula::parse("1/(2-2)").unwrap().eval(no_inputs),
            Err(EvalError::DivisionByZero)
        );
        assert_eq!(
            Formula::parse("1/-(0)").unwrap().eval(no_inputs),
            Err(EvalError::DivisionByZero)
        );
        let mut t = table();
        t.insert(("正常用工人数", When::Current), 0.0);
        let e = eval_with("在岗人数 ÷ 正常用工人数", &t).unwrap_err();
        assert_eq!(e, EvalError::DivisionByZero);
        assert_eq!(e.message(), "除数为零");
        assert_eq!(e.to_string(), "除数为零");
        // Multiplying by zero is fine.
        assert_eq!(value("0*5"), 0.0);
    }

    #[test]
    fn eval_never_returns_non_finite() {
        let big = |_: &str, _: When| Some(1e308);
        let f = Formula::parse("x * 10").unwrap();
        assert_eq!(f.eval(big), Err(EvalError::NotFinite));
        let f = Formula::parse("x + x").unwrap();
        assert_eq!(f.eval(big), Err(EvalError::NotFinite));
        let f = Formula::parse("1 / (x * 10)").unwrap();
        assert_eq!(f.eval(big), Err(EvalError::NotFinite));
        let f = Formula::parse("x / 1e").unwrap_err();
        assert_eq!(f.message, "公式第 6 个字符处缺少运算符");
        let f = Formula::parse("x / 0.000001").unwrap();
        assert_eq!(f.eval(big), Err(EvalError::NotFinite));
        let f = Formula::parse("x").unwrap();
        assert_eq!(f.eval(|_, _| Some(f64::NAN)), Err(EvalError::NotFinite));
        assert_eq!(
            f.eval(|_, _| Some(f64::INFINITY)),
            Err(EvalError::NotFinite)
        );
        assert_eq!(
            f.eval(|_, _| Some(f64::NEG_INFINITY)),
            Err(EvalError::NotFinite)
        );
        let f = Formula::parse("x * 0").unwrap();
        assert_eq!(f.eval(|_, _| Some(f64::NAN)), Err(EvalError::NotFinite));
        assert_eq!(EvalError::NotFinite.message(), "计算结果超出有效数值范围");
        assert_eq!(EvalError::NotFinite.to_string(), "计算结果超出有效数值范围");
    }

    #[test]
    fn eval_many_enterprises() {
        let f = Formula::parse("(开票额 - 去年同期(开票额)) / 去年同期(开票额) * 100").unwrap();
        let mut ok = 0;
        for i in 0..100_000u32 {
            let cur = f64::from(i % 997);
            let last = f64::from(i % 13);
            match f.eval(|_, w| match w {
                When::Current => Some(cur),
                When::LastYear => Some(last),
            }) {
                Ok(v) => {
                    assert!(v.is_finite());
                    ok += 1;
                }
                Err(e) => assert_eq!(e, EvalError::DivisionByZero),
            }
        }
        assert!(ok > 90_000);
    }

    // ---- property tests ----------------------------------------------------------------------

    const VARS: [&str; 4] = ["在岗人数", "zgrs", "本期用电量", "开票额"];

    /// A test-side expression, printed to text and evaluated independently of the parser.
    #[derive(Debug, Clone)]
    enum E {
        Int(u32),
        Dec(u32),
        Pct(u32),
        Var(usize, When),
        Neg(Box<E>),
        Bin(BinOp, Box<E>, Box<E>),
    }

    fn arb_expr() -> impl Strategy<Value = E> {
        let leaf = prop_oneof![
            (0u32..1000).prop_map(E::Int),
            (0u32..100_000).prop_map(E::Dec),
            (0u32..1000).prop_map(E::Pct),
            (0usize..VARS.len(), any::<bool>())
                .prop_map(|(i, ly)| E::Var(i, if ly { When::LastYear } else { When::Current })),
        ];
        leaf.prop_recursive(6, 24, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| E::Neg(Box::new(e))),
                (
                    prop_oneof![
                        Just(BinOp::Add),
                        Just(BinOp::Sub),
                        Just(BinOp::Mul),
                        Just(BinOp::Div)
                    ],
                    inner.clone(),
                    inner
                )
                    .prop_map(|(op, a, b)| E::Bin(op, Box::new(a), Box::new(b))),
            ]
        })
    }

    fn lookup(name: &str, when: When) -> Option<f64> {
        match (name, when) {
            ("在岗人数", When::Current) => Some(450.0),
            ("在岗人数", When::LastYear) => Some(0.0),
            ("zgrs", _) => Some(45.5),
            ("本期用电量", When::Current) => Some(-3.25),
            ("本期用电量", When::LastYear) => Some(1e300),
            ("开票额", When::Current) => Some(1000.0),
            _ => None,
        }
    }

    fn reference(e: &E) -> Result<f64, EvalError> {
        let r = match e {
            E::Int(n) => f64::from(*n),
            E::Dec(n) => f64::from(*n) / 100.0,
            E::Pct(n) => f64::from(*n) / 100.0,
            E::Var(i, w) => match lookup(VARS[*i], *w) {
                Some(v) => v,
                None => {
                    return Err(EvalError::Missing {
                        name: VARS[*i].to_owned(),
                        when: *w,
                    });
                }
            },
            E::Neg(a) => -reference(a)?,
            E::Bin(op, a, b) => {
                let a = reference(a)?;
                let b = reference(b)?;
                match op {
                    BinOp::Add => a + b,
                    BinOp::Sub => a - b,
                    BinOp::Mul => a * b,
                    BinOp::Div if b == 0.0 => return Err(EvalError::DivisionByZero),
                    BinOp::Div => a / b,
                }
            }
        };
        if r.is_finite() {
            Ok(r)
        } else {
            Err(EvalError::NotFinite)
        }
    }

    fn prec(e: &E) -> u8 {
        match e {
            E::Bin(BinOp::Add | BinOp::Sub, ..) => 1,
            E::Bin(..) => 2,
            E::Neg(_) => 3,
            _ => 4,
        }
    }

    /// Prints with minimal parentheses; `style` bits vary the spelling.
    fn print(e: &E, style: u8, out: &mut String) {
        let (open, close) = if style & 2 != 0 {
            ('（', '）')
        } else {
            ('(', ')')
        };
        let sp = if style & 4 != 0 { " " } else { "" };
        let wrapped = |inner: &E, paren: bool, out: &mut String| {
            if paren {
                out.push(open);
            }
            print(inner, style, out);
            if paren {
                out.push(close);
            }
        };
        match e {
            E::Int(n) => out.push_str(&n.to_string()),
            E::Dec(n) => out.push_str(&(f64::from(*n) / 100.0).to_string()),
            E::Pct(n) => out.push_str(&format!("{n}%")),
            E::Var(i, When::Current) => out.push_str(VARS[*i]),
            E::Var(i, When::LastYear) => {
                out.push_str(if style & 8 != 0 {
                    "同期"
                } else {
                    "去年同期"
                });
                out.push(open);
                out.push_str(VARS[*i]);
                out.push(close);
            }
            E::Neg(a) => {
                out.push('-');
                wrapped(a, prec(a) < 3, out);
            }
            E::Bin(op, a, b) => {
                let p = prec(e);
                wrapped(a, prec(a) < p, out);
                let sym = match (op, style & 1 != 0) {
                    (BinOp::Add, _) => "+",
                    (BinOp::Sub, _) => "-",
                    (BinOp::Mul, false) => "*",
                    (BinOp::Mul, true) => "×",
                    (BinOp::Div, false) => "/",
                    (BinOp::Div, true) => "÷",
                };
                out.push_str(sp);
                out.push_str(sym);
                out.push_str(sp);
                wrapped(b, prec(b) <= p, out);
            }
        }
    }

    fn to_full_width_digits(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '0'..='9' | '.' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_any_string(s in "\\PC{0,120}") {
            if let Ok(f) = Formula::parse(&s)
                && let Ok(v) = f.eval(|_, _| Some(2.0))
            {
                prop_assert!(v.is_finite());
            }
        }

        #[test]
        fn parse_never_panics_on_formula_like_strings(
            s in "[0-9０-９a-z_()（）+\\-*/×÷%.．#去年同期用电量 ]{0,80}"
        ) {
            match Formula::parse(&s) {
                Ok(f) => {
                    for v in [0.0, 1.0, -1.5, 1e300] {
                        if let Ok(x) = f.eval(|_, _| Some(v)) {
                            prop_assert!(x.is_finite());
                        }
                    }
                    let again = Formula::parse(&f.to_string()).unwrap();
                    prop_assert_eq!(again, f);
                }
                Err(e) => {
                    prop_assert_eq!(e.code, "formula_invalid");
                    prop_assert!(!e.message.is_empty());
                }
            }
        }

        #[test]
        fn printed_formula_reparses_to_the_same_value(e in arb_expr(), style in 0u8..32) {
            let mut text = String::new();
            print(&e, style, &mut text);
            if style & 16 != 0 {
                text = to_full_width_digits(&text);
            }
            prop_assume!(text.chars().count() <= MAX_CHARS);
            let f = Formula::parse(&text).map_err(|err| TestCaseError::fail(format!("{text}: {err}")))?;
            let expected = reference(&e);
            prop_assert_eq!(f.eval(lookup), expected.clone(), "{}", text);
            let printed = f.to_string();
            let again = Formula::parse(&printed).unwrap();
            prop_assert_eq!(again.eval(lookup), expected, "{}", printed);
            prop_assert_eq!(&again, &f);
            let json = serde_json::to_string(&f).unwrap();
            prop_assert_eq!(serde_json::from_str::<Formula>(&json).unwrap(), f);
        }
    }
}
