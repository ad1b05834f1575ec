//! Imports (批量导入): upload → mapping → preview (row errors, nothing written) → confirm →
//! background write with progress. The logic is in `crate::import`.

use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::import::{self, Columns, FieldSpec, RowError};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use jiban_core::roles::Permission;
use jiban_store::audit::NewAudit;
use jiban_store::imports::ImportJobRow;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct ImportOut {
    pub id: Uuid,
    /// enterprises | indicator_values
    pub kind: String,
    pub file_name: String,
    /// uploaded | previewed | running | done | failed
    pub status: String,
    pub headers: Vec<String>,
    /// The first 10 data rows.
    pub sample: Vec<Vec<String>>,
    pub total_rows: i64,
    pub fields: Vec<FieldSpec>,
    /// Target field → the file's header (null: not imported).
    pub mapping: BTreeMap<String, Option<String>>,
    /// The first 2,000 errors of the preview, by row.
    pub errors: Vec<RowError>,
    pub error_count: i64,
    pub to_insert: i64,
    pub to_update: i64,
    pub processed: i64,
    pub inserted: i64,
    pub updated: i64,
    pub message: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    pub created_by_name: Option<String>,
}

fn out(j: ImportJobRow) -> ImportOut {
    let r = &j.report.0;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| x.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    ImportOut {
        id: j.id,
        fields: import::fields_of(&j.kind).unwrap_or_default().to_vec(),
        kind: j.kind,
        file_name: j.file_name,
        status: j.status,
        headers: strings(&r["headers"]),
        sample: r["sample"]
            .as_array()
            .map(|rows| rows.iter().map(strings).collect())
            .unwrap_or_default(),
        total_rows: j.total_rows,
        mapping: serde_json::from_value(j.mapping.0).unwrap_or_default(),
        errors: serde_json::from_value(r["errors"].clone()).unwrap_or_default(),
        error_count: r["error_count"].as_i64().unwrap_or(0),
        to_insert: r["to_insert"].as_i64().unwrap_or(0),
        to_update: r["to_update"].as_i64().unwrap_or(0),
        processed: j.processed,
        inserted: j.inserted,
        updated: j.updated,
        message: j.message,
        created_at: j.created_at,
        finished_at: j.finished_at,
        created_by_name: j.created_by_name,
    }
}

/// Who may import what: the registry needs `enterprise.write`, values `indicator.write`.
fn require_for(p: &Principal, kind: &str) -> ApiResult<()> {
    match kind {
        "indicator_values" => p.require(Permission::IndicatorWrite),
        _ => p.require(Permission::EnterpriseWrite),
    }
}

async fn job(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<ImportJobRow> {
    let j = state
        .store
        .import_job(p.zone_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("导入任务"))?;
    require_for(p, &j.kind)?;
    Ok(j)
}

/// Uploads a file (multipart: `kind`, `file`); answers its headers, a sample and a suggested
/// column mapping. Nothing is imported yet.
#[utoipa::path(post, path = "/api/v1/imports", tag = "批量导入",
    request_body(content_type = "multipart/form-data", description = "kind = enterprises | indicator_values; file = .xlsx / .csv"),
    responses((status = 201, body = ImportOut), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    p: Principal,
    mut form: Multipart,
) -> ApiResult<(StatusCode, Json<ImportOut>)> {
    let bad_form = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("文件超过 {} MB", import::MAX_BYTES / 1024 / 1024))
        } else {
            AppError::Malformed {
                code: "request.malformed_multipart",
                message: format!("上传内容无法读取：{}", e.body_text()),
            }
        }
    };
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("kind") => kind = Some(field.text().await.map_err(bad_form)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(bad_form)?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let kind = kind.unwrap_or_else(|| "enterprises".into());
    let fields = import::fields_of(kind.trim())?;
    require_for(&p, kind.trim())?;
    let (name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| AppError::invalid("validation.required", "file", "请选择要导入的文件"))?;
    let file_name = jiban_core::files::clean_file_name(&name).map_err(|e| e.with_field("file"))?;
    let table = {
        let (n, b) = (file_name.clone(), bytes.clone());
        tokio::task::spawn_blocking(move || import::read_table(&n, &b))
            .await
            .map_err(|e| AppError::Internal(e.into()))??
    };
    let mapping = import::suggest_mapping(fields, &table.headers);
    let report = import::report_json(&table, &[], 0, 0);
    let mut tx = state.store.begin().await?;
    let id = tx
        .insert_import_job(
            p.zone_id(),
            kind.trim(),
            &file_name,
            &bytes,
            &report,
            &serde_json::to_value(&mapping).unwrap_or_default(),
            table.rows.len() as i64,
            p.user.id,
        )
        .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "import.upload",
            target_type: "import_job",
            target_id: Some(id),
            detail: json!({ "kind": kind.trim(), "file_name": file_name, "rows": table.rows.len(), "bytes": bytes.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(out(job(&state, &p, id).await?))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewIn {
    /// Target field → the file's header (null or absent: not imported).
    pub mapping: BTreeMap<String, Option<String>>,
}

/// Checks every row with this mapping: the errors by row and column, and how many enterprises
/// would be added and updated. Writes nothing but the report.
#[utoipa::path(post, path = "/api/v1/imports/{id}/preview", tag = "批量导入",
    params(("id" = Uuid, Path, description = "导入任务 id")),
    request_body = PreviewIn,
    responses((status = 200, body = ImportOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PreviewIn>,
) -> ApiResult<Json<ImportOut>> {
    let j = job(&state, &p, id).await?;
    if !matches!(j.status.as_str(), "uploaded" | "previewed") {
        return Err(AppError::Transition {
            code: "import.state",
            message: "该导入任务已确认，不能再预览".into(),
        });
    }
    let fields = import::fields_of(&j.kind)?;
    let bytes = state.store.import_content(id).await?;
    let table = import::read_table(&j.file_name, &bytes)?;
    let cols = Columns::new(fields, &table.headers, &body.mapping)?;
    let (errors, to_insert, to_update) = if j.kind == "indicator_values" {
        let c = import::check_values(&state, p.zone_id(), &table, &cols).await?;
        (c.errors, c.to_insert, c.to_update)
    } else {
        let (c, _) = import::check_enterprises(&state, p.zone_id(), &table, &cols).await?;
        (c.errors, c.to_insert, c.to_update)
    };
    let report = import::report_json(&table, &errors, to_insert, to_update);
    let mut tx = state.store.begin().await?;
    tx.update_import_job(
        id,
        &["uploaded", "previewed"],
        "previewed",
        &serde_json::to_value(&body.mapping).unwrap_or_default(),
        &report,
        0,
        0,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(out(job(&state, &p, id).await?)))
}

/// Starts writing a previewed job without errors; answers at once (`running`), progress via
/// `GET /imports/{id}`.
#[utoipa::path(post, path = "/api/v1/imports/{id}/confirm", tag = "批量导入",
    params(("id" = Uuid, Path, description = "导入任务 id")),
    responses((status = 202, body = ImportOut), (status = 409, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(StatusCode, Json<ImportOut>)> {
    let j = job(&state, &p, id).await?;
    if j.status == "uploaded" {
        return Err(AppError::Transition {
            code: "import_not_previewed",
            message: "请先预览校验，再确认导入".into(),
        });
    }
    if j.status != "previewed" {
        return Err(AppError::Transition {
            code: "import.state",
            message: "该导入任务已确认过".into(),
        });
    }
    let errors = j.report.0["error_count"].as_i64().unwrap_or(0);
    if errors > 0 {
        return Err(AppError::Transition {
            code: "import_has_errors",
            message: format!("文件中有 {errors} 处错误，修正后重新上传；未写入任何数据"),
        });
    }
    let mut tx = state.store.begin().await?;
    // the guard on the old status makes a double click start one job
    tx.update_import_job(
        id,
        &["previewed"],
        "running",
        &j.mapping.0,
        &j.report.0,
        0,
        0,
        None,
    )
    .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "import.confirm",
            target_type: "import_job",
            target_id: Some(id),
            detail: json!({ "kind": j.kind, "file_name": j.file_name, "rows": j.total_rows }),
        },
    )
    .await?;
    tx.commit().await?;
    let bg_state = state.clone();
    let bg_p = p.clone();
    tokio::spawn(async move {
        let result = import::run_job(&bg_state, &bg_p, id).await;
        let (status, inserted, updated, message) = match result {
            Ok((i, u)) => ("done", i, u, None),
            Err(e) => {
                tracing::warn!(error = %e, job = %id, "import failed");
                ("failed", 0, 0, Some(e.to_string()))
            }
        };
        let finish = async {
            let j = bg_state
                .store
                .import_job(bg_p.zone_id(), id)
                .await?
                .ok_or(jiban_store::StoreError::NotFound)?;
            let mut tx = bg_state.store.begin().await?;
            tx.update_import_job(
                id,
                &["running"],
                status,
                &j.mapping.0,
                &j.report.0,
                inserted,
                updated,
                message.as_deref(),
            )
            .await?;
            tx.audit(
                &bg_p.actor(),
                NewAudit {
                    zone_id: bg_p.zone_id(),
                    action: "import.finish",
                    target_type: "import_job",
                    target_id: Some(id),
                    detail: json!({ "status": status, "inserted": inserted, "updated": updated, "message": message }),
                },
            )
            .await?;
            tx.commit().await
        };
        if let Err(e) = finish.await {
            tracing::error!(error = %e, job = %id, "could not record the end of an import");
        }
    });
    Ok((StatusCode::ACCEPTED, Json(out(job(&state, &p, id).await?))))
}

/// One job, with its progress.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "批量导入",
    params(("id" = Uuid, Path, description = "导入任务 id")),
    responses((status = 200, body = ImportOut), (status = 404, body = ErrorBody)))]
pub async fn get_import(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ImportOut>> {
    Ok(Json(out(job(&state, &p, id).await?)))
}

/// The zone's latest 30 jobs (without their errors).
#[utoipa::path(get, path = "/api/v1/imports", tag = "批量导入",
    responses((status = 200, body = Vec<ImportOut>)))]
pub async fn list_imports(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<ImportOut>>> {
    if !p.role.has(Permission::EnterpriseWrite) && !p.role.has(Permission::IndicatorWrite) {
        p.require(Permission::EnterpriseWrite)?;
    }
    Ok(Json(
        state
            .store
            .import_jobs(p.zone_id(), 30)
            .await?
            .into_iter()
            .map(|j| ImportOut {
                errors: Vec::new(),
                sample: Vec::new(),
                ..out(j)
            })
            .collect(),
    ))
}
