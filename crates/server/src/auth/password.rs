//! argon2id password hashes (PHC strings). Hashing is CPU-heavy, so it runs off the async threads.

use crate::error::AppError;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

/// Hashes a password with a fresh salt.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
}

pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let hashed: Result<PasswordHash, _> = Argon2::default().hash_password(password.as_bytes());
    hashed
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))
}

/// Checks a password against a stored hash; a malformed hash counts as a mismatch.
pub async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A valid hash of no one's password, verified against when the username is unknown so that the
/// response time does not tell which usernames exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_blocking("decoy-password-0").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn round_trip() {
        let h = super::hash("Jiban@2025".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("Jiban@2025".into(), h.clone()).await);
        assert!(!super::verify("jiban@2025".into(), h).await);
        assert!(!super::verify("x".into(), "not-a-hash".into()).await);
    }
}
