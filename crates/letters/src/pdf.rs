//! The letter as PDF, laid out after GB/T 9704-2012 《党政机关公文格式》 (文件格式):
//!
//! - A4, 版心 156 mm × 225 mm: 天头 37 mm, 订口 28 mm (so 26 mm right and 35 mm bottom);
//!   22 lines of 28 characters (3号 ≈ 15.8 pt on a 29 pt line pitch);
//! - 版头: the 发文机关标志 in red, bold serif (小标宋), centred, its top 35 mm below the top of
//!   the 版心, condensed to fit one line; the 发文字号 centred two lines below it; a red
//!   separator line the width of the 版心 4 mm below the 发文字号;
//! - 主体: the title (2号 bold serif) centred two lines below the separator, in balanced lines;
//!   one line below, the 主送机关 flush left with a colon; the 正文 in 3号, each paragraph
//!   indented two characters, justified; one line below, the 发文机关署名 two characters from
//!   the right, and under it the 成文日期 starting two characters to the right of the name
//!   (unsealed documents, §7.3.5.2);
//! - 版记 at the bottom of the last page (抄送, 印发机关 and 印发日期 between rules, 4号);
//! - 页码 `— 1 —` in 4号, 7 mm under the 版心, odd pages right and even pages left, one
//!   character from the edge.

use std::ops::Range;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{GlyphId, KrillaGlyph};

use crate::LetterError;
use crate::fonts::{Face, Fonts};
use crate::layout::{LineBox, balanced_lines, break_lines, stretchable};
use crate::letter::{Letter, is_cjk};

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const TOP: f32 = 37.0 * MM;
const LEFT: f32 = 28.0 * MM;
const CONTENT_W: f32 = 156.0 * MM;
const CONTENT_H: f32 = 225.0 * MM;
const BOTTOM: f32 = TOP + CONTENT_H;
/// 3号: 28 characters fill the width of the 版心.
const BODY_SIZE: f32 = CONTENT_W / 28.0;
/// 22 lines fill the height of the 版心.
const PITCH: f32 = CONTENT_H / 22.0;
/// 2号.
const TITLE_SIZE: f32 = 22.0;
/// 小初, condensed when the name is long.
const HEADER_SIZE: f32 = 36.0;
/// The most a long 发文机关标志 is condensed before its size is reduced.
const HEADER_MIN_SCALE: f32 = 0.55;
/// 4号: page numbers and 版记.
const SMALL_SIZE: f32 = 14.0;
const HEADER_GAP: f32 = 35.0 * MM;
const RED_RULE: f32 = 1.6;
/// 版记: thick rules 0.35 mm, thin 0.25 mm.
const THICK_RULE: f32 = 0.35 * MM;
const THIN_RULE: f32 = 0.25 * MM;

type Color = (u8, u8, u8);
const BLACK: Color = (0, 0, 0);
const RED: Color = (255, 0, 0);

/// Ideographic em box: 0.88 above the baseline, 0.12 below (Noto CJK, Source Han and most
/// Chinese fonts).
const EM_TOP: f32 = 0.88;
const EM_BOTTOM: f32 = 0.12;

/// The baseline that centres text of `size` in a line of height `pitch` starting at `top`.
fn baseline(top: f32, pitch: f32, size: f32) -> f32 {
    top + pitch / 2.0 + (EM_TOP - 0.5) * size
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Body,
    Title,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Body,
    Title,
    Fallback,
}

#[derive(Debug, Clone)]
struct ShapedGlyph {
    range: Range<usize>,
    ch: char,
    which: Which,
    glyph: u32,
    advance: f32,
}

/// Text mapped to glyphs, each character by the role's face or, if it lacks it, the fallback.
struct Shaped {
    text: String,
    glyphs: Vec<ShapedGlyph>,
}

impl Shaped {
    fn new(fonts: &Fonts, role: Role, text: &str) -> Shaped {
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let (primary, which) = match role {
            Role::Body => (&fonts.body, Which::Body),
            Role::Title => (&fonts.title, Which::Title),
        };
        let mapped = primary.map(&text);
        let missing = mapped.iter().any(Option::is_none);
        let fallback = if missing {
            fonts
                .fallback()
                .filter(|f| f.path != primary.path)
                .map(|f| f.map(&text))
        } else {
            None
        };
        let glyphs = text
            .char_indices()
            .zip(mapped)
            .enumerate()
            .map(|(i, ((at, ch), m))| {
                let range = at..at + ch.len_utf8();
                let (which, m) = match (m, fallback.as_ref().and_then(|f| f[i])) {
                    (Some(m), _) => (which, m),
                    (None, Some(f)) => (Which::Fallback, f),
                    (None, None) => (
                        which,
                        crate::fonts::Mapped {
                            glyph: 0,
                            advance: if is_cjk(ch) { 1.0 } else { 0.5 },
                        },
                    ),
                };
                ShapedGlyph {
                    range,
                    ch,
                    which,
                    glyph: m.glyph,
                    advance: m.advance,
                }
            })
            .collect();
        Shaped { text, glyphs }
    }

    fn items(&self) -> Vec<(char, f32)> {
        self.glyphs.iter().map(|g| (g.ch, g.advance)).collect()
    }

    fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }

    fn whole(&self) -> LineBox {
        LineBox {
            start: 0,
            end: self.glyphs.len(),
            indent: 0.0,
            natural: self.width(),
            stretch: 0.0,
        }
    }
}

enum Op {
    Text {
        which: Which,
        glyphs: Vec<KrillaGlyph>,
        text: String,
        x: f32,
        y: f32,
        size: f32,
        color: Color,
        scale_x: f32,
    },
    Rule {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
}

#[derive(Default)]
struct Page {
    ops: Vec<Op>,
}

/// Ops drawing `line` of `shaped` with its left edge at `x` and baseline `y`.
#[allow(clippy::too_many_arguments)]
fn line_ops(
    shaped: &Shaped,
    line: &LineBox,
    x: f32,
    y: f32,
    size: f32,
    color: Color,
    scale_x: f32,
    out: &mut Vec<Op>,
) {
    let glyphs = &shaped.glyphs[line.start..line.end];
    let mut cursor = x + line.indent * size * scale_x;
    let mut i = 0;
    while i < glyphs.len() {
        let which = glyphs[i].which;
        let mut j = i;
        while j < glyphs.len() && glyphs[j].which == which {
            j += 1;
        }
        let run = &glyphs[i..j];
        let base = run[0].range.start;
        let text = shaped.text[base..run[run.len() - 1].range.end].to_string();
        let mut width = 0.0;
        let kglyphs = run
            .iter()
            .enumerate()
            .map(|(k, g)| {
                let next = glyphs.get(i + k + 1);
                let extra = match next {
                    Some(n) if stretchable(g.ch, n.ch) => line.stretch,
                    _ => 0.0,
                };
                width += g.advance + extra;
                KrillaGlyph::new(
                    GlyphId::new(g.glyph),
                    g.advance + extra,
                    0.0,
                    0.0,
                    0.0,
                    g.range.start - base..g.range.end - base,
                    None,
                )
            })
            .collect();
        out.push(Op::Text {
            which,
            glyphs: kglyphs,
            text,
            x: cursor,
            y,
            size,
            color,
            scale_x,
        });
        cursor += width * size * scale_x;
        i = j;
    }
}

/// Lays the letter out on pages.
struct Flow<'f> {
    fonts: &'f Fonts,
    pages: Vec<Page>,
    /// Top of the next line.
    y: f32,
}

impl Flow<'_> {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = TOP;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.y + height > BOTTOM + 0.5 {
            self.new_page();
        }
    }

    fn rule(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.page().ops.push(Op::Rule { x, y, w, h, color });
    }

    /// One line of text in the line starting at `top`, placed by `align` in the width of the
    /// 版心.
    #[allow(clippy::too_many_arguments)]
    fn put(
        &mut self,
        shaped: &Shaped,
        line: &LineBox,
        top: f32,
        pitch: f32,
        size: f32,
        color: Color,
        x: f32,
    ) {
        let y = baseline(top, pitch, size);
        let mut ops = Vec::new();
        line_ops(shaped, line, x, y, size, color, 1.0, &mut ops);
        self.page().ops.extend(ops);
    }

    /// A paragraph of the 正文 (or the 主送机关 line, unindented), breaking pages as needed.
    fn paragraph(&mut self, text: &str, indent: f32) {
        let shaped = Shaped::new(self.fonts, Role::Body, text);
        let lines = break_lines(&shaped.items(), CONTENT_W / BODY_SIZE, indent, true);
        for line in &lines {
            self.room_for(PITCH);
            let top = self.y;
            self.put(&shaped, line, top, PITCH, BODY_SIZE, BLACK, LEFT);
            self.y += PITCH;
        }
    }

    fn centred(&mut self, shaped: &Shaped, line: &LineBox, top: f32, size: f32, color: Color) {
        let w = (line.natural + line.indent) * size;
        self.put(
            shaped,
            line,
            top,
            PITCH,
            size,
            color,
            LEFT + (CONTENT_W - w) / 2.0,
        );
    }

    /// 版头 and title, 主送机关: the top of the first page.
    fn head(&mut self, letter: &Letter) {
        // 发文机关标志: red, bold serif, centred, condensed to one line
        let name = Shaped::new(self.fonts, Role::Title, &letter.issuer);
        let em = name.width().max(1.0);
        let mut size = HEADER_SIZE;
        let mut scale = (CONTENT_W / (em * size)).min(1.0);
        if scale < HEADER_MIN_SCALE {
            scale = HEADER_MIN_SCALE;
            size = CONTENT_W / (em * scale);
        }
        let top = TOP + HEADER_GAP;
        let y = top + EM_TOP * size;
        let x = LEFT + (CONTENT_W - em * size * scale) / 2.0;
        let mut ops = Vec::new();
        line_ops(&name, &name.whole(), x, y, size, RED, scale, &mut ops);
        self.page().ops.extend(ops);
        let header_bottom = y + EM_BOTTOM * size;

        // 发文字号, two lines below, centred; the red separator 4 mm under it
        let doc_no = Shaped::new(self.fonts, Role::Body, &letter.doc_no);
        let top = header_bottom + 2.0 * PITCH;
        self.centred(&doc_no, &doc_no.whole(), top, BODY_SIZE, BLACK);
        let rule_y = baseline(top, PITCH, BODY_SIZE) + EM_BOTTOM * BODY_SIZE + 4.0 * MM;
        self.rule(LEFT, rule_y, CONTENT_W, RED_RULE, RED);

        // title, two lines below the separator
        let mut top = rule_y + RED_RULE + 2.0 * PITCH;
        for part in letter
            .title
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let title = Shaped::new(self.fonts, Role::Title, part);
            for line in balanced_lines(&title.items(), CONTENT_W / TITLE_SIZE) {
                self.centred(&title, &line, top, TITLE_SIZE, BLACK);
                top += PITCH;
            }
        }

        // 主送机关, one line below the title
        self.y = top + PITCH;
        if !letter.addressee.trim().is_empty() {
            self.paragraph(&format!("{}：", letter.addressee.trim()), 0.0);
        }
    }

    /// 发文机关署名 and 成文日期 (unsealed): one line below the text, the name two characters
    /// from the right, the date under it starting two characters further right — or, when the
    /// date is the longer, the date two characters from the right and the name moved left.
    fn signature(&mut self, letter: &Letter) {
        let signer = Shaped::new(self.fonts, Role::Body, letter.signer.trim());
        let date = Shaped::new(self.fonts, Role::Body, &letter.date_text());
        let (s, d) = (signer.width(), date.width());
        let right = CONTENT_W / BODY_SIZE;
        let (sx, dx) = if s >= d + 2.0 {
            (right - 2.0 - s, right - s)
        } else {
            (right - 4.0 - d, right - 2.0 - d)
        };
        self.y += PITCH;
        self.room_for(2.0 * PITCH);
        let top = self.y;
        if !letter.signer.trim().is_empty() {
            self.put(
                &signer,
                &signer.whole(),
                top,
                PITCH,
                BODY_SIZE,
                BLACK,
                LEFT + sx.max(0.0) * BODY_SIZE,
            );
        }
        self.put(
            &date,
            &date.whole(),
            top + PITCH,
            PITCH,
            BODY_SIZE,
            BLACK,
            LEFT + dx.max(0.0) * BODY_SIZE,
        );
        self.y = top + 2.0 * PITCH;
    }

    /// 版记 at the bottom of the last page: 抄送 and 印发 between rules, the last rule on the
    /// bottom edge of the 版心.
    fn imprint(&mut self, letter: &Letter) {
        let indent = 1.0; // 左右各空一字
        let max = CONTENT_W / SMALL_SIZE - 2.0 * indent;
        let cc = letter
            .cc
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                let c = c.trim_end_matches(['。', '.']);
                Shaped::new(self.fonts, Role::Body, &format!("抄送：{c}。"))
            });
        let cc_lines = cc
            .as_ref()
            .map(|s| break_lines(&s.items(), max, 0.0, true))
            .unwrap_or_default();
        let lines = cc_lines.len() as f32 + 1.0;
        let height = lines * PITCH;
        if self.y + height > BOTTOM + 0.5 {
            self.new_page();
        }
        let mut top = BOTTOM - height;
        self.rule(LEFT, top - THICK_RULE / 2.0, CONTENT_W, THICK_RULE, BLACK);
        if let Some(cc) = &cc {
            for line in &cc_lines {
                self.put(
                    cc,
                    line,
                    top,
                    PITCH,
                    SMALL_SIZE,
                    BLACK,
                    LEFT + indent * SMALL_SIZE,
                );
                top += PITCH;
            }
            self.rule(LEFT, top - THIN_RULE / 2.0, CONTENT_W, THIN_RULE, BLACK);
        }
        let issuer = Shaped::new(self.fonts, Role::Body, letter.issuer.trim());
        self.put(
            &issuer,
            &issuer.whole(),
            top,
            PITCH,
            SMALL_SIZE,
            BLACK,
            LEFT + indent * SMALL_SIZE,
        );
        let printed = Shaped::new(
            self.fonts,
            Role::Body,
            &format!("{}印发", letter.date_text()),
        );
        let x = LEFT + CONTENT_W - (indent + printed.width()) * SMALL_SIZE;
        self.put(&printed, &printed.whole(), top, PITCH, SMALL_SIZE, BLACK, x);
        self.rule(LEFT, BOTTOM - THICK_RULE, CONTENT_W, THICK_RULE, BLACK);
        self.y = BOTTOM;
    }

    /// 页码 on every page.
    fn page_numbers(&mut self) {
        let count = self.pages.len();
        for n in 1..=count {
            let shaped = Shaped::new(self.fonts, Role::Body, &format!("— {n} —"));
            let w = shaped.width() * SMALL_SIZE;
            let x = if n % 2 == 1 {
                LEFT + CONTENT_W - SMALL_SIZE - w
            } else {
                LEFT + SMALL_SIZE
            };
            // the dashes (at about 0.35 em) 7 mm under the 版心
            let y = BOTTOM + 7.0 * MM + 0.35 * SMALL_SIZE;
            let mut ops = Vec::new();
            line_ops(
                &shaped,
                &shaped.whole(),
                x,
                y,
                SMALL_SIZE,
                BLACK,
                1.0,
                &mut ops,
            );
            self.pages[n - 1].ops.extend(ops);
        }
    }
}

fn lay_out(letter: &Letter, fonts: &Fonts) -> Vec<Page> {
    let mut flow = Flow {
        fonts,
        pages: vec![Page::default()],
        y: TOP,
    };
    flow.head(letter);
    for p in letter.paragraphs() {
        flow.paragraph(&p, 2.0);
    }
    flow.signature(letter);
    flow.imprint(letter);
    flow.page_numbers();
    flow.pages
}

fn fill(color: Color) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// Renders with fonts already loaded ([`crate::FontConfig::load`]).
pub fn render_pdf_with(letter: &Letter, fonts: &Fonts) -> Result<Vec<u8>, LetterError> {
    let pages = lay_out(letter, fonts);
    let face = |w: Which| -> &Face {
        match w {
            Which::Body => &fonts.body,
            Which::Title => &fonts.title,
            Which::Fallback => fonts.fallback().unwrap_or(&fonts.body),
        }
    };
    let mut document = Document::new();
    let date = DateTime::new(u16::try_from(letter.date.year()).unwrap_or(1970))
        .month(u8::from(letter.date.month()))
        .day(letter.date.day());
    document.set_metadata(
        Metadata::new()
            .title(letter.title_text())
            .authors(vec![letter.signer.clone()])
            .description(format!("{} {}", letter.doc_no, letter.tier.label()))
            .language("zh-CN".into())
            .creator("jiban".into())
            .creation_date(date),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).expect("A4 is a valid page size");
    for page in &pages {
        let mut p = document.start_page_with(settings.clone());
        let mut surface = p.surface();
        for op in &page.ops {
            match op {
                Op::Rule { x, y, w, h, color } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                        continue;
                    };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill(*color)));
                        surface.draw_path(&path);
                    }
                }
                Op::Text {
                    which,
                    glyphs,
                    text,
                    x,
                    y,
                    size,
                    color,
                    scale_x,
                } => {
                    surface.set_fill(Some(fill(*color)));
                    let font = face(*which).font.clone();
                    if (*scale_x - 1.0).abs() > f32::EPSILON {
                        surface
                            .push_transform(&Transform::from_row(*scale_x, 0.0, 0.0, 1.0, *x, 0.0));
                        surface.draw_glyphs(
                            Point::from_xy(0.0, *y),
                            glyphs,
                            font,
                            text,
                            *size,
                            false,
                        );
                        surface.pop();
                    } else {
                        surface.draw_glyphs(
                            Point::from_xy(*x, *y),
                            glyphs,
                            font,
                            text,
                            *size,
                            false,
                        );
                    }
                }
            }
        }
        surface.finish();
        p.finish();
    }
    document
        .finish()
        .map_err(|e| LetterError::Pdf(format!("{e:?}")))
}

/// The number of pages the letter takes.
pub fn page_count(letter: &Letter, fonts: &Fonts) -> usize {
    lay_out(letter, fonts).len()
}
