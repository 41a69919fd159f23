#![allow(clippy::unwrap_used)]
//! Every built-in lesson step that opens the subnet panel gives it an argument the
//! panel understands (a deliberately refused address or mask is allowed: the panel
//! shows it with its column).

use nettutor::lesson::{LessonSet, LessonSource, PanelId};
use nettutor::net::subnet::{check_lesson_arg, parse_panel_arg};

#[test]
fn built_in_subnet_panel_arguments_are_understood() {
    let set = LessonSet::load(&LessonSource::Embedded).unwrap();
    let mut checked = 0;
    let mut refused_on_purpose = Vec::new();
    for lesson in &set.lessons {
        for (i, step) in lesson.steps.iter().enumerate() {
            let Some(link) = &step.panel else { continue };
            if link.panel != PanelId::Subnet {
                continue;
            }
            checked += 1;
            if let Err(e) = check_lesson_arg(&link.arg) {
                panic!("{} step {}: '{}': {e}", lesson.id, i + 1, link.arg);
            }
            if parse_panel_arg(&link.arg).is_err() {
                refused_on_purpose.push(link.arg.clone());
            }
        }
    }
    assert!(checked > 0, "no lesson opens the subnet panel");
    // Refused inputs are there on purpose (the invalid-mask lesson); say which.
    for arg in &refused_on_purpose {
        eprintln!("shown as a refused input: {arg}");
    }
}
