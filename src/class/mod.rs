//! The class: a grade book every quiz, exam, class session and check run is
//! recorded in ([`gradebook`]), and the live session the room answers from its
//! own terminals ([`live`]).

pub mod gradebook;
pub mod live;
