//! Quiz questions from the labs' real outcomes (`quiz::generators::labrun`):
//! each lab runs for real on loopback with the parameters a seed drew, the
//! questions are built from its JSON report, and each question's key is
//! checked against the report's own fact — and, where the fact is a law
//! (an iterative server makes the k-th client wait (k − 1) × T; a concurrent
//! one does not; a truncated DNS answer is asked again over TCP; the
//! Discover goes 0.0.0.0:68 → 255.255.255.255:67; DORA is 1, 2, 3, 5),
//! against the law. Every question renders, and is answered right by its
//! key, in English and in Chinese.

use std::time::Instant;

use nettutor::i18n::Lang;
use nettutor::lesson::{LessonSet, Question, QuestionKind, Topic};
use nettutor::quiz::answer::correct_answer;
use nettutor::quiz::generators::labrun::{self, Case, Run};
use nettutor::quiz::identity::instance_id;
use nettutor::quiz::plain::{self, AnswerSource, Input};
use nettutor::quiz::session::{QuizSpec, Session};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::common::run::{nettutor, nettutor_in, unused_home};

fn case(seed: u64) -> Case {
    Case::draw(&mut ChaCha8Rng::seed_from_u64(seed))
}

fn questions(case: &Case, run: Run, report: &Value, seed: u64) -> Vec<Question> {
    labrun::from_report(&mut ChaCha8Rng::seed_from_u64(seed), case, run, report).unwrap()
}

fn by_id<'a>(qs: &'a [Question], id: &str) -> &'a Question {
    qs.iter()
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

/// The right option's English text; for an order, the items in order.
fn key(q: &Question) -> String {
    match &q.kind {
        QuestionKind::Choice { options, correct } => options[*correct].en.clone(),
        QuestionKind::Order { items, .. } => items
            .iter()
            .map(|i| i.en.as_str())
            .collect::<Vec<_>>()
            .join(" > "),
        other => panic!("{}: unexpected kind {other:?}", q.id),
    }
}

/// What every question must be: a registered id with its topic, known
/// concepts, both languages, distinct options, an instance id that names its
/// facts, the same instance and key under every seed, options reshuffled.
fn well_formed(case: &Case, run: Run, report: &Value) {
    let set = LessonSet::embedded().unwrap();
    let first = questions(case, run, report, 0);
    assert!(!first.is_empty());
    for q in &first {
        let kind = labrun::kind_of(&q.id).unwrap_or_else(|| panic!("{} not registered", q.id));
        assert!(labrun::IDS.contains(&q.id.as_str()));
        assert_eq!(kind.topic, q.topic, "{}", q.id);
        assert_eq!(kind.run, run, "{}", q.id);
        assert!(q.panel.is_some(), "{}: no show-me link", q.id);
        for c in &q.concepts {
            assert!(
                set.curriculum.get(c).is_some(),
                "{}: unknown concept {c}",
                q.id
            );
        }
        for t in [&q.prompt, &q.explanation] {
            assert!(!t.en.trim().is_empty(), "{}", q.id);
            assert!(
                t.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: no Chinese in {:?}",
                q.id,
                t.zh
            );
        }
        if let QuestionKind::Choice { options, .. } = &q.kind {
            assert!(options.len() >= 3, "{}: {options:?}", q.id);
            let mut texts: Vec<&str> = options.iter().map(|o| o.en.as_str()).collect();
            texts.sort_unstable();
            texts.dedup();
            assert_eq!(texts.len(), options.len(), "{}: repeated option", q.id);
        }
        let instance = instance_id(q);
        assert!(
            instance.starts_with(&format!("{}#", q.id)) && instance.len() == q.id.len() + 17,
            "{instance}"
        );
    }
    let mut orders = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let qs = questions(case, run, report, seed);
        assert_eq!(qs.len(), first.len());
        for (q, f) in qs.iter().zip(&first) {
            assert_eq!(instance_id(q), instance_id(f));
            assert_eq!(key(q), key(f));
            orders.insert(nettutor::quiz::results::question_text(q, Lang::En));
        }
    }
    assert!(orders.len() > first.len(), "options never reshuffled");
}

/// Answers from a list, then the end of input.
struct Scripted(std::vec::IntoIter<String>);

impl AnswerSource for Scripted {
    fn next_line(&mut self, _deadline: Option<Instant>) -> Input {
        self.0.next().map_or(Input::End, Input::Line)
    }
}

/// The questions asked in plain mode in `lang`, each answered with its key:
/// everything is scored right, and the output is in that language.
fn answered_right(qs: &[Question], lang: Lang) -> String {
    let spec = QuizSpec {
        topics: Vec::new(),
        count: qs.len(),
        seed: 1,
    };
    let mut session = Session::new(spec, qs.to_vec());
    let answers: Vec<String> = qs.iter().map(|q| correct_answer(&q.kind)).collect();
    let mut out = Vec::new();
    plain::run(
        &mut session,
        lang,
        &mut Scripted(answers.into_iter()),
        &mut out,
        None,
        &mut |_, _, _| {},
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(session.score(), qs.len(), "{out}");
    for q in qs {
        assert!(
            out.contains(q.prompt.get(lang)),
            "{lang:?}: {} not shown",
            q.id
        );
    }
    out
}

fn renders_in_both_languages(qs: &[Question]) {
    let en = answered_right(qs, Lang::En);
    let zh = answered_right(qs, Lang::Zh);
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    assert!(!cjk(&en), "{en}");
    assert!(cjk(&zh), "{zh}");
    for out in [&en, &zh] {
        assert_eq!(
            out.lines().last(),
            Some(format!("score: {0}/{0}", qs.len()).as_str()),
            "{out}"
        );
    }
}

fn about_ms(ms: u64) -> String {
    if ms == 0 {
        "at once (within a few ms)".into()
    } else {
        format!("after about {ms} ms")
    }
}

#[test]
fn concurrency_questions_key_the_labs_timings() {
    // A seed that asks about the third (or later) client served.
    let c = (0..64).map(case).find(|c| c.nth >= 3).unwrap();
    let t = c.service_ms;
    let report = labrun::run_case(&c, Run::Iterative).unwrap();
    assert_eq!(report["model"], "iterative");
    assert_eq!(
        report["clients"].as_array().unwrap().len() as u64,
        c.clients
    );
    let qs = questions(&c, Run::Iterative, &report, 7);
    // The k-th client served: the key is its measured wait, in steps of T…
    let fact = labrun::nth_first_reply_ms(&report, c.nth, t).unwrap();
    assert_eq!(
        key(by_id(&qs, labrun::ITERATIVE_FIRST_REPLY)),
        about_ms(fact)
    );
    // …and the law: it waited for the k − 1 before it.
    let mut waits: Vec<f64> = report["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["first_reply_ms"].as_f64().unwrap())
        .collect();
    waits.sort_by(f64::total_cmp);
    let kth = waits[usize::try_from(c.nth - 1).unwrap()];
    assert!(kth >= ((c.nth - 1) * t) as f64 * 0.8, "{report}");
    assert_eq!(fact, (c.nth - 1) * t, "{report}");
    // connect() returned at once: the key says so because the report does.
    assert_eq!(labrun::connects_at_once(&report), Some(true), "{report}");
    assert!(key(by_id(&qs, labrun::ITERATIVE_CONNECT)).starts_with("at once: the kernel"));
    well_formed(&c, Run::Iterative, &report);

    let concurrent = labrun::run_case(&c, Run::Concurrent).unwrap();
    assert_eq!(concurrent["model"], c.model);
    let qs2 = questions(&c, Run::Concurrent, &concurrent, 7);
    let wait = labrun::concurrent_max_wait(&concurrent).unwrap();
    assert_eq!(
        key(by_id(&qs2, labrun::CONCURRENT_FIRST_REPLY)),
        about_ms(wait)
    );
    assert!(concurrent["max_wait_ms"].as_f64().unwrap() <= 2.0 * t as f64);
    assert_eq!(wait, 0, "{concurrent}");
    well_formed(&c, Run::Concurrent, &concurrent);

    let mut all = qs;
    all.extend(qs2);
    renders_in_both_languages(&all);
}

#[test]
fn dns_questions_key_transport_records_and_ttls() {
    let c = case(1);
    let report = labrun::run_case(&c, Run::Dns).unwrap();
    // After the TC bit: TCP, because the report's next query for that name was TCP.
    let (name, transport) = labrun::transport_after_tc(&report).unwrap();
    assert_eq!(name, "many.lab.test.");
    assert_eq!(transport, "tcp");
    assert_eq!(report["truncated_then_tcp"], true);
    let qs = questions(&c, Run::Dns, &report, 3);
    assert!(key(by_id(&qs, labrun::DNS_TRUNCATED)).contains("again over TCP"));
    // Which records answer: each of the three names the question may ask.
    for (short, want) in [
        ("web", "CNAME www.lab.test., then A 192.0.2.10"),
        ("www", "A 192.0.2.10"),
        ("nosuch", "no records: the rcode is NXDOMAIN"),
    ] {
        let mut c = c.clone();
        c.dns_name = short;
        let (rcode, answers) = labrun::dns_first_answer(&report, short).unwrap();
        let qs = questions(&c, Run::Dns, &report, 3);
        let k = key(by_id(&qs, labrun::DNS_ANSWER));
        assert_eq!(k, want, "{rcode} {answers:?}");
        if answers.is_empty() {
            assert!(k.ends_with(&rcode));
        } else {
            assert_eq!(k, answers.join(", then "));
        }
    }
    // The TTL left in the cache, as the report's cache says; the repeated
    // www query came from the cache.
    let left = labrun::www_ttl_left(&report).unwrap();
    assert!((25..30).contains(&left), "{report}");
    assert_eq!(key(by_id(&qs, labrun::DNS_CACHE_TTL)), format!("{left} s"));
    assert_eq!(labrun::repeated_www(&report).unwrap().0, "cache");
    // The expired answer was asked again, over the transport the report names.
    let (expired, ttl, via) = labrun::refreshed(&report).unwrap();
    assert_eq!((expired.as_str(), ttl), ("short.lab.test.", 2));
    assert_eq!(
        key(by_id(&qs, labrun::DNS_EXPIRED)),
        format!(
            "the resolver asks the server again (over {})",
            via.to_uppercase()
        )
    );
    well_formed(&c, Run::Dns, &report);
    renders_in_both_languages(&qs);
}

#[test]
fn http_questions_key_framing_and_lengths() {
    let c = case(2);
    let report = labrun::run_case(&c, Run::Http).unwrap();
    for (i, word) in [
        (0, "a Content-Length header"),
        (1, "Transfer-Encoding: chunked"),
    ] {
        let mut c = c.clone();
        c.http_response = i;
        let qs = questions(&c, Run::Http, &report, 5);
        let framing = labrun::response_framing(&report, i).unwrap();
        let k = key(by_id(&qs, labrun::HTTP_FRAMING));
        assert!(k.starts_with(word), "{k}");
        assert_eq!(
            framing == "chunked",
            report["responses"][i]["chunked"].as_bool().unwrap()
        );
    }
    let qs = questions(&c, Run::Http, &report, 5);
    // Content-Length: the report's, and the body's real length.
    let len = labrun::root_content_length(&report).unwrap();
    assert_eq!(
        key(by_id(&qs, labrun::HTTP_CONTENT_LENGTH)),
        len.to_string()
    );
    assert_eq!(report["responses"][0]["bytes"].as_u64(), Some(len));
    assert_eq!(len as usize, "hello from nettutor's http lab\n".len());
    // Pipelined: as many requests as the server found in the one write.
    let found = report["pipelined_in_one_write"].as_u64().unwrap();
    assert_eq!(found, 3);
    assert_eq!(key(by_id(&qs, labrun::HTTP_PIPELINED)), found.to_string());
    well_formed(&c, Run::Http, &report);
    renders_in_both_languages(&qs);
}

#[test]
fn dhcp_questions_key_order_addresses_option_53_and_t1() {
    let c = case(4);
    let report = labrun::run_case(&c, Run::Dhcp).unwrap();
    assert_eq!(report["lease"]["lease_s"].as_u64(), Some(c.lease_s));
    let qs = questions(&c, Run::Dhcp, &report, 9);
    // Message order: the report's dora, which is 1, 2, 3, 5.
    let dora = labrun::dora(&report).unwrap();
    assert_eq!(dora, [1, 2, 3, 5]);
    let order = key(by_id(&qs, labrun::DHCP_ORDER));
    let names: Vec<&str> = order.split(" > ").collect();
    for (name, code) in names.iter().zip(&dora) {
        let m = report["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["code"].as_u64() == Some(*code))
            .unwrap();
        assert!(name.starts_with(m["type"].as_str().unwrap()), "{order}");
    }
    // The Discover's addresses.
    let (src, dst) = labrun::discover_addresses(&report).unwrap();
    assert_eq!(
        (src.as_str(), dst.as_str()),
        ("0.0.0.0:68", "255.255.255.255:67")
    );
    assert_eq!(
        key(by_id(&qs, labrun::DHCP_DISCOVER)),
        format!("{src} → {dst}")
    );
    // Option 53 of each of the four messages.
    for (i, want) in dora.iter().enumerate() {
        let mut c = c.clone();
        c.dhcp_message = i;
        let qs = questions(&c, Run::Dhcp, &report, 9);
        let (kind, code) = labrun::option53(&report, i).unwrap();
        assert_eq!(code, *want);
        let q = by_id(&qs, labrun::DHCP_OPTION53);
        assert!(q.prompt.en.contains(&kind));
        assert_eq!(key(q), code.to_string());
    }
    // T1: what the Ack said, half the lease.
    let (lease, t1, _) = labrun::lease_times(&report).unwrap();
    assert_eq!(t1, lease / 2);
    assert_eq!(key(by_id(&qs, labrun::DHCP_RENEW)), format!("after {t1} s"));
    well_formed(&c, Run::Dhcp, &report);
    renders_in_both_languages(&qs);
}

#[test]
fn every_kind_is_registered_once_with_a_topic_and_tier() {
    let mut ids: Vec<&str> = labrun::KINDS.iter().map(|k| k.id).collect();
    ids.sort_unstable();
    let mut listed = labrun::IDS.to_vec();
    listed.sort_unstable();
    assert_eq!(ids, listed);
    ids.dedup();
    assert_eq!(ids.len(), labrun::IDS.len());
    for k in labrun::KINDS {
        let want = if k.run == Run::Iterative || k.run == Run::Concurrent {
            Topic::Sockets
        } else {
            Topic::Lab
        };
        assert_eq!(k.topic, want, "{}", k.id);
        assert!(
            k.id.starts_with(&format!("gen.{}.", k.topic.name())),
            "{}",
            k.id
        );
    }
    // Every lab has questions of more than one tier.
    for run in [Run::Iterative, Run::Dns, Run::Http, Run::Dhcp] {
        let tiers: std::collections::BTreeSet<_> = labrun::KINDS
            .iter()
            .filter(|k| k.run == run || (run == Run::Iterative && k.run == Run::Concurrent))
            .map(|k| k.tier)
            .collect();
        assert!(tiers.len() >= 2, "{run:?}");
    }
}

#[test]
fn quiz_labs_plain_asks_only_the_topic_given() {
    // Sockets only: the concurrency lab alone runs (about a second).
    // Empty lines: every question asked, none answered.
    let (code, out, err) = nettutor_in(
        &unused_home(),
        &[
            "quiz", "--labs", "--plain", "--topic", "sockets", "--seed", "5", "--lang", "zh",
        ],
        "\n\n\n",
    );
    assert_eq!(code, 0, "{err}");
    let asked: Vec<&str> = out.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(asked.len(), 3, "{out}");
    assert!(asked.iter().all(|l| l.contains("(sockets)")), "{out}");
    assert!(out.contains("客户端"), "{out}");
    // Without --plain it is refused by the argument parser.
    let (code, _, err) = nettutor(&["quiz", "--labs"]);
    assert_eq!(code, 2, "{err}");
}
