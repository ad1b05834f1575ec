//! Sign-in, sessions, tokens, lockout, throttling and bad input — on both backends.

mod common;

use common::{TestApp, assert_error, client};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    login_me_logout,
    wrong_password_and_lockout,
    bad_input_is_refused_clearly,
    api_tokens_work_and_revoke,
    token_of_another_zone_is_refused,
    password_change_ends_other_sessions,
    probes_docs_and_spa,
);

async fn login_me_logout(app: TestApp) {
    let c = client();
    let r = c
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "username": "Admin", "password": common::PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().contains_key("x-request-id"));
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("jiban_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let me = app.get(&c, "/api/v1/auth/me").await;
    assert_eq!(me.0, StatusCode::OK);
    assert_eq!(me.1["username"], "admin");
    assert_eq!(me.1["role_name"], "系统管理员");
    assert_eq!(me.1["zone"]["name"], "云岭经济技术开发区管理委员会");
    assert!(
        me.1["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("user.write"))
    );
    let (s, _) = app.post(&c, "/api/v1/auth/logout", json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_error(
        &app.get(&c, "/api/v1/auth/me").await,
        StatusCode::UNAUTHORIZED,
        "auth.unauthenticated",
        None,
    );
    // the audit trail has the login and the logout
    let admin = app.login("admin").await;
    let (_, audit) = app.get(&admin, "/api/v1/audit?action=auth.logout").await;
    assert_eq!(audit["total"], 1);
}

async fn wrong_password_and_lockout(app: TestApp) {
    let c = client();
    let bad = json!({ "username": "handler_xy", "password": "wrong-password-1" });
    let r = app.post(&c, "/api/v1/auth/login", bad.clone()).await;
    assert_error(
        &r,
        StatusCode::UNAUTHORIZED,
        "auth.invalid_credentials",
        None,
    );
    assert_eq!(r.1["message"], "用户名或密码错误");
    // an unknown user gets the very same answer
    let r = app
        .post(
            &c,
            "/api/v1/auth/login",
            json!({ "username": "nobody", "password": "x" }),
        )
        .await;
    assert_eq!(r.1["message"], "用户名或密码错误");
    for _ in 0..3 {
        app.post(&c, "/api/v1/auth/login", bad.clone()).await;
    }
    let r = app.post(&c, "/api/v1/auth/login", bad.clone()).await;
    assert_error(&r, StatusCode::LOCKED, "auth.locked", None);
    // the right password does not open a locked account
    let good = json!({ "username": "handler_xy", "password": common::PASSWORD });
    assert_error(
        &app.post(&c, "/api/v1/auth/login", good.clone()).await,
        StatusCode::LOCKED,
        "auth.locked",
        None,
    );
    // an administrator's reset unlocks it (and forces a change of password)
    let admin = app.login("admin").await;
    let (_, users) = app.get(&admin, "/api/v1/users?q=handler_xy").await;
    let id = users["items"][0]["id"].as_str().unwrap().to_string();
    assert!(users["items"][0]["locked_until"].is_string());
    let (s, _) = app
        .post(
            &admin,
            &format!("/api/v1/users/{id}/reset-password"),
            json!({ "new_password": "Temp2025pass" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let r = app
        .post(
            &c,
            "/api/v1/auth/login",
            json!({ "username": "handler_xy", "password": "Temp2025pass" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    assert_eq!(r.1["must_change_password"], true);
    let (_, audit) = app.get(&admin, "/api/v1/audit?action=auth.locked").await;
    assert_eq!(audit["total"], 1);
}

async fn bad_input_is_refused_clearly(app: TestApp) {
    let c = client();
    let raw = c
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": \"admin\",")
        .send()
        .await
        .unwrap();
    assert_error(
        &common::body(raw).await,
        StatusCode::BAD_REQUEST,
        "request.malformed_json",
        None,
    );
    let r = app
        .post(
            &c,
            "/api/v1/auth/login",
            json!({ "username": "admin", "password": "x", "remember": true }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.unknown_field",
        Some("remember"),
    );
    let r = app
        .post(&c, "/api/v1/auth/login", json!({ "username": "admin" }))
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("password"),
    );
    let r = app
        .post(
            &c,
            "/api/v1/auth/login",
            json!({ "username": "", "password": "x" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.required",
        Some("username"),
    );

    let admin = app.login("admin").await;
    let zone = app.zone_id;
    let long = "长".repeat(65);
    let r = app
        .post(
            &admin,
            "/api/v1/org/units",
            json!({ "parent_id": zone, "kind": "department", "name": long }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.too_long",
        Some("name"),
    );
    assert!(r.1["message"].as_str().unwrap().contains("名称"));
    let r = app
        .post(
            &admin,
            "/api/v1/org/units",
            json!({ "parent_id": zone, "kind": "district", "name": "新区" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_value",
        Some("kind"),
    );
    let r = app
        .post(
            &admin,
            "/api/v1/org/units",
            json!({ "parent_id": "not-a-uuid", "kind": "street", "name": "新街道" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.1);
    assert_eq!(r.1["field"], "parent_id");
    let r = app.get(&admin, "/api/v1/enterprises/42").await;
    assert_error(&r, StatusCode::BAD_REQUEST, "request.invalid_path", None);
    let r = app.get(&admin, "/api/v1/enterprises?page=abc").await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.invalid_query",
        None,
    );
    let r = app.get(&admin, "/api/v1/enterprises?colour=red").await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "request.invalid_query",
        Some("colour"),
    );
    // nothing was half-written by any of the refused requests
    let (_, units) = app.get(&admin, "/api/v1/org/units").await;
    assert!(
        !units
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["name"] == "新区" || u["name"] == "新街道")
    );
}

async fn api_tokens_work_and_revoke(app: TestApp) {
    let c = app.login("dispatcher").await;
    let (s, tok) = app
        .post(
            &c,
            "/api/v1/auth/tokens",
            json!({ "name": "12345 对接", "expires_in_days": 30 }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{tok}");
    let secret = tok["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with(&format!("jb_{}_", tok["prefix"].as_str().unwrap())));
    let machine = reqwest::Client::new();
    let me = common::body(
        machine
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(me.0, StatusCode::OK);
    assert_eq!(me.1["username"], "dispatcher");
    let (_, list) = app.get(&c, "/api/v1/auth/tokens").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        list[0].get("token").is_none(),
        "the secret is shown once only"
    );
    assert!(list[0]["last_used_at"].is_string());
    let r = app
        .post(
            &c,
            "/api/v1/auth/tokens",
            json!({ "name": "x", "expires_in_days": 0 }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.range",
        Some("expires_in_days"),
    );
    let id = tok["id"].as_str().unwrap();
    let del = c
        .delete(app.url(&format!("/api/v1/auth/tokens/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    let me = common::body(
        machine
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(&me, StatusCode::UNAUTHORIZED, "auth.invalid_token", None);
    let junk = common::body(
        machine
            .get(app.url("/api/v1/auth/me"))
            .bearer_auth("jb_nope_nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(&junk, StatusCode::UNAUTHORIZED, "auth.invalid_token", None);
}

async fn token_of_another_zone_is_refused(app: TestApp) {
    // a second zone with its own administrator and token
    let other = jiban_demo::generate(7, 20);
    let mut other = other;
    other.zone.code = "QT".into();
    other.zone.name = "青田高新区管理委员会".into();
    for u in &mut other.units {
        u.code = format!("QT-{}", u.code);
        u.parent_code = u.parent_code.as_ref().map(|p| format!("QT-{p}"));
        if u.parent_code.as_deref() == Some("QT-YL") {
            u.parent_code = Some("QT".into());
        }
    }
    for e in &mut other.enterprises {
        e.grid_code = format!("QT-{}", e.grid_code);
    }
    for a in &mut other.accounts {
        a.username = format!("qt_{}", a.username);
        a.unit_code = if a.unit_code == "YL" {
            "QT".into()
        } else {
            format!("QT-{}", a.unit_code)
        };
    }
    jiban_server::demo::load_zone(&app.store, &other)
        .await
        .unwrap();
    let qt_admin = app.login("qt_admin").await;
    let (s, tok) = app
        .post(
            &qt_admin,
            "/api/v1/auth/tokens",
            json!({ "name": "跨区测试" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let secret = tok["token"].as_str().unwrap().to_string();

    let yl = app.login("admin").await;
    let (_, ents) = app.get(&yl, "/api/v1/enterprises?page_size=1").await;
    let yl_enterprise = ents["items"][0]["id"].as_str().unwrap().to_string();
    let yl_unit = app.zone_id;

    let machine = reqwest::Client::new();
    let get = |path: String| {
        let m = machine.clone();
        let s = secret.clone();
        let url = app.url(&path);
        async move { common::body(m.get(url).bearer_auth(s).send().await.unwrap()).await }
    };
    assert_error(
        &get(format!("/api/v1/enterprises/{yl_enterprise}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    assert_error(
        &get(format!("/api/v1/org/units/{yl_unit}/history")).await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    let (_, units) = get("/api/v1/org/units".into()).await;
    let units = units.as_array().unwrap();
    assert!(!units.is_empty());
    assert!(
        units.iter().all(|u| u["zone_id"] != json!(yl_unit)),
        "only the token's own zone"
    );
    let (_, list) = get("/api/v1/enterprises?page_size=200".into()).await;
    assert_eq!(list["total"], 20);
    let r = common::body(
        machine
            .patch(app.url(&format!("/api/v1/org/units/{yl_unit}")))
            .bearer_auth(&secret)
            .json(&json!({ "name": "篡改" }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found", None);
}

async fn password_change_ends_other_sessions(app: TestApp) {
    let a = app.login("leader").await;
    let b = app.login("leader").await;
    let r = app
        .post(
            &a,
            "/api/v1/auth/password",
            json!({ "old_password": "nope", "new_password": "Newpass2025" }),
        )
        .await;
    assert_error(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.password.wrong_old",
        Some("old_password"),
    );
    let r = app
        .post(
            &a,
            "/api/v1/auth/password",
            json!({ "old_password": common::PASSWORD, "new_password": "short" }),
        )
        .await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.1["field"], "new_password");
    let (s, _) = app
        .post(
            &a,
            "/api/v1/auth/password",
            json!({ "old_password": common::PASSWORD, "new_password": "Newpass2025" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&a, "/api/v1/auth/me").await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_error(
        &app.get(&b, "/api/v1/auth/me").await,
        StatusCode::UNAUTHORIZED,
        "auth.unauthenticated",
        None,
    );
}

async fn probes_docs_and_spa(app: TestApp) {
    let c = client();
    assert_eq!(app.get(&c, "/healthz").await.0, StatusCode::OK);
    assert_eq!(app.get(&c, "/readyz").await.1["status"], "ready");
    let (s, doc) = app.get(&c, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/org/units/{id}",
        "/api/v1/users",
        "/api/v1/enterprises",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    let docs = c.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(
        docs.text().await.unwrap().contains("swagger"),
        "docs page served offline"
    );
    assert_error(
        &app.get(&c, "/api/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    let spa = c.get(app.url("/admin/org")).send().await.unwrap();
    assert!(
        spa.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn expired_session_says_so() {
    let app = common::spawn(jiban_store::Backend::Sqlite, |c| {
        c.auth.session_idle_minutes = 0
    })
    .await
    .unwrap();
    // a plain client: the browser would drop a Max-Age=0 cookie, a replaying client may not
    let c = reqwest::Client::new();
    let r = c
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "username": "admin", "password": common::PASSWORD }))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me = common::body(
        c.get(app.url("/api/v1/auth/me"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(&me, StatusCode::UNAUTHORIZED, "auth.session_expired", None);
    assert_eq!(me.1["message"], "登录已过期，请重新登录");
}

#[tokio::test]
async fn an_address_with_many_failures_is_throttled() {
    let app = common::spawn(jiban_store::Backend::Sqlite, |c| {
        c.auth.ip_failures_per_15min = 3
    })
    .await
    .unwrap();
    let c = client();
    for i in 0..3 {
        let r = app
            .post(
                &c,
                "/api/v1/auth/login",
                json!({ "username": format!("guess{i}"), "password": "x" }),
            )
            .await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post(
            &c,
            "/api/v1/auth/login",
            json!({ "username": "admin", "password": common::PASSWORD }),
        )
        .await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "auth.throttled", None);
}
