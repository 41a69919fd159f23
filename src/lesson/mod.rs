//! Lesson files: raw (serde) → validated model; loader; embedded lessons.
