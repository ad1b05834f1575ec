//! The demo zone's policy library: twenty policies of the kind a Chinese development zone
//! publishes (稳经济一揽子措施, 技术改造, 研发费用后补助, 高新技术企业, 专精特新, 稳岗返还,
//! 小升规, 人才安居, 首台套, 科技型中小企业, 外资, 上市挂牌, 亩均效益, 房租减免, 融资, 社保补贴,
//! 数字化转型, 绿色工厂, 链主企业 …), each with its items, eligibility rules and amounts.
//!
//! Everything here is written for the demo: the documents, their numbers and their texts are
//! fictional. The rules use only the demo's vocabulary — the tags of
//! [`operation::TAGS`](crate::operation::TAGS), the streets `YL-S01`–`YL-S04`, the indicators of
//! [`operation::REPORTED`](crate::operation::REPORTED) and
//! [`operation::COMPUTED`](crate::operation::COMPUTED), the five bands — and the facts the demo
//! enterprises carry, so that every published item has enterprises on both sides.
//!
//! Dates are relative to the demo's “today”, so that the application windows are open whenever
//! the demo is loaded. Deterministic: no randomness at all.

use jiban_core::size::SizeClass::{self, Large, Medium, Micro, Small};
use jiban_policy::{Amount, Rule};
use time::{Date, Duration};

/// One policy document with its items.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicySpec {
    /// 标题.
    pub title: String,
    /// 发文机关.
    pub issuer: String,
    /// 文号, e.g. `云经开发〔2025〕18号`.
    pub doc_no: String,
    /// 印发日期.
    pub issued_on: Date,
    /// 施行日期.
    pub effective_on: Date,
    /// 有效期至; `None`: no end date.
    pub expires_on: Option<Date>,
    /// Start of the application window; `None` (with `apply_to`): no window (常年受理, or
    /// 免申即享 only).
    pub apply_from: Option<Date>,
    /// End of the application window.
    pub apply_to: Option<Date>,
    /// Full text: 总则, 支持内容, 申报条件, 申报材料, 兑现方式, 附则, paragraphs separated by blank
    /// lines.
    pub body: String,
    /// "published" (most), "draft" (1) or "archived" (1, expired)
    pub status: &'static str,
    /// The items, in order (seq 1, 2, …).
    pub items: Vec<ItemSpec>,
}

/// One item (条款 / 事项) of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSpec {
    /// 事项名称.
    pub title: String,
    /// The clause in a sentence or two.
    pub summary: String,
    /// "subsidy" (奖补) | "reduction" (减免) | "right" (权益) | "qualification" (资质)
    pub benefit_type: &'static str,
    /// How much (万元); [`Amount::None`] when it cannot be computed from the enterprise's facts
    /// (it depends on an investment, a loan, a rent …) and for rights and qualifications.
    pub amount: Amount,
    /// 申报条件.
    pub rule: Rule,
    /// The documents to hand in; empty for 免申即享 items.
    pub materials: Vec<String>,
    /// Code of the responsible department (`YL-Dnn`, unit kind Department).
    pub dept_code: String,
    /// 免申即享.
    pub auto_grant: bool,
    /// Working days the department has to review an application.
    pub review_days: i32,
}

// ---------------------------------------------------------------------------------------------
// Departments of the demo org tree (see `words::DEPARTMENTS`).

/// 经济发展部.
const JJFZ: &str = "YL-D02";
/// 财政审计部.
const CZSJ: &str = "YL-D03";
/// 政务服务部.
const ZWFW: &str = "YL-D04";
/// 建设与公用事业管理部.
const JSGY: &str = "YL-D05";
/// 科技金融部.
const KJJR: &str = "YL-D06";
/// 招商服务局.
const ZSFW: &str = "YL-D07";
/// 生态环境分局.
const STHJ: &str = "YL-D09";
/// 人社局.
const RSJ: &str = "YL-D11";
/// 税务分局.
const SWFJ: &str = "YL-D12";

const ZONE: &str = "云岭经济技术开发区管理委员会";

const SME: [SizeClass; 3] = [Medium, Small, Micro];
const SMALL_MICRO: [SizeClass; 2] = [Small, Micro];

/// Tags of the technology firms.
const TECH: [&str; 3] = ["高新技术企业", "专精特新", "科技型中小企业"];

// ---------------------------------------------------------------------------------------------
// Rule and amount builders.

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn all(rules: Vec<Rule>) -> Rule {
    Rule::All { rules }
}

fn any(rules: Vec<Rule>) -> Rule {
    Rule::Any { rules }
}

fn not(rule: Rule) -> Rule {
    Rule::Not {
        rule: Box::new(rule),
    }
}

fn industry(prefixes: &[&str]) -> Rule {
    Rule::Industry {
        prefixes: strings(prefixes),
    }
}

fn size(classes: &[SizeClass]) -> Rule {
    Rule::Size {
        classes: classes.to_vec(),
    }
}

fn street(streets: &[&str]) -> Rule {
    Rule::Street {
        streets: strings(streets),
    }
}

fn tags_all(tags: &[&str]) -> Rule {
    Rule::TagsAll {
        tags: strings(tags),
    }
}

fn tags_any(tags: &[&str]) -> Rule {
    Rule::TagsAny {
        tags: strings(tags),
    }
}

fn tags_none(tags: &[&str]) -> Rule {
    Rule::TagsNone {
        tags: strings(tags),
    }
}

fn founded(min: Option<f64>, max: Option<f64>) -> Rule {
    Rule::FoundedYears { min, max }
}

fn employees(min: Option<f64>, max: Option<f64>) -> Rule {
    Rule::Employees { min, max }
}

fn revenue(min: Option<f64>, max: Option<f64>) -> Rule {
    Rule::Revenue { min, max }
}

fn growth(min: Option<f64>, max: Option<f64>) -> Rule {
    Rule::RevenueGrowth { min, max }
}

fn rd(min: Option<f64>, max: Option<f64>) -> Rule {
    Rule::RdIntensity { min, max }
}

fn indicator(code: &str, min: Option<f64>, max: Option<f64>) -> Rule {
    Rule::Indicator {
        code: code.to_string(),
        min,
        max,
    }
}

fn band(bands: &[&str]) -> Rule {
    Rule::Band {
        bands: strings(bands),
    }
}

fn no_hazard() -> Rule {
    Rule::NoSeriousHazard
}

fn fixed(wan: f64) -> Amount {
    Amount::Fixed { wan }
}

fn formula(formula: &str, cap_wan: Option<f64>) -> Amount {
    Amount::Formula {
        formula: formula.to_string(),
        cap_wan,
        floor_wan: None,
    }
}

/// An item with no amount, no materials, reviewed within 10 working days.
fn item(
    benefit_type: &'static str,
    dept: &str,
    title: &str,
    summary: &str,
    rule: Rule,
) -> ItemSpec {
    ItemSpec {
        title: title.to_string(),
        summary: summary.to_string(),
        benefit_type,
        amount: Amount::None,
        rule,
        materials: Vec::new(),
        dept_code: dept.to_string(),
        auto_grant: false,
        review_days: 10,
    }
}

impl ItemSpec {
    fn pays(mut self, amount: Amount) -> Self {
        self.amount = amount;
        self
    }

    fn needs(mut self, materials: &[&str]) -> Self {
        self.materials = strings(materials);
        self
    }

    /// 免申即享: no application, no materials.
    fn auto(mut self) -> Self {
        self.auto_grant = true;
        self.materials.clear();
        self
    }

    fn days(mut self, review_days: i32) -> Self {
        self.review_days = review_days;
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Materials used by many items.

const LICENSE: &str = "营业执照复印件（加盖公章）";
const FORM: &str = "项目申报表（法定代表人签字并加盖公章）";
const PROMISE: &str = "信用承诺书";
const AUDIT: &str = "上年度财务审计报告";
const STATEMENTS: &str = "上年度及本年度最近一期财务报表";
const BANK: &str = "企业基本存款账户信息";

// ---------------------------------------------------------------------------------------------
// Policy assembly.

/// A policy as written below: dates as days from today, the parts of its text.
struct Draft {
    title: &'static str,
    issuer: &'static str,
    /// (prefix, number): `("云经开发", 18)` → `云经开发〔2025〕18号` with the year of issue.
    doc_no: (&'static str, u32),
    issued: i64,
    effective: i64,
    expires: Option<i64>,
    window: Option<(i64, i64)>,
    status: &'static str,
    /// 总则.
    general: &'static str,
    /// 申报条件 common to the items.
    conditions: &'static str,
    /// 兑现方式.
    payout: &'static str,
    /// The body that interprets the policy (附则).
    interpreter: &'static str,
    items: Vec<ItemSpec>,
}

const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn cn_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

fn build(today: Date, d: Draft) -> PolicySpec {
    let at = |days: i64| today + Duration::days(days);
    let issued_on = at(d.issued);
    let effective_on = at(d.effective);
    let expires_on = d.expires.map(at);
    let (apply_from, apply_to) = match d.window {
        Some((a, b)) => (Some(at(a)), Some(at(b))),
        None => (None, None),
    };

    let mut support = String::new();
    let mut materials = String::new();
    for (i, it) in d.items.iter().enumerate() {
        let n = ORDINALS[i];
        support.push_str(&format!("（{n}）{}。{}\n", it.title, it.summary));
        if it.auto_grant {
            materials.push_str(&format!(
                "（{n}）{}：免申即享，由主管部门根据已掌握的数据直接核定兑现名单，企业无需申报。\n",
                it.title
            ));
        } else {
            let list: Vec<String> = it
                .materials
                .iter()
                .enumerate()
                .map(|(j, m)| format!("{}. {m}", j + 1))
                .collect();
            materials.push_str(&format!("（{n}）{}：{}。\n", it.title, list.join("；")));
        }
    }
    let mut closing = match expires_on {
        Some(e) => format!(
            "本政策自{}起施行，有效期至{}。",
            cn_date(effective_on),
            cn_date(e)
        ),
        None => format!("本政策自{}起施行。", cn_date(effective_on)),
    };
    match (apply_from, apply_to) {
        (Some(a), Some(b)) => closing.push_str(&format!(
            "本年度申报受理时间为{}至{}，逾期不予受理。",
            cn_date(a),
            cn_date(b)
        )),
        _ if d.items.iter().all(|i| i.auto_grant) => {}
        _ => closing.push_str("相关事项常年受理，按季度集中审核。"),
    }
    closing.push_str(&format!(
        "同一事项符合开发区多项政策的，按照“从优、就高、不重复”的原则执行。\
         对弄虚作假、骗取财政资金的，追回已拨付资金，依法纳入失信记录，并追究相关责任。\
         本政策由{}负责解释。",
        d.interpreter
    ));
    let body = format!(
        "一、总则\n{}\n\n二、支持内容\n{}\n三、申报条件\n{}\n\n四、申报材料\n{}\n五、兑现方式\n{}\n\n六、附则\n{}",
        d.general, support, d.conditions, materials, d.payout, closing
    );

    PolicySpec {
        title: d.title.to_string(),
        issuer: d.issuer.to_string(),
        doc_no: format!("{}〔{}〕{}号", d.doc_no.0, issued_on.year(), d.doc_no.1),
        issued_on,
        effective_on,
        expires_on,
        apply_from,
        apply_to,
        body,
        status: d.status,
        items: d.items,
    }
}

/// Conditions every applicant has to meet, to which each policy adds its own.
const BASIC: &str = "申报企业应在开发区依法登记注册，税收和统计关系在开发区，依法纳税、财务制度健全；\
近三年内未发生较大及以上安全生产事故和突发环境事件，未被列入严重失信主体名单。";

/// The demo policies, dated relative to `today` (the demo's "now") so that application windows are open when the demo is loaded.
pub fn policies(today: Date) -> Vec<PolicySpec> {
    [
        stabilise(),
        tech_upgrade(),
        rd_subsidy(),
        high_tech(),
        srdi(),
        job_retention(),
        upscale(),
        talent_housing(),
        first_set(),
        tech_sme(),
        foreign_investment(),
        listing(),
        per_mu(),
        rent(),
        finance(),
        social_insurance(),
        digital(),
        green(),
        chain_leader(),
        resumption(),
    ]
    .into_iter()
    .map(|d| build(today, d))
    .collect()
}

fn stabilise() -> Draft {
    Draft {
        title: "云岭经济技术开发区关于实施稳经济一揽子措施推动经济运行持续向好的若干政策",
        issuer: ZONE,
        doc_no: ("云经开发", 6),
        issued: -160,
        effective: -160,
        expires: Some(200),
        window: Some((-150, 60)),
        status: "published",
        general: "为全面落实国家和省、市稳住经济大盘的决策部署，帮助市场主体稳定生产、扩大经营、渡过难关，\
推动开发区经济运行持续向好，结合开发区实际，制定本政策。\n本政策资金由开发区财政统筹安排，\
坚持“政策直达、精准滴灌”，能免申即享的一律免申即享。",
        conditions: BASIC,
        payout: "经济发展部会同财政审计部按季度汇总审核结果，经管委会批准后，资金直接拨付至企业基本存款账户。\
免申即享事项由主管部门依据统计、电力等部门数据核定兑现名单，公示 5 个工作日无异议后拨付。",
        interpreter: "开发区经济发展部",
        items: vec![
            item(
                "subsidy",
                JJFZ,
                "工业企业满负荷生产奖励",
                "对本年度营业收入同比增长 10% 以上的规模以上工业企业，按营业收入增量的 1% 给予奖励，单户最高 50 万元。",
                all(vec![
                    industry(&["B", "C", "D"]),
                    tags_all(&["规上工业"]),
                    growth(Some(0.10), None),
                    no_hazard(),
                ]),
            )
            .pays(formula("(营业收入 - 去年营业收入) * 1%", Some(50.0)))
            .needs(&[
                FORM,
                LICENSE,
                "统计部门出具的规模以上工业企业主要经济指标",
                STATEMENTS,
                PROMISE,
            ]),
            item(
                "subsidy",
                JJFZ,
                "服务业企业提质增效奖励",
                "对营业收入达到限额以上标准（批发业 2000 万元、零售业和住宿餐饮业 500 万元、其他营利性服务业 1000 万元）且同比增长 15% 以上的服务业企业，一次性奖励 10 万元。",
                all(vec![
                    any(vec![
                        all(vec![industry(&["F51"]), revenue(Some(2000.0), None)]),
                        all(vec![industry(&["F52", "H"]), revenue(Some(500.0), None)]),
                        all(vec![
                            industry(&["G", "I", "L", "M"]),
                            revenue(Some(1000.0), None),
                        ]),
                    ]),
                    growth(Some(0.15), None),
                ]),
            )
            .pays(fixed(10.0))
            .needs(&[FORM, LICENSE, STATEMENTS, "本年度增值税纳税申报表", PROMISE]),
            item(
                "subsidy",
                JJFZ,
                "经营困难企业纾困补助",
                "对企业运行监测五色图评为橙色或红色、复工率仍保持在 50% 以上、坚持稳定生产的中小微企业，给予一次性纾困补助 5 万元，并由服务专员跟踪帮扶。",
                all(vec![
                    band(&["orange", "red"]),
                    indicator("fgl", Some(0.5), None),
                    size(&SME),
                    founded(Some(2.0), None),
                    no_hazard(),
                ]),
            )
            .pays(fixed(5.0))
            .needs(&[
                FORM,
                LICENSE,
                "企业经营困难情况说明（含近三个月生产经营数据）",
                "近三个月社会保险缴费证明",
                PROMISE,
            ])
            .days(5),
            item(
                "subsidy",
                JSGY,
                "规上工业企业用电补贴",
                "对规模以上工业企业，按最近一个月用电量折算全年用电量，每千瓦时补贴 0.03 元，单户最高 30 万元，免申即享。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    indicator("ydl", Some(5.0), None),
                ]),
            )
            .pays(formula("ydl * 12 * 0.03", Some(30.0)))
            .auto(),
        ],
    }
}

fn tech_upgrade() -> Draft {
    Draft {
        title: "云岭经济技术开发区支持工业企业技术改造实施办法",
        issuer: ZONE,
        doc_no: ("云经开发", 9),
        issued: -210,
        effective: -200,
        expires: Some(520),
        window: Some((-30, 45)),
        status: "published",
        general: "为引导工业企业加大设备更新和技术改造投入，推动生产方式向高端化、智能化、绿色化转变，\
提升产业链现代化水平，制定本办法。\n本办法所称技术改造，是指企业在开发区内实施的以设备购置、\
工艺改进、生产线升级为主要内容的投资项目，项目须已在投资项目在线审批监管平台备案。",
        conditions: "申报企业应在开发区依法登记注册并从事工业生产，依法纳税、财务制度健全，\
成立满 2 年；项目已竣工或完成主要设备安装，且近三年内未发生较大及以上安全生产事故和突发环境事件。",
        payout: "经济发展部组织第三方机构对项目设备投资进行专项审计和现场核查，经部门联席会议审定、\
公示 7 个工作日无异议后，由财政审计部一次性拨付补助资金。",
        interpreter: "开发区经济发展部",
        items: vec![
            item(
                "subsidy",
                JJFZ,
                "技术改造项目设备投资补助",
                "对规模以上工业企业实施的生产性设备投资额 500 万元以上的技术改造项目，按审计确认的设备投资额的 8% 给予补助，单个项目最高 300 万元。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    founded(Some(2.0), None),
                    no_hazard(),
                ]),
            )
            .needs(&[
                "技术改造项目申报书",
                LICENSE,
                "项目备案文件",
                "设备投资专项审计报告",
                "设备购置合同、发票及付款凭证",
                "设备清单及现场照片",
                PROMISE,
            ])
            .days(20),
            item(
                "subsidy",
                JJFZ,
                "小微工业企业技改补助",
                "对尚未纳入规模以上统计、从业人员 10 人以上的小微工业企业，当年完成设备投资 100 万元以上的，一次性补助 10 万元。",
                all(vec![
                    industry(&["C"]),
                    size(&SMALL_MICRO),
                    tags_none(&["规上工业"]),
                    employees(Some(10.0), None),
                    founded(Some(2.0), None),
                ]),
            )
            .pays(fixed(10.0))
            .needs(&[
                FORM,
                LICENSE,
                "设备购置合同、发票及付款凭证",
                "设备清单及现场照片",
                PROMISE,
            ])
            .days(15),
        ],
    }
}

fn rd_subsidy() -> Draft {
    Draft {
        title: "云岭经济技术开发区企业研发费用后补助实施细则",
        issuer: "云岭经济技术开发区科技金融部",
        doc_no: ("云经开科金", 3),
        issued: -120,
        effective: -110,
        expires: Some(610),
        window: Some((-20, 40)),
        status: "published",
        general: "为激励企业持续加大研发投入、提升自主创新能力，根据开发区关于推动科技创新的有关政策，\
制定本细则。\n本细则所称研发费用，以企业享受研发费用加计扣除政策时税务部门确认的金额为准，\
采取“先投入、后补助”的方式给予支持。",
        conditions: "申报企业应在开发区依法登记注册、成立满 1 年，从事制造业、信息传输软件和信息技术服务业\
或科学研究和技术服务业，从业人员 10 人以上，建立研发费用辅助账，研发投入强度不低于 3%。",
        payout: "科技金融部会同税务分局对研发费用进行核定，必要时委托第三方机构审计，\
结果经公示无异议后一次性拨付。",
        interpreter: "开发区科技金融部",
        items: vec![
            item(
                "subsidy",
                KJJR,
                "企业研发费用后补助",
                "按企业本年度经核定研发费用的 5% 给予后补助，单户最高 100 万元。",
                all(vec![
                    industry(&["C", "I", "M"]),
                    rd(Some(0.03), None),
                    employees(Some(10.0), None),
                    founded(Some(1.0), None),
                ]),
            )
            .pays(formula("研发费用 * 5%", Some(100.0)))
            .needs(&[
                FORM,
                LICENSE,
                "研发费用专项审计报告",
                "研发费用辅助账",
                "企业所得税年度纳税申报表（含研发费用加计扣除优惠明细表）",
                PROMISE,
            ])
            .days(20),
        ],
    }
}

fn high_tech() -> Draft {
    Draft {
        title: "云岭经济技术开发区促进高新技术企业培育发展的若干措施",
        issuer: ZONE,
        doc_no: ("云经开发", 12),
        issued: -300,
        effective: -290,
        expires: Some(430),
        window: Some((-45, 75)),
        status: "published",
        general: "为壮大高新技术企业群体，构建“科技型中小企业—高新技术企业—科技领军企业”梯次培育体系，\
制定本措施。\n开发区建立高新技术企业培育库，对入库企业实行“一企一策”辅导。",
        conditions: "申报企业应在开发区依法登记注册满 1 年，依法纳税、财务制度健全，\
近三年内未发生重大安全、重大质量事故或严重环境违法行为。",
        payout: "科技金融部依据省认定机构公布的名单及入库评审结果核定奖励对象，公示后拨付。",
        interpreter: "开发区科技金融部",
        items: vec![
            item(
                "subsidy",
                KJJR,
                "首次认定高新技术企业奖励",
                "对首次通过认定的高新技术企业，一次性奖励 20 万元。",
                all(vec![
                    tags_all(&["高新技术企业"]),
                    founded(Some(1.0), Some(6.0)),
                ]),
            )
            .pays(fixed(20.0))
            .needs(&[FORM, LICENSE, "高新技术企业证书", AUDIT]),
            item(
                "subsidy",
                KJJR,
                "高新技术企业重新认定奖励",
                "对有效期满后重新通过认定的高新技术企业，一次性奖励 10 万元。",
                all(vec![tags_all(&["高新技术企业"]), founded(Some(6.0), None)]),
            )
            .pays(fixed(10.0))
            .needs(&[FORM, LICENSE, "高新技术企业证书（本次及上一次）", AUDIT]),
            item(
                "subsidy",
                KJJR,
                "高新技术企业培育库入库奖励",
                "对尚未认定为高新技术企业、研发投入强度 3% 以上并经评审纳入开发区高新技术企业培育库的企业，一次性奖励 5 万元。",
                all(vec![
                    tags_none(&["高新技术企业"]),
                    industry(&["C", "I", "M"]),
                    rd(Some(0.03), None),
                    founded(Some(1.0), None),
                ]),
            )
            .pays(fixed(5.0))
            .needs(&[
                FORM,
                LICENSE,
                "知识产权证书清单及复印件",
                "研发费用辅助账",
                "科技人员名单及社保缴纳证明",
                AUDIT,
            ])
            .days(15),
        ],
    }
}

fn srdi() -> Draft {
    Draft {
        title: "云岭经济技术开发区支持专精特新中小企业高质量发展若干措施",
        issuer: "云岭经济技术开发区经济发展部",
        doc_no: ("云经开经", 5),
        issued: -250,
        effective: -240,
        expires: Some(480),
        window: Some((-60, 30)),
        status: "published",
        general: "为引导中小企业走专业化、精细化、特色化、新颖化发展之路，培育一批专精特新中小企业和\
专精特新“小巨人”企业，制定本措施。\n开发区对专精特新企业实行梯度培育、动态管理，\
在融资、人才、用地等方面给予优先支持。",
        conditions: "申报企业应为在开发区依法登记注册的中小企业，主营业务突出，依法纳税、\
财务制度健全，近三年内未发生重大安全、质量、环境事故，未被列入严重失信主体名单。",
        payout: "奖励资金由经济发展部依据省、国家公布的认定名单核定；培育库由经济发展部每年评审一次；\
融资服务由合作银行按各自授信制度办理。",
        interpreter: "开发区经济发展部",
        items: vec![
            item(
                "subsidy",
                JJFZ,
                "省级专精特新中小企业奖励",
                "对新认定的省级专精特新中小企业，一次性奖励 30 万元。",
                all(vec![tags_all(&["专精特新"]), size(&SME)]),
            )
            .pays(fixed(30.0))
            .needs(&[FORM, LICENSE, "省级专精特新中小企业认定文件", AUDIT]),
            item(
                "qualification",
                JJFZ,
                "纳入国家级专精特新“小巨人”企业培育库",
                "对成立满 3 年、研发投入强度 3% 以上，且营业收入 1 亿元以上或同比增长 15% 以上的专精特新企业，纳入“小巨人”培育库，给予申报辅导和专家诊断。",
                all(vec![
                    tags_all(&["专精特新"]),
                    founded(Some(3.0), None),
                    rd(Some(0.03), None),
                    any(vec![revenue(Some(10000.0), None), growth(Some(0.15), None)]),
                ]),
            )
            .needs(&[
                FORM,
                LICENSE,
                "主导产品及市场占有率说明",
                "近两年财务审计报告",
                "知识产权证书清单",
            ])
            .days(15),
            item(
                "right",
                KJJR,
                "“专精特新贷”融资绿色通道",
                "合作银行为专精特新、高新技术中小企业开辟审批绿色通道，提供最高 1000 万元的信用贷款，利率不高于同期贷款市场报价利率。",
                all(vec![
                    tags_any(&["专精特新", "高新技术企业"]),
                    size(&SME),
                ]),
            )
            .needs(&["融资需求申请表", LICENSE, STATEMENTS])
            .days(5),
        ],
    }
}

fn job_retention() -> Draft {
    Draft {
        title: "关于做好失业保险稳岗返还工作的通知",
        issuer: "云岭经济技术开发区人社局",
        doc_no: ("云经开人社", 5),
        issued: -90,
        effective: -90,
        expires: Some(275),
        window: None,
        status: "published",
        general: "为充分发挥失业保险保生活、防失业、促就业的作用，支持企业稳定就业岗位，\
根据国家和省有关规定，现就开发区失业保险稳岗返还工作通知如下。\n稳岗返还实行“免申即享”，\
由人社局通过大数据比对筛选符合条件的企业，企业无需提出申请。",
        conditions: "参保企业在开发区依法参加失业保险并足额缴费满 12 个月，上年度未裁员或裁员率不高于\
全国城镇调查失业率控制目标（30 人以下的企业裁员率不高于参保职工总数的 20%），\
未发生严重违法失信行为。",
        payout: "人社局按月比对参保和缴费数据，形成拟返还名单并公示 5 个工作日，\
无异议的将资金直接返还至企业的社会保险缴费账户或基本存款账户。",
        interpreter: "开发区人社局",
        items: vec![
            item(
                "subsidy",
                RSJ,
                "中小微企业稳岗返还",
                "中小微企业按企业及其职工上年度实际缴纳失业保险费的 60% 返还，按参保人数测算人均约 400 元。",
                all(vec![size(&SME), founded(Some(1.0), None), no_hazard()]),
            )
            .pays(formula("从业人员 * 0.04", Some(50.0)))
            .auto(),
            item(
                "subsidy",
                RSJ,
                "大型企业稳岗返还",
                "大型企业按企业及其职工上年度实际缴纳失业保险费的 30% 返还，按参保人数测算人均约 200 元。",
                all(vec![size(&[Large]), founded(Some(1.0), None), no_hazard()]),
            )
            .pays(formula("从业人员 * 0.02", None))
            .auto(),
        ],
    }
}

fn upscale() -> Draft {
    Draft {
        title: "云岭经济技术开发区鼓励企业升规纳统的奖励办法",
        issuer: ZONE,
        doc_no: ("云经开发", 15),
        issued: -200,
        effective: -190,
        expires: Some(540),
        window: Some((-40, 50)),
        status: "published",
        general: "为推动小微企业“小升规”，做大规模以上企业群体，夯实开发区经济统计基础，制定本办法。\n\
本办法所称“小升规”，是指首次达到规模以上统计标准并纳入统计部门联网直报的企业：\
工业企业年营业收入 2000 万元，其他营利性服务业企业年营业收入 1000 万元。",
        conditions: "申报企业应在开发区依法登记注册，首次纳入规模以上（限额以上）统计，\
承诺纳统后 3 年内不迁出开发区、不退库，并按时、如实报送统计数据。",
        payout: "经济发展部会同统计部门核定新纳统企业名单，奖励分两年兑现：纳统当年兑现 60%，\
次年仍在库的兑现其余 40%。服务权益自纳统次月起自动享有。",
        interpreter: "开发区经济发展部",
        items: vec![
            item(
                "subsidy",
                JJFZ,
                "新升规工业企业奖励",
                "对本年度营业收入首次达到 2000 万元并纳入规模以上工业统计的企业，一次性奖励 20 万元。",
                all(vec![
                    industry(&["B", "C", "D"]),
                    tags_all(&["规上工业"]),
                    revenue(None, Some(2400.0)),
                    growth(Some(0.20), None),
                ]),
            )
            .pays(fixed(20.0))
            .needs(&[
                FORM,
                LICENSE,
                "统计部门出具的纳统证明",
                STATEMENTS,
                "不迁出、不退库承诺书",
            ]),
            item(
                "subsidy",
                JJFZ,
                "新升规服务业企业奖励",
                "对本年度营业收入首次达到 1000 万元并纳入规模以上服务业统计的信息技术、商务服务和科技服务企业，一次性奖励 10 万元。",
                all(vec![
                    industry(&["I", "L", "M"]),
                    revenue(Some(1000.0), Some(1200.0)),
                    growth(Some(0.20), None),
                ]),
            )
            .pays(fixed(10.0))
            .needs(&[
                FORM,
                LICENSE,
                "统计部门出具的纳统证明",
                STATEMENTS,
                "不迁出、不退库承诺书",
            ]),
            item(
                "right",
                ZWFW,
                "规上企业政务服务绿色通道",
                "规模以上企业纳入开发区重点企业服务名录，享受政务服务“绿色通道”、服务专员“一企一员”和用地、用能要素优先保障，免申即享。",
                any(vec![
                    tags_all(&["规上工业"]),
                    all(vec![
                        industry(&["F", "G", "H", "I", "L", "M"]),
                        revenue(Some(2000.0), None),
                    ]),
                ]),
            )
            .auto(),
        ],
    }
}

fn talent_housing() -> Draft {
    Draft {
        title: "云岭经济技术开发区人才安居实施办法",
        issuer: ZONE,
        doc_no: ("云经开发", 3),
        issued: -400,
        effective: -390,
        expires: Some(700),
        window: None,
        status: "published",
        general: "为落实人才强区战略，解决企业引进人才的住房困难，营造拴心留人的安居环境，制定本办法。\n\
开发区通过人才公寓配租和租房补贴两种方式保障人才安居，同一人才只能享受其中一种。",
        conditions: "申报企业应在开发区依法登记注册，属于制造业、信息技术服务业或科技服务业，\
所引进人才与企业签订 1 年以上劳动合同并在开发区缴纳社会保险，本人及配偶在开发区无自有住房。",
        payout: "人才公寓由人社局会同平台公司按季度配租；租房补贴每半年发放一次，\
由企业统一申报、代为发放，人社局按实际在岗人数核定。",
        interpreter: "开发区人社局",
        items: vec![
            item(
                "right",
                RSJ,
                "人才公寓配租",
                "高新技术企业、专精特新企业、科技型中小企业、规上工业企业和重点项目企业引进的博士、硕士及中级以上职称人才，可申请入住人才公寓，租金按市场价的 50% 收取，最长 3 年。",
                all(vec![
                    industry(&["C", "I", "M"]),
                    tags_any(&["高新技术企业", "专精特新", "科技型中小企业", "规上工业", "重点项目企业"]),
                ]),
            )
            .needs(&[
                "人才公寓入住申请表",
                LICENSE,
                "人才学历学位证书或职称证书",
                "劳动合同及社保缴纳证明",
                "无房证明",
            ])
            .days(15),
            item(
                "subsidy",
                RSJ,
                "企业人才租房补贴",
                "按企业从业人员的 5% 核定补贴名额，每人每年 1.2 万元，单户每年最高 30 万元。",
                all(vec![
                    industry(&["C", "I", "M"]),
                    employees(Some(20.0), None),
                    any(vec![tags_any(&TECH), rd(Some(0.03), None)]),
                ]),
            )
            .pays(formula("从业人员 * 5% * 1.2", Some(30.0)))
            .needs(&[
                FORM,
                LICENSE,
                "享受补贴人员花名册",
                "劳动合同及社保缴纳证明",
                "房屋租赁合同及租金支付凭证",
            ])
            .days(15),
        ],
    }
}

fn first_set() -> Draft {
    Draft {
        title: "云岭经济技术开发区首台（套）重大技术装备和首批次新材料推广应用奖励办法",
        issuer: "云岭经济技术开发区经济发展部",
        doc_no: ("云经开经", 11),
        issued: -180,
        effective: -170,
        expires: Some(550),
        window: Some((-25, 65)),
        status: "published",
        general: "为突破关键核心技术装备和材料的市场应用瓶颈，鼓励企业研制首台（套）重大技术装备、\
首批次新材料，加快创新产品推广应用，制定本办法。\n本办法所称首台（套）、首批次，\
以省级以上主管部门公布的认定目录为准。",
        conditions: "申报企业应为在开发区依法登记注册的装备制造或新材料企业，拥有相关产品的自主知识产权，\
产品在认定有效期内实现首次销售，且未因质量问题发生重大责任事故。",
        payout: "经济发展部依据认定文件和首次销售合同核定奖励，公示无异议后一次性拨付；\
同一产品获国家级、省级认定的，按最高标准奖励，不重复享受。",
        interpreter: "开发区经济发展部",
        items: vec![
            item(
                "subsidy",
                JJFZ,
                "首台（套）重大技术装备奖励",
                "对经省级以上认定的首台（套）重大技术装备，一次性奖励研制企业 50 万元。",
                all(vec![
                    industry(&["C34", "C35", "C38", "C39", "C40"]),
                    tags_any(&["高新技术企业", "专精特新"]),
                    rd(Some(0.03), None),
                ]),
            )
            .pays(fixed(50.0))
            .needs(&[
                FORM,
                LICENSE,
                "首台（套）认定文件",
                "首台（套）销售合同及发票",
                "用户单位使用证明",
                "产品知识产权证明",
            ])
            .days(15),
            item(
                "subsidy",
                JJFZ,
                "首批次新材料奖励",
                "对经省级以上认定的首批次新材料，一次性奖励生产企业 30 万元。",
                all(vec![
                    industry(&["C26", "C29", "C30", "C33"]),
                    tags_any(&["高新技术企业", "专精特新"]),
                ]),
            )
            .pays(fixed(30.0))
            .needs(&[
                FORM,
                LICENSE,
                "首批次新材料认定文件",
                "首批次销售合同及发票",
                "产品检测报告",
            ])
            .days(15),
        ],
    }
}

fn tech_sme() -> Draft {
    Draft {
        title: "云岭经济技术开发区科技型中小企业研发投入奖补办法",
        issuer: "云岭经济技术开发区科技金融部",
        doc_no: ("云经开科金", 6),
        issued: -140,
        effective: -130,
        expires: Some(590),
        window: Some((-35, 55)),
        status: "published",
        general: "为支持科技型中小企业持续开展研发活动，扩大科技型中小企业群体，制定本办法。\n\
本办法所称科技型中小企业，是指职工总数不超过 500 人、年销售收入不超过 2 亿元、资产总额不超过 2 亿元，\
并依照国家科技型中小企业评价办法完成入库登记的企业。",
        conditions: "申报企业应在开发区依法登记注册，研发投入强度符合评价要求：年销售收入 5000 万元以下的\
不低于 5%，5000 万元至 2 亿元的不低于 4%；科技人员占职工总数的比例不低于 10%。",
        payout: "科技金融部依据国家科技型中小企业信息服务平台入库名单和研发费用核定结果，\
按年度一次性拨付奖补资金。",
        interpreter: "开发区科技金融部",
        items: vec![
            item(
                "subsidy",
                KJJR,
                "科技型中小企业研发投入奖补",
                "对已入库的科技型中小企业（含高新技术企业中的中小企业），按本年度研发费用的 10% 给予奖补，单户最高 30 万元。",
                all(vec![
                    tags_any(&["科技型中小企业", "高新技术企业"]),
                    employees(None, Some(500.0)),
                    revenue(None, Some(20000.0)),
                    rd(Some(0.03), None),
                ]),
            )
            .pays(formula("研发费用 * 10%", Some(30.0)))
            .needs(&[
                FORM,
                LICENSE,
                "科技型中小企业入库登记编号截图",
                "研发费用辅助账",
                "研发费用专项审计报告",
            ])
            .days(15),
            item(
                "qualification",
                KJJR,
                "科技型中小企业评价入库",
                "对符合评价条件、尚未入库的企业，由科技金融部辅导其在国家科技型中小企业信息服务平台完成自主评价和入库登记。",
                all(vec![
                    tags_none(&["科技型中小企业"]),
                    industry(&["C", "I", "M"]),
                    employees(None, Some(500.0)),
                    any(vec![
                        all(vec![revenue(None, Some(5000.0)), rd(Some(0.05), None)]),
                        all(vec![
                            revenue(Some(5000.0), Some(20000.0)),
                            rd(Some(0.04), None),
                        ]),
                    ]),
                ]),
            )
            .needs(&[
                "科技型中小企业信息表",
                LICENSE,
                AUDIT,
                "科技人员名单",
                "知识产权证书清单",
            ])
            .days(5),
        ],
    }
}

fn foreign_investment() -> Draft {
    Draft {
        title: "云岭经济技术开发区进一步稳外资促进外商投资的若干措施",
        issuer: "云岭经济技术开发区招商服务局",
        doc_no: ("云经开招", 2),
        issued: -330,
        effective: -320,
        expires: Some(400),
        window: Some((-90, 90)),
        status: "published",
        general: "为稳住外资基本盘，鼓励存量外资企业增资扩产、利润再投资，提升利用外资质量，制定本措施。\n\
开发区对外资企业实行“一企一专员”服务，及时协调解决企业投资经营中的困难和问题。",
        conditions: "申报企业应为在开发区依法登记注册的外商投资企业，已按规定报送外商投资信息报告，\
新增投资已实际到位并经商务部门确认。",
        payout: "招商服务局依据商务部门确认的实际使用外资数据核定奖励，经管委会审定后拨付；\
服务专员由招商服务局在受理后 5 个工作日内指派。",
        interpreter: "开发区招商服务局",
        items: vec![
            item(
                "subsidy",
                ZSFW,
                "外资企业增资扩产奖励",
                "对成立满 2 年、当年新增实际使用外资 500 万美元以上且营业收入保持增长的外资企业，一次性奖励 30 万元。",
                all(vec![
                    tags_all(&["外资"]),
                    founded(Some(2.0), None),
                    growth(Some(0.05), None),
                ]),
            )
            .pays(fixed(30.0))
            .needs(&[
                FORM,
                LICENSE,
                "外商投资信息报告回执",
                "验资报告或外资到位银行凭证",
                "增资项目说明",
            ])
            .days(15),
            item(
                "right",
                ZSFW,
                "外资企业“一企一专员”服务",
                "为外资企业指派服务专员，提供政策咨询、外籍人员出入境便利、跨境资金结算等“一对一”服务。",
                tags_all(&["外资"]),
            )
            .needs(&["服务需求登记表", LICENSE])
            .days(5),
        ],
    }
}

fn listing() -> Draft {
    Draft {
        title: "云岭经济技术开发区支持企业利用多层次资本市场加快发展的若干政策",
        issuer: ZONE,
        doc_no: ("云经开发", 2),
        issued: -420,
        effective: -410,
        expires: None,
        window: None,
        status: "published",
        general: "为推动企业规范化股份制改造，支持企业在境内外资本市场上市挂牌融资，\
壮大开发区上市企业群体，制定本政策。\n开发区建立上市后备企业资源库，\
对入库企业实行分类辅导、动态管理。",
        conditions: "申报企业应在开发区依法登记注册，注册地及纳税关系在开发区，承诺上市（挂牌）后 5 年内\
不迁出开发区，近三年无重大违法违规行为。",
        payout: "奖励资金按上市进程分阶段兑现，企业在完成相应阶段后 6 个月内提出申请，\
科技金融部审核后报管委会审定拨付。",
        interpreter: "开发区科技金融部",
        items: vec![
            item(
                "subsidy",
                KJJR,
                "上市辅导备案奖励",
                "对营业收入 1 亿元以上、在证券监管部门完成上市辅导备案的后备企业，一次性奖励 100 万元。",
                all(vec![
                    tags_none(&["上市"]),
                    founded(Some(3.0), None),
                    revenue(Some(10000.0), None),
                    any(vec![
                        tags_any(&["高新技术企业", "专精特新"]),
                        revenue(Some(50000.0), None),
                    ]),
                ]),
            )
            .pays(fixed(100.0))
            .needs(&[
                FORM,
                LICENSE,
                "辅导备案登记确认文件",
                "辅导协议",
                "近三年财务审计报告",
                "不迁出承诺书",
            ])
            .days(20),
            item(
                "subsidy",
                KJJR,
                "境内外首发上市奖励",
                "对在境内外证券交易所首发上市的企业，一次性奖励 300 万元（已享受辅导备案奖励的予以扣减）。",
                tags_all(&["上市"]),
            )
            .pays(fixed(300.0))
            .needs(&[
                FORM,
                LICENSE,
                "证券监管部门注册批复或交易所上市公告",
                "募集资金到账证明",
                "不迁出承诺书",
            ])
            .days(20),
            item(
                "subsidy",
                KJJR,
                "新三板挂牌奖励",
                "对在全国中小企业股份转让系统挂牌的科技型中型、小型企业，一次性奖励 30 万元。",
                all(vec![
                    tags_none(&["上市"]),
                    tags_any(&TECH),
                    size(&[Medium, Small]),
                    revenue(Some(3000.0), None),
                ]),
            )
            .pays(fixed(30.0))
            .needs(&[
                FORM,
                LICENSE,
                "全国股转系统同意挂牌的函",
                "主办券商推荐报告",
                "不迁出承诺书",
            ])
            .days(15),
        ],
    }
}

fn per_mu() -> Draft {
    // A类: 营业收入 1 亿元以上，或 5000 万元以上且增长 10% 以上.
    let class_a = || {
        any(vec![
            revenue(Some(10000.0), None),
            all(vec![revenue(Some(5000.0), None), growth(Some(0.10), None)]),
        ])
    };
    Draft {
        title: "云岭经济技术开发区工业企业亩均效益综合评价结果运用办法",
        issuer: ZONE,
        doc_no: ("云经开发", 21),
        issued: -100,
        effective: -95,
        expires: Some(265),
        window: None,
        status: "published",
        general: "为深化工业企业亩均效益综合评价改革，推动资源要素向优质高效企业集聚，\
倒逼低效企业转型提升，制定本办法。\n开发区每年对规模以上工业企业开展亩均效益综合评价，\
按亩均税收、亩均营业收入、研发投入强度、单位能耗增加值等指标分为 A、B、C、D 四类，\
评价结果作为城镇土地使用税减免、要素配置的依据。",
        conditions: "参评企业为在开发区依法登记注册的规模以上工业企业，评价年度内未发生较大及以上\
安全生产事故和突发环境事件，无重大违法违规行为。",
        payout: "减免实行免申即享：税务分局依据管委会公布的评价结果，在企业申报城镇土地使用税时直接\
按分类标准减免，企业无需另行申请。",
        interpreter: "开发区经济发展部、税务分局",
        items: vec![
            item(
                "reduction",
                SWFJ,
                "A类企业城镇土地使用税全额减免",
                "评价为 A 类（优先支持类）的企业，当年城镇土地使用税按 100% 减免。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    class_a(),
                    no_hazard(),
                ]),
            )
            .auto(),
            item(
                "reduction",
                SWFJ,
                "B类企业城镇土地使用税减半征收",
                "评价为 B 类（鼓励提升类）的企业，即营业收入保持增长但未达到 A 类标准的，当年城镇土地使用税按 50% 减免。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    not(class_a()),
                    growth(Some(0.0), None),
                    no_hazard(),
                ]),
            )
            .auto(),
        ],
    }
}

fn rent() -> Draft {
    Draft {
        title: "关于减免中小微企业和个体工商户国有房屋租金的通知",
        issuer: "云岭经济技术开发区财政审计部",
        doc_no: ("云经开财", 3),
        issued: -75,
        effective: -75,
        expires: Some(105),
        window: None,
        status: "published",
        general: "为降低中小微企业和个体工商户经营成本，帮助市场主体稳定经营，\
现就减免开发区国有房屋租金有关事项通知如下。\n本通知所称国有房屋，是指开发区国有平台公司\
持有并出租的标准厂房、写字楼和沿街商铺。",
        conditions: "承租人应为直接承租国有房屋、从事生产经营活动的中小微企业或个体工商户，\
租赁合同合法有效，无欠缴租金；转租、分租的，减免优惠须惠及实际经营者。",
        payout: "减免实行免申即享：由国有平台公司根据租赁台账直接在后续租金中抵扣，\
已缴纳的予以退还；财政审计部对减免情况进行监督检查。",
        interpreter: "开发区财政审计部",
        items: vec![
            item(
                "reduction",
                CZSJ,
                "园区小微企业厂房租金减免",
                "承租金山、临港两个街道园区国有标准厂房和写字楼的小型、微型制造业、信息技术和科技服务企业，减免 3 个月租金。",
                all(vec![
                    size(&SMALL_MICRO),
                    street(&["YL-S02", "YL-S03"]),
                    industry(&["C", "I", "M"]),
                ]),
            )
            .auto(),
            item(
                "reduction",
                CZSJ,
                "个体工商户商铺租金减免",
                "承租向阳街道、泉湖镇国有沿街商铺的零售、餐饮和居民服务个体工商户及小店，减免 6 个月租金。",
                all(vec![
                    industry(&["F52", "H62", "O80", "O81"]),
                    employees(None, Some(10.0)),
                    street(&["YL-S01", "YL-S04"]),
                ]),
            )
            .auto(),
        ],
    }
}

fn finance() -> Draft {
    Draft {
        title: "云岭经济技术开发区支持中小微企业融资的若干措施",
        issuer: "云岭经济技术开发区科技金融部",
        doc_no: ("云经开科金", 7),
        issued: -230,
        effective: -225,
        expires: Some(500),
        window: Some((-200, 130)),
        status: "published",
        general: "为缓解中小微企业融资难、融资贵问题，发挥财政资金的引导和撬动作用，制定本措施。\n\
开发区设立中小微企业融资支持专项资金，用于贷款贴息和政策性融资担保降费。",
        conditions: "申报企业应为在开发区依法登记注册、成立满 1 年的中小微企业，\
贴息事项限于制造业、信息传输软件和信息技术服务业、科学研究和技术服务业及农业企业，贷款用于开发区内的生产经营，按期还本付息，无不良信用记录。",
        payout: "贷款贴息按季度申报、按季度拨付；担保费率优惠由合作的政策性融资担保机构在办理业务时直接执行，\
财政审计部按实际降费金额对担保机构给予补偿。",
        interpreter: "开发区科技金融部",
        items: vec![
            item(
                "subsidy",
                KJJR,
                "中小微企业贷款贴息",
                "对制造业、信息技术、科技服务和农业中小微企业从合作银行取得的 1 年期以内流动资金贷款，按实际支付利息的 50% 给予贴息，单户年度贴息最高 50 万元。",
                all(vec![
                    size(&SME),
                    industry(&["A", "C", "I", "M"]),
                    founded(Some(1.0), None),
                    no_hazard(),
                ]),
            )
            .needs(&[
                FORM,
                LICENSE,
                "借款合同",
                "贷款发放凭证",
                "利息支付凭证（银行盖章）",
                BANK,
            ]),
            item(
                "reduction",
                KJJR,
                "政策性融资担保费率优惠",
                "小型、微型企业通过开发区政策性融资担保机构办理贷款担保的，担保费率降至 0.5%，并免收保证金。",
                all(vec![size(&SMALL_MICRO), founded(Some(0.5), None)]),
            )
            .needs(&["担保业务申请书", LICENSE, STATEMENTS])
            .days(5),
        ],
    }
}

fn social_insurance() -> Draft {
    Draft {
        title: "云岭经济技术开发区支持企业吸纳就业社会保险补贴实施办法",
        issuer: "云岭经济技术开发区人社局",
        doc_no: ("云经开人社", 11),
        issued: -160,
        effective: -150,
        expires: None,
        window: Some((-150, 200)),
        status: "published",
        general: "为鼓励企业吸纳高校毕业生等重点群体就业，支持劳动者自主创业、带动就业，制定本办法。\n\
本办法所需资金从就业补助资金中列支。",
        conditions: "申报单位应在开发区依法登记注册，与所招用人员签订 1 年以上劳动合同，\
按规定为其缴纳社会保险费，并按时足额发放工资。",
        payout: "社会保险补贴按季度申报，人社局比对社保缴费数据后拨付至单位基本存款账户；\
一次性创业补贴经审核公示后一次性拨付。",
        interpreter: "开发区人社局",
        items: vec![
            item(
                "subsidy",
                RSJ,
                "吸纳高校毕业生社会保险补贴",
                "小型、微型企业招用离校 2 年内未就业高校毕业生的，按单位实际缴纳的基本养老、基本医疗和失业保险费给予补贴，期限最长 1 年。",
                all(vec![
                    size(&SMALL_MICRO),
                    founded(Some(0.5), None),
                    employees(Some(3.0), None),
                    no_hazard(),
                ]),
            )
            .needs(&[
                "社会保险补贴申请表",
                LICENSE,
                "招用人员花名册",
                "劳动合同",
                "高校毕业证书",
                "社保缴费明细",
            ]),
            item(
                "subsidy",
                RSJ,
                "一次性创业补贴",
                "对在开发区创办且正常经营 1 年以上、成立不满 3 年、带动就业 3 人以上的小型、微型企业，给予一次性创业补贴 1 万元。",
                all(vec![
                    founded(Some(1.0), Some(3.0)),
                    size(&SMALL_MICRO),
                    employees(Some(3.0), None),
                ]),
            )
            .pays(fixed(1.0))
            .needs(&[
                "一次性创业补贴申请表",
                LICENSE,
                "法定代表人身份证",
                "员工社保缴费明细",
            ]),
        ],
    }
}

fn digital() -> Draft {
    Draft {
        title: "云岭经济技术开发区推进制造业数字化转型若干政策",
        issuer: ZONE,
        doc_no: ("云经开发", 25),
        issued: -60,
        effective: -50,
        expires: Some(1040),
        window: Some((-10, 80)),
        status: "published",
        general: "为加快制造业数字化转型、网络化协同、智能化变革，打造一批智能工厂和数字化车间，\
形成“一企一方案、一行业一标杆”的转型路径，制定本政策。\n本政策适用于开发区内的制造业企业，\
智能工厂、数字化车间以省级主管部门认定结果为准。",
        conditions: "申报企业应为在开发区依法登记注册的制造业企业，依法纳税、财务制度健全，\
近三年内未发生较大及以上安全生产事故和突发环境事件，数字化改造项目已实施完成。",
        payout: "认定奖励依据省级认定文件核定，公示后一次性拨付；诊断服务由经济发展部遴选的服务商免费提供，\
费用由开发区财政承担。",
        interpreter: "开发区经济发展部",
        items: vec![
            item(
                "subsidy",
                JJFZ,
                "智能工厂认定奖励",
                "对新认定的省级智能工厂，一次性奖励 100 万元。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    employees(Some(300.0), None),
                    revenue(Some(20000.0), None),
                    rd(Some(0.02), None),
                ]),
            )
            .pays(fixed(100.0))
            .needs(&[
                FORM,
                LICENSE,
                "省级智能工厂认定文件",
                "智能化改造项目总结报告",
                "数字化设备及系统投入清单",
            ])
            .days(15),
            item(
                "subsidy",
                JJFZ,
                "数字化车间认定奖励",
                "对新认定的省级数字化车间，一次性奖励 30 万元。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    employees(Some(50.0), None),
                    rd(Some(0.01), None),
                ]),
            )
            .pays(fixed(30.0))
            .needs(&[
                FORM,
                LICENSE,
                "省级数字化车间认定文件",
                "数字化车间建设情况报告",
            ])
            .days(15),
            item(
                "right",
                JJFZ,
                "免费数字化转型诊断服务",
                "为规上工业企业、专精特新企业和从业人员 50 人以上的制造业企业免费提供数字化转型诊断，出具诊断报告和改造方案。",
                all(vec![
                    industry(&["C"]),
                    any(vec![
                        tags_any(&["规上工业", "专精特新"]),
                        employees(Some(50.0), None),
                    ]),
                ]),
            )
            .needs(&["数字化转型诊断服务申请表", LICENSE])
            .days(5),
        ],
    }
}

fn green() -> Draft {
    Draft {
        title: "云岭经济技术开发区推进工业绿色低碳发展的支持措施",
        issuer: ZONE,
        doc_no: ("云经开发", 10),
        issued: -280,
        effective: -270,
        expires: Some(450),
        window: Some((-50, 40)),
        status: "published",
        general: "为推动工业领域节能降碳、清洁生产和资源循环利用，构建绿色制造体系，制定本措施。\n\
开发区支持企业创建绿色工厂，开展清洁生产审核，对守法记录良好的企业实行生态环境监督执法正面清单管理。",
        conditions: "申报企业应在开发区依法登记注册，排污许可手续齐全，近三年内未发生突发环境事件，\
无生态环境违法行为，无未整改的重大安全隐患。",
        payout: "绿色工厂奖励依据省级以上认定文件核定；清洁生产审核补助在审核验收通过后拨付；\
正面清单由生态环境分局每半年动态调整一次并向社会公布。",
        interpreter: "开发区生态环境分局、经济发展部",
        items: vec![
            item(
                "subsidy",
                JJFZ,
                "绿色工厂奖励",
                "对新认定的省级绿色工厂一次性奖励 30 万元（获评国家级的，差额补足至 50 万元）。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    founded(Some(3.0), None),
                    no_hazard(),
                ]),
            )
            .pays(fixed(30.0))
            .needs(&[
                FORM,
                LICENSE,
                "绿色工厂认定文件",
                "第三方绿色工厂评价报告",
                "排污许可证",
            ])
            .days(15),
            item(
                "subsidy",
                STHJ,
                "清洁生产审核补助",
                "对化工、医药、橡胶塑料、建材、金属制品行业中通过清洁生产审核验收的企业，一次性补助 5 万元。",
                all(vec![
                    industry(&["C26", "C27", "C29", "C30", "C33"]),
                    employees(Some(20.0), None),
                    no_hazard(),
                ]),
            )
            .pays(fixed(5.0))
            .needs(&[
                FORM,
                LICENSE,
                "清洁生产审核报告",
                "清洁生产审核验收意见",
                "排污许可证",
            ]),
            item(
                "qualification",
                STHJ,
                "纳入生态环境监督执法正面清单",
                "对五色图评为绿色或蓝色、无未整改重大隐患的规上工业企业，纳入生态环境监督执法正面清单，以非现场检查为主，无举报不主动入企检查。",
                all(vec![
                    industry(&["C"]),
                    tags_all(&["规上工业"]),
                    band(&["green", "blue"]),
                    no_hazard(),
                ]),
            )
            .needs(&["正面清单申请表", LICENSE, "排污许可证", "近一年自行监测报告"])
            .days(15),
        ],
    }
}

fn chain_leader() -> Draft {
    let leader = || {
        vec![
            industry(&["C36", "C38", "C39"]),
            revenue(Some(50000.0), None),
            employees(Some(500.0), None),
        ]
    };
    let mut with_growth = leader();
    with_growth.push(growth(Some(0.05), None));
    Draft {
        title: "云岭经济技术开发区产业链链主企业培育方案（征求意见稿）",
        issuer: ZONE,
        doc_no: ("云经开发", 33),
        issued: 15,
        effective: 30,
        expires: Some(1125),
        window: None,
        status: "draft",
        general: "为落实产业链“链长制”，围绕新一代电子信息、新能源和汽车零部件三条主导产业链，\
培育一批带动力强的链主企业，提升产业链供应链韧性和本地配套率，制定本方案。",
        conditions: "认定对象为在开发区依法登记注册，属于三条主导产业链，营业收入 5 亿元以上、\
从业人员 500 人以上，在产业链中具有核心地位和较强带动作用的企业。",
        payout: "链主企业由经济发展部会同招商服务局提名，经管委会审定后授牌，有效期 3 年；\
配套奖励按年度核定，经公示后拨付。",
        interpreter: "开发区经济发展部",
        items: vec![
            item(
                "qualification",
                JJFZ,
                "认定为产业链“链主企业”",
                "符合条件的企业经审定认定为开发区产业链“链主企业”，优先享受用地、用能、人才等要素保障。",
                all(leader()),
            )
            .needs(&[
                "链主企业认定申请书",
                LICENSE,
                "近三年财务审计报告",
                "本地配套企业及采购情况说明",
            ])
            .days(20),
            item(
                "subsidy",
                ZSFW,
                "链主企业本地配套奖励",
                "链主企业当年在开发区内新增采购额 1 亿元以上的，一次性奖励 100 万元。",
                all(with_growth),
            )
            .pays(fixed(100.0))
            .needs(&[FORM, LICENSE, "本地采购合同及发票清单", "配套企业名单"])
            .days(20),
        ],
    }
}

fn resumption() -> Draft {
    Draft {
        title: "云岭经济技术开发区关于支持企业复工复产稳定运行的若干措施",
        issuer: ZONE,
        doc_no: ("云经开发", 4),
        issued: -1000,
        effective: -990,
        expires: Some(-270),
        window: Some((-960, -300)),
        status: "archived",
        general: "为支持受冲击企业尽快恢复正常生产经营，稳定职工队伍，制定本措施。\n\
本措施为阶段性政策，有效期满后自动废止。",
        conditions: BASIC,
        payout: "人社局依据企业运行监测数据核定补助名单，公示后一次性拨付至企业基本存款账户。",
        interpreter: "开发区人社局",
        items: vec![
            item(
                "subsidy",
                RSJ,
                "复工复产稳岗补助",
                "对复工率达到 90% 以上的中小微企业，按从业人员每人 500 元给予一次性稳岗补助，单户最高 20 万元。",
                all(vec![indicator("fgl", Some(0.9), None), size(&SME)]),
            )
            .pays(formula("从业人员 * 0.05", Some(20.0)))
            .needs(&[FORM, LICENSE, "复工复产情况说明", "职工花名册及社保缴纳证明"]),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::{COMPUTED, REPORTED, TAGS};
    use crate::{DEFAULT_SEED, DemoZone, generate, street_code_of};
    use jiban_core::org::UnitKind;
    use jiban_policy::{Catalog, Facts, Matcher};
    use std::collections::HashSet;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 10 - 15);

    fn catalog(zone: &DemoZone) -> Catalog {
        Catalog {
            tags: TAGS.iter().map(|t| t.to_string()).collect(),
            streets: zone
                .units
                .iter()
                .filter(|u| u.kind == UnitKind::Street)
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect(),
            indicators: REPORTED
                .iter()
                .map(|(c, n, _)| (c.to_string(), n.to_string()))
                .chain(
                    COMPUTED
                        .iter()
                        .map(|(c, n, _, _)| (c.to_string(), n.to_string())),
                )
                .collect(),
            bands: [
                ("green", "绿"),
                ("blue", "蓝"),
                ("yellow", "黄"),
                ("orange", "橙"),
                ("red", "红"),
            ]
            .iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
        }
    }

    fn facts(zone: &DemoZone) -> Vec<Facts> {
        zone.enterprises
            .iter()
            .map(|e| Facts {
                industry_code: e.industry_code.clone(),
                size_class: e.size,
                street: street_code_of(&e.grid_code).map(str::to_string),
                tags: e.tags.clone(),
                founded_on: Some(e.founded_on),
                employees: Some(e.employees as f64),
                revenue_wan: Some(e.revenue_wan),
                revenue_last_year_wan: e.revenue_last_year_wan,
                rd_spend_wan: e.rd_spend_wan,
                indicators: Default::default(),
                band: None,
                serious_hazards: 0,
            })
            .collect()
    }

    /// Every leaf kind of a rule, by its serde tag.
    fn kinds(rule: &Rule, out: &mut HashSet<&'static str>) {
        let k = match rule {
            Rule::All { rules } | Rule::Any { rules } => {
                rules.iter().for_each(|r| kinds(r, out));
                if matches!(rule, Rule::All { .. }) {
                    "all"
                } else {
                    "any"
                }
            }
            Rule::Not { rule } => {
                kinds(rule, out);
                "not"
            }
            Rule::Industry { .. } => "industry",
            Rule::Size { .. } => "size",
            Rule::Street { .. } => "street",
            Rule::TagsAll { .. } => "tags_all",
            Rule::TagsAny { .. } => "tags_any",
            Rule::TagsNone { .. } => "tags_none",
            Rule::FoundedYears { .. } => "founded_years",
            Rule::Employees { .. } => "employees",
            Rule::Revenue { .. } => "revenue",
            Rule::RevenueGrowth { .. } => "revenue_growth",
            Rule::RdIntensity { .. } => "rd_intensity",
            Rule::Indicator { .. } => "indicator",
            Rule::Band { .. } => "band",
            Rule::NoSeriousHazard => "no_serious_hazard",
        };
        out.insert(k);
    }

    fn uses_operation_data(rule: &Rule) -> bool {
        let mut k = HashSet::new();
        kinds(rule, &mut k);
        k.contains("indicator") || k.contains("band")
    }

    #[test]
    fn twenty_policies_with_valid_rules_and_amounts() {
        let zone = generate(DEFAULT_SEED, 50);
        let cat = catalog(&zone);
        let ps = policies(TODAY);
        assert_eq!(ps.len(), 20);
        let items: Vec<&ItemSpec> = ps.iter().flat_map(|p| &p.items).collect();
        assert!((40..=50).contains(&items.len()), "{}", items.len());
        let departments: HashSet<&str> = zone
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Department)
            .map(|u| u.code.as_str())
            .collect();
        let mut titles = HashSet::new();
        let mut doc_nos = HashSet::new();
        let mut rule_kinds = HashSet::new();
        for p in &ps {
            assert!(titles.insert(&p.title), "{}", p.title);
            assert!(doc_nos.insert(&p.doc_no), "{}", p.doc_no);
            assert!((1..=4).contains(&p.items.len()), "{}", p.title);
            assert!(p.doc_no.contains('〔') && p.doc_no.ends_with('号'));
            assert!(p.effective_on >= p.issued_on);
            assert!(p.expires_on.is_none_or(|e| e > p.effective_on));
            assert_eq!(p.apply_from.is_some(), p.apply_to.is_some());
            for part in [
                "总则",
                "支持内容",
                "申报条件",
                "申报材料",
                "兑现方式",
                "附则",
            ] {
                assert!(p.body.contains(part), "{} lacks {part}", p.title);
            }
            match p.status {
                "published" => {
                    assert!(p.effective_on <= TODAY && p.expires_on.is_none_or(|e| e > TODAY));
                    if let (Some(a), Some(b)) = (p.apply_from, p.apply_to) {
                        assert!(a <= TODAY && TODAY <= b, "window of {}", p.title);
                    }
                }
                "archived" => assert!(p.expires_on.is_some_and(|e| e < TODAY)),
                "draft" => assert!(p.effective_on > TODAY),
                s => panic!("status {s}"),
            }
            for it in &p.items {
                it.rule
                    .validate(&cat)
                    .unwrap_or_else(|e| panic!("{}: {}", it.title, e.message));
                it.amount
                    .validate(&cat)
                    .unwrap_or_else(|e| panic!("{}: {}", it.title, e.message));
                kinds(&it.rule, &mut rule_kinds);
                assert!(
                    departments.contains(it.dept_code.as_str()),
                    "{}",
                    it.dept_code
                );
                assert!(it.review_days > 0);
                assert!(!it.title.is_empty() && !it.summary.is_empty());
                assert!(p.body.contains(&it.title));
                assert_eq!(it.materials.is_empty(), it.auto_grant, "{}", it.title);
                match it.benefit_type {
                    "subsidy" | "reduction" => {}
                    "right" | "qualification" => assert_eq!(it.amount, Amount::None),
                    t => panic!("benefit type {t}"),
                }
            }
        }
        let count = |f: &dyn Fn(&PolicySpec) -> bool| ps.iter().filter(|p| f(p)).count();
        assert_eq!(count(&|p| p.status == "draft"), 1);
        assert_eq!(count(&|p| p.status == "archived"), 1);
        let auto = items.iter().filter(|i| i.auto_grant).count();
        assert!((6..=10).contains(&auto), "{auto}");
        for t in ["subsidy", "reduction", "right", "qualification"] {
            assert!(items.iter().any(|i| i.benefit_type == t), "{t}");
        }
        for a in ["none", "fixed", "formula"] {
            assert!(
                items.iter().any(|i| match &i.amount {
                    Amount::None => a == "none",
                    Amount::Fixed { .. } => a == "fixed",
                    Amount::Formula { cap_wan, .. } => a == "formula" && cap_wan.is_some(),
                }),
                "{a}"
            );
        }
        let every_kind = [
            "all",
            "any",
            "not",
            "industry",
            "size",
            "street",
            "tags_all",
            "tags_any",
            "tags_none",
            "founded_years",
            "employees",
            "revenue",
            "revenue_growth",
            "rd_intensity",
            "indicator",
            "band",
            "no_serious_hazard",
        ];
        for k in every_kind {
            assert!(rule_kinds.contains(k), "rule kind {k} unused");
        }
        assert_eq!(rule_kinds.len(), every_kind.len());
    }

    #[test]
    fn every_published_item_has_enterprises_on_both_sides() {
        let zone = generate(DEFAULT_SEED, 5000);
        let cat = catalog(&zone);
        let facts = facts(&zone);
        let ps = policies(TODAY);
        let items: Vec<&ItemSpec> = ps
            .iter()
            .filter(|p| p.status == "published")
            .flat_map(|p| &p.items)
            .filter(|i| !uses_operation_data(&i.rule))
            .collect();
        assert!(items.len() >= 35, "{}", items.len());
        let rules: Vec<(u32, Rule)> = items
            .iter()
            .enumerate()
            .map(|(i, it)| (i as u32, it.rule.clone()))
            .collect();
        let matcher = Matcher::new(&rules, &cat).expect("valid rules");
        let mut counts = vec![0usize; items.len()];
        for f in &facts {
            let compact = matcher.compact(f, TODAY);
            for id in matcher.matches(&compact) {
                let it = items[id as usize];
                counts[id as usize] += 1;
                // The amount of a qualifying enterprise can be computed.
                match it.amount.compute(f) {
                    Ok(Some(v)) => assert!(v.is_finite() && v >= 0.0, "{}", it.title),
                    Ok(None) => assert_eq!(it.amount, Amount::None),
                    Err(e) => panic!("{}: {e}", it.title),
                }
            }
        }
        for (it, n) in items.iter().zip(&counts) {
            assert!(
                *n >= 1 && *n < facts.len(),
                "{}: {n} of {}",
                it.title,
                facts.len()
            );
        }
    }

    #[test]
    fn deterministic() {
        assert_eq!(policies(TODAY), policies(TODAY));
        let later = policies(TODAY + Duration::days(40));
        let now = policies(TODAY);
        assert_eq!(later.len(), now.len());
        assert_eq!(
            later[0].issued_on - now[0].issued_on,
            Duration::days(40),
            "dated relative to today"
        );
    }
}
