//! The policy library over HTTP on both backends: entering policies with rules, the calculator
//! for an enterprise (qualifies / almost, with the reasons), applications through review and
//! payout, push and read tracking, 免申即享 payouts, search, and the refusals.

mod common;

use common::{TestApp, assert_error, body};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

both_backends!(
    policy_loop_from_entry_to_payout,
    policy_input_errors_and_refused_roles,
);

async fn put(app: &TestApp, c: &Client, path: &str, json: Value) -> (StatusCode, Value) {
    body(c.put(app.url(path)).json(&json).send().await.unwrap()).await
}

/// The enterprise of the `qiye` account, with facts set so that the rules below are exact.
async fn prepared_enterprise(app: &TestApp, admin: &Client) -> (Uuid, String) {
    let qiye = app.store.user_by_username("qiye").await.unwrap().unwrap();
    let id = qiye.enterprise_id.unwrap();
    let r = app
        .patch(
            admin,
            &format!("/api/v1/enterprises/{id}"),
            json!({ "employees": 80, "revenue_wan": 5000.0, "revenue_last_year_wan": 4000.0,
                    "rd_spend_wan": 300.0, "tags": ["专精特新"] }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    assert_eq!(r.1["rd_spend_wan"], 300.0);
    let street: String = app.store.policy_facts(app.zone_id, Some(id)).await.unwrap()[0]
        .street_code
        .clone()
        .unwrap();
    (id, street)
}

fn policy(doc_no: &str, dept: Uuid, street: &str, status: &str) -> Value {
    json!({
        "title": "关于支持专精特新企业研发创新的若干措施",
        "issuer": "云岭经济技术开发区管理委员会",
        "doc_no": doc_no,
        "issued_on": "2026-01-05",
        "effective_on": "2026-01-05",
        "expires_on": null,
        "apply_from": null,
        "apply_to": null,
        "body": "为鼓励企业加大研发投入，对研发费用增长较快的专精特新企业给予后补助。",
        "status": status,
        "items": [
            {
                "title": "研发费用后补助",
                "summary": "按研发费用的 5% 给予补助，最高 10 万元",
                "benefit_type": "subsidy",
                "amount": { "kind": "formula", "formula": "研发费用 * 5%", "cap_wan": 10, "floor_wan": null },
                "rule": { "kind": "all", "rules": [
                    { "kind": "employees", "min": 50, "max": null },
                    { "kind": "revenue_growth", "min": 0.1, "max": null },
                    { "kind": "rd_intensity", "min": 0.03, "max": null },
                    { "kind": "street", "streets": [street] },
                    { "kind": "tags_any", "tags": ["专精特新"] },
                    { "kind": "no_serious_hazard" }
                ]},
                "materials": ["研发费用专项审计报告", "申报表"],
                "dept_id": dept,
                "auto_grant": false,
                "review_days": 5
            },
            {
                "title": "规模企业用工奖励",
                "summary": "从业人员达到 85 人的企业奖励 20 万元",
                "benefit_type": "subsidy",
                "amount": { "kind": "fixed", "wan": 20 },
                "rule": { "kind": "all", "rules": [
                    { "kind": "employees", "min": 85, "max": null },
                    { "kind": "tags_any", "tags": ["专精特新"] }
                ]},
                "materials": ["社保缴纳证明"],
                "dept_id": dept,
                "auto_grant": false
            },
            {
                "title": "稳岗返还（免申即享）",
                "summary": "按上年度失业保险费的 60% 返还",
                "benefit_type": "reduction",
                "amount": { "kind": "fixed", "wan": 2 },
                "rule": { "kind": "employees", "min": 1, "max": null },
                "materials": [],
                "dept_id": dept,
                "auto_grant": true
            }
        ]
    })
}

async fn policy_loop_from_entry_to_payout(app: TestApp) {
    let admin = app.login("admin").await;
    let r = put(
        &app,
        &admin,
        "/api/v1/enterprise-tags",
        json!({ "tags": ["专精特新", "高新技术企业"] }),
    )
    .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    let (ent, street) = prepared_enterprise(&app, &admin).await;
    let officer = app.login("handler_jjfz").await;
    let dept = app
        .store
        .user_by_username("handler_jjfz")
        .await
        .unwrap()
        .unwrap()
        .org_unit_id;

    // the catalog offers what the rule form needs
    let (s, cat) = app.get(&officer, "/api/v1/policy-catalog").await;
    assert_eq!(s, StatusCode::OK, "{cat}");
    assert!(
        cat["streets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == street.as_str())
    );
    assert!(
        cat["departments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == dept.to_string())
    );
    // the live count of the rule form
    let (s, chk) = app
        .post(
            &officer,
            "/api/v1/policy-rules/check",
            json!({ "rule": { "kind": "employees", "min": 85, "max": null } }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{chk}");
    assert!(chk["total"].as_u64().unwrap() >= 300);

    // the officer enters the policy; its matches are there when the answer comes
    let (s, pol) = app
        .post(
            &officer,
            "/api/v1/policies",
            policy("云经开发〔2026〕3号", dept, &street, "published"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{pol}");
    let items = pol["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let (a, b, c) = (
        items[0]["id"].as_str().unwrap().to_string(),
        items[1]["id"].as_str().unwrap().to_string(),
        items[2]["id"].as_str().unwrap().to_string(),
    );
    assert!(items[0]["qualified_count"].as_i64().unwrap() >= 1, "{pol}");
    assert_eq!(items[2]["benefit_name"], "减免");

    // the enterprise sees item A with its reasons and amount, item B with the failing condition
    let qiye = app.login("qiye").await;
    let (s, m) = app
        .get(&qiye, &format!("/api/v1/enterprises/{ent}/policies"))
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let q: Vec<&Value> = m["qualified"].as_array().unwrap().iter().collect();
    let qa = q
        .iter()
        .find(|x| x["item"]["id"] == a.as_str())
        .expect("A qualifies");
    assert_eq!(qa["amount_wan"], 10.0, "300 × 5% = 15, capped at 10");
    let conds = qa["conditions"].as_array().unwrap();
    assert!(
        conds
            .iter()
            .filter(|c| !c["group"].as_bool().unwrap())
            .all(|c| c["pass"] == true)
    );
    assert!(
        conds
            .iter()
            .any(|c| c["label"].as_str().unwrap().contains("从业人员") && c["actual"] == "80 人"),
        "{qa}"
    );
    assert!(!q.iter().any(|x| x["item"]["id"] == b.as_str()));
    let nb = m["almost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["item"]["id"] == b.as_str())
        .expect("B almost");
    assert_eq!(nb["failing"], 1);
    let fail = nb["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["pass"] == false)
        .unwrap();
    assert_eq!(fail["needed"], "再增加 5 人（≥ 85 人）", "{nb}");
    // another enterprise's matches are not the enterprise's to see
    let other = app
        .store
        .policy_facts(app.zone_id, None)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.id != ent)
        .unwrap()
        .id;
    let r = app
        .get(&qiye, &format!("/api/v1/enterprises/{other}/policies"))
        .await;
    assert_eq!(r.0, StatusCode::NOT_FOUND);

    // applying: not eligible (with the reason), a material missing, 免申即享, then for real
    let r = app.post(&qiye, "/api/v1/policy-applications", json!({ "item_id": b, "materials": [{ "name": "社保缴纳证明", "text": "附 12 个月缴纳记录" }] })).await;
    assert_error(&r, StatusCode::CONFLICT, "policy.not_eligible", None);
    assert!(
        r.1["message"].as_str().unwrap().contains("再增加 5 人"),
        "{}",
        r.1
    );
    let r = app.post(&qiye, "/api/v1/policy-applications", json!({ "item_id": a, "materials": [{ "name": "研发费用专项审计报告", "text": "2025 年度审计报告" }] })).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("materials[1].text"),
    );
    let r = app
        .post(
            &qiye,
            "/api/v1/policy-applications",
            json!({ "item_id": c }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "policy.auto_grant", None);
    let materials = json!([{ "name": "研发费用专项审计报告", "text": "2025 年度审计报告" }, { "name": "申报表", "text": "已盖章" }]);
    let (s, appl) = app
        .post(
            &qiye,
            "/api/v1/policy-applications",
            json!({ "item_id": a, "materials": materials }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{appl}");
    assert_eq!(appl["status"], "submitted");
    assert_eq!(appl["expected_amount_wan"], 10.0);
    assert!(appl["review_due"].is_string());
    let aid = appl["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &qiye,
            "/api/v1/policy-applications",
            json!({ "item_id": a, "materials": materials }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "policy.application_exists", None);
    // a material file
    let form = reqwest::multipart::Form::new()
        .text("material", "申报表")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n".to_vec())
                .file_name("申报表.pdf"),
        );
    let r = body(
        qiye.post(app.url(&format!("/api/v1/policy-applications/{aid}/files")))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.0, StatusCode::CREATED, "{}", r.1);

    // one item, for staff only
    let (s, it) = app
        .get(&officer, &format!("/api/v1/policy-items/{a}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{it}");
    assert_eq!(it["policy_id"], pol["id"]);
    assert_eq!(it["applied_count"], 1);
    let r = app.get(&qiye, &format!("/api/v1/policy-items/{a}")).await;
    assert_eq!(r.0, StatusCode::NOT_FOUND);

    // the item's lists: qualified, applied, not applied
    let (s, l) = app
        .get(
            &officer,
            &format!("/api/v1/policy-items/{a}/enterprises?status=applied"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["counts"]["applied"], 1);
    assert_eq!(l["items"][0]["enterprise_id"], ent.to_string());
    let (_, l) = app
        .get(
            &officer,
            &format!("/api/v1/policy-items/{a}/enterprises?status=not_applied&per_page=200"),
        )
        .await;
    assert!(
        !l["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["enterprise_id"] == ent.to_string())
    );
    assert_eq!(
        l["counts"]["not_applied"].as_i64().unwrap() + 1,
        l["counts"]["qualified"].as_i64().unwrap()
    );
    let x = officer
        .get(app.url(&format!("/api/v1/policy-items/{c}/enterprises/export")))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));

    // review: a street's handler may not; a return needs a reason
    let street_handler = app.login("handler_xy").await;
    let r = app
        .post(
            &street_handler,
            &format!("/api/v1/policy-applications/{aid}/review"),
            json!({ "decision": "pass" }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/review"),
            json!({ "decision": "return" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("reason"),
    );
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/review"),
            json!({ "decision": "return", "reason": "请补充审计报告原件扫描件" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "returned");
    assert_eq!(v["review_on_time"], true);
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/payout"),
            json!({ "amount_wan": 10, "paid_on": "2026-01-10" }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "policy.bad_state", None);
    let (s, v) = app
        .post(
            &qiye,
            &format!("/api/v1/policy-applications/{aid}/resubmit"),
            json!({ "materials": materials, "note": "已补充" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "submitted");
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/review"),
            json!({ "decision": "pass" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "approved");
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/payout"),
            json!({ "amount_wan": 0, "paid_on": "2026-01-10" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.range",
        Some("amount_wan"),
    );
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/payout"),
            json!({ "amount_wan": 10, "paid_on": "2099-01-01" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.date_order",
        Some("paid_on"),
    );
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/payout"),
            json!({ "amount_wan": 10, "paid_on": "2026-01-10" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "paid");
    let (_, v) = app
        .get(&qiye, &format!("/api/v1/policy-applications/{aid}"))
        .await;
    assert_eq!(v["status_name"], "已兑现");
    assert_eq!(v["paid_amount_wan"], 10.0);
    let steps: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["submit", "file", "return", "resubmit", "pass", "payout"]
    );
    assert_eq!(v["files"].as_array().unwrap().len(), 1);
    let (_, lst) = app.get(&qiye, "/api/v1/policy-applications").await;
    assert_eq!(lst["total"], 1);
    assert_eq!(lst["counts"]["paid"], 1);

    // push the 免申即享 item: every qualifying enterprise not pushed yet; the enterprise reads it
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/policy-items/{c}/push"),
            json!({ "note": "无需申报，系统自动兑现" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let pushed = v["pushed"].as_u64().unwrap();
    assert!(pushed >= 1);
    let (_, v) = app
        .post(
            &officer,
            &format!("/api/v1/policy-items/{c}/push"),
            json!({}),
        )
        .await;
    assert_eq!(v["pushed"], 0, "nobody twice");
    let (_, pushes) = app.get(&qiye, "/api/v1/portal/policy-pushes").await;
    let push = pushes
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["item_id"] == c.as_str())
        .expect("pushed to qiye")
        .clone();
    assert!(push["read_at"].is_null());
    let r = body(
        qiye.post(app.url(&format!(
            "/api/v1/policy-pushes/{}/read",
            push["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(r.0, StatusCode::NO_CONTENT);
    let (_, l) = app
        .get(
            &officer,
            &format!(
                "/api/v1/policy-items/{c}/enterprises?q={}",
                urlencode(&ent_name(&app, ent).await)
            ),
        )
        .await;
    assert!(l["items"][0]["read_at"].is_string(), "{l}");
    // and pays it without an application
    let (s, v) = app
        .post(
            &officer,
            &format!("/api/v1/policy-items/{c}/payouts"),
            json!({ "enterprise_ids": [ent], "paid_on": "2026-01-10" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["paid"], 1);
    let (_, l) = app
        .get(
            &officer,
            &format!("/api/v1/policy-items/{c}/enterprises?status=applied"),
        )
        .await;
    assert_eq!(l["items"][0]["application"]["status"], "paid");

    // full-text search (jieba) finds the policy by a word of its text
    let (_, found) = app.get(&qiye, "/api/v1/policies?q=研发投入").await;
    assert_eq!(found["items"][0]["id"], pol["id"], "{found}");
    // a draft is not the enterprise's to see
    let (s, draft) = app
        .post(
            &officer,
            "/api/v1/policies",
            policy("云经开发〔2026〕4号", dept, &street, "draft"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let (_, l) = app.get(&qiye, "/api/v1/policies?per_page=100").await;
    assert!(
        !l["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == draft["id"])
    );
    let r = app
        .get(
            &qiye,
            &format!("/api/v1/policies/{}", draft["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(r.0, StatusCode::NOT_FOUND);
    let (_, l) = app.get(&officer, "/api/v1/policies?status=draft").await;
    assert_eq!(l["total"], 1);

    // an item with applications cannot be dropped from its policy
    let mut again = policy("云经开发〔2026〕3号", dept, &street, "published");
    again["items"] = json!([again["items"][1].clone()]);
    let r = put(
        &app,
        &officer,
        &format!("/api/v1/policies/{}", pol["id"].as_str().unwrap()),
        again,
    )
    .await;
    assert_error(&r, StatusCode::CONFLICT, "policy.item_in_use", None);
    // every step is in the audit trail
    let (rows, _) = app
        .store
        .list_audit(
            app.zone_id,
            &jiban_store::audit::AuditFilter::default(),
            jiban_store::Page::new(Some(1), Some(200)),
        )
        .await
        .unwrap();
    for action in [
        "policy.create",
        "policy.apply",
        "policy.review",
        "policy.resubmit",
        "policy.payout",
        "policy.push",
        "policy.push_read",
        "policy.auto_payout",
        "policy.application_file",
    ] {
        assert!(
            rows.iter().any(|r| r.action == action),
            "no audit of {action}"
        );
    }
}

async fn ent_name(app: &TestApp, id: Uuid) -> String {
    app.store
        .enterprise(app.zone_id, &jiban_store::enterprises::Visibility::Zone, id)
        .await
        .unwrap()
        .unwrap()
        .name
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn policy_input_errors_and_refused_roles(app: TestApp) {
    let admin = app.login("admin").await;
    put(
        &app,
        &admin,
        "/api/v1/enterprise-tags",
        json!({ "tags": ["专精特新"] }),
    )
    .await;
    let (_, street) = prepared_enterprise(&app, &admin).await;
    let officer = app.login("handler_jjfz").await;
    let dept = app
        .store
        .user_by_username("handler_jjfz")
        .await
        .unwrap()
        .unwrap()
        .org_unit_id;

    // a tag outside the vocabulary, named with its place
    let mut p = policy("云经开发〔2026〕9号", dept, &street, "published");
    p["items"][0]["rule"]["rules"][4]["tags"] = json!(["独角兽"]);
    let r = app.post(&officer, "/api/v1/policies", p).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.policy_rule",
        Some("items[0].rule"),
    );
    assert!(
        r.1["message"].as_str().unwrap().contains("独角兽"),
        "{}",
        r.1
    );
    // a formula over an unknown name
    let mut p = policy("云经开发〔2026〕9号", dept, &street, "published");
    p["items"][1]["amount"] =
        json!({ "kind": "formula", "formula": "利润 * 2%", "cap_wan": null, "floor_wan": null });
    let r = app.post(&officer, "/api/v1/policies", p).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "formula_invalid",
        Some("items[1].amount"),
    );
    // a rule that is not a rule
    let mut p = policy("云经开发〔2026〕9号", dept, &street, "published");
    p["items"][2]["rule"] = json!({ "kind": "moon_phase" });
    let r = app.post(&officer, "/api/v1/policies", p).await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.policy_rule",
        Some("items[2].rule"),
    );
    // bounds the wrong way round
    let r = app
        .post(
            &officer,
            "/api/v1/policy-rules/check",
            json!({ "rule": { "kind": "employees", "min": 90, "max": 10 } }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.policy_rule",
        Some("rule"),
    );
    // dates, status, department, unknown fields
    let mut p = policy("云经开发〔2026〕9号", dept, &street, "published");
    p["effective_on"] = json!("2025-12-01");
    assert_error(
        &app.post(&officer, "/api/v1/policies", p).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.date_order",
        Some("effective_on"),
    );
    let p = policy("云经开发〔2026〕9号", dept, &street, "sent");
    assert_error(
        &app.post(&officer, "/api/v1/policies", p).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("status"),
    );
    let p = policy(
        "云经开发〔2026〕9号",
        app.unit_id("向阳街道").await,
        &street,
        "published",
    );
    assert_error(
        &app.post(&officer, "/api/v1/policies", p).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("items[0].dept_id"),
    );
    let mut p = policy("云经开发〔2026〕9号", dept, &street, "published");
    p["title"] = json!("  ");
    assert_error(
        &app.post(&officer, "/api/v1/policies", p).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("title"),
    );
    let mut p = policy("云经开发〔2026〕9号", dept, &street, "published");
    p["colour"] = json!("red");
    let r = app.post(&officer, "/api/v1/policies", p).await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.1);
    // the 文号 is unique in the zone
    let (s, _) = app
        .post(
            &officer,
            "/api/v1/policies",
            policy("云经开发〔2026〕9号", dept, &street, "published"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let r = app
        .post(
            &officer,
            "/api/v1/policies",
            policy("云经开发〔2026〕9号", dept, &street, "published"),
        )
        .await;
    assert_eq!(r.0, StatusCode::CONFLICT, "{}", r.1);
    assert_eq!(r.1["field"], "doc_no");
    // nothing half-written: only the one policy exists
    let (_, l) = app.get(&officer, "/api/v1/policies").await;
    assert_eq!(l["total"], 1);

    // roles: a grid worker and an enterprise may not enter policies; a street's handler neither
    for who in ["grid_xy01", "qiye", "handler_xy", "dispatcher"] {
        let c = app.login(who).await;
        let r = app
            .post(
                &c,
                "/api/v1/policies",
                policy("云经开发〔2026〕10号", dept, &street, "published"),
            )
            .await;
        assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
        let r = app
            .post(&c, "/api/v1/policy-matches/recompute", json!({}))
            .await;
        assert_eq!(r.0, StatusCode::FORBIDDEN, "{who}");
    }
    // staff may not apply for an enterprise; enterprises may not read the officers' lists
    let (_, l) = app.get(&officer, "/api/v1/policies").await;
    let pid = l["items"][0]["id"].as_str().unwrap().to_string();
    let (_, pol) = app.get(&officer, &format!("/api/v1/policies/{pid}")).await;
    let item = pol["items"][0]["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &officer,
            "/api/v1/policy-applications",
            json!({ "item_id": item }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let qiye = app.login("qiye").await;
    let r = app
        .get(&qiye, &format!("/api/v1/policy-items/{item}/enterprises"))
        .await;
    assert_eq!(r.0, StatusCode::NOT_FOUND);
    let r = app
        .get(
            &officer,
            &format!("/api/v1/policy-items/{item}/enterprises?status=everyone"),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("status"),
    );
    let grid = app.login("grid_xy01").await;
    let r = app.get(&grid, "/api/v1/policy-applications").await;
    assert_eq!(r.0, StatusCode::FORBIDDEN);
    // pushing to an enterprise that does not qualify is refused by name
    let (_, l) = app
        .get(
            &officer,
            &format!("/api/v1/policy-items/{item}/enterprises?per_page=200"),
        )
        .await;
    let qualified: Vec<&str> = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["enterprise_id"].as_str().unwrap())
        .collect();
    let outsider = app
        .store
        .policy_facts(app.zone_id, None)
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.id.to_string())
        .find(|id| !qualified.contains(&id.as_str()))
        .unwrap();
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-items/{item}/push"),
            json!({ "enterprise_ids": [outsider] }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "policy.not_eligible",
        Some("enterprise_ids[0]"),
    );

    // every other endpoint: the refused side and its bad input
    let pol_id = pid.clone();
    let auto_item = pol["items"][2]["id"].as_str().unwrap().to_string();
    let form = || {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n".to_vec())
                .file_name("原文.pdf"),
        )
    };
    let up = |c: &Client, path: String| {
        let req = c.post(app.url(&path)).multipart(form());
        async move { body(req.send().await.unwrap()).await }
    };
    let r = up(&qiye, format!("/api/v1/policies/{pol_id}/files")).await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let (s, file) = up(&officer, format!("/api/v1/policies/{pol_id}/files")).await;
    assert_eq!(s, StatusCode::CREATED, "{file}");
    let fid = file["id"].as_str().unwrap();
    let r = body(
        qiye.delete(app.url(&format!("/api/v1/policy-files/{fid}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let x = qiye
        .get(app.url(&format!("/api/v1/policy-files/{fid}/download")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        x.status(),
        StatusCode::OK,
        "a published policy's file is public"
    );
    let r = app
        .post(
            &grid,
            "/api/v1/policy-rules/check",
            json!({ "rule": { "kind": "no_serious_hazard" } }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let street_handler = app.login("handler_xy").await;
    let r = app
        .post(
            &street_handler,
            &format!("/api/v1/policy-items/{item}/push"),
            json!({}),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app.get(&officer, "/api/v1/portal/policy-pushes").await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-pushes/{}/read", Uuid::now_v7()),
            json!({}),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app
        .post(
            &qiye,
            &format!("/api/v1/policy-pushes/{}/read", Uuid::now_v7()),
            json!({}),
        )
        .await;
    assert_eq!(r.0, StatusCode::NOT_FOUND);
    let r = app.get(&officer, "/api/v1/policies?status=sent").await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("status"),
    );
    let r = app
        .get(&officer, "/api/v1/policy-applications?status=lost")
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("status"),
    );

    // an application: only the item's department reviews and pays; only the enterprise resubmits
    let materials = json!([{ "name": "研发费用专项审计报告", "text": "见附件" }, { "name": "申报表", "text": "已盖章" }]);
    let (s, appl) = app
        .post(
            &qiye,
            "/api/v1/policy-applications",
            json!({ "item_id": item, "materials": materials }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{appl}");
    let aid = appl["id"].as_str().unwrap().to_string();
    let other_dept = app.login("handler_rsj").await;
    let r = app
        .post(
            &other_dept,
            &format!("/api/v1/policy-applications/{aid}/review"),
            json!({ "decision": "pass" }),
        )
        .await;
    assert_eq!(
        r.0,
        StatusCode::NOT_FOUND,
        "another department does not see it: {}",
        r.1
    );
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/review"),
            json!({ "decision": "maybe" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("decision"),
    );
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-applications/{aid}/resubmit"),
            json!({ "materials": materials }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app
        .post(
            &qiye,
            &format!("/api/v1/policy-applications/{aid}/resubmit"),
            json!({ "materials": materials }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "policy.bad_state", None);
    let r = up(&officer, format!("/api/v1/policy-applications/{aid}/files")).await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app
        .post(
            &qiye,
            &format!("/api/v1/policy-applications/{aid}/payout"),
            json!({ "amount_wan": 1, "paid_on": "2026-01-10" }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    // 免申即享 payouts: for that kind of item, for chosen enterprises, by its department
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-items/{item}/payouts"),
            json!({ "enterprise_ids": [], "paid_on": "2026-01-10" }),
        )
        .await;
    assert_error(&r, StatusCode::CONFLICT, "policy.not_auto_grant", None);
    let r = app
        .post(
            &officer,
            &format!("/api/v1/policy-items/{auto_item}/payouts"),
            json!({ "enterprise_ids": [], "paid_on": "2026-01-10" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("enterprise_ids"),
    );
    let r = app
        .post(
            &other_dept,
            &format!("/api/v1/policy-items/{auto_item}/payouts"),
            json!({ "enterprise_ids": [outsider], "paid_on": "2026-01-10" }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
}
