//! `nettutor quiz export --format gift|moodle-xml FILE`: the files are read
//! back (Moodle XML with quick-xml's reader, GIFT with a small parser here)
//! and every question checked against the bank: both languages as their own
//! categories, the right option marked right, every short-answer form one
//! the tutor itself accepts, ordering questions as Moodle's ordering type in
//! the right order, generated questions named by their instance ids.

use std::collections::BTreeMap;
use std::path::Path;

use nettutor::i18n::Lang;
use nettutor::lesson::{Expected, LessonSet, Question, QuestionKind};
use nettutor::quiz::answer::{Verdict, check};
use nettutor::quiz::export::{ExportSpec, questions};
use nettutor::quiz::identity::instance_id;
use quick_xml::events::Event;

use crate::common::run::nettutor_in;

/// An element of the file read back: name, attributes, text, children.
#[derive(Debug, Default, Clone)]
struct El {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
    children: Vec<El>,
}

impl El {
    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }
    fn one(&self, name: &str) -> &El {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "one <{name}> in <{}>", self.name);
        found[0]
    }
    /// The text of `<NAME><text>…</text></NAME>`.
    fn text_of(&self, name: &str) -> String {
        self.one(name).one("text").text.clone()
    }
}

fn parse_xml(xml: &str) -> El {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![El::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let mut el = El {
                    name: e.name().as_ref().to_string(),
                    ..El::default()
                };
                for a in e.attributes() {
                    let a = a.unwrap();
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned();
                    el.attrs.insert(a.key.as_ref().to_string(), value);
                }
                stack.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(el);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().unwrap().unwrap().to_string()
                } else {
                    quick_xml::escape::resolve_predefined_entity(&r)
                        .expect("only XML's own entities")
                        .to_string()
                };
                stack.last_mut().unwrap().text.push_str(&resolved);
            }
            Event::Eof => break,
            Event::Decl(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(stack.len(), 1, "every element closed");
    stack.pop().unwrap().one("quiz").clone()
}

/// The text an HTML fragment of the exporter shows.
fn unhtml(s: &str) -> String {
    s.replace("</p><p>", "\n\n")
        .replace("<br>", "\n")
        .replace("<p>", "")
        .replace("</p>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn bank() -> Vec<Question> {
    LessonSet::embedded().unwrap().questions
}

fn export(home: &Path, format: &str, extra: &[&str]) -> String {
    let file = home.join(format!("bank.{format}"));
    let _ = std::fs::remove_file(&file);
    let mut args = vec![
        "quiz",
        "export",
        "--format",
        format,
        file.to_str().unwrap(),
        "--lang",
        "en",
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = nettutor_in(home, &args, "");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("authored and"), "{err}");
    std::fs::read_to_string(&file).unwrap()
}

/// Each question of the export by (language, name): the question as the
/// library builds it for the same spec.
fn expected(seed: u64, per_generator: usize) -> BTreeMap<String, Question> {
    let spec = ExportSpec {
        topics: Vec::new(),
        seed,
        per_generator,
    };
    questions(&spec, &bank())
        .into_iter()
        .map(|q| (instance_id(&q), q))
        .collect()
}

fn accepted_by_the_tutor(kind: &QuestionKind, form: &str) {
    assert_eq!(check(kind, form), Verdict::Correct, "{form} for {kind:?}");
}

#[test]
fn moodle_xml_reads_back_question_for_question() {
    let home = tempfile::tempdir().unwrap();
    let quiz = parse_xml(&export(home.path(), "moodle-xml", &["--seed", "9"]));
    let want = expected(9, 3);
    assert!(want.keys().any(|id| id.contains('#')), "a generated sample");
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut category = String::new();
    for q in quiz.all("question") {
        let kind = q.attrs["type"].as_str();
        if kind == "category" {
            category = q.one("category").one("text").text.clone();
            continue;
        }
        let lang = if category.starts_with("$course$/top/nettutor/en/") {
            Lang::En
        } else {
            assert!(
                category.starts_with("$course$/top/nettutor/zh/"),
                "{category}"
            );
            Lang::Zh
        };
        let name = q.text_of("name");
        let source = want
            .get(&name)
            .unwrap_or_else(|| panic!("{name} is in the bank"));
        assert!(
            category.ends_with(&format!("/{}", source.topic.name())),
            "{category} {name}"
        );
        assert_eq!(q.one("idnumber").text, name);
        assert_eq!(
            unhtml(&q.text_of("questiontext")),
            source.prompt.get(lang).trim()
        );
        assert_eq!(
            unhtml(&q.text_of("generalfeedback")),
            source.explanation.get(lang).trim()
        );
        let answers = q.all("answer");
        let text = |a: &El| unhtml(&a.one("text").text);
        match &source.kind {
            QuestionKind::Choice { options, correct } => {
                assert_eq!(kind, "multichoice");
                let right: Vec<String> = answers
                    .iter()
                    .filter(|a| a.attrs["fraction"] == "100")
                    .map(|a| text(a))
                    .collect();
                assert_eq!(right, vec![options[*correct].get(lang).to_string()]);
                assert_eq!(answers.len(), options.len());
            }
            QuestionKind::TrueFalse { correct } => {
                assert_eq!(kind, "truefalse");
                let right: Vec<String> = answers
                    .iter()
                    .filter(|a| a.attrs["fraction"] == "100")
                    .map(|a| text(a))
                    .collect();
                assert_eq!(right, vec![correct.to_string()]);
            }
            QuestionKind::FillIn {
                expected: Expected::Number(n),
            } => {
                assert_eq!(kind, "numerical");
                assert_eq!(text(answers[0]), n.to_string());
                assert_eq!(answers[0].one("tolerance").text, "0");
            }
            QuestionKind::FillIn { .. } => {
                assert_eq!(kind, "shortanswer");
                assert_eq!(q.one("usecase").text, "0");
                assert!(!answers.is_empty());
                for a in &answers {
                    assert_eq!(a.attrs["fraction"], "100");
                    accepted_by_the_tutor(&source.kind, &text(a));
                }
            }
            QuestionKind::Order { items, .. } => {
                assert_eq!(kind, "ordering");
                assert_eq!(q.one("selecttype").text, "ALL");
                let got: Vec<(String, String)> = answers
                    .iter()
                    .map(|a| (a.attrs["fraction"].clone(), text(a)))
                    .collect();
                let right: Vec<(String, String)> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| ((i + 1).to_string(), item.get(lang).to_string()))
                    .collect();
                assert_eq!(got, right, "{name}");
            }
        }
        assert!(
            seen.insert((lang.to_string(), name.clone()), kind.to_string())
                .is_none(),
            "{name} once per language"
        );
    }
    // Every question, in both languages.
    for name in want.keys() {
        for lang in ["en", "zh"] {
            assert!(
                seen.contains_key(&(lang.to_string(), name.clone())),
                "{lang} {name}"
            );
        }
    }
    assert_eq!(seen.len(), want.len() * 2);
    assert!(
        seen.values().any(|k| k == "ordering"),
        "the bank has ordering questions"
    );
}

/// One GIFT question read back: name, text and what is inside the braces.
struct Gift {
    category: String,
    name: String,
    text: String,
    answers: Vec<String>,
    feedback: String,
}

/// Splits at the unescaped `sep` characters.
fn split_unescaped(s: &str, at: impl Fn(&str) -> Option<usize>) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(skip) = rest.strip_prefix('\\') {
            let c = skip.chars().next().unwrap();
            parts.last_mut().unwrap().push('\\');
            parts.last_mut().unwrap().push(c);
            rest = &skip[c.len_utf8()..];
        } else if let Some(n) = at(rest) {
            parts.push(String::new());
            rest = &rest[n..];
        } else {
            let c = rest.chars().next().unwrap();
            parts.last_mut().unwrap().push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    parts
}

fn gift_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(chars.next());
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_gift(text: &str) -> Vec<Gift> {
    let mut out = Vec::new();
    let mut category = String::new();
    for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        if block.starts_with("//") {
            continue;
        }
        if let Some(c) = block.strip_prefix("$CATEGORY: ") {
            category = c.to_string();
            continue;
        }
        assert!(!block.contains('\n'), "one line per question: {block}");
        let head = block.strip_prefix("::").expect("a named question");
        let parts = split_unescaped(head, |r| r.starts_with("::").then_some(2));
        assert_eq!(parts.len(), 2, "{block}");
        let body = parts[1].strip_prefix("[html]").expect("[html] text");
        let open = split_unescaped(body, |r| r.starts_with('{').then_some(1));
        assert_eq!(open.len(), 2, "one answer block: {block}");
        let inner = open[1].strip_suffix('}').expect("ends with the answers");
        let fb = split_unescaped(inner, |r| r.starts_with("####").then_some(4));
        assert_eq!(fb.len(), 2, "{block}");
        let answers = split_unescaped(fb[0].trim(), |r| {
            (r.starts_with(" =") || r.starts_with(" ~")).then_some(1)
        });
        out.push(Gift {
            category: category.clone(),
            name: gift_unescape(&parts[0]),
            text: gift_unescape(&open[0]),
            answers: answers.into_iter().collect(),
            feedback: gift_unescape(&fb[1]),
        });
    }
    out
}

#[test]
fn gift_reads_back_question_for_question() {
    let home = tempfile::tempdir().unwrap();
    let read = parse_gift(&export(home.path(), "gift", &["--generated", "2"]));
    let want = expected(1, 2);
    assert_eq!(
        read.len(),
        want.len() * 2,
        "every question in both languages"
    );
    for g in &read {
        let lang = if g.category.contains("/nettutor/en/") {
            Lang::En
        } else {
            Lang::Zh
        };
        let source = &want[&g.name];
        assert!(g.category.ends_with(source.topic.name()), "{}", g.category);
        assert_eq!(unhtml(&g.text), source.prompt.get(lang).trim());
        assert_eq!(unhtml(&g.feedback), source.explanation.get(lang).trim());
        let marked = |mark: char| -> Vec<String> {
            g.answers
                .iter()
                .filter_map(|a| a.strip_prefix(mark))
                .map(|a| unhtml(&gift_unescape(a)))
                .collect()
        };
        match &source.kind {
            QuestionKind::Choice { options, correct } => {
                assert_eq!(marked('='), vec![options[*correct].get(lang).to_string()]);
                assert_eq!(marked('~').len(), options.len() - 1);
            }
            QuestionKind::TrueFalse { correct } => {
                assert_eq!(g.answers, vec![if *correct { "TRUE" } else { "FALSE" }]);
            }
            QuestionKind::FillIn {
                expected: Expected::Number(n),
            } => assert_eq!(g.answers, vec![format!("#{n}")]),
            QuestionKind::FillIn { .. } => {
                for form in marked('=') {
                    accepted_by_the_tutor(&source.kind, &form);
                }
            }
            QuestionKind::Order { items, .. } => {
                // GIFT has no ordering type: each item matched to its place.
                let pairs: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| format!("{} -> {}", item.get(lang), i + 1))
                    .collect();
                assert_eq!(marked('='), pairs, "{}", g.name);
            }
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_file_and_an_existing_one_is_kept() {
    let home = tempfile::tempdir().unwrap();
    let a = export(home.path(), "gift", &["--seed", "4", "--topic", "subnet"]);
    let b = export(home.path(), "gift", &["--seed", "4", "--topic", "subnet"]);
    let c = export(home.path(), "gift", &["--seed", "5", "--topic", "subnet"]);
    assert_eq!(a, b);
    assert_ne!(a, c, "another seed, another sample");
    assert!(!a.contains("/nettutor/en/osi"), "only the topic asked for");
    let file = home.path().join("bank.gift");
    std::fs::write(&file, "mine").unwrap();
    let (code, _, err) = nettutor_in(
        home.path(),
        &["quiz", "export", "--format", "gift", file.to_str().unwrap()],
        "",
    );
    assert_ne!(code, 0);
    assert!(err.contains("never overwritten"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}
