//! Random secrets and their hashes. Only hashes are stored.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the OS generator, base64url without padding.
pub fn random_string(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A new API token `jb_<8-char prefix>_<secret>`; the prefix is shown in lists to tell tokens apart.
pub fn new_api_token() -> (String, String) {
    let prefix: String = random_string(6)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    let token = format!("jb_{prefix}_{}", random_string(32));
    (token, prefix)
}
