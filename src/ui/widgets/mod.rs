//! Reusable widgets.

pub mod export;
pub mod inspector;
