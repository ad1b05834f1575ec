//! One test per role: what it may do and what it is refused, and the data scope of its unit.
//! Every route is enforced on the server; the menus in the web app only mirror this.

mod common;

use common::{TestApp, assert_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

both_backends!(
    admin_role,
    leader_role,
    supervisor_role,
    dispatcher_role,
    intake_role,
    dept_head_of_department_role,
    dept_head_of_street_role,
    handler_of_department_role,
    handler_of_street_role,
    grid_worker_role,
    enterprise_role,
);

/// The read routes and whether the role may use them: (path, allowed).
async fn check_routes(app: &TestApp, user: &str, allowed: &[(&str, bool)]) -> reqwest::Client {
    let c = app.login(user).await;
    for (path, ok) in allowed {
        let r = app.get(&c, path).await;
        if *ok {
            assert_eq!(r.0, StatusCode::OK, "{user} GET {path}: {}", r.1);
        } else {
            assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
        }
    }
    // everyone may read reference data and manage their own tokens
    for path in [
        "/api/v1/roles",
        "/api/v1/categories",
        "/api/v1/calendar/days?year=2026",
        "/api/v1/overview",
        "/api/v1/auth/tokens",
    ] {
        assert_eq!(
            app.get(&c, path).await.0,
            StatusCode::OK,
            "{user} GET {path}"
        );
    }
    c
}

/// Writes that only an administrator may make.
async fn refused_writes(app: &TestApp, c: &reqwest::Client, user: &str) {
    let zone = app.zone_id;
    let r = app
        .post(
            c,
            "/api/v1/org/units",
            json!({ "parent_id": zone, "kind": "department", "name": "越权部门" }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app
        .patch(
            c,
            &format!("/api/v1/org/units/{zone}"),
            json!({ "name": "越权" }),
        )
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
    let r = app
        .post(c, "/api/v1/users", json!({ "username": "x_by_".to_string() + user, "display_name": "越权", "password": "Abcdefg123",
                                           "role": "admin", "org_unit_id": zone }))
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "auth.forbidden", None);
}

const ALL_ZONE: &[(&str, bool)] = &[
    ("/api/v1/org/units", true),
    ("/api/v1/enterprises", true),
    ("/api/v1/users", false),
    ("/api/v1/audit", false),
];

fn streets(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["street_name"].as_str().unwrap_or("").to_string())
        .collect()
}

async fn zone_total(app: &TestApp) -> i64 {
    let admin = app.login("admin").await;
    app.get(&admin, "/api/v1/enterprises").await.1["total"]
        .as_i64()
        .unwrap()
}

async fn admin_role(app: TestApp) {
    let c = check_routes(
        &app,
        "admin",
        &[
            ("/api/v1/org/units", true),
            ("/api/v1/enterprises", true),
            ("/api/v1/users", true),
            ("/api/v1/audit", true),
        ],
    )
    .await;
    let zone = app.zone_id;
    let (s, unit) = app
        .post(
            &c,
            "/api/v1/org/units",
            json!({ "parent_id": zone, "kind": "department", "name": "数据资源局" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{unit}");
    assert_eq!(app.get(&c, "/api/v1/enterprises").await.1["total"], 300);
    let (_, users) = app.get(&c, "/api/v1/users?page_size=200").await;
    assert!(users["total"].as_i64().unwrap() >= 11);
    // phone numbers are masked even for administrators in lists
    assert!(
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|u| u["phone"].as_str())
            .all(|p| p.contains("****"))
    );
}

async fn leader_role(app: TestApp) {
    let c = check_routes(
        &app,
        "leader",
        &[
            ("/api/v1/org/units", true),
            ("/api/v1/enterprises", true),
            ("/api/v1/users", false),
            ("/api/v1/audit", true),
        ],
    )
    .await;
    refused_writes(&app, &c, "leader").await;
    assert_eq!(
        app.get(&c, "/api/v1/enterprises").await.1["total"],
        300,
        "a leader sees the whole zone"
    );
}

async fn supervisor_role(app: TestApp) {
    let c = check_routes(
        &app,
        "supervisor",
        &[
            ("/api/v1/org/units", true),
            ("/api/v1/enterprises", true),
            ("/api/v1/users", false),
            ("/api/v1/audit", true),
        ],
    )
    .await;
    refused_writes(&app, &c, "supervisor").await;
}

async fn dispatcher_role(app: TestApp) {
    let c = check_routes(&app, "dispatcher", ALL_ZONE).await;
    refused_writes(&app, &c, "dispatcher").await;
    let (_, list) = app.get(&c, "/api/v1/enterprises?page_size=5").await;
    assert_eq!(list["total"], 300, "the 12345 centre sees the whole zone");
    // dispatchers call enterprises back: full numbers
    assert!(
        !list["items"][0]["contact_phone"]
            .as_str()
            .unwrap()
            .contains('*')
    );
}

async fn intake_role(app: TestApp) {
    let c = check_routes(&app, "intake", ALL_ZONE).await;
    refused_writes(&app, &c, "intake").await;
}

async fn dept_head_of_department_role(app: TestApp) {
    let c = check_routes(&app, "head_jjfz", ALL_ZONE).await;
    refused_writes(&app, &c, "head_jjfz").await;
    assert_eq!(
        app.get(&c, "/api/v1/enterprises").await.1["total"],
        300,
        "a functional department serves every street"
    );
}

async fn dept_head_of_street_role(app: TestApp) {
    let c = check_routes(&app, "head_xy", ALL_ZONE).await;
    refused_writes(&app, &c, "head_xy").await;
    let (_, units) = app.get(&c, "/api/v1/org/units").await;
    let units = units.as_array().unwrap();
    let xy = app.unit_id("向阳街道").await;
    assert!(units.iter().any(|u| u["id"] == json!(xy)));
    assert!(
        units.iter().all(|u| u["street_id"] == json!(xy)),
        "only its own street's units"
    );
}

async fn handler_of_department_role(app: TestApp) {
    let c = check_routes(
        &app,
        "handler_jjfz",
        &[
            ("/api/v1/org/units", false),
            ("/api/v1/enterprises", true),
            ("/api/v1/users", false),
            ("/api/v1/audit", false),
        ],
    )
    .await;
    refused_writes(&app, &c, "handler_jjfz").await;
    let (_, list) = app.get(&c, "/api/v1/enterprises?page_size=5").await;
    assert!(
        list["items"][0]["contact_phone"]
            .as_str()
            .unwrap()
            .contains("****"),
        "masked for handlers"
    );
}

async fn handler_of_street_role(app: TestApp) {
    let c = check_routes(
        &app,
        "handler_xy",
        &[
            ("/api/v1/org/units", false),
            ("/api/v1/enterprises", true),
            ("/api/v1/users", false),
            ("/api/v1/audit", false),
        ],
    )
    .await;
    refused_writes(&app, &c, "handler_xy").await;
    let (_, list) = app.get(&c, "/api/v1/enterprises?page_size=200").await;
    let total = list["total"].as_i64().unwrap();
    assert!(total > 0 && total < zone_total(&app).await);
    assert!(
        streets(&list).iter().all(|s| s == "向阳街道"),
        "{:?}",
        streets(&list)
    );
    // another street's enterprise is invisible, by list filter and by id
    let js = app.unit_id("金山街道").await;
    assert_eq!(
        app.get(&c, &format!("/api/v1/enterprises?street_id={js}"))
            .await
            .1["total"],
        0
    );
    let admin = app.login("admin").await;
    let (_, other) = app
        .get(
            &admin,
            &format!("/api/v1/enterprises?street_id={js}&page_size=1"),
        )
        .await;
    let other_id = other["items"][0]["id"].as_str().unwrap();
    assert_error(
        &app.get(&c, &format!("/api/v1/enterprises/{other_id}"))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
        None,
    );
    let (_, ov) = app.get(&c, "/api/v1/overview").await;
    assert_eq!(ov["streets"], 1);
    assert_eq!(ov["enterprises"], total);
}

async fn grid_worker_role(app: TestApp) {
    let c = check_routes(
        &app,
        "grid_xy01",
        &[
            ("/api/v1/org/units", false),
            ("/api/v1/enterprises", true),
            ("/api/v1/users", false),
            ("/api/v1/audit", false),
        ],
    )
    .await;
    refused_writes(&app, &c, "grid_xy01").await;
    let (_, me) = app.get(&c, "/api/v1/auth/me").await;
    let grid = me["org_unit"]["name"].as_str().unwrap().to_string();
    let (_, list) = app.get(&c, "/api/v1/enterprises?page_size=200").await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["grid_name"] == json!(grid)),
        "only its own grid"
    );
}

async fn enterprise_role(app: TestApp) {
    let c = check_routes(
        &app,
        "qiye",
        &[
            ("/api/v1/org/units", false),
            ("/api/v1/enterprises", true),
            ("/api/v1/users", false),
            ("/api/v1/audit", false),
        ],
    )
    .await;
    refused_writes(&app, &c, "qiye").await;
    let (_, me) = app.get(&c, "/api/v1/auth/me").await;
    let own = me["enterprise_id"].as_str().unwrap().to_string();
    let (_, list) = app.get(&c, "/api/v1/enterprises").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], json!(own));
    assert!(
        !list["items"][0]["contact_phone"]
            .as_str()
            .unwrap()
            .contains('*'),
        "its own number in full"
    );
    let admin = app.login("admin").await;
    let (_, others) = app.get(&admin, "/api/v1/enterprises?page_size=2").await;
    let other = others["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] != json!(own))
        .unwrap();
    let r = app
        .get(
            &c,
            &format!("/api/v1/enterprises/{}", other["id"].as_str().unwrap()),
        )
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found", None);
}
