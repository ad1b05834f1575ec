use thiserror::Error;

/// What can go wrong below the HTTP layer. The server maps each variant to one response.
#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `field` names the column when it can be told.
    #[error("唯一性冲突：{field}")]
    Duplicate { field: String },
    /// A foreign key or check constraint refused the write.
    #[error("数据约束冲突：{0}")]
    Constraint(String),
    #[error("记录不存在")]
    NotFound,
    #[error("配置错误：{0}")]
    Config(String),
    #[error("迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("数据库错误：{0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::RowNotFound = e {
            return StoreError::NotFound;
        }
        if let Some(db) = e.as_database_error() {
            if db.is_unique_violation() {
                return StoreError::Duplicate {
                    field: unique_field(db.constraint(), db.message()),
                };
            }
            if db.is_foreign_key_violation() || db.is_check_violation() {
                return StoreError::Constraint(db.message().to_string());
            }
        }
        StoreError::Db(e)
    }
}

/// Unique indexes are named `uq_<table>__<column>` on both backends. PostgreSQL reports the index
/// name; SQLite reports `UNIQUE constraint failed: table.col1, table.col2` — the last column is the
/// one a user typed (the first is usually `zone_id`).
fn unique_field(constraint: Option<&str>, message: &str) -> String {
    if let Some(c) = constraint {
        if let Some((_, col)) = c.split_once("__") {
            return col.to_string();
        }
        return c.to_string();
    }
    message
        .rsplit(['.', ' '])
        .next()
        .unwrap_or("unknown")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::unique_field;

    #[test]
    fn names_the_field() {
        assert_eq!(unique_field(Some("uq_users__username"), ""), "username");
        assert_eq!(
            unique_field(
                None,
                "UNIQUE constraint failed: enterprises.zone_id, enterprises.uscc"
            ),
            "uscc"
        );
    }
}
