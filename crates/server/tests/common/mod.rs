//! Starts the real application on 127.0.0.1:0 over a fresh database of either backend, with a
//! small deterministic demo zone (300 enterprises, every demo account), and talks to it over HTTP.
#![allow(dead_code)]

use jiban_server::config::Config;
use jiban_store::{Backend, Store};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

pub const PASSWORD: &str = jiban_demo::DEMO_PASSWORD;

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub backend: Backend,
    pub zone_id: uuid::Uuid,
}

/// Runs a test body once on SQLite and once on PostgreSQL (when configured).
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                let app = $crate::common::spawn(jiban_store::Backend::Sqlite, |_| {}).await.unwrap();
                super::$name(app).await;
            } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                if let Some(app) = $crate::common::spawn(jiban_store::Backend::Postgres, |_| {}).await {
                    super::$name(app).await;
                }
            } )*
        }
    };
}

/// A started app, or `None` when the backend is PostgreSQL and it is not configured.
pub async fn spawn(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
    let url = jiban_store::testing::fresh_url(backend).await?;
    let mut cfg = Config {
        database_url: url,
        listen: "127.0.0.1:0".into(),
        // uploaded files go to a folder of this test, not into the source tree
        data_dir: std::env::temp_dir().join(format!("jiban-test-{}", uuid::Uuid::now_v7())),
        ..Config::default()
    };
    // tests run the nightly work themselves, when they mean to
    cfg.jobs.nightly_hour = 24;
    tweak(&mut cfg);
    let store = jiban_server::open_store(&cfg).await.expect("open store");
    let demo = jiban_demo::generate(jiban_server::demo::DEMO_SEED, 300);
    let summary = jiban_server::demo::load_zone(&store, &demo)
        .await
        .expect("load demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let s = store.clone();
    tokio::spawn(async move {
        jiban_server::serve(cfg, s, listener, std::future::pending())
            .await
            .unwrap();
    });
    Some(TestApp {
        base: format!("http://{addr}"),
        store,
        backend,
        zone_id: summary.zone_id,
    })
}

/// A client with its own cookie jar.
pub fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client signed in as `username` with the demo password.
    pub async fn login(&self, username: &str) -> Client {
        let c = client();
        let r = c
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "login {username}: {}",
            r.text().await.unwrap()
        );
        c
    }

    pub async fn get(&self, c: &Client, path: &str) -> (StatusCode, Value) {
        body(c.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post(&self, c: &Client, path: &str, json: Value) -> (StatusCode, Value) {
        body(c.post(self.url(path)).json(&json).send().await.unwrap()).await
    }

    pub async fn patch(&self, c: &Client, path: &str, json: Value) -> (StatusCode, Value) {
        body(c.patch(self.url(path)).json(&json).send().await.unwrap()).await
    }

    /// The id of the unit with this name.
    pub async fn unit_id(&self, name: &str) -> uuid::Uuid {
        self.store
            .org_units(self.zone_id)
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.name == name)
            .unwrap_or_else(|| panic!("no unit {name}"))
            .id
    }
}

pub async fn body(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().await.unwrap();
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, v)
}

/// Asserts an error response: status, stable code and (optionally) the field named.
pub fn assert_error(
    got: &(StatusCode, Value),
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["code"], code, "{}", got.1);
    let msg = got.1["message"].as_str().unwrap_or_default();
    assert!(
        msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "message must be Chinese: {msg}"
    );
    if let Some(f) = field {
        assert_eq!(got.1["field"], f, "{}", got.1);
    }
}
