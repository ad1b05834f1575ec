//! # jiban-demo — a deterministic demo development zone
//!
//! [`generate`] builds a complete, plausible 开发区 as plain data (no database, no I/O): the org
//! tree of 云岭经济技术开发区管理委员会 (14 functional departments, 4 streets, 16 communities and
//! villages, 53 grids), thousands of enterprises with valid 统一社会信用代码, and a set of demo
//! accounts. The store/cli load it into a database; tests use it as a fixture.
//! [`policies::policies`] adds the zone's policy library (twenty policies with their items and
//! eligibility rules), and [`operation`] a year of operating data.
//!
//! **Deterministic:** the same `seed` and `enterprise_count` give the same [`DemoZone`], byte for
//! byte (ChaCha8 random numbers; no hash-map iteration order involved). The org tree and the
//! accounts do not depend on the seed at all, except the display name of the enterprise account
//! `qiye`; the enterprises do.
//!
//! ```
//! let zone = jiban_demo::generate(jiban_demo::DEFAULT_SEED, 50);
//! assert_eq!(zone.zone.code, "YL");
//! assert_eq!(zone.enterprises.len(), 50);
//! let qiye = zone.accounts.iter().find(|a| a.username == "qiye").unwrap();
//! let ent = &zone.enterprises[qiye.enterprise_index.unwrap()];
//! assert!(ent.grid_code.starts_with("YL-S01-"));
//! ```
//!
//! ## Codes of the org tree
//!
//! | unit | code | example |
//! |---|---|---|
//! | zone | `YL` | 云岭经济技术开发区管理委员会 |
//! | department | `YL-Dnn` | `YL-D04` 政务服务部 |
//! | street / town | `YL-Snn` | `YL-S01` 向阳街道, `YL-S04` 泉湖镇 |
//! | community | `YL-Snn-Cnn` | `YL-S01-C01` 向阳社区 |
//! | village | `YL-Snn-Vnn` | `YL-S04-V01` 张庄村 |
//! | grid | `<community or village>-Gnn` | `YL-S01-C01-G01` 向阳社区第一网格 |
//!
//! The street of any territorial unit is the first two segments of its code
//! ([`street_code_of`]).

mod enterprises;
pub mod operation;
pub mod policies;
mod words;

use jiban_core::org::UnitKind;
use jiban_core::roles::Role;
use jiban_core::size::SizeClass;
use jiban_core::uscc::Uscc;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Password of every demo account. It satisfies
/// [`validate_new_password`](jiban_core::text::validate_new_password).
pub const DEMO_PASSWORD: &str = "Jiban@2025";

/// The seed used when none is given (`jiban demo` without `--seed`).
pub const DEFAULT_SEED: u64 = 20_251_009;

/// The number of enterprises of the standard demo.
pub const DEFAULT_ENTERPRISE_COUNT: usize = 5_000;

/// Code of the zone (the root unit).
pub const ZONE_CODE: &str = "YL";

/// The whole demo zone.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoZone {
    /// The root: 云岭经济技术开发区管理委员会, code `YL`.
    pub zone: UnitSpec,
    /// Every other unit, parents before children (departments, streets, communities and villages,
    /// grids).
    pub units: Vec<UnitSpec>,
    /// The enterprises; names and USCCs are unique.
    pub enterprises: Vec<EnterpriseSpec>,
    /// Demo accounts, all with the password [`DEMO_PASSWORD`].
    pub accounts: Vec<AccountSpec>,
}

/// One org unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSpec {
    /// Stable code (`YL`, `YL-D01`, `YL-S01`, `YL-S01-C01`, `YL-S04-V01`, `YL-S01-C01-G01`).
    pub code: String,
    /// Code of the parent; `None` for the zone.
    pub parent_code: Option<String>,
    /// Kind; always allowed under the parent's kind
    /// ([`UnitKind::can_contain`]).
    pub kind: UnitKind,
    /// Official name (`向阳街道`, `向阳社区第一网格`).
    pub name: String,
    /// Position among the siblings, from 1 (departments 1–14, streets 101–104 so that they follow
    /// the departments under the zone).
    pub sort_order: i32,
}

/// One enterprise of the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseSpec {
    /// 统一社会信用代码 (`91` company, `92` individual business, `93` farmers' cooperative).
    pub uscc: Uscc,
    /// Registered name.
    pub name: String,
    /// Earlier registered names, oldest first (most enterprises have none).
    pub former_names: Vec<String>,
    /// 法定代表人 (or 经营者 of an individual business).
    pub legal_rep: String,
    /// 注册资本, 万元.
    pub registered_capital_wan: f64,
    /// 成立日期.
    pub founded_on: time::Date,
    /// Address inside its street (`向阳街道锦绣路188号`).
    pub address: String,
    /// Code of the grid it is located in.
    pub grid_code: String,
    /// GB/T 4754-2017 大类 with its 门类 letter (`C38`).
    pub industry_code: String,
    /// 从业人员, 人.
    pub employees: i64,
    /// 营业收入 of this year (the latest annual figure, the one the size class is computed
    /// from), 万元.
    pub revenue_wan: f64,
    /// 营业收入 of the year before [`revenue_wan`](Self::revenue_wan), 万元; `None` when not
    /// known (founded this year, or not reported — about one enterprise in ten). Growth lies
    /// between −30 % and +40 %.
    pub revenue_last_year_wan: Option<f64>,
    /// 研发费用 of this year, 万元; `None` when not reported (about four in ten, mostly outside
    /// manufacturing, software and research). Typically 0.5 %–8 % of revenue, 3 % and more for
    /// 高新技术企业 and 专精特新 firms.
    pub rd_spend_wan: Option<f64>,
    /// 资产总额, 万元.
    pub assets_wan: f64,
    /// Computed by [`jiban_core::size::classify`] from the three metrics above.
    pub size: SizeClass,
    /// Labels: `高新技术企业`, `专精特新`, `规上工业`, `外资`, `上市`.
    pub tags: Vec<String>,
    /// Contact person.
    pub contact_name: String,
    /// Contact mobile number (11 digits, valid for [`jiban_core::text::Phone`]).
    pub contact_phone: String,
    /// Longitude (WGS-84-ish), inside the grid's cell.
    pub lon: f64,
    /// Latitude, inside the grid's cell.
    pub lat: f64,
}

/// One demo account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// Login name (valid for [`jiban_core::text::Username`]).
    pub username: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Code of the account's org unit. An enterprise account belongs to the grid its enterprise
    /// is located in.
    pub unit_code: String,
    /// For [`Role::Enterprise`]: index into [`DemoZone::enterprises`].
    pub enterprise_index: Option<usize>,
    /// Mobile number, if any.
    pub phone: Option<String>,
}

impl DemoZone {
    /// The zone followed by every other unit (parents before children).
    pub fn all_units(&self) -> impl Iterator<Item = &UnitSpec> {
        std::iter::once(&self.zone).chain(&self.units)
    }

    /// The unit with this code, the zone included.
    pub fn unit(&self, code: &str) -> Option<&UnitSpec> {
        self.all_units().find(|u| u.code == code)
    }

    /// The account with this user name.
    pub fn account(&self, username: &str) -> Option<&AccountSpec> {
        self.accounts.iter().find(|a| a.username == username)
    }
}

/// The street code (`YL-S01`) of a territorial unit code (`YL-S01-C02-G03`), or `None` for the
/// zone and departments.
pub fn street_code_of(unit_code: &str) -> Option<&str> {
    let mut parts = unit_code.splitn(3, '-');
    let zone = parts.next()?;
    let street = parts.next()?;
    street
        .starts_with('S')
        .then(|| &unit_code[..zone.len() + 1 + street.len()])
}

/// Generates the demo zone with `enterprise_count` enterprises (the standard demo uses
/// [`DEFAULT_ENTERPRISE_COUNT`]). The same arguments always give the same result.
///
/// Enterprise 0 is always 云岭华芯半导体科技有限公司 in the first grid of 向阳街道; it is the
/// enterprise of the account `qiye`. With `enterprise_count == 0` there is no `qiye` account.
pub fn generate(seed: u64, enterprise_count: usize) -> DemoZone {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (zone, units) = org_tree();
    let grids = enterprises::grid_cells();
    let enterprises = enterprises::generate(&mut rng, seed, &grids, enterprise_count);
    let accounts = accounts(&units, &enterprises);
    DemoZone {
        zone,
        units,
        enterprises,
        accounts,
    }
}

fn unit(code: String, parent: &str, kind: UnitKind, name: String, sort_order: i32) -> UnitSpec {
    UnitSpec {
        code,
        parent_code: Some(parent.to_string()),
        kind,
        name,
        sort_order,
    }
}

/// The fixed org tree: the zone, and the other units level by level.
fn org_tree() -> (UnitSpec, Vec<UnitSpec>) {
    let zone = UnitSpec {
        code: ZONE_CODE.to_string(),
        parent_code: None,
        kind: UnitKind::Zone,
        name: "云岭经济技术开发区管理委员会".to_string(),
        sort_order: 1,
    };
    let mut units = Vec::new();
    for (i, name) in words::DEPARTMENTS.iter().enumerate() {
        units.push(unit(
            format!("YL-D{:02}", i + 1),
            ZONE_CODE,
            UnitKind::Department,
            (*name).to_string(),
            i as i32 + 1,
        ));
    }
    for (i, s) in words::STREETS.iter().enumerate() {
        units.push(unit(
            format!("YL-S{:02}", i + 1),
            ZONE_CODE,
            UnitKind::Street,
            s.name.to_string(),
            101 + i as i32,
        ));
    }
    let mut grids = Vec::new();
    for (i, s) in words::STREETS.iter().enumerate() {
        let street_code = format!("YL-S{:02}", i + 1);
        let (mut n_c, mut n_v) = (0, 0);
        for (j, &(is_village, name, grid_count)) in s.communities.iter().enumerate() {
            let (kind, code) = if is_village {
                n_v += 1;
                (UnitKind::Village, format!("{street_code}-V{n_v:02}"))
            } else {
                n_c += 1;
                (UnitKind::Community, format!("{street_code}-C{n_c:02}"))
            };
            units.push(unit(
                code.clone(),
                &street_code,
                kind,
                name.to_string(),
                j as i32 + 1,
            ));
            for g in 0..grid_count {
                grids.push(unit(
                    format!("{code}-G{:02}", g + 1),
                    &code,
                    UnitKind::Grid,
                    format!("{name}第{}网格", words::NUMERALS[g]),
                    g as i32 + 1,
                ));
            }
        }
    }
    units.extend(grids);
    (zone, units)
}

/// The demo accounts. Fixed, except `qiye`, who is the contact person of enterprise 0.
fn accounts(units: &[UnitSpec], enterprises: &[EnterpriseSpec]) -> Vec<AccountSpec> {
    let staff: [(&str, &str, Role, &str); 16] = [
        ("admin", "孙立", Role::Admin, "YL"),
        ("leader", "陈建国", Role::Leader, "YL"),
        ("supervisor", "周敏", Role::Supervisor, "YL"),
        ("dispatcher", "王芳", Role::Dispatcher, "YL-D04"),
        ("intake", "刘洋", Role::Intake, "YL-D04"),
        ("handler_jjfz", "赵磊", Role::Handler, "YL-D02"),
        ("head_jjfz", "吴海峰", Role::DeptHead, "YL-D02"),
        ("handler_xy", "李娜", Role::Handler, "YL-S01"),
        ("head_xy", "张卫东", Role::DeptHead, "YL-S01"),
        ("grid_xy01", "马强", Role::GridWorker, "YL-S01-C01-G01"),
        ("handler_js", "黄丽", Role::Handler, "YL-S02"),
        ("handler_lg", "杨帆", Role::Handler, "YL-S03"),
        ("handler_qh", "何静", Role::Handler, "YL-S04"),
        ("handler_zhzf", "郑浩", Role::Handler, "YL-D08"),
        ("handler_yjgl", "徐刚", Role::Handler, "YL-D10"),
        ("handler_rsj", "高婷", Role::Handler, "YL-D11"),
    ];
    debug_assert!(
        staff
            .iter()
            .all(|s| s.3 == ZONE_CODE || units.iter().any(|u| u.code == s.3))
    );
    let mut out: Vec<AccountSpec> = staff
        .iter()
        .enumerate()
        .map(|(i, &(username, name, role, unit_code))| AccountSpec {
            username: username.to_string(),
            display_name: name.to_string(),
            role,
            unit_code: unit_code.to_string(),
            enterprise_index: None,
            phone: Some(format!("1390551{:04}", 1001 + i)),
        })
        .collect();
    if let Some((index, e)) = enterprises
        .iter()
        .enumerate()
        .find(|(_, e)| street_code_of(&e.grid_code) == Some("YL-S01"))
    {
        out.push(AccountSpec {
            username: "qiye".to_string(),
            display_name: e.contact_name.clone(),
            role: Role::Enterprise,
            unit_code: e.grid_code.clone(),
            enterprise_index: Some(index),
            phone: Some(e.contact_phone.clone()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiban_core::text::{Phone, Username, validate_new_password};
    use std::collections::{HashMap, HashSet};

    fn standard() -> DemoZone {
        generate(DEFAULT_SEED, DEFAULT_ENTERPRISE_COUNT)
    }

    #[test]
    fn deterministic() {
        let a = generate(7, 800);
        let b = generate(7, 800);
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let c = generate(8, 800);
        assert_ne!(a.enterprises, c.enterprises);
        assert_eq!(a.units, c.units);
        // A longer run extends a shorter one only in count, not necessarily in content; but the
        // showcase enterprise is always first.
        assert_eq!(a.enterprises[0].name, "云岭华芯半导体科技有限公司");
        assert_eq!(c.enterprises[0].name, "云岭华芯半导体科技有限公司");
    }

    #[test]
    fn org_tree_shape() {
        let z = standard();
        assert_eq!(z.zone.name, "云岭经济技术开发区管理委员会");
        assert_eq!(z.zone.kind, UnitKind::Zone);
        let count = |k: UnitKind| z.units.iter().filter(|u| u.kind == k).count();
        assert_eq!(count(UnitKind::Department), 14);
        assert_eq!(count(UnitKind::Street), 4);
        assert!(count(UnitKind::Community) + count(UnitKind::Village) >= 14);
        assert!(count(UnitKind::Village) >= 3);
        assert!(count(UnitKind::Grid) >= 48);
        let streets: Vec<_> = z
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Street)
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        assert_eq!(
            streets,
            [
                ("YL-S01", "向阳街道"),
                ("YL-S02", "金山街道"),
                ("YL-S03", "临港街道"),
                ("YL-S04", "泉湖镇")
            ]
        );
        assert_eq!(z.unit("YL-D04").unwrap().name, "政务服务部");
        assert_eq!(z.unit("YL-D02").unwrap().name, "经济发展部");
        assert_eq!(z.unit("YL-S01-C01-G01").unwrap().name, "向阳社区第一网格");
        // Parents come before children, kinds nest correctly, codes are unique.
        let mut seen: HashMap<&str, UnitKind> = HashMap::new();
        seen.insert("YL", UnitKind::Zone);
        for u in &z.units {
            let parent = u.parent_code.as_deref().unwrap();
            let pk = seen.get(parent).copied().expect("parent listed first");
            assert!(pk.can_contain(u.kind), "{} under {}", u.code, parent);
            assert!(u.code.starts_with(parent));
            assert!(
                seen.insert(&u.code, u.kind).is_none(),
                "duplicate {}",
                u.code
            );
        }
        // 3–4 grids per community/village, 3–4 communities/villages per street.
        for u in z.units.iter().filter(|u| u.kind.is_territorial()) {
            let children = z
                .units
                .iter()
                .filter(|c| c.parent_code.as_deref() == Some(&u.code))
                .count();
            if u.kind != UnitKind::Grid {
                assert!((3..=4).contains(&children), "{}", u.code);
            }
        }
    }

    #[test]
    fn enterprises_are_valid_and_unique() {
        let z = standard();
        assert_eq!(z.enterprises.len(), DEFAULT_ENTERPRISE_COUNT);
        let grid_codes: HashSet<&str> = z
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Grid)
            .map(|u| u.code.as_str())
            .collect();
        let mut usccs = HashSet::new();
        let mut names = HashSet::new();
        for e in &z.enterprises {
            assert_eq!(Uscc::parse(e.uscc.as_str()).unwrap(), e.uscc);
            assert_eq!(e.uscc.registration_authority(), '9');
            assert!(e.uscc.region_code().bytes().all(|b| b.is_ascii_digit()));
            assert!(usccs.insert(e.uscc.clone()), "duplicate {}", e.uscc);
            assert!(names.insert(e.name.clone()), "duplicate {}", e.name);
            for f in &e.former_names {
                assert!(names.insert(f.clone()), "duplicate former name {f}");
            }
            assert!(grid_codes.contains(e.grid_code.as_str()), "{}", e.grid_code);
            let street = z.unit(street_code_of(&e.grid_code).unwrap()).unwrap();
            assert!(
                e.address.starts_with(&street.name),
                "{} / {}",
                e.address,
                street.name
            );
            assert!(jiban_core::industry::Industry::parse(&e.industry_code).is_ok());
            let size = jiban_core::size::classify(
                &e.industry_code,
                Some(e.employees),
                Some(e.revenue_wan),
                Some(e.assets_wan),
            );
            assert_eq!(size.class, e.size);
            assert!(e.employees >= 1 && e.revenue_wan > 0.0 && e.assets_wan > 0.0);
            assert!(e.registered_capital_wan > 0.0);
            assert!((117.20..=117.36).contains(&e.lon) && (31.72..=31.84).contains(&e.lat));
            let p = Phone::parse(&e.contact_phone).unwrap();
            assert_eq!(p.as_str(), e.contact_phone);
            assert!(!e.legal_rep.is_empty() && !e.contact_name.is_empty());
            assert!(
                e.founded_on >= time::macros::date!(1995 - 01 - 01)
                    && e.founded_on <= time::macros::date!(2025 - 06 - 30)
            );
        }
    }

    #[test]
    fn enterprise_mix_is_plausible() {
        let z = standard();
        let n = z.enterprises.len() as f64;
        let share = |f: &dyn Fn(&EnterpriseSpec) -> bool| {
            z.enterprises.iter().filter(|e| f(e)).count() as f64 / n
        };
        let manufacturing = share(&|e| e.industry_code.starts_with('C'));
        assert!(manufacturing > 0.45, "manufacturing {manufacturing}");
        let tag = |t: &'static str| share(&move |e: &EnterpriseSpec| e.tags.iter().any(|x| x == t));
        let high_tech = tag("高新技术企业");
        assert!((0.06..0.15).contains(&high_tech), "高新 {high_tech}");
        let srdi = tag("专精特新");
        assert!((0.01..0.06).contains(&srdi), "专精特新 {srdi}");
        let foreign = tag("外资");
        assert!((0.015..0.05).contains(&foreign), "外资 {foreign}");
        let listed = tag("上市");
        assert!((0.001..0.012).contains(&listed), "上市 {listed}");
        for e in &z.enterprises {
            let industrial = matches!(e.industry_code.as_bytes()[0], b'B' | b'C' | b'D');
            let above = e.tags.iter().any(|t| t == "规上工业");
            assert_eq!(above, industrial && e.revenue_wan >= 2000.0, "{}", e.name);
        }
        let large = share(&|e| e.size == SizeClass::Large);
        let micro_small = share(&|e| matches!(e.size, SizeClass::Small | SizeClass::Micro));
        assert!(large > 0.0 && large < 0.03, "large {large}");
        assert!(micro_small > 0.7, "small+micro {micro_small}");
        let individual = share(&|e| e.uscc.entity_type() == '2');
        let coop = share(&|e| e.uscc.entity_type() == '3');
        assert!(individual > 0.005 && coop > 0.0, "{individual} {coop}");
        assert!(share(&|e| !e.former_names.is_empty()) > 0.03);
        // Every street has enterprises.
        for s in ["YL-S01", "YL-S02", "YL-S03", "YL-S04"] {
            assert!(
                share(&|e| street_code_of(&e.grid_code) == Some(s)) > 0.05,
                "{s}"
            );
        }
    }

    #[test]
    fn financial_facts_are_plausible() {
        let z = standard();
        let n = z.enterprises.len() as f64;
        let last_year: Vec<f64> = z
            .enterprises
            .iter()
            .filter_map(|e| e.revenue_last_year_wan.map(|l| e.revenue_wan / l - 1.0))
            .collect();
        let share = last_year.len() as f64 / n;
        assert!((0.85..0.95).contains(&share), "last year {share}");
        assert!(last_year.iter().all(|g| (-0.31..=0.41).contains(g)));
        let strong = last_year.iter().filter(|g| **g >= 0.25).count() as f64 / n;
        assert!((0.02..0.1).contains(&strong), "strong growers {strong}");
        assert!(last_year.iter().any(|g| *g < -0.1));

        let with_rd = z.enterprises.iter().filter(|e| e.rd_spend_wan.is_some());
        let share = with_rd.clone().count() as f64 / n;
        assert!((0.55..0.65).contains(&share), "R&D {share}");
        for e in with_rd {
            let intensity = e.rd_spend_wan.unwrap() / e.revenue_wan;
            assert!((0.004..0.09).contains(&intensity), "{} {intensity}", e.name);
            assert_eq!(e.uscc.entity_type(), '1', "{}", e.name);
        }
        let tech: Vec<&EnterpriseSpec> = z
            .enterprises
            .iter()
            .filter(|e| e.tags.iter().any(|t| t == "高新技术企业"))
            .collect();
        let tech_rd = tech.iter().filter(|e| e.rd_spend_wan.is_some()).count();
        assert!(tech_rd as f64 > 0.9 * tech.len() as f64);
        let showcase = &z.enterprises[0];
        assert!(showcase.revenue_last_year_wan.is_some() && showcase.rd_spend_wan.is_some());
    }

    #[test]
    fn accounts_exist_and_fit() {
        let z = standard();
        assert!(validate_new_password(DEMO_PASSWORD).is_ok());
        let expect = [
            ("admin", Role::Admin, "YL"),
            ("leader", Role::Leader, "YL"),
            ("supervisor", Role::Supervisor, "YL"),
            ("dispatcher", Role::Dispatcher, "YL-D04"),
            ("intake", Role::Intake, "YL-D04"),
            ("handler_jjfz", Role::Handler, "YL-D02"),
            ("head_jjfz", Role::DeptHead, "YL-D02"),
            ("handler_xy", Role::Handler, "YL-S01"),
            ("head_xy", Role::DeptHead, "YL-S01"),
            ("grid_xy01", Role::GridWorker, "YL-S01-C01-G01"),
        ];
        for (username, role, unit) in expect {
            let a = z.account(username).unwrap_or_else(|| panic!("{username}"));
            assert_eq!((a.role, a.unit_code.as_str()), (role, unit), "{username}");
        }
        assert_eq!(z.account("admin").unwrap().display_name, "孙立");
        let mut names = HashSet::new();
        for a in &z.accounts {
            assert!(names.insert(&a.username));
            assert_eq!(Username::parse(&a.username).unwrap().as_str(), a.username);
            assert!(z.unit(&a.unit_code).is_some(), "{}", a.unit_code);
            assert_eq!(a.enterprise_index.is_some(), a.role == Role::Enterprise);
            if let Some(p) = &a.phone {
                assert!(Phone::parse(p).is_ok());
            }
        }
        let qiye = z.account("qiye").unwrap();
        assert_eq!(qiye.role, Role::Enterprise);
        let e = &z.enterprises[qiye.enterprise_index.unwrap()];
        assert_eq!(street_code_of(&e.grid_code), Some("YL-S01"));
        assert_eq!(qiye.unit_code, e.grid_code);
        for (u, code) in [
            ("handler_js", "YL-S02"),
            ("handler_lg", "YL-S03"),
            ("handler_qh", "YL-S04"),
            ("handler_zhzf", "YL-D08"),
            ("handler_yjgl", "YL-D10"),
            ("handler_rsj", "YL-D11"),
        ] {
            assert_eq!(z.account(u).unwrap().unit_code, code);
        }
        assert!(generate(1, 0).account("qiye").is_none());
    }

    #[test]
    fn small_counts_work() {
        for n in [0, 1, 2, 17] {
            let z = generate(3, n);
            assert_eq!(z.enterprises.len(), n);
        }
    }

    #[test]
    fn street_codes() {
        assert_eq!(street_code_of("YL-S01-C02-G03"), Some("YL-S01"));
        assert_eq!(street_code_of("YL-S04"), Some("YL-S04"));
        assert_eq!(street_code_of("YL-D04"), None);
        assert_eq!(street_code_of("YL"), None);
    }
}
