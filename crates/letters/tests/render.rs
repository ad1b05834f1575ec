//! Renders each letter tier as PDF and .docx into `test-output/letters/`, turns the first page of
//! each PDF into a PNG with `pdftoppm` and checks the documents with poppler's tools (the text
//! extracts, the fonts are embedded, subsetted and mapped to Unicode) and by unzipping the .docx.
//!
//! Needs poppler-utils (`scripts/install-deps.sh`): the test fails without it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use jiban_assess::{
    LetterRules, LetterTier, Period, Standing, Weights, format_doc_no, letter_tier,
    rectification_due, unit_metrics,
};
use jiban_core::calendar::WorkCalendar;
use jiban_letters::{
    FontConfig, Letter, LetterFacts, NOTO_SERIF_CJK_REGULAR, metrics_text, page_count, period_text,
    render_docx, render_pdf,
};
use time::macros::{date, datetime};

const ISSUER: &str = "云岭经济技术开发区管理委员会督查室";
const UNIT: &str = "向阳街道办事处";

fn out_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("test-output/letters");
    std::fs::create_dir_all(&dir).expect("create test-output/letters");
    dir
}

/// Runs a poppler tool; fails the test with the way to install it when it is missing.
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "{tool} 未安装（poppler-utils）：请运行 scripts/install-deps.sh \
             或 apt-get install poppler-utils 后重试"
        ),
        Err(e) => panic!("{tool}: {e}"),
    };
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler writes UTF-8")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The extracted text without whitespace and page numbers, so that paragraphs read across pages.
fn flat_text(text: &str) -> String {
    let kept: String = text
        .lines()
        .filter(|l| {
            let l = squeeze(l);
            !(l.starts_with('—') && l.ends_with('—') && l.trim_matches('—').parse::<u32>().is_ok())
        })
        .collect();
    squeeze(&kept)
}

/// The letter a unit last of 4 for `weeks` weeks in a row earns, by the assessment crate's rules.
fn letter(weeks: usize, seq: u32) -> Letter {
    let as_of = datetime!(2025-11-24 08:00 +8);
    let period = Period::week(date!(2025 - 11 - 19), as_of).unwrap();
    let calendar = WorkCalendar::china_default();
    let metrics = unit_metrics(&[], &period, &Weights::default(), &calendar);
    let history = vec![
        Standing {
            rank: Some(4),
            of: 4
        };
        weeks
    ];
    let decision = letter_tier(&history, &metrics, &LetterRules::default()).expect("a letter");
    let issued = datetime!(2025-11-24 10:00 +8);
    let rectify_by = decision
        .rectify_days
        .map(|days| rectification_due(&calendar, issued, days).date());
    Letter::compose(LetterFacts {
        tier: decision.tier,
        issuer: ISSUER.into(),
        signer: ISSUER.into(),
        doc_no: format_doc_no("经开督", 2025, seq).unwrap(),
        unit: UNIT.into(),
        period: period_text(&period),
        reason: decision.reason,
        metrics: "收件23件，签收及时率83.3%，按期办结率60%，解决率66.7%，满意率60%，退单率20%，重办率33.3%，当前超期1件，综合得分65.00分".into(),
        date: date!(2025 - 11 - 24),
        rectify_by,
        cc: Some("管委会办公室、经济发展部".into()),
    })
    .expect("compose")
}

fn fonts() -> FontConfig {
    assert!(
        NOTO_SERIF_CJK_REGULAR
            .iter()
            .any(|p| Path::new(p).is_file()),
        "Noto Serif CJK 未安装：请运行 scripts/install-deps.sh（fonts-noto-cjk）"
    );
    FontConfig::default()
}

fn check_fonts(pdf: &Path) -> String {
    // name type encoding emb sub uni object ID
    let list = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts in {}:\n{list}", pdf.display());
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "every font embedded, subsetted, with a ToUnicode map:\n{list}"
        );
    }
    list
}

#[test]
fn every_tier_renders_as_a_gbt9704_letter() {
    let dir = out_dir();
    let fonts = fonts();
    for (i, tier) in LetterTier::ALL.into_iter().enumerate() {
        let letter = letter(i + 1, 10 + i as u32);
        assert_eq!(letter.tier, tier);
        let name = tier.as_str();

        let pdf = render_pdf(&letter, &fonts).expect("render pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            pdf.len() < 1_000_000,
            "{name}.pdf is {} bytes: the fonts must be subsetted",
            pdf.len()
        );
        assert_eq!(
            pdf,
            render_pdf(&letter, &fonts).unwrap(),
            "the same bytes each time"
        );
        let pdf_path = dir.join(format!("{name}.pdf"));
        std::fs::write(&pdf_path, &pdf).unwrap();

        let png_root = dir.join(name);
        let _ = std::fs::remove_file(dir.join(format!("{name}-1.png")));
        poppler(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "60",
                pdf_path.to_str().unwrap(),
                png_root.to_str().unwrap(),
            ],
        );
        let png = std::fs::read(dir.join(format!("{name}-1.png"))).expect("pdftoppm wrote page 1");
        assert!(png.starts_with(b"\x89PNG"));
        // A4 at 60 dpi: 496.1 × 701.6 pixels
        let (w, h) = (
            u32::from_be_bytes(png[16..20].try_into().unwrap()),
            u32::from_be_bytes(png[20..24].try_into().unwrap()),
        );
        assert!(
            (496..=497).contains(&w) && (701..=702).contains(&h),
            "{w}×{h}"
        );

        let text = poppler("pdftotext", &[pdf_path.to_str().unwrap(), "-"]);
        let flat = flat_text(&text);
        assert!(text.contains(&letter.doc_no), "文号 in\n{text}");
        assert!(letter.doc_no.contains('〔') && letter.doc_no.contains('〕'));
        assert!(text.contains(ISSUER), "发文机关 in\n{text}");
        assert!(flat.contains(&squeeze(&letter.title)), "title in\n{text}");
        assert!(text.contains(&format!("{UNIT}：")), "主送机关 in\n{text}");
        assert!(text.contains("2025年11月24日"), "成文日期 in\n{text}");
        assert!(text.contains("2025年11月24日印发"), "版记 in\n{text}");
        assert!(
            flat.contains("抄送：管委会办公室、经济发展部。"),
            "抄送 in\n{text}"
        );
        // pdftotext's reading order glues the dashes to the figure (“—1—”); raw order keeps the
        // spaces
        let raw = poppler("pdftotext", &["-raw", pdf_path.to_str().unwrap(), "-"]);
        assert!(raw.contains("— 1 —"), "页码 in\n{raw}");
        assert!(flat.contains("特此函告。"));
        for p in letter.paragraphs() {
            assert!(flat.contains(&squeeze(&p)), "paragraph {p} in\n{text}");
        }
        match tier {
            LetterTier::Supervision => {
                // 10 working days after Monday 24 November 2025
                assert!(flat.contains("请你单位于2025年12月8日前完成整改"), "{text}");
                assert!(
                    flat.contains("连续3期排名末位（本期第4名，共4名）"),
                    "{text}"
                );
            }
            LetterTier::Warning => assert!(flat.contains("连续2期排名末位"), "{text}"),
            LetterTier::Reminder => assert!(flat.contains("本期排名末位（第4名，共4名）")),
        }
        let fonts_list = check_fonts(&pdf_path);
        assert!(fonts_list.contains("NotoSerifCJK"), "{fonts_list}");

        let docx = render_docx(&letter).expect("render docx");
        std::fs::write(dir.join(format!("{name}.docx")), &docx).unwrap();
        check_docx(&docx, &letter);
    }
}

#[test]
fn a_long_letter_breaks_into_numbered_pages() {
    let fonts = fonts();
    let mut letter = letter(3, 99);
    letter.body = (1..=40)
        .map(|i| {
            format!(
                "第{i}条：请你单位对照群众诉求办理考核指标，逐件复查考核期内超期未办结、退单和群众不满意的工单，明确责任科室和责任人，能解决的立即解决，一时难以解决的明确办理时限并向诉求人做好解释说明。"
            )
        })
        .collect();
    let pages = page_count(&letter, &fonts.load().unwrap());
    assert!(pages >= 2, "{pages} pages");

    let dir = out_dir();
    let pdf_path = dir.join("long.pdf");
    let pdf = render_pdf(&letter, &fonts).unwrap();
    std::fs::write(&pdf_path, &pdf).unwrap();
    let info = poppler("pdfinfo", &[pdf_path.to_str().unwrap()]);
    let reported: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo Pages");
    assert_eq!(reported, pages);
    assert!(info.contains("A4"), "{info}");

    let text = poppler("pdftotext", &["-raw", pdf_path.to_str().unwrap(), "-"]);
    for n in 1..=pages {
        assert!(
            text.contains(&format!("— {n} —")),
            "page number {n} in\n{text}"
        );
    }
    let flat = flat_text(&text);
    for i in [1, 17, 40] {
        assert!(
            flat.contains(&format!("第{i}条：请你单位")),
            "paragraph {i}"
        );
    }
    // the last page holds the deadline, the signature and the 版记
    let last = text.split('\u{c}').rfind(|p| !p.trim().is_empty()).unwrap();
    assert!(last.contains("2025年11月24日印发"), "{last}");
    let png_root = dir.join("long");
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "2",
            "-l",
            "2",
            pdf_path.to_str().unwrap(),
            png_root.to_str().unwrap(),
        ],
    );
    assert!(pdf.len() < 1_000_000);
}

#[test]
fn a_configured_font_folder_is_used() {
    let sans = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    if !Path::new(sans).is_file() {
        panic!("Noto Sans CJK 未安装：请运行 scripts/install-deps.sh（fonts-noto-cjk）");
    }
    let dir = std::env::temp_dir().join(format!("jiban-letters-fonts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("FangSong-Test.ttc");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(sans, &link).unwrap();
    let config = FontConfig {
        dir: Some(dir.clone()),
    };
    let fonts = config.load().unwrap();
    assert_eq!(fonts.body().0, "Noto Sans CJK SC");
    assert_eq!(fonts.body().1, link.as_path());
    assert_eq!(
        fonts.title().0,
        "Noto Serif CJK SC",
        "no title font there: the fallback"
    );

    let letter = letter(1, 7);
    let pdf = render_pdf(&letter, &config).unwrap();
    let path = out_dir().join("configured-font.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let list = check_fonts(&path);
    assert!(list.contains("NotoSansCJK"), "{list}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compose_checks_its_facts() {
    let mut facts = LetterFacts {
        tier: LetterTier::Supervision,
        issuer: ISSUER.into(),
        signer: ISSUER.into(),
        doc_no: "经开督[2025]3".into(),
        unit: UNIT.into(),
        period: "2025年11月17日至11月23日".into(),
        reason: "连续 3 期排名末位（本期第 4 名，共 4 名）".into(),
        metrics: String::new(),
        date: date!(2025 - 11 - 24),
        rectify_by: None,
        cc: None,
    };
    assert!(
        Letter::compose(facts.clone()).is_err(),
        "督办函 without deadline"
    );
    facts.rectify_by = Some(date!(2025 - 11 - 24));
    assert!(
        Letter::compose(facts.clone()).is_err(),
        "deadline on the day of issue"
    );
    facts.rectify_by = Some(date!(2025 - 12 - 08));
    let letter = Letter::compose(facts.clone()).unwrap();
    assert_eq!(
        letter.doc_no, "经开督〔2025〕3号",
        "typed brackets come back as 〔〕"
    );
    assert_eq!(letter.title, "关于督促向阳街道办事处限期整改的督办函");
    let mut long = facts.clone();
    long.unit = "云岭经济技术开发区经济发展和改革局".into();
    assert_eq!(
        Letter::compose(long).unwrap().title,
        "关于督促云岭经济技术开发区经济发展和改革局\n限期整改的督办函",
        "breaks after the name"
    );
    assert!(letter.body[0].contains("我室对2025年11月17日至11月23日各单位"));
    assert!(letter.body[0].contains("你单位连续3期排名末位（本期第4名，共4名）。"));
    assert!(!letter.body[0].contains("主要指标"), "no figures given");
    let paragraphs = letter.paragraphs();
    assert_eq!(paragraphs.last().unwrap(), "特此函告。");
    assert!(paragraphs[paragraphs.len() - 2].starts_with("请你单位于2025年12月8日前完成整改"));

    facts.tier = LetterTier::Reminder;
    assert!(
        Letter::compose(facts.clone()).is_err(),
        "提醒函 with a deadline"
    );
    facts.rectify_by = None;
    facts.unit = " ".into();
    assert!(Letter::compose(facts.clone()).is_err(), "no addressee");
    facts.unit = UNIT.into();
    facts.doc_no = "经开督2025".into();
    assert!(Letter::compose(facts).is_err(), "unreadable 文号");
}

#[test]
fn figures_in_words() {
    let as_of = datetime!(2025-11-24 08:00 +8);
    let period = Period::week(date!(2025 - 11 - 19), as_of).unwrap();
    let m = unit_metrics(
        &[],
        &period,
        &Weights::default(),
        &WorkCalendar::china_default(),
    );
    assert_eq!(
        metrics_text(&m),
        "收件0件",
        "rates without a value are left out"
    );
}

fn check_docx(docx: &[u8], letter: &Letter) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a file name").into_owned())
        .collect();
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/settings.xml",
        "word/fontTable.xml",
        "word/footer1.xml",
        "word/footer2.xml",
        "docProps/core.xml",
    ] {
        assert!(names.iter().any(|n| n == part), "{part} in {names:?}");
    }
    for name in &names {
        let mut xml = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
        let mut reader = quick_xml::Reader::from_str(&xml);
        reader.config_mut().check_end_names = true;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed: {e}"),
            }
        }
    }
    let mut doc = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut doc)
        .unwrap();
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#), "A4");
    assert!(doc.contains(r#"w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#));
    for text in [&letter.issuer, &letter.doc_no, &letter.addressee] {
        assert!(doc.contains(text.as_str()), "{text} in document.xml");
    }
    for part in letter.title.split('\n') {
        assert!(doc.contains(part), "{part} in document.xml");
    }
    assert!(doc.contains("2025年11月24日"));
    assert!(doc.contains(r#"<w:color w:val="FF0000"/>"#), "red header");
    assert!(doc.contains(r#"<w:bottom w:val="single" w:sz="12" w:space="5" w:color="FF0000"/>"#));
    assert!(doc.contains(r#"w:eastAsia="仿宋_GB2312""#));
    assert!(doc.contains(r#"w:eastAsia="方正小标宋简体""#));
    assert!(doc.contains(r#"w:firstLineChars="200""#));
    for p in letter.paragraphs() {
        assert!(doc.contains(&p), "{p} in document.xml");
    }
    let mut footer = String::new();
    zip.by_name("word/footer1.xml")
        .unwrap()
        .read_to_string(&mut footer)
        .unwrap();
    assert!(footer.contains(" PAGE "), "page number field");
}
