//! The jiban HTTP server: routes, authentication and data scopes, the OpenAPI document, the
//! embedded web app, and the demo-zone loader.

pub mod assessment;
pub mod auth;
pub mod bands;
pub mod casework;
pub mod config;
pub mod debounce;
pub mod demo;
pub mod error;
pub mod extract;
pub mod import;
pub mod outbox;
pub mod policies;
pub mod routes;
pub mod routing;
pub mod spa;
pub mod state;
pub mod sweep;

use crate::config::Config;
use crate::state::AppState;
use axum::Router;
use axum::http::{HeaderName, StatusCode};
use axum::routing::get;
use jiban_store::{Store, StoreOptions};
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "即办 jiban API",
        description = "开发区政企服务与基层治理平台的 HTTP API。错误统一为 `{code, message, field?}`，message 为中文。浏览器使用会话 Cookie（jiban_session），机器客户端使用 `Authorization: Bearer jb_…` API 令牌。",
        version = env!("CARGO_PKG_VERSION")
    ),
    components(schemas(error::ErrorBody))
)]
struct ApiDoc;

/// The OpenAPI document, built from the same route list as the router.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = routes::api_router().split_for_parts();
    let mut doc = ApiDoc::openapi();
    doc.merge(api);
    doc
}

/// The whole application: API, docs, probes and the web app, with its middleware.
pub fn app(state: AppState) -> Router {
    let (api, _) = routes::api_router().split_for_parts();
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", openapi()))
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .fallback(spa::serve)
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("http", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(CatchPanicLayer::new())
}

/// Opens the store described by the configuration (migrating it).
pub async fn open_store(cfg: &Config) -> anyhow::Result<Store> {
    let opts = StoreOptions {
        max_connections: cfg.max_connections,
        ..Default::default()
    };
    Store::connect(&cfg.database_url, &opts).await.map_err(|e| {
        anyhow::anyhow!(
            "无法打开数据库 {}：{e}",
            jiban_store::redact_url(&cfg.database_url)
        )
    })
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    cfg: Config,
    store: Store,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // an import left running by a node that stopped cannot finish any more
    if let Ok(n) = store.fail_stale_imports().await
        && n > 0
    {
        tracing::warn!(jobs = n, "imports interrupted by a restart marked failed");
    }
    let mut jobs = vec![tokio::spawn(housekeeping(store.clone()))];
    if cfg.jobs.sweep_interval_secs > 0 {
        let every = Duration::from_secs(cfg.jobs.sweep_interval_secs);
        jobs.push(tokio::spawn(sweep::run_forever(
            store.clone(),
            cfg.office_hours(),
            every,
        )));
    }
    if cfg.jobs.outbox_interval_secs > 0 {
        let every = Duration::from_secs(cfg.jobs.outbox_interval_secs);
        jobs.push(tokio::spawn(outbox::run_forever(
            store.clone(),
            cfg.outbox.clone(),
            every,
        )));
    }
    let state = AppState::new(store.clone(), cfg);
    if state.cfg.jobs.nightly_hour < 24 {
        jobs.push(tokio::spawn(routing::run_nightly(state.clone())));
    }
    if state.cfg.jobs.sweep_interval_secs > 0 {
        // the Monday ranking and the escalation of unanswered letters, checked as often as the
        // deadline sweep (at most once a minute)
        let every = Duration::from_secs(state.cfg.jobs.sweep_interval_secs.max(60));
        jobs.push(tokio::spawn(assessment::run_forever(state.clone(), every)));
    }
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    for j in jobs {
        j.abort();
    }
    store.close().await;
    Ok(())
}

/// Hourly removal of expired sessions and old login failures. Several nodes may run it; the
/// lease makes one do the work.
async fn housekeeping(store: Store) {
    let holder = jiban_store::new_id().to_string();
    let mut tick = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(60),
        Duration::from_secs(3600),
    );
    loop {
        tick.tick().await;
        match store
            .try_lease("housekeeping", &holder, time::Duration::minutes(50))
            .await
        {
            Ok(true) => {
                let now = jiban_store::now();
                // expired sessions are kept a day, so a returning user is told "expired"
                let day_ago = now - time::Duration::days(1);
                match store.purge_expired(day_ago, day_ago).await {
                    Ok(n) => tracing::info!(
                        rows = n,
                        "housekeeping: purged expired sessions and login failures"
                    ),
                    Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "housekeeping lease failed"),
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
