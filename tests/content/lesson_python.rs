//! The Python the lessons ship, run: what a lesson tells a student to type
//! must do what the lesson says.

use std::process::Command;

use nettutor::lesson::LessonSet;

/// python3, or a skip (CI must have it).
fn python3() -> bool {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python3 is required under CI=true"
        );
        crate::common::skip("lesson_python", "python3 is not installed");
    }
    found
}

/// The ```python blocks of the step of `lesson` whose English title contains
/// `title`, in `lang` ("en" or "zh").
pub(crate) fn python_blocks(lesson: &str, title: &str, zh: bool) -> Vec<String> {
    let set = LessonSet::embedded().unwrap();
    let l = set
        .lesson(lesson)
        .unwrap_or_else(|| panic!("no lesson {lesson}"));
    let step = l
        .steps
        .iter()
        .find(|s| s.title.en.contains(title))
        .unwrap_or_else(|| panic!("no step '{title}' in {lesson}"));
    let body = if zh { &step.body.zh } else { &step.body.en };
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in body.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```python") => current = Some(String::new()),
            (Some(code), "```") => {
                blocks.push(std::mem::take(code));
                current = None;
            }
            (Some(code), _) => {
                code.push_str(line);
                code.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_dhcp_lessons_python_builds_a_discover_the_labs_decoder_reads() {
    if !python3() {
        return;
    }
    for zh in [false, true] {
        let blocks = python_blocks("dhcp", "Correction", zh);
        assert_eq!(blocks.len(), 1);
        // Everything up to the socket (which needs root and a LAN): the message.
        let code: String = blocks[0]
            .lines()
            .take_while(|l| !l.starts_with("s = socket.socket"))
            .map(|l| format!("{l}\n"))
            .collect();
        let out = Command::new("python3")
            .arg("-c")
            .arg(format!("{code}print((header + options).hex())"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let hex = String::from_utf8(out.stdout).unwrap();
        let bytes: Vec<u8> = (0..hex.trim().len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex.trim()[i..i + 2], 16).unwrap())
            .collect();
        let msg = nettutor::lab::dhcp::decode(&bytes).expect("a DHCP message");
        assert_eq!(
            msg.opts().msg_type(),
            Some(dhcproto::v4::MessageType::Discover)
        );
        assert!(
            msg.flags().broadcast(),
            "the broadcast flag the lesson explains"
        );
        assert_eq!(msg.chaddr(), [0x02, 0x4e, 0x54, 0, 0, 0x0c]);
        assert!(msg.ciaddr().is_unspecified());
        // And the frame it makes dissects cleanly as DHCP.
        let frame = nettutor::net::frame::build_udp_frame(&nettutor::net::frame::UdpDatagramSpec {
            src_mac: nettutor::lab::dhcp::CLIENT_MAC,
            dst_mac: nettutor::net::frame::MacAddr::broadcast(),
            src: "0.0.0.0:68".parse().unwrap(),
            dst: "255.255.255.255:67".parse().unwrap(),
            payload: &bytes,
        })
        .unwrap();
        let d = nettutor::net::frame::dissect(&frame);
        assert!(!d.is_malformed());
        assert_eq!(
            d.field("dhcp.option.request_list").unwrap().shown,
            "1, 3, 6"
        );
    }
}
