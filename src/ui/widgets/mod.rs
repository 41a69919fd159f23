//! Reusable widgets.

pub mod inspector;
