//! Integration tests of updater-core through its public API only.

mod no_panic;
