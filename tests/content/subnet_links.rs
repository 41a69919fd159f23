//! Every built-in lesson step that opens the subnet panel gives it an argument the
//! panel understands (a deliberately refused address or mask is allowed: the panel
//! shows it with its column).

use nettutor::lesson::{LessonSet, LessonSource, PanelArg, PanelId};

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
            let PanelArg::Subnet(arg) = &link.open else {
                panic!("{} step {}: not a subnet argument", lesson.id, i + 1);
            };
            // The checker only lets a refused input through with expect_error.
            if arg.request.is_err() {
                refused_on_purpose.push(link.arg.clone());
            }
        }
    }
    assert!(checked > 0, "no lesson opens the subnet panel");
    // The one input shown refused on purpose: the invalid-mask lesson.
    assert_eq!(refused_on_purpose, ["192.168.21.36 255.0.255.0"]);
}
