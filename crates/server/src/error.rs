//! One error type for every handler, mapped to `{code, message, field?}` with a Chinese message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiban_core::error::DomainError;
use jiban_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `validation.uscc.check_digit`.
    pub code: String,
    /// Human-readable Chinese message.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read at all.
    #[error("{message}")]
    Malformed { code: &'static str, message: String },
    /// 401: no valid session or token.
    #[error("{message}")]
    Unauthenticated { code: &'static str, message: String },
    /// 403: signed in, but not allowed.
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// 404: absent, or outside the caller's data scope.
    #[error("{0}")]
    NotFound(String),
    /// 409: a unique value is taken.
    #[error("{message}")]
    Conflict { field: String, message: String },
    /// 409: the case (or request) is not in a state that allows this.
    #[error("{message}")]
    Transition { code: &'static str, message: String },
    /// 422: well-formed but wrong.
    #[error("{message}")]
    Invalid {
        code: String,
        field: Option<String>,
        message: String,
    },
    /// 413: body too large.
    #[error("{0}")]
    TooLarge(String),
    /// 423: account temporarily locked.
    #[error("{0}")]
    Locked(String),
    /// 429: too many attempts.
    #[error("{0}")]
    Throttled(String),
    /// 500: our fault; details go to the log, not to the client.
    #[error("内部错误")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(code: &str, field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            code: code.to_string(),
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!("{what}不存在或无权查看"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Malformed { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } | AppError::Transition { .. } => StatusCode::CONFLICT,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Locked(_) => StatusCode::LOCKED,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (code, field): (&str, Option<&str>) = match self {
            AppError::Malformed { code, .. }
            | AppError::Unauthenticated { code, .. }
            | AppError::Forbidden { code, .. }
            | AppError::Transition { code, .. } => (code, None),
            AppError::NotFound(_) => ("not_found", None),
            AppError::Conflict { field, .. } => ("conflict.duplicate", Some(field)),
            AppError::Invalid { code, field, .. } => (code, field.as_deref()),
            AppError::TooLarge(_) => ("request.too_large", None),
            AppError::Locked(_) => ("auth.locked", None),
            AppError::Throttled(_) => ("auth.throttled", None),
            AppError::Internal(_) => ("internal", None),
        };
        ErrorBody {
            code: code.to_string(),
            message: self.to_string(),
            field: field.map(str::to_string),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        }
        (self.status(), axum::Json(self.body())).into_response()
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Invalid {
            code: e.code.to_string(),
            field: Some(e.field.to_string()),
            message: e.message,
        }
    }
}

/// Chinese names of the fields that can collide.
fn field_label(field: &str) -> &str {
    match field {
        "username" => "用户名",
        "code" => "编码",
        "uscc" => "统一社会信用代码",
        "name" => "名称",
        other => other,
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate { field } => AppError::Conflict {
                message: format!("{}已被使用", field_label(&field)),
                field,
            },
            StoreError::NotFound => AppError::not_found("记录"),
            StoreError::Constraint(m) => AppError::Invalid {
                code: "validation.constraint".into(),
                field: None,
                message: format!("数据不满足约束：{m}"),
            },
            other => AppError::Internal(other.into()),
        }
    }
}

pub type ApiResult<T> = Result<T, AppError>;
