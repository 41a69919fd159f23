//! The progress store (last lesson and step, quiz mastery), written atomically.
