//! Attachments of cases: uploaded as multipart, checked by content (type) and size, stored on disk
//! content-addressed by sha256 (`<data_dir>/attachments/ab/abcdef…`), with a JPEG thumbnail for
//! images; every upload is an event in the case's chain.

use super::bj;
use crate::auth::Principal;
use crate::casework::visibility;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::ApiPath;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use jiban_core::case::CaseState;
use jiban_core::files::{clean_file_name, sniff};
use jiban_core::roles::Permission;
use jiban_store::cases::AttachmentRow;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;
use uuid::Uuid;

/// Largest file accepted.
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;
/// Most attachments one case may carry.
pub const MAX_PER_CASE: usize = 50;
/// Longest side of a thumbnail, pixels.
const THUMB: u32 = 320;

#[derive(Serialize, ToSchema)]
pub struct AttachmentOut {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub has_thumb: bool,
    pub note: Option<String>,
    pub uploaded_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Where to download it.
    pub url: String,
    pub thumb_url: Option<String>,
}

impl From<AttachmentRow> for AttachmentOut {
    fn from(a: AttachmentRow) -> Self {
        AttachmentOut {
            url: format!("/api/v1/attachments/{}/download", a.id),
            thumb_url: a
                .has_thumb
                .then(|| format!("/api/v1/attachments/{}/thumbnail", a.id)),
            id: a.id,
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            has_thumb: a.has_thumb,
            note: a.note,
            uploaded_by_name: a.uploaded_by_name,
            created_at: bj(a.created_at),
        }
    }
}

pub(crate) fn blob_path(data_dir: &Path, sha: &str) -> PathBuf {
    data_dir.join("attachments").join(&sha[..2]).join(sha)
}

fn thumb_path(data_dir: &Path, sha: &str) -> PathBuf {
    data_dir
        .join("thumbnails")
        .join(&sha[..2])
        .join(format!("{sha}.jpg"))
}

fn io(e: std::io::Error) -> AppError {
    AppError::Internal(e.into())
}

/// Writes a JPEG thumbnail of an image; false when the image cannot be decoded.
fn make_thumbnail(src: &Path, dest: &Path) -> bool {
    let Ok(img) = image::ImageReader::open(src).and_then(|r| r.with_guessed_format()) else {
        return false;
    };
    let Ok(img) = img.decode() else {
        return false;
    };
    let small = img.thumbnail(THUMB, THUMB).to_rgb8();
    if let Some(dir) = dest.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    small
        .save_with_format(dest, image::ImageFormat::Jpeg)
        .is_ok()
}

/// A file received from a multipart form and stored content-addressed under the data folder.
pub struct Upload {
    /// The cleaned file name.
    pub name: String,
    pub sha256: String,
    pub size: u64,
    /// (kind, content type) from the file's first bytes.
    pub kind: (jiban_core::files::FileKind, &'static str),
    /// Where the bytes are stored.
    pub path: PathBuf,
    /// The text parts named in `text_fields`.
    pub fields: std::collections::HashMap<String, String>,
}

/// Reads a multipart form: one `file` part (at most [`MAX_BYTES`], checked by content) and the
/// named text parts; stores the bytes content-addressed (the same bytes once).
pub async fn receive_upload(
    data_dir: &Path,
    form: &mut Multipart,
    text_fields: &[&str],
) -> ApiResult<Upload> {
    let tmp_dir = data_dir.join("attachments").join("tmp");
    tokio::fs::create_dir_all(&tmp_dir).await.map_err(io)?;
    let bad_form = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("附件超过 {} MB", MAX_BYTES / 1024 / 1024))
        } else {
            AppError::Malformed {
                code: "request.malformed_multipart",
                message: format!("上传内容无法读取：{}", e.body_text()),
            }
        }
    };
    let mut fields = std::collections::HashMap::new();
    let mut file: Option<(String, PathBuf, String, u64, Vec<u8>)> = None;
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some(n) if text_fields.contains(&n) => {
                let n = n.to_string();
                let text = field.text().await.map_err(bad_form)?;
                fields.insert(n, text);
            }
            Some("file") if file.is_none() => {
                let name = clean_file_name(field.file_name().unwrap_or(""))?;
                let tmp = tmp_dir.join(Uuid::now_v7().to_string());
                let mut out = tokio::fs::File::create(&tmp).await.map_err(io)?;
                let mut hasher = Sha256::new();
                let mut size: u64 = 0;
                let mut head = Vec::with_capacity(16);
                while let Some(chunk) = field.chunk().await.map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    bad_form(e)
                })? {
                    size += chunk.len() as u64;
                    if size > MAX_BYTES {
                        drop(out);
                        let _ = tokio::fs::remove_file(&tmp).await;
                        return Err(AppError::TooLarge(format!(
                            "附件“{name}”超过 {} MB",
                            MAX_BYTES / 1024 / 1024
                        )));
                    }
                    if head.len() < 16 {
                        head.extend_from_slice(&chunk[..chunk.len().min(16 - head.len())]);
                    }
                    hasher.update(&chunk);
                    out.write_all(&chunk).await.map_err(io)?;
                }
                out.sync_all().await.map_err(io)?;
                file = Some((name, tmp, hex::encode(hasher.finalize()), size, head));
            }
            _ => {}
        }
    }
    let Some((name, tmp, sha, size, head)) = file else {
        return Err(AppError::invalid(
            "validation.required",
            "file",
            "请选择要上传的附件",
        ));
    };
    let kind = match sniff(&head, &name) {
        Ok(k) => k,
        Err(e) => {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e.into());
        }
    };
    // content-addressed: the same bytes are stored once
    let dest = blob_path(data_dir, &sha);
    if tokio::fs::try_exists(&dest).await.map_err(io)? {
        let _ = tokio::fs::remove_file(&tmp).await;
    } else {
        tokio::fs::create_dir_all(dest.parent().expect("has parent"))
            .await
            .map_err(io)?;
        tokio::fs::rename(&tmp, &dest).await.map_err(io)?;
    }
    Ok(Upload {
        name,
        sha256: sha,
        size,
        kind,
        path: dest,
        fields,
    })
}

/// Uploads one file (`file` part; optional `note` part) to a case the caller can see.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")),
    request_body(content_type = "multipart/form-data", description = "file：附件（≤ 20 MB，图片/PDF/Office 文档）；note：说明（可选）"),
    responses((status = 201, body = AttachmentOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    mut form: Multipart,
) -> ApiResult<(StatusCode, Json<AttachmentOut>)> {
    p.require(Permission::CaseRead)?;
    let case = state
        .store
        .case(p.zone_id(), &visibility(&p), id)
        .await?
        .ok_or_else(|| AppError::not_found("诉求"))?;
    if CaseState::parse(&case.state).is_ok_and(|s| s.is_terminal()) {
        return Err(AppError::Transition {
            code: "case.closed",
            message: "诉求已结束，不能再上传附件".into(),
        });
    }
    if state.store.attachments(id).await?.len() >= MAX_PER_CASE {
        return Err(AppError::invalid(
            "validation.too_many",
            "file",
            format!("每件诉求最多 {MAX_PER_CASE} 个附件"),
        ));
    }
    let data_dir = state.cfg.data_dir.clone();
    let up = receive_upload(&data_dir, &mut form, &["note"]).await?;
    let note = jiban_core::text::optional_line(
        "note",
        "附件说明",
        up.fields.get("note").map(String::as_str),
        200,
    )?;
    let (name, sha, size, kind, dest) = (up.name, up.sha256, up.size, up.kind, up.path);
    let has_thumb = if kind.0.is_image() {
        let (src, th) = (dest.clone(), thumb_path(&data_dir, &sha));
        let ok = tokio::task::spawn_blocking(move || th.exists() || make_thumbnail(&src, &th))
            .await
            .unwrap_or(false);
        if !ok {
            return Err(AppError::invalid(
                "validation.image",
                "file",
                format!("图片“{name}”无法读取，可能已损坏"),
            ));
        }
        true
    } else {
        false
    };

    let mut tx = state.store.begin().await?;
    let mut locked = tx.lock_case(p.zone_id(), id).await?;
    let aid = tx
        .insert_attachment(
            &locked,
            &name,
            kind.1,
            size as i64,
            &sha,
            has_thumb,
            note.as_deref(),
            p.user.id,
        )
        .await?;
    let actor = p.label();
    let st = locked.state.clone();
    tx.append_event(
        &mut locked,
        Some(p.user.id),
        &actor,
        "attach",
        Some(&st),
        json!({ "attachment_id": aid, "file_name": name, "size": size, "sha256": sha, "note": note }),
    )
    .await?;
    tx.save_case(&locked).await?;
    tx.commit().await?;
    let row = state
        .store
        .attachment(p.zone_id(), aid)
        .await?
        .ok_or_else(|| AppError::not_found("附件"))?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// The attachments of a case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")),
    responses((status = 200, body = Vec<AttachmentOut>), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<AttachmentOut>>> {
    p.require(Permission::CaseRead)?;
    state
        .store
        .case(p.zone_id(), &visibility(&p), id)
        .await?
        .ok_or_else(|| AppError::not_found("诉求"))?;
    Ok(Json(
        state
            .store
            .attachments(id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// An attachment the caller may see (through its case), or 404.
async fn visible(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<AttachmentRow> {
    let a = state
        .store
        .attachment(p.zone_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("附件"))?;
    state
        .store
        .case(p.zone_id(), &visibility(p), a.case_id)
        .await?
        .ok_or_else(|| AppError::not_found("附件"))?;
    Ok(a)
}

pub(crate) fn disposition(name: &str) -> HeaderValue {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"download\"; filename*=UTF-8''{encoded}"
    ))
    .expect("ascii header")
}

/// Downloads an attachment.
#[utoipa::path(get, path = "/api/v1/attachments/{id}/download", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "附件 id")),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    p.require(Permission::CaseRead)?;
    let a = visible(&state, &p, id).await?;
    let bytes = tokio::fs::read(blob_path(&state.cfg.data_dir, &a.sha256))
        .await
        .map_err(|e| {
            AppError::Internal(anyhow::anyhow!("attachment {} missing on disk: {e}", a.id))
        })?;
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&a.content_type).expect("ascii mime"),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(&a.file_name));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Ok((h, bytes))
}

/// A 320-pixel JPEG preview of an image attachment.
#[utoipa::path(get, path = "/api/v1/attachments/{id}/thumbnail", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "附件 id")),
    responses((status = 200, description = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn thumbnail(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    p.require(Permission::CaseRead)?;
    let a = visible(&state, &p, id).await?;
    if !a.has_thumb {
        return Err(AppError::not_found("缩略图"));
    }
    let bytes = tokio::fs::read(thumb_path(&state.cfg.data_dir, &a.sha256))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("thumbnail {} missing: {e}", a.id)))?;
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok((h, bytes))
}
