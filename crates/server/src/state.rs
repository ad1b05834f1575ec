use crate::config::Config;
use jiban_store::Store;
use std::sync::Arc;

/// Shared by every request. Holds nothing per-node that matters for correctness, so several app
/// nodes can serve the same database.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub cfg: Arc<Config>,
    /// This node's cache of the zones' dispatch models (the models themselves are in the store).
    pub models: Arc<crate::routing::Models>,
}

impl AppState {
    pub fn new(store: Store, cfg: Config) -> Self {
        AppState {
            store,
            cfg: Arc::new(cfg),
            models: Arc::default(),
        }
    }
}
