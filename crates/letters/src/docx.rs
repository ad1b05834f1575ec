//! The letter as .docx (WordprocessingML written by hand into a zip), for offices that edit in
//! Word or WPS: the same elements and measures as the PDF — A4, the GB/T 9704 margins, the
//! 发文机关标志 in red 方正小标宋简体, a red rule under the 发文字号 (the bottom border of its
//! paragraph), the title in 方正小标宋简体 2号, the text in 仿宋_GB2312 3号 on a fixed 29 pt line,
//! the 版记 between rules and `— PAGE —` page numbers in the footer (odd pages right, even left).
//! The font names are the ones Chinese offices have installed; the font table names 仿宋, 宋体 as
//! their substitutes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::LetterError;
use crate::letter::{Letter, is_cjk};

const FANGSONG: &str = "仿宋_GB2312";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const SONG: &str = "宋体";

/// Twips (1/20 pt) per millimetre.
const TWIPS_PER_MM: f32 = 1440.0 / 25.4;
/// Width of the 版心, 156 mm.
const CONTENT_W: f32 = 156.0 * TWIPS_PER_MM;
/// 3号 and 2号, in half points.
const BODY_SZ: u32 = 32;
const TITLE_SZ: u32 = 44;
const HEADER_SZ: u32 = 72;
const SMALL_SZ: u32 = 28;
/// Fixed line pitch: 225 mm / 22 lines, in twips.
const LINE: u32 = 580;
/// One 3号 character, in twips.
const BODY_CHAR: u32 = BODY_SZ * 10;
const SMALL_CHAR: u32 = SMALL_SZ * 10;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Width of `s` in em: Chinese characters 1, others ½.
fn ems(s: &str) -> f32 {
    s.chars().map(|c| if is_cjk(c) { 1.0 } else { 0.5 }).sum()
}

struct Run<'a> {
    text: &'a str,
    font: &'a str,
    sz: u32,
    red: bool,
    /// Horizontal scale, percent.
    scale: u32,
}

impl Run<'_> {
    fn body(text: &str) -> Run<'_> {
        Run {
            text,
            font: FANGSONG,
            sz: BODY_SZ,
            red: false,
            scale: 100,
        }
    }

    fn xml(&self) -> String {
        let f = self.font;
        let mut rpr = format!(
            r#"<w:rFonts w:ascii="{f}" w:eastAsia="{f}" w:hAnsi="{f}" w:cs="{f}" w:hint="eastAsia"/>"#
        );
        if self.red {
            rpr.push_str(r#"<w:color w:val="FF0000"/>"#);
        }
        if self.scale != 100 {
            rpr.push_str(&format!(r#"<w:w w:val="{}"/>"#, self.scale));
        }
        rpr.push_str(&format!(
            r#"<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>"#,
            self.sz
        ));
        format!(
            r#"<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
            esc(self.text)
        )
    }
}

/// A paragraph; `ppr` is the content of `w:pPr` after the spacing.
fn para(ppr: &str, runs: &[Run<'_>]) -> String {
    let runs: String = runs.iter().map(Run::xml).collect();
    format!("<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>")
}

fn exact(line: u32) -> String {
    format!(r#"<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>"#)
}

fn blank() -> String {
    para(&exact(LINE), &[])
}

fn document_xml(letter: &Letter) -> String {
    let mut body = String::new();

    // 发文机关标志: its top 35 mm below the top of the 版心, condensed to one line
    let em = ems(&letter.issuer).max(1.0);
    let mut sz = HEADER_SZ;
    let natural = em * sz as f32 * 10.0;
    let mut scale = ((CONTENT_W / natural) * 100.0).floor().min(100.0) as u32;
    if scale < 55 {
        scale = 55;
        sz = ((CONTENT_W / (em * 0.55)) / 10.0).floor() as u32;
    }
    let before = (35.0 * TWIPS_PER_MM) as u32;
    body.push_str(&para(
        &format!(
            r#"<w:spacing w:before="{before}" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>"#
        ),
        &[Run {
            text: &letter.issuer,
            font: XIAOBIAOSONG,
            sz,
            red: true,
            scale,
        }],
    ));
    body.push_str(&blank());
    body.push_str(&blank());
    // 发文字号, with the red separator 4 mm under it (the paragraph's bottom border)
    body.push_str(&para(
        &format!(
            r#"<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="5" w:color="FF0000"/></w:pBdr>{}<w:jc w:val="center"/>"#,
            exact(LINE)
        ),
        &[Run::body(&letter.doc_no)],
    ));
    body.push_str(&blank());
    body.push_str(&blank());
    // title
    let title: Vec<String> = letter
        .title
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            Run {
                text: part,
                font: XIAOBIAOSONG,
                sz: TITLE_SZ,
                red: false,
                scale: 100,
            }
            .xml()
        })
        .collect();
    body.push_str(&format!(
        r#"<w:p><w:pPr>{}<w:jc w:val="center"/></w:pPr>{}</w:p>"#,
        exact(LINE),
        title.join("<w:r><w:br/></w:r>")
    ));
    body.push_str(&blank());
    // 主送机关
    if !letter.addressee.trim().is_empty() {
        let to = format!("{}：", letter.addressee.trim());
        body.push_str(&para(
            &format!(r#"{}<w:jc w:val="both"/>"#, exact(LINE)),
            &[Run::body(&to)],
        ));
    }
    // 正文
    for p in letter.paragraphs() {
        body.push_str(&para(
            &format!(
                r#"{}<w:ind w:firstLineChars="200" w:firstLine="{}"/><w:jc w:val="both"/>"#,
                exact(LINE),
                2 * BODY_CHAR
            ),
            &[Run::body(&p)],
        ));
    }
    // 署名 and 成文日期 (unsealed): as in the PDF
    body.push_str(&blank());
    let date = letter.date_text();
    let (s, d) = (ems(letter.signer.trim()), ems(&date));
    let (signer_right, date_right) = if s >= d + 2.0 {
        (2.0, s - d)
    } else {
        (4.0 + d - s, 2.0)
    };
    let twips = |chars: f32| (chars * BODY_CHAR as f32).round() as u32;
    body.push_str(&para(
        &format!(
            r#"{}<w:ind w:right="{}"/><w:jc w:val="right"/>"#,
            exact(LINE),
            twips(signer_right)
        ),
        &[Run::body(letter.signer.trim())],
    ));
    body.push_str(&para(
        &format!(
            r#"{}<w:ind w:right="{}"/><w:jc w:val="right"/>"#,
            exact(LINE),
            twips(date_right)
        ),
        &[Run::body(&date)],
    ));
    // 版记
    body.push_str(&blank());
    body.push_str(&blank());
    let side = format!(r#"<w:ind w:left="{SMALL_CHAR}" w:right="{SMALL_CHAR}"/>"#);
    let small = |text| Run {
        text,
        font: FANGSONG,
        sz: SMALL_SZ,
        red: false,
        scale: 100,
    };
    let thick = r#"w:val="single" w:sz="8" w:space="1" w:color="000000""#;
    let thin = r#"w:val="single" w:sz="6" w:space="1" w:color="000000""#;
    let cc = letter
        .cc
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| format!("抄送：{}。", c.trim_end_matches(['。', '.'])));
    let printed = format!("{}印发", date);
    let tab = format!(
        r#"<w:tabs><w:tab w:val="right" w:pos="{}"/></w:tabs>"#,
        CONTENT_W as u32 - SMALL_CHAR
    );
    let imprint_runs = format!(
        "{}<w:r><w:tab/></w:r>{}",
        small(letter.issuer.trim()).xml(),
        small(&printed).xml()
    );
    match cc {
        Some(cc) => {
            body.push_str(&para(
                &format!(
                    r#"<w:keepNext/><w:pBdr><w:top {thick}/><w:bottom {thin}/></w:pBdr>{}{side}<w:jc w:val="both"/>"#,
                    exact(LINE)
                ),
                &[small(&cc)],
            ));
            body.push_str(&format!(
                r#"<w:p><w:pPr><w:pBdr><w:bottom {thick}/></w:pBdr>{tab}{}{side}</w:pPr>{imprint_runs}</w:p>"#,
                exact(LINE)
            ));
        }
        None => {
            body.push_str(&format!(
                r#"<w:p><w:pPr><w:pBdr><w:top {thick}/><w:bottom {thick}/></w:pBdr>{tab}{}{side}</w:pPr>{imprint_runs}</w:p>"#,
                exact(LINE)
            ));
        }
    }

    let mm = |v: f32| (v * TWIPS_PER_MM).round() as u32;
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            "<w:body>{body}",
            r#"<w:sectPr><w:footerReference w:type="default" r:id="rId4"/><w:footerReference w:type="even" r:id="rId5"/>"#,
            r#"<w:pgSz w:w="11906" w:h="16838"/>"#,
            r#"<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="851" w:footer="{footer}" w:gutter="0"/>"#,
            // 22 lines of 28 characters: 3号 (16 pt) narrowed by 849/4096 pt to fill 156 mm
            r#"<w:docGrid w:type="linesAndChars" w:linePitch="{line}" w:charSpace="-849"/>"#,
            "</w:sectPr></w:body></w:document>"
        ),
        body = body,
        top = mm(37.0),
        right = mm(26.0),
        bottom = mm(35.0),
        left = mm(28.0),
        footer = mm(24.5),
        line = LINE,
    )
}

/// Footer with `— PAGE —` in 4号 宋体, one character from the outer edge.
fn footer_xml(odd: bool) -> String {
    let ppr = if odd {
        format!(r#"<w:ind w:right="{SMALL_CHAR}"/><w:jc w:val="right"/>"#)
    } else {
        format!(r#"<w:ind w:left="{SMALL_CHAR}"/><w:jc w:val="left"/>"#)
    };
    let rpr = format!(
        r#"<w:rPr><w:rFonts w:ascii="{SONG}" w:eastAsia="{SONG}" w:hAnsi="{SONG}" w:hint="eastAsia"/><w:sz w:val="{SMALL_SZ}"/><w:szCs w:val="{SMALL_SZ}"/></w:rPr>"#
    );
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            "<w:p><w:pPr>{ppr}</w:pPr>",
            r#"<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>"#,
            r#"<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>"#,
            r#"<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#,
            r#"<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>"#,
            r#"<w:r>{rpr}<w:t>1</w:t></w:r>"#,
            r#"<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>"#,
            r#"<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>"#,
            "</w:p></w:ftr>"
        ),
        ppr = ppr,
        rpr = rpr
    )
}

const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
    "</Types>"
);

const ROOT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
    "</Relationships>"
);

const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    r#"<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>"#,
    "</Relationships>"
);

const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:docDefaults><w:rPrDefault><w:rPr>"#,
    r#"<w:rFonts w:ascii="仿宋_GB2312" w:eastAsia="仿宋_GB2312" w:hAnsi="仿宋_GB2312" w:cs="仿宋_GB2312"/>"#,
    r#"<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>"#,
    r#"</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
    r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#,
    r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#,
    "</w:styles>"
);

const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>"#,
    r#"<w:characterSpacingControl w:val="compressPunctuation"/>"#,
    "</w:settings>"
);

const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    "</w:fonts>"
);

fn core_xml(letter: &Letter) -> String {
    let d = letter.date;
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator><dc:language>zh-CN</dc:language>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{y:04}-{m:02}-{d:02}T00:00:00Z</dcterms:created>"#,
            "</cp:coreProperties>"
        ),
        title = esc(&letter.title_text()),
        subject = esc(&format!("{} {}", letter.doc_no, letter.tier.label())),
        creator = esc(&letter.signer),
        y = d.year(),
        m = u8::from(d.month()),
        d = d.day(),
    )
}

const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>jiban</Application></Properties>"#
);

/// The letter as a .docx file.
pub fn render_docx(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    let parts: [(&str, String); 10] = [
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("_rels/.rels", ROOT_RELS.into()),
        ("docProps/core.xml", core_xml(letter)),
        ("docProps/app.xml", APP.into()),
        ("word/document.xml", document_xml(letter)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.into()),
        ("word/styles.xml", STYLES.into()),
        ("word/settings.xml", SETTINGS.into()),
        ("word/fontTable.xml", FONT_TABLE.into()),
        ("word/footer1.xml", footer_xml(true)),
    ];
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let footer2 = ("word/footer2.xml", footer_xml(false));
    for (name, content) in parts.iter().chain(std::iter::once(&footer2)) {
        zip.start_file(*name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
