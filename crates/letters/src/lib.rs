//! Warning letters of jiban (提醒函 / 预警函 / 督办函) as documents.
//!
//! - [`Letter`]: the parts of the letter; [`Letter::compose`] writes the standard wording of each
//!   tier from the facts ([`LetterFacts`]: unit, period, reason, figures — see [`period_text`] and
//!   [`metrics_text`]);
//! - [`render_pdf`]: A4 laid out after GB/T 9704-2012 (red 发文机关标志 and separator, 发文字号
//!   with 〔〕, title, 主送机关, 正文, 署名 and 成文日期, 版记, 页码 `— 1 —`), the fonts embedded
//!   and subsetted, the text extractable;
//! - [`render_docx`]: the same letter as .docx for Word / WPS.
//!
//! No database, no clock, no network: the only I/O is reading font files ([`FontConfig`]).
//! Numbering (文号), storage, sending and acknowledgement belong to the server.

mod docx;
mod fonts;
mod layout;
mod letter;
mod pdf;

use std::path::PathBuf;

pub use docx::render_docx;
pub use fonts::{FontConfig, Fonts, NOTO_SERIF_CJK_BOLD, NOTO_SERIF_CJK_REGULAR};
pub use jiban_assess::LetterTier;
pub use letter::{Letter, LetterFacts, date_text, metrics_text, period_text};
pub use pdf::{page_count, render_pdf_with};

/// Why a letter could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// The facts or the letter are incomplete or inconsistent (message in Chinese).
    #[error("{0}")]
    Invalid(String),
    /// No usable CJK serif font.
    #[error(
        "找不到可用的中文字体（已查找：{}）；请安装 fonts-noto-cjk（scripts/install-deps.sh）或配置字体目录",
        .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("，")
    )]
    FontNotFound { searched: Vec<PathBuf> },
    /// The PDF writer failed.
    #[error("生成 PDF 失败：{0}")]
    Pdf(String),
    /// The .docx could not be written.
    #[error("生成 Word 文档失败：{0}")]
    Docx(#[from] zip::result::ZipError),
    #[error("生成 Word 文档失败：{0}")]
    Io(#[from] std::io::Error),
}

/// The letter as PDF (A4, GB/T 9704-2012), with the fonts of `fonts`. Reads the font files each
/// time; see [`FontConfig::load`] and [`render_pdf_with`] to read them once.
pub fn render_pdf(letter: &Letter, fonts: &FontConfig) -> Result<Vec<u8>, LetterError> {
    render_pdf_with(letter, &fonts.load()?)
}
