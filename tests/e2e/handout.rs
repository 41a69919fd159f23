//! The handout in a real browser: `nettutor lessons export --html` in English
//! and Chinese, opened by headless Chromium (Debian's `chromium`, installed by
//! `.ci/run`). The DOM the browser built holds every step's title (the index
//! lists them all) and a lesson page its steps and panel pictures; a
//! screenshot of a Chinese page is a real, non-blank picture. Four browser
//! runs, in parallel, each bounded by a timeout.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nettutor::i18n::Lang;
use nettutor::lesson::LessonSet;

use crate::common;

/// The longest one browser run may take.
const LIMIT: Duration = Duration::from_secs(90);

/// Text as a browser serialises it in a DOM dump.
fn dom_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

/// Runs headless Chromium on `page` with `what` (`--dump-dom`, or
/// `--screenshot=FILE`), in a fresh profile under `scratch`; returns stdout.
fn chromium(scratch: &Path, what: &str, page: &Path) -> String {
    let profile = tempfile::tempdir_in(scratch).unwrap();
    let out_path = profile.path().join("stdout");
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1000,1400",
        ])
        .arg(format!(
            "--user-data-dir={}",
            profile.path().join("p").display()
        ))
        .arg(what)
        .arg(format!("file://{}", page.display()))
        .env("HOME", profile.path())
        .env("XDG_CONFIG_HOME", profile.path())
        .env("XDG_CACHE_HOME", profile.path())
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {what} {} took over {LIMIT:?}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "chromium {what}: {status}");
    std::fs::read_to_string(out_path).unwrap()
}

fn export(dir: &Path, lang: Lang) -> PathBuf {
    let out = dir.join(format!("handout-{lang}"));
    let status = Command::new(common::run::BIN)
        .args(["--lang", lang.code(), "lessons", "export", "--html"])
        .arg(&out)
        .env("NETTUTOR_HOME", dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    out
}

#[test]
fn the_handout_opens_in_a_browser_with_every_title_and_chinese_rendered() {
    if !common::have(
        "the_handout_opens_in_a_browser_with_every_title_and_chinese_rendered",
        "chromium",
        "--version",
    ) {
        return;
    }
    let set = LessonSet::embedded().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let en = export(scratch.path(), Lang::En);
    let zh = export(scratch.path(), Lang::Zh);
    // A Chinese lesson page with panel pictures: the AND lesson.
    let and = set.index_of("subnet-and").unwrap();
    let and_page = zh.join(format!("{:02}-subnet-and.html", and + 1));
    let shot = scratch.path().join("zh.png");
    let jobs: Vec<(String, PathBuf)> = vec![
        ("--dump-dom".into(), en.join("index.html")),
        ("--dump-dom".into(), zh.join("index.html")),
        ("--dump-dom".into(), and_page.clone()),
        (format!("--screenshot={}", shot.display()), and_page),
    ];
    let dir = scratch.path().to_path_buf();
    let runs: Vec<_> = jobs
        .into_iter()
        .map(|(what, page)| {
            let dir = dir.clone();
            std::thread::spawn(move || chromium(&dir, &what, &page))
        })
        .collect();
    let dumps: Vec<String> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    for (lang, dom) in [(Lang::En, &dumps[0]), (Lang::Zh, &dumps[1])] {
        assert!(dom.contains("</html>"), "{lang}: {dom}");
        for lesson in &set.lessons {
            assert!(
                dom.contains(&dom_text(lesson.title.get(lang))),
                "{lang}: {}",
                lesson.id
            );
            for (i, step) in lesson.steps.iter().enumerate() {
                let title = dom_text(step.title.get(lang));
                assert!(
                    dom.contains(&title),
                    "{lang}: {} step {}: {title}",
                    lesson.id,
                    i + 1
                );
            }
        }
    }
    let page = &dumps[2];
    let lesson = &set.lessons[and];
    for (i, step) in lesson.steps.iter().enumerate() {
        let heading = format!("<h2>{}. {}</h2>", i + 1, dom_text(step.title.get(Lang::Zh)));
        assert!(page.contains(&heading), "{heading}\n{page}");
    }
    assert!(page.contains("<pre class=\"panel\">"), "{page}");
    assert!(page.contains("lang=\"zh-Hans\""));
    // The screenshot: a PNG of the window's size with something on it (a
    // blank 1000×1400 page compresses to a few kilobytes).
    let png = std::fs::read(&shot).expect("the screenshot was written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((w, h), (1000, 1400));
    assert!(
        png.len() > 24_000,
        "a nearly blank screenshot: {} bytes",
        png.len()
    );
}
