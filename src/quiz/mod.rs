//! Quiz engine: question bank, generators, scoring, mastery.
