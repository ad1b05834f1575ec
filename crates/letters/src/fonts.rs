//! Finding the fonts: a serif CJK face for the body (仿宋-like), a bold serif one for the header
//! and the title (小标宋-like), from a configured folder, falling back to Noto Serif CJK.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use krilla::text::Font;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::{FileRef, TableProvider};
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};

use crate::LetterError;

/// Noto Serif CJK, regular (Debian package `fonts-noto-cjk`, other distributions' paths after it).
pub const NOTO_SERIF_CJK_REGULAR: [&str; 3] = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-serif-cjk-ttc-fonts/NotoSerifCJK-Regular.ttc",
];

/// Noto Serif CJK, bold.
pub const NOTO_SERIF_CJK_BOLD: [&str; 3] = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/google-noto-serif-cjk-ttc-fonts/NotoSerifCJK-Bold.ttc",
];

/// Where the letters' fonts come from.
///
/// `dir` is searched (two levels deep) for `.ttf`, `.otf`, `.ttc` and `.otc` files by name: for
/// the body a 仿宋 (`*FangSong*`, `*仿宋*`, `simfang*`, `FZFS*`), else a 宋体 / serif
/// (`*Song*`, `*SimSun*`, `*宋*`, `*Serif*`, `*Ming*`); for the header and the title a 小标宋
/// (`*XiaoBiaoSong*`, `*小标宋*`, `FZXBS*`), else a bold serif. What is not found there (or
/// without a folder) is taken from Noto Serif CJK ([`NOTO_SERIF_CJK_REGULAR`],
/// [`NOTO_SERIF_CJK_BOLD`]), which also supplies the characters a configured font lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FontConfig {
    pub dir: Option<PathBuf>,
}

impl FontConfig {
    /// Reads the fonts. Load once and reuse with [`crate::render_pdf_with`] when rendering many
    /// letters (a CJK collection is 20–30 MB).
    pub fn load(&self) -> Result<Fonts, LetterError> {
        let files = self.dir.as_deref().map(font_files).unwrap_or_default();
        let pick = |score: fn(&str) -> u8| -> Option<Face> {
            let mut ranked: Vec<(u8, &PathBuf)> = files
                .iter()
                .map(|p| (score(&file_name(p)), p))
                .filter(|(s, _)| *s > 0)
                .collect();
            ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            ranked.into_iter().find_map(|(_, p)| Face::open(p))
        };
        let body = match pick(body_score) {
            Some(face) => face,
            None => first_of(&NOTO_SERIF_CJK_REGULAR).ok_or_else(|| self.not_found())?,
        };
        let title = match pick(title_score) {
            Some(face) => face,
            None => match first_of(&NOTO_SERIF_CJK_BOLD) {
                Some(face) => face,
                None => body.clone(),
            },
        };
        let fallback = OnceLock::new();
        if body.is_noto() {
            // the body is already the fallback
            let _ = fallback.set(Some(body.clone()));
        }
        Ok(Fonts {
            body,
            title,
            fallback,
        })
    }

    fn not_found(&self) -> LetterError {
        let mut searched: Vec<PathBuf> = self.dir.iter().cloned().collect();
        searched.extend(NOTO_SERIF_CJK_REGULAR.iter().map(PathBuf::from));
        LetterError::FontNotFound { searched }
    }
}

/// The fonts of a letter, read once ([`FontConfig::load`]).
pub struct Fonts {
    pub(crate) body: Face,
    pub(crate) title: Face,
    fallback: OnceLock<Option<Face>>,
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts")
            .field("body", &self.body)
            .field("title", &self.title)
            .finish()
    }
}

impl Fonts {
    /// The body font: its name and file (`Noto Serif CJK SC` in `…/NotoSerifCJK-Regular.ttc`).
    pub fn body(&self) -> (&str, &Path) {
        (&self.body.name, &self.body.path)
    }

    /// The header and title font.
    pub fn title(&self) -> (&str, &Path) {
        (&self.title.name, &self.title.path)
    }

    /// Noto Serif CJK regular, read the first time a character is missing from a configured font.
    pub(crate) fn fallback(&self) -> Option<&Face> {
        self.fallback
            .get_or_init(|| first_of(&NOTO_SERIF_CJK_REGULAR))
            .as_ref()
    }
}

/// One face of a font file.
#[derive(Clone)]
pub(crate) struct Face {
    pub(crate) font: Font,
    data: Arc<Vec<u8>>,
    index: u32,
    units_per_em: f32,
    pub(crate) path: PathBuf,
    pub(crate) name: String,
}

impl fmt::Debug for Face {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}#{})", self.name, self.path.display(), self.index)
    }
}

/// A character as a glyph of a face: id and advance in em.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Mapped {
    pub(crate) glyph: u32,
    pub(crate) advance: f32,
}

impl Face {
    /// The face of `path` that best writes simplified Chinese: in a collection the one named SC /
    /// GB / CN / 简, else the first mapping 中. `None` if the file cannot be read or has no such face.
    fn open(path: &Path) -> Option<Face> {
        let data = Arc::new(std::fs::read(path).ok()?);
        let faces: Vec<FontRef<'_>> = match FileRef::new(&data).ok()? {
            FileRef::Font(f) => vec![f],
            FileRef::Collection(c) => c.iter().filter_map(Result::ok).collect(),
        };
        let (index, name) = faces
            .iter()
            .enumerate()
            .filter(|(_, f)| f.charmap().map('中').is_some())
            .map(|(i, f)| {
                let name = family_name(f);
                let simplified = [" SC", "GB", "CN", "简", "SC "]
                    .iter()
                    .any(|k| name.contains(k) || name.ends_with(k.trim()));
                (i, name, simplified)
            })
            .max_by_key(|(i, _, simplified)| (*simplified, std::cmp::Reverse(*i)))
            .map(|(i, name, _)| (u32::try_from(i).unwrap_or(0), name))?;
        let units_per_em = f32::from(faces[index as usize].head().ok()?.units_per_em());
        let font = Font::new(krilla::Data::from(data.clone()), index)?;
        Some(Face {
            font,
            data: data.clone(),
            index,
            units_per_em,
            path: path.to_path_buf(),
            name,
        })
    }

    fn is_noto(&self) -> bool {
        NOTO_SERIF_CJK_REGULAR
            .iter()
            .any(|p| Path::new(p) == self.path)
    }

    /// Each character of `text` as a glyph, `None` where the face has none.
    pub(crate) fn map(&self, text: &str) -> Vec<Option<Mapped>> {
        let Ok(font) = FontRef::from_index(&self.data, self.index) else {
            return vec![None; text.chars().count()];
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        text.chars()
            .map(|c| {
                let glyph = charmap.map(c)?;
                let advance = metrics.advance_width(glyph)? / self.units_per_em;
                Some(Mapped {
                    glyph: glyph.to_u32(),
                    advance,
                })
            })
            .collect()
    }
}

fn family_name(font: &FontRef<'_>) -> String {
    for id in [
        StringId::TYPOGRAPHIC_FAMILY_NAME,
        StringId::FAMILY_NAME,
        StringId::FULL_NAME,
    ] {
        let names: Vec<String> = font.localized_strings(id).map(|s| s.to_string()).collect();
        // the English name reads best in logs; a region suffix (SC) sits in it
        if let Some(n) = names.iter().find(|n| n.is_ascii()).or(names.first()) {
            return n.clone();
        }
    }
    String::from("?")
}

fn first_of(paths: &[&str]) -> Option<Face> {
    paths
        .iter()
        .map(Path::new)
        .filter(|p| p.is_file())
        .find_map(Face::open)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Font files in `dir` and its subfolders (one level), sorted.
fn font_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u8, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if depth > 0 {
                    walk(&path, depth - 1, out);
                }
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            }) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, 1, &mut out);
    out.sort();
    out
}

fn has_any(name: &str, keys: &[&str]) -> bool {
    keys.iter().any(|k| name.contains(k))
}

const BOLD: [&str; 6] = ["bold", "粗", "heavy", "black", "semibold", "demi"];

/// 3: a 仿宋; 2: a regular 宋体 / serif; 0: not a body font.
pub(crate) fn body_score(name: &str) -> u8 {
    if has_any(name, &["fangsong", "仿宋", "simfang", "fzfs"]) {
        3
    } else if has_any(name, &["song", "宋", "simsun", "serif", "ming", "明"])
        && !has_any(name, &BOLD)
        && !has_any(
            name,
            &["xiaobiao", "小标", "hei", "黑", "kai", "楷", "sans"],
        )
    {
        2
    } else {
        0
    }
}

/// 3: a 小标宋; 2: a bold 宋体 / serif; 0: not a title font.
pub(crate) fn title_score(name: &str) -> u8 {
    if has_any(name, &["xiaobiaosong", "小标宋", "fzxbs"]) {
        3
    } else if has_any(name, &["song", "宋", "serif", "ming", "明"])
        && has_any(name, &BOLD)
        && !has_any(name, &["sans", "hei", "黑"])
    {
        2
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_are_recognised_by_their_file_names() {
        assert_eq!(body_score("fzfsk--gbk1-0.ttf"), 3);
        assert_eq!(body_score("仿宋_gb2312.ttf"), 3);
        assert_eq!(body_score("simfang.ttf"), 3);
        assert_eq!(body_score("simsun.ttc"), 2);
        assert_eq!(body_score("notoserifcjk-regular.ttc"), 2);
        assert_eq!(body_score("notoserifcjk-bold.ttc"), 0);
        assert_eq!(body_score("notosanscjk-regular.ttc"), 0);
        assert_eq!(body_score("fzxbsjw.ttf"), 0);
        assert_eq!(title_score("fzxbsjw.ttf"), 3);
        assert_eq!(title_score("方正小标宋简体.ttf"), 3);
        assert_eq!(title_score("notoserifcjk-bold.ttc"), 2);
        assert_eq!(title_score("notosanscjk-bold.ttc"), 0);
        assert_eq!(title_score("simfang.ttf"), 0);
    }
}
