//! The enterprise generator.

use std::collections::HashSet;

use jiban_core::size::{SizeClass, classify};
use jiban_core::uscc::Uscc;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::macros::date;
use time::{Date, Duration};

use crate::EnterpriseSpec;
use crate::words::{self, INDUSTRIES, IndustryWords, STREETS};

/// A grid and the rectangle it covers on the demo map.
pub(crate) struct GridCell {
    code: String,
    street: usize,
    /// Name of its community or village without the suffix (向阳, 张庄 …).
    place: &'static str,
    is_village: bool,
    /// `(lon_min, lon_max, lat_min, lat_max)`.
    bbox: (f64, f64, f64, f64),
}

/// The grids of the fixed org tree, with their map cells: each street's box is cut into vertical
/// bands, one per community or village, and each band into horizontal strips, one per grid.
/// Codes are built exactly as in `org_tree`; a test checks that every enterprise's grid exists.
pub(crate) fn grid_cells() -> Vec<GridCell> {
    let mut cells = Vec::new();
    for (si, s) in STREETS.iter().enumerate() {
        let street_code = format!("YL-S{:02}", si + 1);
        let (lon0, lon1, lat0, lat1) = s.bbox;
        let band = (lon1 - lon0) / s.communities.len() as f64;
        let (mut n_c, mut n_v) = (0, 0);
        for (ci, &(is_village, name, grid_count)) in s.communities.iter().enumerate() {
            let code = if is_village {
                n_v += 1;
                format!("{street_code}-V{n_v:02}")
            } else {
                n_c += 1;
                format!("{street_code}-C{n_c:02}")
            };
            let place = name
                .strip_suffix("社区")
                .or_else(|| name.strip_suffix('村'))
                .unwrap_or(name);
            let strip = (lat1 - lat0) / grid_count as f64;
            for g in 0..grid_count {
                let x0 = lon0 + band * ci as f64;
                let y1 = lat1 - strip * g as f64;
                cells.push(GridCell {
                    code: format!("{code}-G{:02}", g + 1),
                    street: si,
                    place,
                    is_village,
                    bbox: (x0, x0 + band, y1 - strip, y1),
                });
            }
        }
    }
    cells
}

impl GridCell {
    pub(crate) fn code(&self) -> &str {
        &self.code
    }
    pub(crate) fn bbox(&self) -> (f64, f64, f64, f64) {
        self.bbox
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Company,
    Individual,
    Cooperative,
}

/// Uniform in [0, 1).
fn unit(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

/// Approximately standard normal (Irwin–Hall with 12 terms, bounded at ±6): only additions, so
/// the draws do not depend on the platform's maths library. (`exp` in [`log_normal`] is the one
/// libm function the generator uses; its results are rounded to 0.01 万元.)
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    (0..12).map(|_| unit(rng)).sum::<f64>() - 6.0
}

fn log_normal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Index chosen with the given weights.
fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut r = unit(rng) * total;
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}

/// A person's name, common surnames more often.
fn person(rng: &mut ChaCha8Rng) -> String {
    let s = words::SURNAMES;
    let i = ((unit(rng) * unit(rng)) * s.len() as f64) as usize;
    let mut name = s[i.min(s.len() - 1)].to_string();
    let given_len = if unit(rng) < 0.7 { 2 } else { 1 };
    for _ in 0..given_len {
        let given: &&str = pick(rng, words::GIVEN);
        name.push_str(given);
    }
    name
}

fn mobile(rng: &mut ChaCha8Rng) -> String {
    let mut s = pick(rng, words::MOBILE_PREFIXES).to_string();
    for _ in 0..8 {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

fn brand(rng: &mut ChaCha8Rng) -> String {
    loop {
        let a = *pick(rng, words::BRAND_A);
        let b = *pick(rng, words::BRAND_B);
        if a != b {
            return format!("{a}{b}");
        }
    }
}

/// The street an enterprise of this industry settles in: logistics by the port, software and
/// research in 金山, farming in the town, services in the old centre.
fn street_weights(industry: &str) -> [f64; 4] {
    match industry.as_bytes()[0] {
        b'A' => [0.02, 0.03, 0.05, 0.90],
        b'G' => [0.15, 0.15, 0.55, 0.15],
        b'C' | b'D' => [0.22, 0.30, 0.30, 0.18],
        b'I' | b'M' => [0.35, 0.45, 0.10, 0.10],
        b'F' | b'H' | b'O' | b'L' | b'K' | b'P' | b'Q' | b'R' => [0.40, 0.28, 0.17, 0.15],
        _ => [0.30, 0.30, 0.20, 0.20],
    }
}

/// Check character of a GB 11714 organisation code (8 characters → the 9th): weights
/// 3 7 9 10 5 8 4 2, letters count 10–35, result `11 − Σ mod 11` with 10 → `X`, 11 → `0`.
fn gb11714_check(first8: &str) -> char {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first8
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(36).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    }
}

/// A 统一社会信用代码 as a market-regulation authority in the zone would issue it: `9`, the entity
/// type, the region (`340100` the city for registrations before 2012, `340176` the zone's own
/// bureau after — a fictional code in the style of Anhui's development-zone codes), then a GB 11714
/// organisation code (8 digits before 2016, `MA…` after).
fn uscc(rng: &mut ChaCha8Rng, entity_type: char, founded: Date) -> Uscc {
    const BODY: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let region = if founded < date!(2012 - 01 - 01) {
        "340100"
    } else {
        "340176"
    };
    let mut org = String::with_capacity(9);
    if founded < date!(2016 - 01 - 01) {
        for _ in 0..8 {
            org.push(char::from(b'0' + rng.random_range(0..10u8)));
        }
    } else {
        org.push_str("MA");
        for _ in 0..6 {
            org.push(char::from(*pick(rng, BODY)));
        }
    }
    let check = gb11714_check(&org);
    org.push(check);
    Uscc::from_parts(&format!("9{entity_type}{region}{org}")).expect("generated body is valid")
}

fn founded_on(rng: &mut ChaCha8Rng, older: bool) -> Date {
    let start = date!(1998 - 01 - 01);
    let end = date!(2025 - 06 - 30);
    let span = (end - start).whole_days() as f64;
    // Most enterprises are young: sqrt(u) leans towards the end of the span.
    let t = if older { unit(rng) } else { unit(rng).sqrt() };
    start + Duration::days((t * span) as i64)
}

fn registered_capital(rng: &mut ChaCha8Rng, form: Form, size: SizeClass) -> f64 {
    let tiers: &[f64] = match (form, size) {
        (Form::Individual, _) => &[1.0, 2.0, 3.0, 5.0, 10.0],
        (Form::Cooperative, _) => &[10.0, 30.0, 50.0, 100.0, 200.0],
        (_, SizeClass::Micro) => &[3.0, 5.0, 10.0, 20.0, 30.0, 50.0, 100.0],
        (_, SizeClass::Small) => &[50.0, 100.0, 200.0, 300.0, 500.0, 1000.0],
        (_, SizeClass::Medium) => &[500.0, 1000.0, 2000.0, 3000.0, 5000.0],
        (_, SizeClass::Large) => &[5000.0, 10000.0, 20000.0, 50000.0, 100_000.0],
    };
    *pick(rng, tiers)
}

fn is_high_tech_division(code: &str) -> bool {
    matches!(
        code,
        "C26" | "C27" | "C34" | "C35" | "C36" | "C38" | "C39" | "C40"
    )
}

struct Names {
    used: HashSet<String>,
}

impl Names {
    /// Tries `make` until it gives an unused name; after many collisions, numbers the name.
    fn unique(
        &mut self,
        rng: &mut ChaCha8Rng,
        mut make: impl FnMut(&mut ChaCha8Rng) -> String,
    ) -> String {
        for _ in 0..64 {
            let n = make(rng);
            if self.used.insert(n.clone()) {
                return n;
            }
        }
        let base = make(rng);
        (2..)
            .map(|k| format!("{base}（{k}）"))
            .find(|n| self.used.insert(n.clone()))
            .expect("an unused name exists")
    }
}

fn company_name(
    rng: &mut ChaCha8Rng,
    ind: &IndustryWords,
    street: usize,
    foreign: bool,
    listed: bool,
) -> String {
    let word = *pick(rng, ind.words);
    if foreign {
        return format!("{}{word}（云岭）有限公司", pick(rng, words::FOREIGN_BRANDS));
    }
    let form = if listed {
        "股份有限公司"
    } else {
        match unit(rng) {
            x if x < 0.88 => "有限公司",
            x if x < 0.95 => "有限责任公司",
            _ => "股份有限公司",
        }
    };
    let b = brand(rng);
    match unit(rng) {
        x if x < 0.45 => format!("云岭{b}{word}{form}"),
        x if x < 0.65 => format!("{}{b}{word}{form}", STREETS[street].stem),
        x if x < 0.80 => format!("安徽{b}{word}{form}"),
        _ if form == "有限公司" => format!("{b}{word}（云岭）有限公司"),
        _ => format!("{b}{word}{form}"),
    }
}

fn coop_name(rng: &mut ChaCha8Rng, ind: &IndustryWords, place: &str) -> String {
    let word = match ind.code {
        "A01" => *pick(
            rng,
            &["农业", "种植", "果蔬种植", "苗木种植", "粮食种植", "农机"],
        ),
        "A03" => *pick(rng, &["畜牧养殖", "生态养殖", "养殖"]),
        _ => "水产养殖",
    };
    format!("{place}{}{word}专业合作社", brand(rng))
}

fn individual_name(rng: &mut ChaCha8Rng, industry: &str, street: usize) -> String {
    let surname = words::SURNAMES[rng.random_range(0..40)];
    let shop = pick(rng, words::shop_words(industry));
    format!("{}{surname}记{shop}", STREETS[street].stem)
}

fn address(rng: &mut ChaCha8Rng, street: usize, industry: &str) -> String {
    let s = &STREETS[street];
    let in_park = matches!(industry.as_bytes()[0], b'C' | b'I' | b'M') && unit(rng) < 0.25;
    if in_park {
        format!(
            "{}{}{}栋",
            s.name,
            pick(rng, s.parks),
            rng.random_range(1..=36)
        )
    } else {
        let no = if unit(rng) < 0.6 {
            rng.random_range(1..=300)
        } else {
            rng.random_range(1..=999)
        };
        format!("{}{}{no}号", s.name, pick(rng, s.roads))
    }
}

/// The random numbers of the financial facts added after the first release (last year's revenue,
/// R&D spend): a stream of their own per enterprise, from the zone's seed and the enterprise's
/// index, so that adding them left every other generated value as it was.
fn finance_rng(seed: u64, index: usize) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(
        seed.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(index as u64 + 1),
    )
}

/// 营业收入 of last year: unknown for about one enterprise in ten (founded this year, or not
/// reported); otherwise this year's revenue undone by a growth rate between −30 % and +40 %, most
/// near +5 %, a few strong growers and some in decline. The showcase enterprise always reports
/// it and grows by 12 %–25 %.
fn revenue_last_year(
    rng: &mut ChaCha8Rng,
    showcase: bool,
    founded_on: Date,
    revenue_wan: f64,
) -> Option<f64> {
    let missing = unit(rng) < 0.065;
    if !showcase && (founded_on >= date!(2025 - 01 - 01) || missing) {
        return None;
    }
    let growth = match unit(rng) {
        _ if showcase => 0.12 + 0.13 * unit(rng),
        x if x < 0.05 => 0.25 + 0.15 * unit(rng),
        x if x < 0.13 => -0.30 + 0.20 * unit(rng),
        _ => (0.05 + 0.09 * normal(rng)).clamp(-0.30, 0.40),
    };
    Some(round_to(revenue_wan / (1.0 + growth), 2).max(1.0))
}

/// 研发费用 of this year: reported by almost every 高新技术企业 and 专精特新 firm (3 %–8 % of
/// revenue, a few lower), by most manufacturers, software and research firms (0.5 %–4 %, software
/// and research up to 7 %), rarely by other companies, never by individual businesses and
/// cooperatives.
fn rd_spend(
    rng: &mut ChaCha8Rng,
    form: Form,
    code: &str,
    tags: &[String],
    revenue_wan: f64,
) -> Option<f64> {
    let tech = tags.iter().any(|t| t == "高新技术企业" || t == "专精特新");
    let knowledge = code.starts_with('I') || code == "M73" || code == "M75";
    let p = match form {
        Form::Company if tech => 0.97,
        Form::Company if code.starts_with('C') || knowledge => 0.78,
        Form::Company if code.starts_with('M') || code.starts_with('D') => 0.55,
        Form::Company => 0.25,
        _ => 0.0,
    };
    if unit(rng) >= p {
        return None;
    }
    let u = unit(rng);
    let intensity = if tech {
        if unit(rng) < 0.12 {
            0.015 + 0.015 * u
        } else {
            0.03 + 0.05 * u
        }
    } else if knowledge {
        0.01 + 0.06 * u * u
    } else {
        0.005 + 0.035 * u * u
    };
    Some(round_to(revenue_wan * intensity, 2).max(0.01))
}

/// `n` enterprises; enterprise 0 is the showcase 云岭华芯半导体科技有限公司 in the first grid of
/// 向阳街道. `seed` seeds the separate streams of the financial facts (see [`finance_rng`]).
pub(crate) fn generate(
    rng: &mut ChaCha8Rng,
    seed: u64,
    grids: &[GridCell],
    n: usize,
) -> Vec<EnterpriseSpec> {
    let weights: Vec<f64> = INDUSTRIES.iter().map(|i| i.weight).collect();
    let mut names = Names {
        used: HashSet::with_capacity(n * 2),
    };
    let mut usccs: HashSet<Uscc> = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    for index in 0..n {
        let showcase = index == 0;
        let ind = if showcase {
            INDUSTRIES
                .iter()
                .find(|i| i.code == "C39")
                .expect("C39 listed")
        } else {
            &INDUSTRIES[pick_weighted(rng, &weights)]
        };
        let code = ind.code;
        let form = match code {
            _ if showcase => Form::Company,
            "F52" | "H62" | "O80" | "O81" if unit(rng) < 0.35 => Form::Individual,
            _ if code.starts_with('A') && unit(rng) < 0.5 => Form::Cooperative,
            _ => Form::Company,
        };

        // Place.
        let grid = if showcase {
            &grids[0]
        } else if form == Form::Cooperative {
            let villages: Vec<&GridCell> = grids.iter().filter(|g| g.is_village).collect();
            *pick(rng, &villages)
        } else {
            let street = pick_weighted(rng, &street_weights(code));
            let in_street: Vec<&GridCell> = grids.iter().filter(|g| g.street == street).collect();
            *pick(rng, &in_street)
        };
        let street = grid.street;
        let (x0, x1, y0, y1) = grid.bbox;
        let lon = round_to(x0 + (x1 - x0) * (0.05 + 0.9 * unit(rng)), 6);
        let lat = round_to(y0 + (y1 - y0) * (0.05 + 0.9 * unit(rng)), 6);

        // Size.
        let employees: i64 = match form {
            Form::Individual => rng.random_range(1..=8),
            Form::Cooperative => rng.random_range(3..=30),
            Form::Company if showcase => rng.random_range(260..=680),
            Form::Company => {
                // Most firms are ordinary; a few are mid-sized, and a handful of anchor firms
                // (in the sectors where they exist) employ thousands.
                let anchor_sector =
                    matches!(code.as_bytes()[0], b'C' | b'D' | b'E' | b'G' | b'I') || code == "F51";
                let (median, sigma) = match unit(rng) {
                    x if x < 0.007 && anchor_sector => (1500.0, 0.45),
                    x if x < 0.05 => (ind.employees.0 * 12.0, 0.5),
                    _ => ind.employees,
                };
                (log_normal(rng, median, sigma).round() as i64).clamp(1, 20_000)
            }
        };
        let (per_employee, spread) = match form {
            Form::Company if showcase => (ind.revenue_per_employee, 0.2),
            Form::Company => (ind.revenue_per_employee, 0.6),
            _ => (12.0, 0.6),
        };
        let revenue_wan =
            round_to(employees as f64 * log_normal(rng, per_employee, spread), 2).max(1.0);
        let assets_wan = round_to(revenue_wan * log_normal(rng, ind.asset_ratio, 0.5), 2).max(1.0);
        let size = classify(code, Some(employees), Some(revenue_wan), Some(assets_wan)).class;

        // Tags, in a fixed order.
        let mut tags = Vec::new();
        let company = form == Form::Company;
        let industrial = matches!(code.as_bytes()[0], b'B' | b'C' | b'D');
        let high_tech_p = match code.as_bytes()[0] {
            _ if showcase => 1.0,
            b'C' if is_high_tech_division(code) => 0.20,
            b'C' => 0.06,
            b'I' | b'M' => 0.25,
            _ => 0.01,
        } * if size == SizeClass::Micro { 0.4 } else { 1.0 };
        if company && unit(rng) < high_tech_p {
            tags.push("高新技术企业".to_string());
        }
        let srdi_p = match size {
            SizeClass::Small | SizeClass::Medium if industrial || code.starts_with('I') => 0.11,
            _ => 0.0,
        };
        if company && (showcase || unit(rng) < srdi_p) {
            tags.push("专精特新".to_string());
        }
        if industrial && revenue_wan >= 2000.0 {
            tags.push("规上工业".to_string());
        }
        let foreign = company && !showcase && unit(rng) < 0.03;
        if foreign {
            tags.push("外资".to_string());
        }
        let listed_p = match size {
            SizeClass::Large => 0.4,
            SizeClass::Medium => 0.1,
            _ => 0.0,
        };
        let listed = company && !showcase && unit(rng) < listed_p;
        if listed {
            tags.push("上市".to_string());
        }

        // Identity.
        let founded_on = founded_on(rng, listed || size == SizeClass::Large);
        let entity_type = match form {
            Form::Company => '1',
            Form::Individual => '2',
            Form::Cooperative => '3',
        };
        let uscc = loop {
            let u = uscc(rng, entity_type, founded_on);
            if usccs.insert(u.clone()) {
                break u;
            }
        };
        let name = match form {
            _ if showcase => {
                names.used.insert("云岭华芯半导体科技有限公司".to_string());
                "云岭华芯半导体科技有限公司".to_string()
            }
            Form::Company => names.unique(rng, |r| company_name(r, ind, street, foreign, listed)),
            Form::Individual => names.unique(rng, |r| individual_name(r, code, street)),
            Form::Cooperative => names.unique(rng, |r| coop_name(r, ind, grid.place)),
        };
        let former_count = match (form, unit(rng)) {
            (Form::Company, x) if x < 0.015 => 2,
            (Form::Company, x) if x < 0.095 => 1,
            _ => 0,
        };
        let former_names = (0..former_count)
            .map(|_| names.unique(rng, |r| company_name(r, ind, street, false, false)))
            .collect();
        let legal_rep = person(rng);
        let contact_name = if unit(rng) < 0.3 {
            legal_rep.clone()
        } else {
            person(rng)
        };

        let mut side = finance_rng(seed, index);
        let revenue_last_year_wan = revenue_last_year(&mut side, showcase, founded_on, revenue_wan);
        let rd_spend_wan = rd_spend(&mut side, form, code, &tags, revenue_wan);

        out.push(EnterpriseSpec {
            uscc,
            name,
            former_names,
            legal_rep,
            registered_capital_wan: registered_capital(rng, form, size),
            founded_on,
            address: address(rng, street, code),
            grid_code: grid.code.clone(),
            industry_code: code.to_string(),
            employees,
            revenue_wan,
            revenue_last_year_wan,
            rd_spend_wan,
            assets_wan,
            size,
            tags,
            contact_name,
            contact_phone: mobile(rng),
            lon,
            lat,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn gb11714_known_codes() {
        // Organisation codes inside real USCCs: 71610585-2, 71526726-X, 19220382-1.
        assert_eq!(gb11714_check("71610585"), '2');
        assert_eq!(gb11714_check("71526726"), 'X');
        assert_eq!(gb11714_check("19220382"), '1');
    }

    #[test]
    fn normal_is_centred() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05, "{mean}");
        assert!((var - 1.0).abs() < 0.05, "{var}");
    }

    #[test]
    fn grid_cells_match_org_tree() {
        let (_, units) = crate::org_tree();
        let cells = grid_cells();
        let grids: Vec<&str> = units
            .iter()
            .filter(|u| u.kind == jiban_core::org::UnitKind::Grid)
            .map(|u| u.code.as_str())
            .collect();
        let codes: Vec<&str> = cells.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, grids);
        assert_eq!(cells[0].code, "YL-S01-C01-G01");
        for c in &cells {
            let (x0, x1, y0, y1) = c.bbox;
            assert!(x0 < x1 && y0 < y1);
            assert!(
                x0 >= 117.2 - 1e-9
                    && x1 <= 117.36 + 1e-9
                    && y0 >= 31.72 - 1e-9
                    && y1 <= 31.84 + 1e-9
            );
        }
    }
}
