//! Request extractors that turn every kind of bad input into a clear [`AppError`].

use crate::error::AppError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

/// JSON body. Syntax errors → 400 `request.malformed_json`; unknown fields → 422
/// `request.unknown_field` naming the field; missing or mistyped fields → 422 naming the field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(json_rejection(rej)),
        }
    }
}

fn json_rejection(rej: JsonRejection) -> AppError {
    match rej {
        JsonRejection::JsonSyntaxError(e) => AppError::Malformed {
            code: "request.malformed_json",
            message: format!("请求体不是合法的 JSON：{}", tail(&e.body_text())),
        },
        JsonRejection::MissingJsonContentType(_) => AppError::Malformed {
            code: "request.content_type",
            message: "请求头 Content-Type 必须为 application/json".into(),
        },
        JsonRejection::JsonDataError(e) => data_error(&e.body_text()),
        JsonRejection::BytesRejection(_) => AppError::TooLarge("请求体过大或无法读取".into()),
        other => AppError::Malformed {
            code: "request.malformed_json",
            message: format!("无法读取请求体：{}", other.body_text()),
        },
    }
}

/// serde's messages look like "…: name: unknown field `foo`, expected one of …" or
/// "…: missing field `bar` at line 1 column 2" or "…: page: invalid type: …".
fn data_error(text: &str) -> AppError {
    let detail = tail(text);
    if let Some(f) = between(&detail, "unknown field `", "`") {
        return AppError::Invalid {
            code: "request.unknown_field".into(),
            message: format!("不支持的字段“{f}”"),
            field: Some(f),
        };
    }
    if let Some(f) = between(&detail, "missing field `", "`") {
        return AppError::Invalid {
            code: "validation.required".into(),
            message: format!("缺少必填字段“{f}”"),
            field: Some(f),
        };
    }
    // "path.to.field: invalid type: …"
    let field = detail
        .split_once(": ")
        .map(|(f, _)| f.to_string())
        .filter(|f| !f.contains(' '));
    AppError::Invalid {
        code: "validation.type".into(),
        message: match &field {
            Some(f) => format!("字段“{f}”的类型或取值不正确"),
            None => format!("请求内容不正确：{detail}"),
        },
        field,
    }
}

fn tail(text: &str) -> String {
    // axum prefixes "Failed to deserialize the JSON body into the target type: "
    text.split_once("target type: ")
        .map(|(_, t)| t)
        .unwrap_or(text)
        .to_string()
}

fn between(s: &str, start: &str, end: &str) -> Option<String> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(s[i..j].to_string())
}

/// Query string, with errors → 400 `request.invalid_query` naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let text = e.body_text();
                let field = between(&text, "unknown field `", "`")
                    .or_else(|| between(&text, "missing field `", "`"));
                Err(AppError::Invalid {
                    code: "request.invalid_query".into(),
                    message: match &field {
                        Some(f) => format!("查询参数“{f}”不正确"),
                        None => {
                            format!("查询参数不正确：{}", text.rsplit(": ").next().unwrap_or(""))
                        }
                    },
                    field,
                })
            }
            Err(other) => Err(AppError::Malformed {
                code: "request.invalid_query",
                message: format!("查询参数不正确：{}", other.body_text()),
            }),
        }
    }
}

/// Where a request came from, for the audit trail and throttling.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(256).collect::<String>())
        };
        Ok(RequestMeta {
            ip: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
            request_id: header("x-request-id"),
            user_agent: header("user-agent"),
        })
    }
}

/// Path parameters, with a malformed id → 400 `request.invalid_path` instead of axum's plain text.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(p) => Ok(ApiPath(p.0)),
            Err(e) => {
                tracing::debug!(error = %e.body_text(), "bad path parameter");
                Err(AppError::Malformed {
                    code: "request.invalid_path",
                    message: "链接中的编号格式不正确".into(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_the_field() {
        let e = data_error(
            "Failed to deserialize the JSON body into the target type: unknown field `nmae`, expected one of `name`, `kind` at line 1 column 8",
        );
        assert_eq!(e.body().code, "request.unknown_field");
        assert_eq!(e.body().field.as_deref(), Some("nmae"));
        let e = data_error(
            "Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 20",
        );
        assert_eq!(e.body().field.as_deref(), Some("password"));
        let e = data_error(
            "Failed to deserialize the JSON body into the target type: sort_order: invalid type: string \"a\", expected i32 at line 1 column 17",
        );
        assert_eq!(e.body().field.as_deref(), Some("sort_order"));
    }
}
