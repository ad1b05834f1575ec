//! Imports of enterprise lists and indicator values from xlsx/csv: reading the table, suggesting
//! a column mapping, checking every row (errors by row and column, nothing written), and the
//! background write with progress.
//!
//! A file with any bad row cannot be confirmed; at confirm the file is read and checked again
//! (the registry may have changed since the preview), then written in batches of
//! [`BATCH`] rows, each batch one transaction with its audit events. Enterprises are matched by
//! credit code, so a re-import updates and never duplicates — which also makes an interrupted job
//! safe to run again.

use crate::auth::Principal;
use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use jiban_core::industry::Industry;
use jiban_core::size::classify;
use jiban_core::text::Phone;
use jiban_core::uscc::Uscc;
use jiban_store::audit::NewAudit;
use jiban_store::enterprises::{EnterpriseRow, NewEnterprise};
use jiban_store::indicators::{IndicatorRow, NewValue};
use jiban_store::org::OrgUnitRow;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use time::{Date, Month};
use utoipa::ToSchema;
use uuid::Uuid;

/// Rows written per transaction.
pub const BATCH: usize = 500;
/// Largest file accepted.
pub const MAX_BYTES: usize = 30 * 1024 * 1024;
/// Most data rows in one file.
pub const MAX_ROWS: usize = 1_000_000;
/// Errors listed in a preview (the count is always exact).
pub const MAX_LISTED_ERRORS: usize = 2_000;

/// A file read as text cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    /// The spreadsheet row number (1-based) of the header row.
    pub header_row: usize,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The spreadsheet row number of data row `i`.
    pub fn row_number(&self, i: usize) -> usize {
        self.header_row + 1 + i
    }
}

fn bad_file(message: impl Into<String>) -> AppError {
    AppError::invalid("import.bad_file", "file", message)
}

/// Reads an xlsx (first sheet) or a csv (UTF-8, with or without BOM, or GBK as Excel writes it
/// on Chinese Windows). The header is the first row with at least two non-empty cells.
pub fn read_table(file_name: &str, bytes: &[u8]) -> ApiResult<Table> {
    let lower = file_name.to_lowercase();
    let grid: Vec<Vec<String>> = if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)?
    } else {
        return Err(bad_file(
            "只支持 .xlsx 和 .csv 文件（旧版 .xls 请在 Excel/WPS 中另存为 .xlsx）",
        ));
    };
    let header_at = grid
        .iter()
        .position(|r| r.iter().filter(|c| !c.is_empty()).count() >= 2)
        .ok_or_else(|| bad_file("文件中没有表头行"))?;
    let headers: Vec<String> = grid[header_at]
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows: Vec<Vec<String>> = grid[header_at + 1..].to_vec();
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    if rows.len() > MAX_ROWS {
        return Err(bad_file(format!(
            "文件有 {} 行，超过单次导入上限 {MAX_ROWS} 行，请拆分后导入",
            rows.len()
        )));
    }
    Ok(Table {
        headers,
        header_row: header_at + 1,
        rows,
    })
}

fn read_xlsx(bytes: &[u8]) -> ApiResult<Vec<Vec<String>>> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad_file(format!("无法读取 xlsx 文件：{e}")))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| bad_file("xlsx 文件中没有工作表"))?
        .map_err(|e| bad_file(format!("无法读取工作表：{e}")))?;
    let cell = |d: &Data| -> String {
        match d {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) => fmt_number(*f),
            Data::Bool(b) => if *b { "是" } else { "否" }.into(),
            Data::DateTime(dt) => excel_date(dt.as_f64())
                .map(|d| d.to_string())
                .unwrap_or_else(|| fmt_number(dt.as_f64())),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    Ok(range.rows().map(|r| r.iter().map(cell).collect()).collect())
}

pub fn fmt_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An Excel serial date (1900 system) as a date.
fn excel_date(serial: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    base.checked_add(time::Duration::days(serial.floor() as i64))
}

fn read_csv(bytes: &[u8]) -> ApiResult<Vec<Vec<String>>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (s, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err(bad_file("csv 文件编码无法识别（请使用 UTF-8 或 GBK）"));
            }
            s.into_owned()
        }
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| bad_file(format!("csv 第 {} 行无法解析：{e}", i + 1)))?;
        out.push(rec.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(out)
}

/// A target field of an import.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct FieldSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    #[serde(skip)]
    pub synonyms: &'static [&'static str],
}

const fn f(
    key: &'static str,
    label: &'static str,
    required: bool,
    synonyms: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        key,
        label,
        required,
        synonyms,
    }
}

/// The columns of an enterprise list, with the headers census lists and market-regulation
/// exports use for them.
pub const ENTERPRISE_FIELDS: &[FieldSpec] = &[
    f(
        "uscc",
        "统一社会信用代码",
        true,
        &[
            "信用代码",
            "社会信用代码",
            "统一代码",
            "统一社会信用代码（18位）",
        ],
    ),
    f(
        "name",
        "企业名称",
        true,
        &[
            "单位详细名称",
            "单位名称",
            "名称",
            "企业（单位）名称",
            "市场主体名称",
        ],
    ),
    f("former_names", "曾用名", false, &["原名称", "曾用名称"]),
    f(
        "legal_rep",
        "法定代表人",
        false,
        &[
            "法人代表",
            "法定代表人（负责人）",
            "负责人",
            "法定代表人姓名",
        ],
    ),
    f(
        "registered_capital_wan",
        "注册资本（万元）",
        false,
        &["注册资本", "注册资金", "注册资本(万元)"],
    ),
    f(
        "founded_on",
        "成立日期",
        false,
        &["成立时间", "开业日期", "注册日期", "开业（成立）时间"],
    ),
    f(
        "address",
        "住所",
        false,
        &["详细地址", "地址", "经营场所", "注册地址", "单位所在地"],
    ),
    f("grid", "所属网格", false, &["网格", "网格名称", "网格编码"]),
    f(
        "industry_code",
        "行业代码",
        false,
        &[
            "国民经济行业代码",
            "行业代码（GB/T 4754）",
            "主要业务活动代码",
        ],
    ),
    f(
        "employees",
        "从业人员",
        false,
        &["从业人员期末人数", "从业人数", "职工人数", "员工人数"],
    ),
    f(
        "revenue_wan",
        "营业收入（万元）",
        false,
        &["营业收入", "营业收入(万元)", "主营业务收入"],
    ),
    f(
        "revenue_last_year_wan",
        "上年营业收入（万元）",
        false,
        &["上年营业收入", "去年营业收入", "上年营业收入(万元)"],
    ),
    f(
        "rd_spend_wan",
        "研发费用（万元）",
        false,
        &["研发费用", "研发费用(万元)", "研究开发费用", "R&D经费支出"],
    ),
    f(
        "assets_wan",
        "资产总额（万元）",
        false,
        &["资产总计", "资产总额", "资产总计(万元)"],
    ),
    f("tags", "标签", false, &["企业标签", "企业类型标签"]),
    f("contact_name", "联系人", false, &["联系人姓名"]),
    f(
        "contact_phone",
        "联系电话",
        false,
        &["电话", "联系人电话", "手机", "联系方式"],
    ),
    f("lon", "经度", false, &["lng", "longitude"]),
    f("lat", "纬度", false, &["latitude"]),
];

/// The columns of an indicator-value file.
pub const VALUE_FIELDS: &[FieldSpec] = &[
    f(
        "uscc",
        "统一社会信用代码",
        true,
        &["信用代码", "社会信用代码"],
    ),
    f("indicator", "指标", true, &["指标名称", "指标代码"]),
    f(
        "period",
        "期间",
        true,
        &["统计期", "月份", "报告期", "日期"],
    ),
    f("value", "数值", true, &["值", "指标值", "本期值"]),
];

pub fn fields_of(kind: &str) -> ApiResult<&'static [FieldSpec]> {
    match kind {
        "enterprises" => Ok(ENTERPRISE_FIELDS),
        "indicator_values" => Ok(VALUE_FIELDS),
        _ => Err(AppError::invalid(
            "validation.import_kind",
            "kind",
            "导入类型只能是 enterprises（企业名录）或 indicator_values（指标数据）",
        )),
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"()（）[]【】:：*".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The header each field most likely is (exact name or synonym first, then containment).
pub fn suggest_mapping(
    fields: &[FieldSpec],
    headers: &[String],
) -> BTreeMap<String, Option<String>> {
    let normed: Vec<String> = headers.iter().map(|h| norm(h)).collect();
    let mut used = HashSet::new();
    let mut out = BTreeMap::new();
    for fs in fields {
        let names: Vec<String> = std::iter::once(fs.label)
            .chain(fs.synonyms.iter().copied())
            .chain(std::iter::once(fs.key))
            .map(norm)
            .collect();
        let exact = normed
            .iter()
            .position(|h| !used.contains(h) && names.contains(h));
        let pick = exact.or_else(|| {
            normed.iter().position(|h| {
                !used.contains(h)
                    && !h.is_empty()
                    && names
                        .iter()
                        .any(|n| n.chars().count() >= 2 && h.contains(n.as_str()))
            })
        });
        if let Some(i) = pick {
            used.insert(normed[i].clone());
        }
        out.insert(fs.key.to_string(), pick.map(|i| headers[i].clone()));
    }
    out
}

/// One error of a preview.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct RowError {
    /// The spreadsheet row (the header is row 1 when it is the first row).
    pub row: usize,
    /// The file's column header.
    pub column: String,
    pub field: String,
    pub message: String,
}

/// Resolved column indexes of a mapping, checked against the fields and headers.
pub struct Columns {
    idx: HashMap<&'static str, (usize, String)>,
}

impl Columns {
    pub fn new(
        fields: &[FieldSpec],
        headers: &[String],
        mapping: &BTreeMap<String, Option<String>>,
    ) -> ApiResult<Columns> {
        let mut idx = HashMap::new();
        for (k, h) in mapping {
            let Some(fs) = fields.iter().find(|f| f.key == k) else {
                return Err(AppError::invalid(
                    "validation.mapping",
                    "mapping",
                    format!("未知的目标字段“{k}”"),
                ));
            };
            if let Some(h) = h.as_deref().filter(|h| !h.is_empty()) {
                let i = headers.iter().position(|x| x == h).ok_or_else(|| {
                    AppError::invalid(
                        "validation.mapping",
                        "mapping",
                        format!("文件中没有“{h}”列（映射到“{}”）", fs.label),
                    )
                })?;
                idx.insert(fs.key, (i, h.to_string()));
            }
        }
        for fs in fields.iter().filter(|f| f.required) {
            if !idx.contains_key(fs.key) {
                return Err(AppError::invalid(
                    "validation.mapping",
                    "mapping",
                    format!("必填字段“{}”尚未对应到文件中的列", fs.label),
                ));
            }
        }
        Ok(Columns { idx })
    }

    pub fn has(&self, key: &str) -> bool {
        self.idx.contains_key(key)
    }

    fn get<'a>(&self, row: &'a [String], key: &str) -> Option<&'a str> {
        let (i, _) = self.idx.get(key)?;
        Some(row.get(*i).map(|s| s.trim()).unwrap_or(""))
    }

    fn column(&self, key: &str) -> String {
        self.idx
            .get(key)
            .map(|(_, h)| h.clone())
            .unwrap_or_default()
    }
}

/// Parses a date as people write it: 2019-05-08, 2019/5/8, 2019.5.8, 2019年5月8日, 20190508.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s[..4].parse().ok()?;
        let m: u8 = s[4..6].parse().ok()?;
        let d = s[6..].parse().ok()?;
        return Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok();
    }
    let parts: Vec<&str> = s
        .split(|c: char| "-/.年月日 ".contains(c))
        .filter(|p| !p.is_empty())
        .collect();
    // a date-time cell: keep the date
    let parts = if parts.len() > 3 {
        &parts[..3]
    } else {
        &parts[..]
    };
    if parts.len() != 3 {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u8 = parts[1].parse().ok()?;
    let d: u8 = parts[2].split(['T', ' ']).next()?.parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// Parses a number as people type it (thousands separators, full-width digits).
pub fn parse_number(s: &str) -> Option<f64> {
    let t: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            c => c,
        })
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The fields of an enterprise as read from one row (only the mapped ones are `Some`).
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFields {
    pub uscc: String,
    pub name: Option<String>,
    pub former_names: Option<Vec<String>>,
    pub legal_rep: Option<String>,
    pub registered_capital_wan: Option<Option<f64>>,
    pub founded_on: Option<Option<Date>>,
    pub address: Option<String>,
    pub grid_id: Option<Option<Uuid>>,
    pub industry_code: Option<String>,
    pub employees: Option<Option<i64>>,
    pub revenue_wan: Option<Option<f64>>,
    pub revenue_last_year_wan: Option<Option<f64>>,
    pub rd_spend_wan: Option<Option<f64>>,
    pub assets_wan: Option<Option<f64>>,
    pub tags: Option<Vec<String>>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub lon: Option<Option<f64>>,
    pub lat: Option<Option<f64>>,
}

/// What an import checks a row against.
pub struct RegistryContext {
    pub grids: Vec<OrgUnitRow>,
    pub tags: HashSet<String>,
}

impl RegistryContext {
    pub async fn load(state: &AppState, zone_id: Uuid) -> ApiResult<RegistryContext> {
        let grids = state
            .store
            .org_units(zone_id)
            .await?
            .into_iter()
            .filter(|u| u.kind == "grid" && u.active)
            .collect();
        let tags = state
            .store
            .enterprise_tags(zone_id)
            .await?
            .into_iter()
            // the vocabulary, and tags enterprises already carry (a re-imported export keeps them)
            .map(|(t, _, _)| t)
            .collect();
        Ok(RegistryContext { grids, tags })
    }

    pub fn grid(&self, s: &str) -> Option<Uuid> {
        let s = s.trim();
        self.grids
            .iter()
            .find(|g| g.code == s || g.name == s)
            .map(|g| g.id)
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(['；', ';', '、', ',', '，', '|'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Reads and checks one row; pushes its errors.
fn enterprise_row(
    cols: &Columns,
    row: &[String],
    row_no: usize,
    cx: &RegistryContext,
    errors: &mut Vec<RowError>,
) -> Option<EnterpriseFields> {
    let before = errors.len();
    let mut err = |key: &str, message: String| {
        errors.push(RowError {
            row: row_no,
            column: cols.column(key),
            field: key.to_string(),
            message,
        })
    };
    let mut out = EnterpriseFields::default();
    match Uscc::parse(cols.get(row, "uscc").unwrap_or("")) {
        Ok(u) => out.uscc = u.as_str().to_string(),
        Err(e) => err("uscc", e.message),
    }
    if let Some(name) = cols.get(row, "name") {
        if name.is_empty() {
            err("name", "企业名称不能为空".into());
        } else if name.chars().count() > 100 {
            err("name", "企业名称超过 100 个字".into());
        } else {
            out.name = Some(name.to_string());
        }
    }
    out.former_names = cols.get(row, "former_names").map(split_list);
    out.legal_rep = cols.get(row, "legal_rep").map(str::to_string);
    out.address = cols.get(row, "address").map(str::to_string);
    out.contact_name = cols.get(row, "contact_name").map(str::to_string);
    let mut num = |key: &str, label: &str, min: f64, max: f64| -> Option<Option<f64>> {
        let s = cols.get(row, key)?;
        if s.is_empty() {
            return Some(None);
        }
        match parse_number(s) {
            Some(v) if (min..=max).contains(&v) => Some(Some(v)),
            Some(_) => {
                err(key, format!("{label}“{s}”超出合理范围"));
                None
            }
            None => {
                err(key, format!("{label}“{s}”不是数字"));
                None
            }
        }
    };
    out.registered_capital_wan = num("registered_capital_wan", "注册资本", 0.0, 1e9);
    out.revenue_wan = num("revenue_wan", "营业收入", -1e9, 1e10);
    out.revenue_last_year_wan = num("revenue_last_year_wan", "上年营业收入", -1e9, 1e10);
    out.rd_spend_wan = num("rd_spend_wan", "研发费用", 0.0, 1e10);
    out.assets_wan = num("assets_wan", "资产总额", -1e9, 1e10);
    out.lon = num("lon", "经度", 73.0, 136.0);
    out.lat = num("lat", "纬度", 3.0, 54.0);
    out.employees = num("employees", "从业人员", 0.0, 1e7).map(|v| v.map(|x| x.round() as i64));
    if let Some(s) = cols.get(row, "founded_on") {
        if s.is_empty() {
            out.founded_on = Some(None);
        } else {
            match parse_date(s) {
                Some(d) => out.founded_on = Some(Some(d)),
                None => err(
                    "founded_on",
                    format!("成立日期“{s}”不是有效日期（如 2019-05-08）"),
                ),
            }
        }
    }
    if let Some(s) = cols.get(row, "grid") {
        if s.is_empty() {
            out.grid_id = Some(None);
        } else {
            match cx.grid(s) {
                Some(g) => out.grid_id = Some(Some(g)),
                None => err("grid", format!("网格“{s}”不存在")),
            }
        }
    }
    if let Some(s) = cols.get(row, "industry_code") {
        if s.is_empty() {
            out.industry_code = Some(String::new());
        } else {
            match Industry::parse(s) {
                Ok(i) => out.industry_code = Some(i.as_str().to_string()),
                Err(e) => err("industry_code", e.message),
            }
        }
    }
    if let Some(s) = cols.get(row, "tags") {
        let tags = split_list(s);
        if let Some(t) = tags.iter().find(|t| !cx.tags.contains(*t)) {
            err("tags", format!("标签“{t}”不在本区标签目录中"));
        } else {
            out.tags = Some(tags);
        }
    }
    if let Some(s) = cols.get(row, "contact_phone") {
        if s.is_empty() {
            out.contact_phone = Some(String::new());
        } else {
            match Phone::parse(s) {
                Ok(p) => out.contact_phone = Some(p.as_str().to_string()),
                Err(e) => err("contact_phone", e.message),
            }
        }
    }
    (errors.len() == before).then_some(out)
}

/// The outcome of checking a file.
pub struct Checked<T> {
    pub rows: Vec<T>,
    pub errors: Vec<RowError>,
    pub to_insert: usize,
    pub to_update: usize,
}

/// Checks an enterprise list; `existing` maps the credit codes already in the registry.
pub async fn check_enterprises(
    state: &AppState,
    zone_id: Uuid,
    table: &Table,
    cols: &Columns,
) -> ApiResult<(Checked<EnterpriseFields>, HashMap<String, EnterpriseRow>)> {
    let cx = RegistryContext::load(state, zone_id).await?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let n = table.row_number(i);
        if let Some(r) = enterprise_row(cols, row, n, &cx, &mut errors) {
            if let Some(first) = seen.get(&r.uscc) {
                errors.push(RowError {
                    row: n,
                    column: cols.column("uscc"),
                    field: "uscc".into(),
                    message: format!("统一社会信用代码 {} 与第 {first} 行重复", r.uscc),
                });
                continue;
            }
            seen.insert(r.uscc.clone(), n);
            rows.push(r);
        }
    }
    let codes: Vec<String> = rows.iter().map(|r| r.uscc.clone()).collect();
    let existing: HashMap<String, EnterpriseRow> = state
        .store
        .enterprises_by_usccs(zone_id, &codes)
        .await?
        .into_iter()
        .map(|e| (e.uscc.clone(), e))
        .collect();
    let mut to_insert = 0;
    for r in &rows {
        if !existing.contains_key(&r.uscc) {
            to_insert += 1;
            if r.name.is_none() {
                // only reachable when the name column is unmapped, which the mapping refuses
                errors.push(RowError {
                    row: 0,
                    column: cols.column("name"),
                    field: "name".into(),
                    message: format!("新企业 {} 缺少名称", r.uscc),
                });
            }
        }
    }
    errors.sort_by_key(|e| e.row);
    let to_update = rows.len() - to_insert;
    Ok((
        Checked {
            rows,
            errors,
            to_insert,
            to_update,
        },
        existing,
    ))
}

/// The size class of an enterprise (and how it was derived).
pub fn size_of(e: &EnterpriseRow) -> jiban_core::size::SizeResult {
    classify(&e.industry_code, e.employees, e.revenue_wan, e.assets_wan)
}

/// Applies the mapped fields to an existing record; returns the changes as `(field label, old,
/// new)` (empty when nothing changed). A new name keeps the old one among the former names.
pub fn merge_enterprise(
    e: &mut EnterpriseRow,
    r: &EnterpriseFields,
) -> Vec<(String, String, String)> {
    let mut changes = Vec::new();
    macro_rules! set {
        ($field:ident, $label:expr, $fmt:expr) => {
            if let Some(v) = &r.$field {
                if &e.$field != v {
                    changes.push(($label.to_string(), $fmt(&e.$field), $fmt(v)));
                    e.$field = v.clone();
                }
            }
        };
    }
    let s = |v: &String| v.clone();
    let of = |v: &Option<f64>| v.map(fmt_number).unwrap_or_default();
    let oi = |v: &Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
    let od = |v: &Option<Date>| v.map(|x| x.to_string()).unwrap_or_default();
    let og = |v: &Option<Uuid>| v.map(|x| x.to_string()).unwrap_or_default();
    let list = |v: &Vec<String>| v.join("、");
    if let Some(name) = &r.name
        && *name != e.name
    {
        changes.push(("企业名称".into(), e.name.clone(), name.clone()));
        if !e.former_names.0.contains(&e.name) {
            e.former_names.0.push(e.name.clone());
        }
        e.name = name.clone();
    }
    if let Some(v) = &r.former_names {
        let mut merged = e.former_names.0.clone();
        for n in v {
            if !merged.contains(n) && *n != e.name {
                merged.push(n.clone());
            }
        }
        if merged != e.former_names.0 {
            changes.push(("曾用名".into(), list(&e.former_names.0), list(&merged)));
            e.former_names.0 = merged;
        }
    }
    set!(legal_rep, "法定代表人", s);
    set!(registered_capital_wan, "注册资本（万元）", of);
    set!(founded_on, "成立日期", od);
    set!(address, "住所", s);
    set!(grid_id, "所属网格", og);
    set!(industry_code, "行业代码", s);
    set!(employees, "从业人员", oi);
    set!(revenue_wan, "营业收入（万元）", of);
    set!(revenue_last_year_wan, "上年营业收入（万元）", of);
    set!(rd_spend_wan, "研发费用（万元）", of);
    set!(assets_wan, "资产总额（万元）", of);
    set!(contact_name, "联系人", s);
    set!(contact_phone, "联系电话", s);
    set!(lon, "经度", of);
    set!(lat, "纬度", of);
    if let Some(v) = &r.tags
        && *v != e.tags.0
    {
        changes.push(("标签".into(), list(&e.tags.0), list(v)));
        e.tags.0 = v.clone();
    }
    let size = size_of(e).class;
    if size.as_str() != e.size_class {
        let old = jiban_core::size::SizeClass::parse(&e.size_class)
            .map(|c| c.label().to_string())
            .unwrap_or_else(|_| e.size_class.clone());
        changes.push(("规模".into(), old, size.label().to_string()));
        e.size_class = size.as_str().to_string();
    }
    changes
}

/// A new registry entry from a checked row.
pub fn new_enterprise(zone_id: Uuid, r: &EnterpriseFields) -> NewEnterprise {
    let industry_code = r.industry_code.clone().unwrap_or_default();
    let employees = r.employees.flatten();
    let revenue = r.revenue_wan.flatten();
    let assets = r.assets_wan.flatten();
    NewEnterprise {
        zone_id,
        uscc: r.uscc.clone(),
        name: r.name.clone().unwrap_or_default(),
        former_names: r.former_names.clone().unwrap_or_default(),
        legal_rep: r.legal_rep.clone().unwrap_or_default(),
        registered_capital_wan: r.registered_capital_wan.flatten(),
        founded_on: r.founded_on.flatten(),
        address: r.address.clone().unwrap_or_default(),
        grid_id: r.grid_id.flatten(),
        size_class: classify(&industry_code, employees, revenue, assets)
            .class
            .as_str()
            .to_string(),
        industry_code,
        employees,
        revenue_wan: revenue,
        assets_wan: assets,
        tags: r.tags.clone().unwrap_or_default(),
        contact_name: r.contact_name.clone().unwrap_or_default(),
        contact_phone: r.contact_phone.clone().unwrap_or_default(),
        lon: r.lon.flatten(),
        lat: r.lat.flatten(),
        uscc_exception: None,
        service_staff_id: None,
        revenue_last_year_wan: r.revenue_last_year_wan.flatten(),
        rd_spend_wan: r.rd_spend_wan.flatten(),
    }
}

/// One checked indicator value.
#[derive(Debug, Clone)]
pub struct ValueFields {
    pub enterprise_id: Uuid,
    pub indicator_id: Uuid,
    pub period: Date,
    pub value: f64,
}

/// The first day of the period that contains `d`.
pub fn period_start(period: &str, d: Date) -> Date {
    match period {
        "month" => d.replace_day(1).unwrap_or(d),
        "week" => d - time::Duration::days(d.weekday().number_days_from_monday() as i64),
        _ => d,
    }
}

/// Parses a period as written (`2026-10`, `2026年10月`, `202610`, or a date) for an indicator.
pub fn parse_period(period: &str, s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(d) = parse_date(s) {
        return Some(period_start(period, d));
    }
    let digits = s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit());
    let (y, m) = if digits {
        (s[..4].parse::<i32>().ok()?, s[4..].parse::<u8>().ok()?)
    } else {
        let parts: Vec<&str> = s
            .split(|c: char| "-/.年月 ".contains(c))
            .filter(|p| !p.is_empty())
            .collect();
        if parts.len() != 2 {
            return None;
        }
        (parts[0].parse().ok()?, parts[1].parse().ok()?)
    };
    if !(1990..=2100).contains(&y) {
        return None;
    }
    let d = Date::from_calendar_date(y, Month::try_from(m).ok()?, 1).ok()?;
    Some(period_start(period, d))
}

/// Finds a reported indicator by code or name.
pub fn reported<'a>(indicators: &'a [IndicatorRow], s: &str) -> Option<&'a IndicatorRow> {
    let s = s.trim();
    indicators
        .iter()
        .find(|i| i.kind == "reported" && i.active && (i.code == s || i.name == s))
}

/// Checks one value; `enterprise` resolves a credit code.
pub fn check_value(
    indicators: &[IndicatorRow],
    enterprise: impl Fn(&str) -> Option<Uuid>,
    uscc: &str,
    indicator: &str,
    period: &str,
    value: &str,
    mut err: impl FnMut(&'static str, String),
) -> Option<ValueFields> {
    let e = match Uscc::parse(uscc) {
        Ok(u) => match enterprise(u.as_str()) {
            Some(id) => Some(id),
            None => {
                err("uscc", format!("未找到统一社会信用代码为 {u} 的企业"));
                None
            }
        },
        Err(e) => {
            err("uscc", e.message);
            None
        }
    };
    let ind = reported(indicators, indicator);
    if ind.is_none() {
        err(
            "indicator",
            format!("“{indicator}”不是已启用的上报指标（计算指标由公式得出，不能直接填报）"),
        );
    }
    let p = ind.and_then(|i| {
        let p = parse_period(&i.period, period);
        if p.is_none() {
            err(
                "period",
                format!("期间“{period}”无法识别（如 2026-10 或 2026-10-01）"),
            );
        }
        p
    });
    let v = parse_number(value);
    if v.is_none() {
        err("value", format!("数值“{value}”不是数字"));
    }
    Some(ValueFields {
        enterprise_id: e?,
        indicator_id: ind?.id,
        period: p?,
        value: v?,
    })
}

/// Checks a file of indicator values.
pub async fn check_values(
    state: &AppState,
    zone_id: Uuid,
    table: &Table,
    cols: &Columns,
) -> ApiResult<Checked<ValueFields>> {
    let indicators = state.store.indicators(zone_id).await?;
    let mut codes: Vec<String> = table
        .rows
        .iter()
        .filter_map(|r| cols.get(r, "uscc"))
        .filter_map(|s| Uscc::parse(s).ok())
        .map(|u| u.as_str().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    let known: HashMap<String, Uuid> = state
        .store
        .enterprises_by_usccs(zone_id, &codes)
        .await?
        .into_iter()
        .map(|e| (e.uscc, e.id))
        .collect();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let n = table.row_number(i);
        let get = |k: &str| cols.get(row, k).unwrap_or("");
        let v = check_value(
            &indicators,
            |u| known.get(u).copied(),
            get("uscc"),
            get("indicator"),
            get("period"),
            get("value"),
            |field, message| {
                errors.push(RowError {
                    row: n,
                    column: cols.column(field),
                    field: field.into(),
                    message,
                })
            },
        );
        rows.extend(v);
    }
    let to_insert = rows.len();
    Ok(Checked {
        rows,
        errors,
        to_insert,
        to_update: 0,
    })
}

/// The preview report stored with the job and returned to the page.
pub fn report_json(
    table: &Table,
    errors: &[RowError],
    to_insert: usize,
    to_update: usize,
) -> Value {
    json!({
        "headers": table.headers,
        "sample": table.rows.iter().take(10).collect::<Vec<_>>(),
        "errors": errors.iter().take(MAX_LISTED_ERRORS).collect::<Vec<_>>(),
        "error_count": errors.len(),
        "to_insert": to_insert,
        "to_update": to_update,
    })
}

/// Writes a confirmed job (called on a background task). Returns `(inserted, updated)`.
pub async fn run_job(state: &AppState, p: &Principal, job_id: Uuid) -> ApiResult<(i64, i64)> {
    let job = state
        .store
        .import_job(p.zone_id(), job_id)
        .await?
        .ok_or_else(|| AppError::not_found("导入任务"))?;
    let bytes = state.store.import_content(job_id).await?;
    let table = read_table(&job.file_name, &bytes)?;
    let fields = fields_of(&job.kind)?;
    let mapping: BTreeMap<String, Option<String>> =
        serde_json::from_value(job.mapping.0.clone()).unwrap_or_default();
    let cols = Columns::new(fields, &table.headers, &mapping)?;
    let zone_id = p.zone_id();
    let actor = p.actor();
    if job.kind == "indicator_values" {
        let checked = check_values(state, zone_id, &table, &cols).await?;
        if !checked.errors.is_empty() {
            return Err(has_errors(checked.errors.len()));
        }
        let mut done = 0i64;
        let (mut inserted, mut updated) = (0i64, 0i64);
        for chunk in checked.rows.chunks(BATCH * 4) {
            let values: Vec<NewValue> = chunk
                .iter()
                .map(|v| NewValue {
                    enterprise_id: v.enterprise_id,
                    indicator_id: v.indicator_id,
                    period: v.period,
                    value: v.value,
                    source: "import".into(),
                    recorded_by: Some(p.user.id),
                })
                .collect();
            let mut tx = state.store.begin().await?;
            let r = tx.record_values(zone_id, &values).await?;
            tx.audit(
                &actor,
                NewAudit {
                    zone_id,
                    action: "indicator.values_import",
                    target_type: "import_job",
                    target_id: Some(job_id),
                    detail: json!({ "rows": chunk.len(), "accepted": r.accepted, "corrected": r.corrected, "unchanged": r.unchanged }),
                },
            )
            .await?;
            tx.commit().await?;
            inserted += r.accepted as i64;
            updated += r.corrected as i64;
            done += chunk.len() as i64;
            state.store.set_import_progress(job_id, done).await?;
        }
        crate::bands::recompute_soon(state, zone_id);
        return Ok((inserted, updated));
    }
    let (checked, existing) = check_enterprises(state, zone_id, &table, &cols).await?;
    if !checked.errors.is_empty() {
        return Err(has_errors(checked.errors.len()));
    }
    let mut done = 0i64;
    let (mut inserted, mut updated) = (0i64, 0i64);
    for chunk in checked.rows.chunks(BATCH) {
        let mut tx = state.store.begin().await?;
        let fresh: Vec<NewEnterprise> = chunk
            .iter()
            .filter(|r| !existing.contains_key(&r.uscc))
            .map(|r| new_enterprise(zone_id, r))
            .collect();
        let ids = tx.insert_enterprises(&fresh).await?;
        for (id, e) in ids.iter().zip(&fresh) {
            tx.audit(
                &actor,
                NewAudit {
                    zone_id,
                    action: "enterprise.create",
                    target_type: "enterprise",
                    target_id: Some(*id),
                    detail: json!({ "uscc": e.uscc, "name": e.name, "source": "import", "job": job_id }),
                },
            )
            .await?;
        }
        inserted += ids.len() as i64;
        for r in chunk {
            let Some(old) = existing.get(&r.uscc) else {
                continue;
            };
            let mut e = old.clone();
            let changes = merge_enterprise(&mut e, r);
            if changes.is_empty() {
                continue;
            }
            tx.save_enterprise(&e).await?;
            tx.audit(
                &actor,
                NewAudit {
                    zone_id,
                    action: "enterprise.update",
                    target_type: "enterprise",
                    target_id: Some(e.id),
                    detail: json!({ "source": "import", "job": job_id, "changes": changes_json(&changes) }),
                },
            )
            .await?;
            updated += 1;
        }
        tx.commit().await?;
        done += chunk.len() as i64;
        state.store.set_import_progress(job_id, done).await?;
    }
    crate::policies::recompute_soon(state, zone_id);
    Ok((inserted, updated))
}

pub fn changes_json(changes: &[(String, String, String)]) -> Value {
    Value::Array(
        changes
            .iter()
            .map(|(f, o, n)| json!({ "field": f, "old": o, "new": n }))
            .collect(),
    )
}

pub fn has_errors(n: usize) -> AppError {
    AppError::Transition {
        code: "import_has_errors",
        message: format!("文件中有 {n} 处错误，修正后重新上传；未写入任何数据"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_people_write_them() {
        let d = Date::from_calendar_date(2019, Month::May, 8).unwrap();
        for s in [
            "2019-05-08",
            "2019/5/8",
            "2019.5.8",
            "2019年5月8日",
            "20190508",
            "2019-05-08 00:00:00",
        ] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
        for s in ["2019-13-01", "2019-02-30", "约2019年", "", "1800-01-01"] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert_eq!(excel_date(43593.0), Some(d));
    }

    #[test]
    fn numbers_and_periods() {
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("１２３"), Some(123.0));
        assert_eq!(parse_number("约五十"), None);
        assert_eq!(parse_number("NaN"), None);
        let oct = Date::from_calendar_date(2026, Month::October, 1).unwrap();
        for s in ["2026-10", "2026年10月", "202610", "2026-10-17", "2026/10"] {
            assert_eq!(parse_period("month", s), Some(oct), "{s}");
        }
        // 2026-10-17 is a Saturday; its week starts on Monday the 12th
        assert_eq!(
            parse_period("week", "2026-10-17"),
            Some(Date::from_calendar_date(2026, Month::October, 12).unwrap())
        );
        assert_eq!(parse_period("month", "2026-13"), None);
    }

    #[test]
    fn census_headers_are_recognised() {
        let headers: Vec<String> = [
            "序号",
            "统一社会信用代码",
            "单位详细名称",
            "法定代表人（负责人）",
            "从业人员期末人数",
            "营业收入(万元)",
            "资产总计(万元)",
            "开业（成立）时间",
            "联系电话",
        ]
        .map(String::from)
        .to_vec();
        let m = suggest_mapping(ENTERPRISE_FIELDS, &headers);
        let got = |k: &str| m.get(k).cloned().flatten();
        assert_eq!(got("uscc").as_deref(), Some("统一社会信用代码"));
        assert_eq!(got("name").as_deref(), Some("单位详细名称"));
        assert_eq!(got("legal_rep").as_deref(), Some("法定代表人（负责人）"));
        assert_eq!(got("employees").as_deref(), Some("从业人员期末人数"));
        assert_eq!(got("revenue_wan").as_deref(), Some("营业收入(万元)"));
        assert_eq!(got("assets_wan").as_deref(), Some("资产总计(万元)"));
        assert_eq!(got("founded_on").as_deref(), Some("开业（成立）时间"));
        assert_eq!(got("contact_phone").as_deref(), Some("联系电话"));
        assert_eq!(got("lon"), None);
    }

    #[test]
    fn csv_in_gbk_is_read() {
        let text = "统一社会信用代码,企业名称\n91330100716105852F,杭州某某有限公司\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let t = read_table("list.csv", &gbk).unwrap();
        assert_eq!(t.headers, vec!["统一社会信用代码", "企业名称"]);
        assert_eq!(t.rows[0][1], "杭州某某有限公司");
        assert_eq!(t.row_number(0), 2);
    }
}
