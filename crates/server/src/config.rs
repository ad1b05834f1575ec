//! Configuration: defaults, then an optional TOML file, then `JIBAN_*` environment variables.
//! Secrets (the database password) are redacted wherever the configuration is printed.

use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub listen: String,
    /// `sqlite://data/jiban.db` (default) or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// Folder for attachments, backups and the SQLite file.
    pub data_dir: PathBuf,
    /// Largest connection pool per app node.
    pub max_connections: u32,
    pub auth: AuthConfig,
    pub log: LogConfig,
    pub jobs: JobsConfig,
    pub outbox: OutboxConfig,
    /// Office hours that working-hour deadlines count, e.g. `08:30-12:00,14:00-17:30`.
    pub office_hours: String,
    /// Returns (退回) a case may take before a supervisor must decide where it goes.
    pub bounce_limit: u32,
    /// Folder with the fonts of warning letters (仿宋_GB2312, 方正小标宋 …); Noto Serif CJK is
    /// used for what it lacks, and without it.
    pub letter_font_dir: Option<PathBuf>,
}

/// Background jobs (each runs on one node at a time, by lease).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Seconds between deadline sweeps (reminders, escalation); 0 turns the sweep off.
    pub sweep_interval_secs: u64,
    /// Seconds between outbox delivery passes; 0 turns delivery off.
    pub outbox_interval_secs: u64,
    /// Hour (Beijing time, 0–23) after which the nightly work runs: retraining the dispatch
    /// model and the duplicate sweep; 24 turns it off.
    pub nightly_hour: u8,
    /// Open cases further apart than this many days are never duplicates.
    pub duplicate_window_days: u32,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            sweep_interval_secs: 300,
            outbox_interval_secs: 30,
            nightly_hour: 2,
            duplicate_window_days: 30,
        }
    }
}

/// Where outbound messages go (HTTP POST of `{id, channel, to, payload}`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxConfig {
    /// The SMS gateway's endpoint.
    pub sms_url: Option<String>,
    /// Default endpoint for webhook messages without their own URL.
    pub webhook_url: Option<String>,
    /// The superior platform's (e.g. the city 12345 platform's) endpoint.
    pub superior_url: Option<String>,
    /// Attempts before a message is marked failed.
    pub max_attempts: i32,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            sms_url: None,
            webhook_url: None,
            superior_url: None,
            max_attempts: 8,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// A session ends after this long without a request.
    pub session_idle_minutes: i64,
    /// Consecutive wrong passwords that lock an account…
    pub max_failed_logins: i32,
    /// …for this long.
    pub lock_minutes: i64,
    /// Failed logins from one address within 15 minutes before that address is refused.
    pub ip_failures_per_15min: i64,
    /// Send the session cookie only over HTTPS (turn on behind a TLS proxy).
    pub cookie_secure: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter, e.g. `info,jiban_server=debug`.
    pub level: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/jiban.db".into(),
            data_dir: PathBuf::from("data"),
            max_connections: 8,
            auth: AuthConfig::default(),
            log: LogConfig::default(),
            jobs: JobsConfig::default(),
            outbox: OutboxConfig::default(),
            office_hours: "08:30-12:00,14:00-17:30".into(),
            bounce_limit: 2,
            letter_font_dir: None,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            session_idle_minutes: 8 * 60,
            max_failed_logins: 5,
            lock_minutes: 15,
            ip_failures_per_15min: 50,
            cookie_secure: false,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: "text".into(),
            level: "info".into(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &jiban_store::redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("max_connections", &self.max_connections)
            .field("auth", &self.auth)
            .field("log", &self.log)
            .field("jobs", &self.jobs)
            .field("outbox", &self.outbox)
            .field("office_hours", &self.office_hours)
            .field("bounce_limit", &self.bounce_limit)
            .field("letter_font_dir", &self.letter_font_dir)
            .finish()
    }
}

impl Config {
    /// Loads `path` (if given, it must exist; else `./jiban.toml` if present), then applies the
    /// environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let file = match path {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from("jiban.toml")).filter(|p| p.exists()),
        };
        let mut cfg = match file {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| anyhow::anyhow!("无法读取配置文件 {}：{e}", p.display()))?;
                toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("配置文件 {} 有误：{e}", p.display()))?
            }
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok())?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks what cannot be checked field by field.
    pub fn validate(&self) -> anyhow::Result<()> {
        jiban_core::calendar::OfficeHours::parse(&self.office_hours)
            .map_err(|e| anyhow::anyhow!("配置项 office_hours 有误：{}", e.message))?;
        if self.jobs.nightly_hour > 24 {
            anyhow::bail!(
                "配置项 jobs.nightly_hour 应为 0–23（24 表示关闭），收到 {}",
                self.jobs.nightly_hour
            );
        }
        if !(1..=365).contains(&self.jobs.duplicate_window_days) {
            anyhow::bail!(
                "配置项 jobs.duplicate_window_days 应为 1–365 天，收到 {}",
                self.jobs.duplicate_window_days
            );
        }
        Ok(())
    }

    /// The parsed office hours (the default when the setting is invalid; `validate` refuses that
    /// at start).
    pub fn office_hours(&self) -> jiban_core::calendar::OfficeHours {
        jiban_core::calendar::OfficeHours::parse(&self.office_hours).unwrap_or_default()
    }

    /// Applies `JIBAN_*` variables through `get` (injected for tests).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        fn num<T: std::str::FromStr>(key: &str, v: String) -> anyhow::Result<T> {
            v.trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("环境变量 {key} 的值“{v}”不是有效数字"))
        }
        if let Some(v) = get("JIBAN_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = get("JIBAN_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = get("JIBAN_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("JIBAN_LETTER_FONT_DIR") {
            self.letter_font_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = get("JIBAN_MAX_CONNECTIONS") {
            self.max_connections = num("JIBAN_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = get("JIBAN_SESSION_IDLE_MINUTES") {
            self.auth.session_idle_minutes = num("JIBAN_SESSION_IDLE_MINUTES", v)?;
        }
        if let Some(v) = get("JIBAN_MAX_FAILED_LOGINS") {
            self.auth.max_failed_logins = num("JIBAN_MAX_FAILED_LOGINS", v)?;
        }
        if let Some(v) = get("JIBAN_LOCK_MINUTES") {
            self.auth.lock_minutes = num("JIBAN_LOCK_MINUTES", v)?;
        }
        if let Some(v) = get("JIBAN_IP_FAILURES_PER_15MIN") {
            self.auth.ip_failures_per_15min = num("JIBAN_IP_FAILURES_PER_15MIN", v)?;
        }
        if let Some(v) = get("JIBAN_COOKIE_SECURE") {
            self.auth.cookie_secure = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Some(v) = get("JIBAN_SWEEP_INTERVAL_SECS") {
            self.jobs.sweep_interval_secs = num("JIBAN_SWEEP_INTERVAL_SECS", v)?;
        }
        if let Some(v) = get("JIBAN_OUTBOX_INTERVAL_SECS") {
            self.jobs.outbox_interval_secs = num("JIBAN_OUTBOX_INTERVAL_SECS", v)?;
        }
        if let Some(v) = get("JIBAN_NIGHTLY_HOUR") {
            self.jobs.nightly_hour = num("JIBAN_NIGHTLY_HOUR", v)?;
        }
        if let Some(v) = get("JIBAN_DUPLICATE_WINDOW_DAYS") {
            self.jobs.duplicate_window_days = num("JIBAN_DUPLICATE_WINDOW_DAYS", v)?;
        }
        if let Some(v) = get("JIBAN_SMS_URL") {
            self.outbox.sms_url = Some(v);
        }
        if let Some(v) = get("JIBAN_WEBHOOK_URL") {
            self.outbox.webhook_url = Some(v);
        }
        if let Some(v) = get("JIBAN_SUPERIOR_URL") {
            self.outbox.superior_url = Some(v);
        }
        if let Some(v) = get("JIBAN_BOUNCE_LIMIT") {
            self.bounce_limit = num("JIBAN_BOUNCE_LIMIT", v)?;
        }
        if let Some(v) = get("JIBAN_OFFICE_HOURS") {
            self.office_hours = v;
        }
        if let Some(v) = get("JIBAN_LOG") {
            self.log.level = v;
        }
        if let Some(v) = get("JIBAN_LOG_FORMAT") {
            self.log.format = v;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_and_debug_redacts() {
        let mut c = Config::default();
        c.apply_env(|k| match k {
            "JIBAN_DATABASE_URL" => Some("postgres://u:topsecret@127.0.0.1/j".into()),
            "JIBAN_LOCK_MINUTES" => Some("3".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.auth.lock_minutes, 3);
        let shown = format!("{c:?}");
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(shown.contains("u:***@"));
    }

    #[test]
    fn bad_numbers_are_named() {
        let mut c = Config::default();
        let e = c
            .apply_env(|k| (k == "JIBAN_LOCK_MINUTES").then(|| "abc".into()))
            .unwrap_err();
        assert!(e.to_string().contains("JIBAN_LOCK_MINUTES"));
    }

    #[test]
    fn toml_rejects_unknown_keys() {
        assert!(toml::from_str::<Config>("listne = \"x\"").is_err());
        let c: Config =
            toml::from_str("listen = \"0.0.0.0:9000\"\n[auth]\nlock_minutes = 1").unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.auth.lock_minutes, 1);
    }
}
