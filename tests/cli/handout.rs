//! `nettutor lessons export --html DIR --md DIR`: the handout's files hold
//! every step's title and body, each panel's picture is the text the panel
//! draws (compared with the panel drawn on TestBackend), markup in lesson text
//! stays text, and nothing is overwritten without `--force`.

use std::path::Path;

use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, PanelId};
use nettutor::ui::handout::{self, html, markdown};

use crate::common::run::nettutor;
use crate::common::tui::{draw_panel, open_panel, shipped_app};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn export(args: &[&str]) -> (i32, String) {
    let (code, _, err) = nettutor(args);
    (code, err)
}

#[test]
fn every_step_of_the_shipped_playlist_is_in_both_formats_and_both_languages() {
    let set = LessonSet::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for lang in Lang::ALL {
        let html_dir = dir.path().join(format!("html-{lang}"));
        let md_dir = dir.path().join(format!("md-{lang}"));
        let (code, err) = export(&[
            "--lang",
            lang.code(),
            "lessons",
            "export",
            "--html",
            html_dir.to_str().unwrap(),
            "--md",
            md_dir.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let files = set.lessons.len() + 1;
        assert!(err.contains(&format!("{files} ")), "{err}");
        let index = read(&html_dir.join("index.html"));
        let md_index = read(&md_dir.join("index.md"));
        assert!(index.starts_with("<!DOCTYPE html>"));
        assert!(index.contains("<meta charset=\"utf-8\">"));
        for (i, lesson) in set.lessons.iter().enumerate() {
            let name = format!("{:02}-{}", i + 1, lesson.id);
            let page = read(&html_dir.join(format!("{name}.html")));
            let md = read(&md_dir.join(format!("{name}.md")));
            assert!(index.contains(&html::escape(lesson.title.get(lang))));
            assert!(index.contains(&format!("href=\"{name}.html\"")));
            assert!(md_index.contains(&format!("({name}.md)")));
            for (s, step) in lesson.steps.iter().enumerate() {
                let title = step.title.get(lang);
                let heading = format!("<h2>{}. {}</h2>", s + 1, html::escape(title));
                assert!(page.contains(&heading), "{name}: {heading}");
                assert!(index.contains(&format!("#step-{}\">{}</a>", s + 1, html::escape(title))));
                let md_heading = format!("## {}. {}", s + 1, markdown::escape(title));
                assert!(md.contains(&md_heading), "{name}: {md_heading}");
                // Speaker notes are for the instructor, not the handout.
                if let Some(notes) = &step.notes {
                    let notes = notes.get(lang);
                    assert!(!page.contains(&html::escape(notes)), "{name}: notes");
                }
            }
            // Self-contained: nothing is fetched from anywhere.
            for outside in ["<script", "<link", "src=", "url(", "@import", "href=\"http"] {
                assert!(!page.contains(outside), "{name} has {outside}");
            }
        }
    }
}

#[test]
fn a_panel_picture_is_the_text_the_panel_draws() {
    let set = LessonSet::embedded().unwrap();
    // The first step that opens the subnet panel, and the first lab.
    for panel in [PanelId::Subnet, PanelId::Labs, PanelId::Handshake] {
        let (l, s, link) = set
            .lessons
            .iter()
            .enumerate()
            .find_map(|(l, lesson)| {
                lesson.steps.iter().enumerate().find_map(|(s, step)| {
                    step.panel
                        .as_ref()
                        .filter(|p| p.panel == panel)
                        .map(|p| (l, s, p.clone()))
                })
            })
            .unwrap();
        for lang in Lang::ALL {
            let pages = handout::build(&set, &[l], lang);
            let (caption, rows) = pages[0].steps[s].picture.clone().unwrap();
            assert!(caption.contains(&link.arg), "{caption}");
            let mut app = shipped_app(lang);
            open_panel(&mut app, panel, &link.arg);
            let theme =
                nettutor::ui::theme::Theme::load(nettutor::ui::theme::ThemeName::Mono).unwrap();
            let (w, h) = handout::PICTURE;
            let t = draw_panel(app.panel(app.screen()), lang, &theme, w, h);
            let drawn = handout::rows(t.backend().buffer());
            assert_eq!(rows, drawn, "{panel:?} {lang}");
            assert!(
                rows.len() > 5 && rows.iter().any(|r| r.contains('┌')),
                "{rows:#?}"
            );
        }
    }
}

#[test]
fn a_playlist_nothing_overwritten_without_force_and_bad_ids_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("handout");
    let out_s = out.to_str().unwrap();
    let args = [
        "--lang",
        "en",
        "lessons",
        "export",
        "--html",
        out_s,
        "--lesson",
        "subnet-and,basics",
    ];
    let (code, err) = export(&args);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let set = LessonSet::embedded().unwrap();
    let n = |id: &str| set.index_of(id).unwrap() + 1;
    let and = format!("{:02}-subnet-and.html", n("subnet-and"));
    let basics = format!("{:02}-basics.html", n("basics"));
    let mut expected = vec!["index.html".to_string(), and.clone(), basics.clone()];
    expected.sort();
    assert_eq!(names, expected);
    // In playlist order: the AND lesson first, then basics.
    let index = read(&out.join("index.html"));
    assert!(index.find(&and).unwrap() < index.find(&basics).unwrap());
    assert!(
        read(&out.join(&and)).contains(&format!("href=\"{basics}\"")),
        "next link"
    );
    // Again: refused, the files as they were.
    std::fs::write(out.join("index.html"), "mine").unwrap();
    let (code, err) = export(&args);
    assert_ne!(code, 0);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(read(&out.join("index.html")), "mine");
    let mut with_force = args.to_vec();
    with_force.push("--force");
    let (code, err) = export(&with_force);
    assert_eq!(code, 0, "{err}");
    assert!(read(&out.join("index.html")).contains("<!DOCTYPE html>"));
    // An unknown id, a file where the folder should be, no format: clear errors.
    let (code, err) = export(&["lessons", "export", "--md", out_s, "--lesson", "nope"]);
    assert_ne!(code, 0);
    assert!(err.contains("no lesson with id 'nope'"), "{err}");
    let file = out.join("index.html");
    let (code, err) = export(&["lessons", "export", "--md", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a folder"), "{err}");
    let (code, err) = export(&["lessons", "export"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--html") || err.contains("--md"), "{err}");
}
