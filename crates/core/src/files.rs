//! What files jiban accepts as attachments, told by their content (magic bytes), never by the
//! name or the browser's claim alone.

use crate::error::DomainError;

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Gif,
    Webp,
    Pdf,
    /// docx / xlsx / pptx (a zip container)
    OfficeOpenXml,
    /// doc / xls / ppt (an OLE container)
    OfficeLegacy,
}

impl FileKind {
    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileKind::Jpeg | FileKind::Png | FileKind::Gif | FileKind::Webp
        )
    }
}

/// The extensions allowed for each container, with their MIME types.
const OOXML: &[(&str, &str)] = &[
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
];
const LEGACY: &[(&str, &str)] = &[
    ("doc", "application/msword"),
    ("xls", "application/vnd.ms-excel"),
    ("ppt", "application/vnd.ms-powerpoint"),
];

/// Tells the kind and MIME type of a file from its first bytes and its name.
pub fn sniff(head: &[u8], file_name: &str) -> Result<(FileKind, &'static str), DomainError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let refuse = || {
        DomainError::new(
            "file",
            "validation.file_type",
            format!(
                "不支持的附件类型（{file_name}）：仅限 JPG、PNG、GIF、WEBP 图片，PDF，以及 Word/Excel/PowerPoint 文档"
            ),
        )
    };
    let kind = if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        (FileKind::Jpeg, "image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        (FileKind::Png, "image/png")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        (FileKind::Gif, "image/gif")
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        (FileKind::Webp, "image/webp")
    } else if head.starts_with(b"%PDF-") {
        (FileKind::Pdf, "application/pdf")
    } else if head.starts_with(b"PK\x03\x04") {
        let (_, mime) = OOXML.iter().find(|(e, _)| *e == ext).ok_or_else(refuse)?;
        (FileKind::OfficeOpenXml, *mime)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let (_, mime) = LEGACY.iter().find(|(e, _)| *e == ext).ok_or_else(refuse)?;
        (FileKind::OfficeLegacy, *mime)
    } else {
        return Err(refuse());
    };
    Ok(kind)
}

/// A file name safe to store and to send back: no path, no control characters, at most 120
/// characters; the extension is kept.
pub fn clean_file_name(name: &str) -> Result<String, DomainError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .collect();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        return Err(DomainError::new(
            "file",
            "validation.file_name",
            "附件文件名无效",
        ));
    }
    let n = cleaned.chars().count();
    if n <= 120 {
        return Ok(cleaned);
    }
    let (stem, ext) = cleaned.rsplit_once('.').unwrap_or((&cleaned, ""));
    let keep: String = stem.chars().take(120 - ext.chars().count() - 1).collect();
    Ok(format!("{keep}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0rest", "现场.jpg").unwrap().1,
            "image/jpeg"
        );
        assert_eq!(sniff(b"%PDF-1.7", "a.pdf").unwrap().0, FileKind::Pdf);
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ", "x.webp").unwrap().0,
            FileKind::Webp
        );
        assert!(
            sniff(b"PK\x03\x04", "报告.docx")
                .unwrap()
                .1
                .contains("wordprocessingml")
        );
        // a zip that is not an office document, an executable, a script
        assert_eq!(
            sniff(b"PK\x03\x04", "x.zip").unwrap_err().code,
            "validation.file_type"
        );
        assert!(sniff(b"MZ\x90\0", "setup.jpg").is_err());
        assert!(sniff(b"<script>", "a.html").is_err());
        assert!(sniff(b"", "empty.pdf").is_err());
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(
            clean_file_name("C:\\Users\\张三\\现场照片.jpg").unwrap(),
            "现场照片.jpg"
        );
        assert_eq!(clean_file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\"c.pdf").unwrap(), "abc.pdf");
        assert!(clean_file_name("..").is_err());
        let long = format!("{}.pdf", "长".repeat(300));
        let c = clean_file_name(&long).unwrap();
        assert_eq!(c.chars().count(), 120);
        assert!(c.ends_with(".pdf"));
    }
}
