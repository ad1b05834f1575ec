//! The enterprise registry, imports, indicators, the five-colour bands and early warnings, over
//! HTTP on both backends.

mod common;

use common::{TestApp, assert_error, body};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

both_backends!(
    registry_create_edit_and_timeline,
    import_refuses_a_file_with_bad_rows_and_updates_by_credit_code,
    indicator_formulas_values_and_corrections,
    bands_history_and_warnings_open_visit_tasks,
    export_is_a_workbook_of_the_filtered_list,
    every_new_endpoint_refuses_the_wrong_role_and_bad_input,
);

/// Valid credit codes built from a 17-character body (the check character computed).
fn uscc(body17: &str) -> String {
    jiban_core::uscc::Uscc::from_parts(body17)
        .unwrap()
        .as_str()
        .to_string()
}

async fn put(app: &TestApp, c: &Client, path: &str, json: Value) -> (StatusCode, Value) {
    body(c.put(app.url(path)).json(&json).send().await.unwrap()).await
}

async fn upload(
    app: &TestApp,
    c: &Client,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new()
        .text("kind", kind.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    body(
        c.post(app.url("/api/v1/imports"))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn total(app: &TestApp, c: &Client, query: &str) -> i64 {
    let (s, v) = app
        .get(c, &format!("/api/v1/enterprises?page_size=1{query}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["total"].as_i64().unwrap()
}

async fn a_grid(app: &TestApp) -> jiban_store::org::OrgUnitRow {
    app.store
        .org_units(app.zone_id)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.kind == "grid" && u.code.starts_with("YL-S01"))
        .unwrap()
}

async fn registry_create_edit_and_timeline(app: TestApp) {
    let admin = app.login("admin").await;
    let grid = a_grid(&app).await;
    let code = uscc("91340100MA2TEXT01");
    // a wrong check character names the position
    let mut wrong = code.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == '1' { '2' } else { '1' });
    let r = app
        .post(
            &admin,
            "/api/v1/enterprises",
            json!({ "uscc": wrong, "name": "合肥测试精工有限公司" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "uscc_invalid",
        Some("uscc"),
    );
    assert!(
        r.1["message"].as_str().unwrap().contains("校验位"),
        "{}",
        r.1
    );
    let before = total(&app, &admin, "").await;
    // nothing was written
    assert_eq!(total(&app, &admin, "").await, before);

    let r = app
        .post(
            &admin,
            "/api/v1/enterprises",
            json!({ "uscc": code, "name": "合肥测试精工有限公司", "grid_id": grid.id, "industry_code": "C34",
                    "employees": 320, "revenue_wan": 2500.0, "contact_phone": "13912345678", "founded_on": "2018-03-09" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    let id = r.1["id"].as_str().unwrap().to_string();
    assert_eq!(r.1["size_class"], "medium", "{}", r.1);
    assert!(
        r.1["size_basis"].as_str().unwrap().contains("从业人员"),
        "{}",
        r.1
    );
    assert_eq!(r.1["industry_section"], "C");
    assert_eq!(r.1["industry_section_name"], "制造业");
    assert_eq!(total(&app, &admin, "").await, before + 1);
    // the same code again is a conflict
    let r = app
        .post(
            &admin,
            "/api/v1/enterprises",
            json!({ "uscc": code, "name": "另一家公司" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::CONFLICT, "{}", r.1);

    // an administrator may keep a documented exception
    let odd = "91340100MA2TEST0X9".to_string();
    assert!(jiban_core::uscc::Uscc::parse(&odd).is_err());
    let r = app
        .post(
            &admin,
            "/api/v1/enterprises",
            json!({ "uscc": odd, "name": "历史登记企业", "uscc_exception": "x" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.uscc_exception",
        Some("uscc_exception"),
    );
    let r = app
        .post(
            &admin,
            "/api/v1/enterprises",
            json!({ "uscc": odd, "name": "历史登记企业", "uscc_exception": "2015 年换证前赋码，市场监管局书面确认" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    assert!(
        r.1["uscc_exception"]
            .as_str()
            .unwrap()
            .contains("市场监管局")
    );

    // a rename keeps the old name; the size follows the figures; every change is in the timeline
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/enterprises/{id}"),
            json!({ "name": "合肥测试智能装备股份有限公司", "employees": 25, "revenue_wan": 300.0 }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    assert_eq!(r.1["former_names"], json!(["合肥测试精工有限公司"]));
    assert_eq!(r.1["size_class"], "small", "{}", r.1);
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/enterprises/{id}"),
            json!({ "tags": ["不存在的标签"] }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.tag",
        Some("tags"),
    );
    // the tag vocabulary: tags carried but not in it are listed apart and cannot be newly chosen
    let (_, t) = app.get(&admin, "/api/v1/enterprise-tags").await;
    assert!(
        t.as_array()
            .unwrap()
            .iter()
            .all(|x| x["in_vocabulary"] == false),
        "{t}"
    );
    let (s, t) = put(
        &app,
        &admin,
        "/api/v1/enterprise-tags",
        json!({ "tags": ["高新技术企业"] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t[0]["name"], "高新技术企业");
    assert_eq!(t[0]["in_vocabulary"], true);
    let r = put(
        &app,
        &admin,
        "/api/v1/enterprise-tags",
        json!({ "tags": ["一个超过二十个字的标签名称一个超过二十个字的标签"] }),
    )
    .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.tag",
        Some("tags"),
    );
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/enterprises/{id}"),
            json!({ "tags": ["外资"] }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.tag",
        Some("tags"),
    );
    let r = app
        .patch(
            &admin,
            &format!("/api/v1/enterprises/{id}"),
            json!({ "tags": ["高新技术企业"] }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    let (s, t) = app
        .get(&admin, &format!("/api/v1/enterprises/{id}/timeline"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let kinds: Vec<&str> = t
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["changed", "changed", "created"], "{t}");
    assert!(t[0]["detail"].as_str().unwrap().contains("标签"), "{t}");
    let detail = t[1]["detail"].as_str().unwrap();
    assert!(
        detail.contains("企业名称：合肥测试精工有限公司 → 合肥测试智能装备股份有限公司"),
        "{detail}"
    );
    assert!(detail.contains("从业人员：320 → 25"), "{detail}");

    // roles without enterprise.write cannot edit; phone numbers are masked for them
    let leader = app.login("leader").await;
    let r = app
        .patch(
            &leader,
            &format!("/api/v1/enterprises/{id}"),
            json!({ "name": "改名" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
    let (_, e) = app.get(&leader, &format!("/api/v1/enterprises/{id}")).await;
    assert_eq!(e["contact_phone"], "139****5678");
    // filters
    assert_eq!(
        total(&app, &admin, "&size_class=small&industry=C34&q=合肥测试").await,
        1
    );
    let (s, v) = app.get(&admin, "/api/v1/enterprises?size_class=huge").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "size_class", "{v}");
}

/// A census-style csv: header row, then `rows`.
fn csv(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut s =
        String::from("序号,统一社会信用代码,单位详细名称,从业人员期末人数,开业（成立）时间\n");
    for r in rows {
        s.push_str(&r.join(","));
        s.push('\n');
    }
    s.into_bytes()
}

async fn wait_done(app: &TestApp, c: &Client, id: &str) -> Value {
    for _ in 0..200 {
        let (s, v) = app.get(c, &format!("/api/v1/imports/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if v["status"] == "done" || v["status"] == "failed" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import did not finish");
}

async fn import_refuses_a_file_with_bad_rows_and_updates_by_credit_code(app: TestApp) {
    let admin = app.login("admin").await;
    let existing = app
        .store
        .list_enterprises(
            app.zone_id,
            &jiban_store::enterprises::Visibility::Zone,
            &Default::default(),
            jiban_store::Page::new(Some(1), Some(1)),
        )
        .await
        .unwrap()
        .0
        .remove(0);
    let before = total(&app, &admin, "").await;
    let new1 = uscc("91340100MA2NMP001");
    let new2 = uscc("91340100MA2NMP002");
    let mut bad_code = new2.clone();
    bad_code.pop();
    bad_code.push('Z');
    let bad = csv(&[
        ["1", &new1, "合肥导入一号有限公司", "40", "2020-01-15"],
        ["2", &bad_code, "合肥导入二号有限公司", "50", "2020-01-15"],
        [
            "3",
            &existing.uscc,
            &existing.name,
            "约五十人",
            "2019-05-08",
        ],
        ["4", &new1, "合肥导入一号有限公司", "40", "2020/1/15"],
    ]);
    let (s, up) = upload(&app, &admin, "enterprises", "名录.csv", bad).await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    assert_eq!(up["status"], "uploaded");
    assert_eq!(up["total_rows"], 4);
    assert_eq!(up["mapping"]["uscc"], "统一社会信用代码");
    assert_eq!(up["mapping"]["name"], "单位详细名称");
    assert_eq!(up["mapping"]["employees"], "从业人员期末人数");
    assert_eq!(up["mapping"]["founded_on"], "开业（成立）时间");
    let id = up["id"].as_str().unwrap().to_string();
    // confirming before a preview is refused
    let r = app
        .post(&admin, &format!("/api/v1/imports/{id}/confirm"), json!({}))
        .await;
    assert_error(&r, StatusCode::CONFLICT, "import_not_previewed", None);
    // an unknown header in the mapping is a clear error
    let r = app
        .post(
            &admin,
            &format!("/api/v1/imports/{id}/preview"),
            json!({ "mapping": { "uscc": "信用代码X", "name": "单位详细名称" } }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.mapping",
        Some("mapping"),
    );
    let (s, pv) = app
        .post(
            &admin,
            &format!("/api/v1/imports/{id}/preview"),
            json!({ "mapping": up["mapping"] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{pv}");
    assert_eq!(pv["error_count"], 3, "{pv}");
    let errors = pv["errors"].as_array().unwrap();
    let at = |row: i64| {
        errors
            .iter()
            .find(|e| e["row"] == row)
            .unwrap_or_else(|| panic!("row {row}: {pv}"))
    };
    assert_eq!(at(3)["column"], "统一社会信用代码");
    assert!(
        at(3)["message"].as_str().unwrap().contains("第18位"),
        "{pv}"
    );
    assert_eq!(at(4)["column"], "从业人员期末人数");
    assert!(at(4)["message"].as_str().unwrap().contains("约五十人"));
    assert!(
        at(5)["message"].as_str().unwrap().contains("与第 2 行重复"),
        "{pv}"
    );
    let r = app
        .post(&admin, &format!("/api/v1/imports/{id}/confirm"), json!({}))
        .await;
    assert_error(&r, StatusCode::CONFLICT, "import_has_errors", None);
    // nothing written
    assert_eq!(total(&app, &admin, "").await, before);

    // the fixed file: one new, one update; imported in the background
    let good = csv(&[
        ["1", &new1, "合肥导入一号有限公司", "40", "2020-01-15"],
        ["2", &existing.uscc, &existing.name, "777", "2019-05-08"],
    ]);
    let (_, up) = upload(&app, &admin, "enterprises", "名录.csv", good.clone()).await;
    let id = up["id"].as_str().unwrap().to_string();
    let (_, pv) = app
        .post(
            &admin,
            &format!("/api/v1/imports/{id}/preview"),
            json!({ "mapping": up["mapping"] }),
        )
        .await;
    assert_eq!(
        (
            pv["error_count"].as_i64(),
            pv["to_insert"].as_i64(),
            pv["to_update"].as_i64()
        ),
        (Some(0), Some(1), Some(1)),
        "{pv}"
    );
    let (s, run) = app
        .post(&admin, &format!("/api/v1/imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{run}");
    let r = app
        .post(&admin, &format!("/api/v1/imports/{id}/confirm"), json!({}))
        .await;
    assert_eq!(
        r.0,
        StatusCode::CONFLICT,
        "a second confirm must not start a second job: {}",
        r.1
    );
    let done = wait_done(&app, &admin, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(
        (done["inserted"].as_i64(), done["updated"].as_i64()),
        (Some(1), Some(1)),
        "{done}"
    );
    assert_eq!(done["processed"], 2);
    assert_eq!(total(&app, &admin, "").await, before + 1);
    let (_, e) = app
        .get(&admin, &format!("/api/v1/enterprises/{}", existing.id))
        .await;
    assert_eq!(e["employees"], 777);
    // the same file again: no duplicates, nothing to change
    let (_, up) = upload(&app, &admin, "enterprises", "名录.csv", good).await;
    let id = up["id"].as_str().unwrap().to_string();
    let (_, pv) = app
        .post(
            &admin,
            &format!("/api/v1/imports/{id}/preview"),
            json!({ "mapping": up["mapping"] }),
        )
        .await;
    assert_eq!(
        (pv["to_insert"].as_i64(), pv["to_update"].as_i64()),
        (Some(0), Some(2)),
        "{pv}"
    );
    app.post(&admin, &format!("/api/v1/imports/{id}/confirm"), json!({}))
        .await;
    let done = wait_done(&app, &admin, &id).await;
    assert_eq!(
        (done["inserted"].as_i64(), done["updated"].as_i64()),
        (Some(0), Some(0)),
        "{done}"
    );
    assert_eq!(total(&app, &admin, "").await, before + 1);
    // an unreadable file is a clear error
    let r = upload(&app, &admin, "enterprises", "名录.doc", b"hello".to_vec()).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "import.bad_file",
        Some("file"),
    );
    // the audit trail has the import
    let (_, audit) = app.get(&admin, "/api/v1/audit?action=import.finish").await;
    assert!(audit["total"].as_i64().unwrap() >= 2, "{audit}");
}

async fn define_indicators(app: &TestApp, admin: &Client) {
    for (code, name, kind, formula) in [
        ("zgrs", "在岗人数", "reported", None),
        ("zcygrs", "正常用工人数", "reported", None),
        ("ydl", "用电量", "reported", None),
        ("fgl", "复工率", "computed", Some("在岗人数 ÷ 正常用工人数")),
        (
            "ydhfl",
            "用电恢复率",
            "computed",
            Some("用电量 / 去年同期(用电量)"),
        ),
    ] {
        let r = app
            .post(
                admin,
                "/api/v1/indicators",
                json!({ "code": code, "name": name, "kind": kind, "period": "month", "formula": formula }),
            )
            .await;
        assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);
    }
}

async fn indicator_formulas_values_and_corrections(app: TestApp) {
    let admin = app.login("admin").await;
    define_indicators(&app, &admin).await;
    let r = app
        .post(
            &admin,
            "/api/v1/indicators",
            json!({ "code": "bad", "name": "错误指标", "kind": "computed", "period": "month", "formula": "在岗人数 ÷ 不存在的指标" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "formula_invalid",
        Some("formula"),
    );
    assert!(
        r.1["message"].as_str().unwrap().contains("不存在的指标"),
        "{}",
        r.1
    );
    let r = app
        .post(
            &admin,
            "/api/v1/indicators",
            json!({ "code": "bad", "name": "错误指标", "kind": "computed", "period": "month", "formula": "(在岗人数 ÷ 2" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "formula_invalid",
        Some("formula"),
    );
    let r = app
        .post(
            &admin,
            "/api/v1/indicators",
            json!({ "code": "zgrs", "name": "重复", "kind": "reported", "period": "month" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::CONFLICT, "{}", r.1);

    let qiye = app.login("qiye").await;
    let me = app.get(&qiye, "/api/v1/auth/me").await.1;
    let own = me["enterprise_id"]
        .as_str()
        .map(str::to_string)
        .or_else(|| me["user"]["enterprise_id"].as_str().map(str::to_string))
        .unwrap();
    let (_, ent) = app.get(&admin, &format!("/api/v1/enterprises/{own}")).await;
    let code = ent["uscc"].as_str().unwrap().to_string();
    // the enterprise reports its own values (portal)
    let (s, v) = app
        .post(
            &qiye,
            "/api/v1/indicators/values",
            json!({ "values": [
                { "uscc": code, "indicator": "zgrs", "period": "2026-10", "value": 90.0 },
                { "uscc": code, "indicator": "正常用工人数", "period": "2026年10月", "value": 100.0 },
                { "uscc": code, "indicator": "ydl", "period": "2026-10-15", "value": 50.0 },
                { "uscc": code, "indicator": "ydl", "period": "2025-10", "value": 40.0 } ] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["accepted"], 4);
    // … but not another enterprise's, nor a computed indicator; all or nothing
    let other = app
        .store
        .list_enterprises(
            app.zone_id,
            &jiban_store::enterprises::Visibility::Zone,
            &Default::default(),
            jiban_store::Page::new(Some(1), Some(5)),
        )
        .await
        .unwrap()
        .0
        .into_iter()
        .find(|e| e.uscc != code)
        .unwrap();
    let (s, v) = app
        .post(
            &qiye,
            "/api/v1/indicators/values",
            json!({ "values": [
                { "uscc": code, "indicator": "zgrs", "period": "2026-09", "value": 80.0 },
                { "uscc": other.uscc, "indicator": "zgrs", "period": "2026-10", "value": 1.0 },
                { "uscc": code, "indicator": "fgl", "period": "2026-10", "value": 1.0 } ] }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let errs = v["errors"].as_array().unwrap();
    assert_eq!(errs.len(), 2, "{v}");
    assert_eq!(
        (errs[0]["index"].as_i64(), errs[0]["field"].as_str()),
        (Some(1), Some("uscc"))
    );
    assert_eq!(
        (errs[1]["index"].as_i64(), errs[1]["field"].as_str()),
        (Some(2), Some("indicator"))
    );
    // a correction by staff keeps the old value
    let (s, v) = app
        .post(
            &admin,
            "/api/v1/indicators/values",
            json!({ "values": [ { "uscc": code, "indicator": "zgrs", "period": "2026-10", "value": 95.0 },
                                { "uscc": code, "indicator": "ydl", "period": "2026-10", "value": 50.0 } ] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["corrected"].as_i64(), v["unchanged"].as_i64()),
        (Some(1), Some(1)),
        "{v}"
    );
    let (_, series) = app
        .get(&admin, &format!("/api/v1/enterprises/{own}/indicators"))
        .await;
    let find = |c: &str| {
        series
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == c)
            .unwrap()
            .clone()
    };
    let zgrs = find("zgrs");
    let p = &zgrs["points"][0];
    assert_eq!(p["period"], "2026-10-01");
    assert_eq!(p["value"], 95.0);
    assert_eq!(p["source"], "manual");
    assert_eq!(p["history"][0]["value"], 90.0);
    assert_eq!(p["history"][0]["source"], "portal");
    let fgl = find("fgl");
    let last = fgl["points"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["value"], 0.95, "{fgl}");
    let ydhfl = find("ydhfl");
    let pts = ydhfl["points"].as_array().unwrap();
    let oct = pts.iter().find(|p| p["period"] == "2026-10-01").unwrap();
    assert_eq!(oct["value"], 1.25, "{ydhfl}");
    // a year earlier has no year before it: absent, with the reason
    let old = pts.iter().find(|p| p["period"] == "2025-10-01").unwrap();
    assert!(old["value"].is_null());
    assert!(
        old["reason"].as_str().unwrap().contains("去年同期"),
        "{old}"
    );
}

async fn bands_history_and_warnings_open_visit_tasks(app: TestApp) {
    let admin = app.login("admin").await;
    define_indicators(&app, &admin).await;
    let (_, rules) = app.get(&admin, "/api/v1/bands/rules").await;
    assert_eq!(rules["bands"].as_array().unwrap().len(), 5);
    // the default rules read indicators the zone has not defined: refused
    let r = put(&app, &admin, "/api/v1/bands/rules", rules.clone()).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.band_rules",
        Some("components"),
    );
    let mut rules = rules;
    rules["components"] = json!([
        { "kind": "indicator", "code": "fgl", "weight": 0.5, "zero": 0.5, "full": 1.0 },
        { "kind": "indicator", "code": "ydhfl", "weight": 0.5, "zero": 0.5, "full": 1.0 },
        { "kind": "overdue_cases", "weight": 0.1, "zero": 3, "full": 0 }
    ]);
    let mut bad = rules.clone();
    bad["bands"][2]["min_score"] = json!(95);
    let r = put(&app, &admin, "/api/v1/bands/rules", bad).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.band_rules",
        Some("rules"),
    );
    let r = put(&app, &admin, "/api/v1/bands/rules", rules.clone()).await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);

    let ents = app
        .store
        .list_enterprises(
            app.zone_id,
            &jiban_store::enterprises::Visibility::Zone,
            &Default::default(),
            jiban_store::Page::new(Some(1), Some(3)),
        )
        .await
        .unwrap()
        .0;
    let (a, b, c) = (&ents[0], &ents[1], &ents[2]);
    let month = |m: &str,
                 e: &jiban_store::enterprises::EnterpriseRow,
                 on: f64,
                 power: f64,
                 power_ly: f64| {
        let ly = format!("{}-{}", m[..4].parse::<i32>().unwrap() - 1, &m[5..]);
        json!([
            { "uscc": e.uscc, "indicator": "zgrs", "period": m, "value": on },
            { "uscc": e.uscc, "indicator": "zcygrs", "period": m, "value": 100.0 },
            { "uscc": e.uscc, "indicator": "ydl", "period": m, "value": power },
            { "uscc": e.uscc, "indicator": "ydl", "period": ly, "value": power_ly },
        ])
    };
    let post = |v: Vec<Value>| {
        let all: Vec<Value> = v
            .into_iter()
            .flat_map(|x| x.as_array().unwrap().clone())
            .collect();
        json!({ "values": all })
    };
    // September: all three run normally
    let (s, v) = app
        .post(
            &admin,
            "/api/v1/indicators/values",
            post(vec![
                month("2026-09", a, 100.0, 100.0, 100.0),
                month("2026-09", b, 100.0, 100.0, 100.0),
                month("2026-09", c, 98.0, 100.0, 100.0),
            ]),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, r1) = app.post(&admin, "/api/v1/bands/recompute", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{r1}");
    assert_eq!(r1["rated"], 3, "{r1}");
    assert_eq!(r1["warnings"], 0, "{r1}");
    let (_, e) = app
        .get(&admin, &format!("/api/v1/enterprises/{}", a.id))
        .await;
    assert_eq!(e["band"]["code"], "green", "{e}");
    // October: a falls to red, b drops two bands, c stops reporting (after silent_periods)
    app.post(
        &admin,
        "/api/v1/indicators/values",
        post(vec![
            month("2026-10", a, 50.0, 40.0, 100.0),
            month("2026-10", b, 80.0, 72.0, 100.0),
        ]),
    )
    .await;
    let (_, r2) = app.post(&admin, "/api/v1/bands/recompute", json!({})).await;
    assert_eq!(r2["changed"], 2, "{r2}");
    let (_, e) = app
        .get(&admin, &format!("/api/v1/enterprises/{}", a.id))
        .await;
    assert_eq!(e["band"]["code"], "red", "{e}");
    let (_, e) = app
        .get(&admin, &format!("/api/v1/enterprises/{}", b.id))
        .await;
    assert_eq!(e["band"]["code"], "yellow", "{e}");
    let (_, w) = app.get(&admin, "/api/v1/warnings?open=true").await;
    let ws = w.as_array().unwrap();
    assert_eq!(ws.len(), 2, "{w}");
    let wa = ws
        .iter()
        .find(|x| x["enterprise_id"] == a.id.to_string())
        .unwrap();
    assert_eq!(wa["kind"], "red");
    assert_eq!(wa["from_band"]["code"], "green");
    let wb = ws
        .iter()
        .find(|x| x["enterprise_id"] == b.id.to_string())
        .unwrap();
    assert_eq!(wb["kind"], "drop");
    // the visit task: a 走访 case about the enterprise, dispatched with a deadline
    let case_id = wa["case_id"].as_str().expect("visit task opened");
    let (_, case) = app.get(&admin, &format!("/api/v1/cases/{case_id}")).await;
    let cs = &case["case"];
    assert_eq!(cs["channel"], "visit", "{case}");
    assert_eq!(cs["enterprise_id"], a.id.to_string());
    assert_eq!(cs["state"], "dispatched", "{case}");
    assert!(cs["due_at"].is_string(), "{case}");
    assert_eq!(cs["urgency"], "urgent");
    // a recompute with nothing new raises nothing new
    let (_, r3) = app.post(&admin, "/api/v1/bands/recompute", json!({})).await;
    assert_eq!(
        (r3["changed"].as_i64(), r3["warnings"].as_i64()),
        (Some(0), Some(0)),
        "{r3}"
    );
    // December: c has not reported since September (two periods) → silent
    app.post(
        &admin,
        "/api/v1/indicators/values",
        post(vec![month("2026-11", a, 50.0, 40.0, 100.0)]),
    )
    .await;
    let (_, r4) = app.post(&admin, "/api/v1/bands/recompute", json!({})).await;
    assert_eq!(r4["warnings"], 1, "{r4}");
    let (_, w) = app.get(&admin, "/api/v1/warnings?kind=silent").await;
    assert_eq!(w[0]["enterprise_id"], c.id.to_string(), "{w}");
    // history and summary
    let (_, t) = app
        .get(&admin, &format!("/api/v1/enterprises/{}/timeline", a.id))
        .await;
    let bands: Vec<&str> = t
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "band")
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(bands, vec!["色标 绿 → 红", "色标 未评 → 绿"], "{t}");
    assert!(t.as_array().unwrap().iter().any(|i| i["kind"] == "warning"));
    let (_, sum) = app.get(&admin, "/api/v1/bands/summary").await;
    let count = |code: &str| {
        sum["bands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["code"] == code)
            .unwrap()["count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(count("red"), 1, "{sum}");
    assert_eq!(count("yellow"), 1);
    assert_eq!(count("green"), 1);
    assert_eq!(
        sum["unrated"].as_i64().unwrap(),
        total(&app, &admin, "").await - 3
    );
    assert!(!sum["trend"].as_array().unwrap().is_empty());
    let (_, pts) = app.get(&admin, "/api/v1/bands/points?band=red").await;
    assert_eq!(pts.as_array().unwrap().len(), 1, "{pts}");
    assert_eq!(total(&app, &admin, "&band=red").await, 1);
}

async fn export_is_a_workbook_of_the_filtered_list(app: TestApp) {
    use calamine::{Reader, Xlsx};
    let admin = app.login("admin").await;
    let street = app.unit_id("向阳街道").await;
    let expected = total(&app, &admin, &format!("&street_id={street}")).await;
    let r = admin
        .get(app.url(&format!("/api/v1/enterprises/export?street_id={street}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.height() as i64, expected + 1);
    assert_eq!(range.get((0, 0)).unwrap().to_string(), "统一社会信用代码");
    // the export can be imported back: every header is recognised, nothing to add
    let (s, up) = upload(&app, &admin, "enterprises", "export.xlsx", bytes).await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    let id = up["id"].as_str().unwrap().to_string();
    let (_, pv) = app
        .post(
            &admin,
            &format!("/api/v1/imports/{id}/preview"),
            json!({ "mapping": up["mapping"] }),
        )
        .await;
    assert_eq!(pv["to_insert"], 0, "{pv}");
    assert_eq!(pv["to_update"].as_i64().unwrap(), expected, "{pv}");
}

/// Each write of the registry, imports, indicators and bands is refused to a role without the
/// permission (403, Chinese message) and answers bad input with a stable code naming the field;
/// a handler of one street cannot read another street's enterprise's series (404).
async fn every_new_endpoint_refuses_the_wrong_role_and_bad_input(app: TestApp) {
    let admin = app.login("admin").await;
    let dispatcher = app.login("dispatcher").await;
    let forbidden = |r: (StatusCode, Value)| {
        assert_error(
            &r,
            StatusCode::FORBIDDEN,
            r.1["code"].as_str().unwrap_or(""),
            None,
        );
        assert!(
            r.1["code"].as_str().unwrap().starts_with("auth."),
            "{}",
            r.1
        );
    };
    let indicator =
        json!({ "code": "zgrs", "name": "在岗人数", "kind": "reported", "period": "month" });
    forbidden(
        app.post(
            &dispatcher,
            "/api/v1/enterprises",
            json!({ "uscc": uscc("91340100MA2TEXT02"), "name": "某公司" }),
        )
        .await,
    );
    forbidden(
        put(
            &app,
            &dispatcher,
            "/api/v1/enterprise-tags",
            json!({ "tags": ["外资"] }),
        )
        .await,
    );
    forbidden(
        app.post(&dispatcher, "/api/v1/indicators", indicator.clone())
            .await,
    );
    forbidden(
        put(
            &app,
            &dispatcher,
            "/api/v1/indicators/zgrs",
            indicator.clone(),
        )
        .await,
    );
    forbidden(
        app.post(
            &dispatcher,
            "/api/v1/indicators/values",
            json!({ "values": [] }),
        )
        .await,
    );
    forbidden(
        app.post(&dispatcher, "/api/v1/bands/recompute", json!({}))
            .await,
    );
    let (_, rules) = app.get(&dispatcher, "/api/v1/bands/rules").await;
    forbidden(put(&app, &dispatcher, "/api/v1/bands/rules", rules).await);
    forbidden(upload(&app, &dispatcher, "enterprises", "名录.csv", csv(&[])).await);
    forbidden(app.get(&dispatcher, "/api/v1/imports").await);
    let (_, up) = upload(
        &app,
        &admin,
        "enterprises",
        "名录.csv",
        csv(&[["1", &uscc("91340100MA2TEXT03"), "某公司", "5", "2020-01-01"]]),
    )
    .await;
    let id = up["id"].as_str().unwrap().to_string();
    forbidden(app.get(&dispatcher, &format!("/api/v1/imports/{id}")).await);
    forbidden(
        app.post(
            &dispatcher,
            &format!("/api/v1/imports/{id}/preview"),
            json!({ "mapping": up["mapping"] }),
        )
        .await,
    );
    forbidden(
        app.post(
            &dispatcher,
            &format!("/api/v1/imports/{id}/confirm"),
            json!({}),
        )
        .await,
    );

    // bad input: a stable code and the field, in Chinese
    let bad = |r: (StatusCode, Value), code: &str, field: &str| {
        assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, code, Some(field))
    };
    bad(
        app.post(
            &admin,
            "/api/v1/indicators",
            json!({ "code": "1x", "name": "错", "kind": "reported", "period": "month" }),
        )
        .await,
        "validation.code",
        "code",
    );
    bad(
        app.post(
            &admin,
            "/api/v1/indicators",
            json!({ "code": "x1", "name": "错", "kind": "reported", "period": "year" }),
        )
        .await,
        "validation.period",
        "period",
    );
    bad(
        app.post(
            &admin,
            "/api/v1/indicators",
            json!({ "code": "x1", "name": "错", "kind": "guess", "period": "month" }),
        )
        .await,
        "validation.kind",
        "kind",
    );
    bad(
        app.post(&admin, "/api/v1/indicators/values", json!({ "values": [] }))
            .await,
        "validation.values",
        "values",
    );
    bad(app.post(&admin, "/api/v1/enterprises", json!({ "uscc": uscc("91340100MA2TEXT04"), "name": "某公司", "founded_on": "2020-02-30" })).await, "validation.date", "founded_on");
    bad(
        app.post(
            &admin,
            "/api/v1/enterprises",
            json!({ "uscc": uscc("91340100MA2TEXT04"), "name": "某公司", "employees": -3 }),
        )
        .await,
        "validation.range",
        "employees",
    );
    bad(app.post(&admin, "/api/v1/enterprises", json!({ "uscc": uscc("91340100MA2TEXT04"), "name": "某公司", "contact_phone": "12345" })).await, "validation.phone.format", "contact_phone");
    bad(
        app.post(
            &admin,
            "/api/v1/enterprises",
            json!({ "uscc": uscc("91340100MA2TEXT04") }),
        )
        .await,
        "validation.required",
        "name",
    );
    bad(
        put(
            &app,
            &admin,
            "/api/v1/enterprise-tags",
            json!({ "tags": [""] }),
        )
        .await,
        "validation.tag",
        "tags",
    );
    bad(
        upload(&app, &admin, "everything", "名录.csv", csv(&[])).await,
        "validation.import_kind",
        "kind",
    );
    bad(
        app.post(
            &admin,
            &format!("/api/v1/imports/{id}/preview"),
            json!({ "mapping": { "name": "单位详细名称" } }),
        )
        .await,
        "validation.mapping",
        "mapping",
    );
    let (s, v) = app.get(&admin, "/api/v1/enterprises?industry=C%2539").await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("industry")),
        "{v}"
    );

    // a street handler sees its own street's enterprises only
    let xy = app.unit_id("向阳街道").await;
    let other = app
        .store
        .list_enterprises(
            app.zone_id,
            &jiban_store::enterprises::Visibility::Zone,
            &Default::default(),
            jiban_store::Page::new(Some(1), Some(200)),
        )
        .await
        .unwrap()
        .0
        .into_iter()
        .find(|e| e.street_id.is_some() && e.street_id != Some(xy))
        .unwrap();
    let handler = app.login("handler_xy").await;
    for path in ["indicators", "timeline"] {
        let (s, v) = app
            .get(
                &handler,
                &format!("/api/v1/enterprises/{}/{path}", other.id),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    let r = app
        .patch(
            &handler,
            &format!("/api/v1/enterprises/{}", other.id),
            json!({ "name": "x" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::FORBIDDEN, "{}", r.1);
}
