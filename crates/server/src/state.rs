use crate::config::Config;
use jiban_store::Store;
use std::sync::Arc;

/// Shared by every request. Holds nothing per-node that matters for correctness, so several app
/// nodes can serve the same database.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub cfg: Arc<Config>,
}
