use std::os::unix::fs::symlink;

use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn round_trip_keeps_unknown_fields() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    assert_eq!(store.load(), (Progress::default(), None));
    fs::write(
        store.path(),
        r#"{"last_lesson":"basics","last_step":3,"mastery":{"subnet.and":2}}"#,
    )
    .unwrap();
    let (mut p, warn) = store.load();
    assert!(warn.is_none());
    assert_eq!(p.last_lesson.as_deref(), Some("basics"));
    assert_eq!(p.last_step, 3);
    p.last_step = 4;
    store.save(&p).unwrap();
    let text = fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("\"mastery\""), "unknown field kept: {text}");
    assert_eq!(store.load().0.last_step, 4);
    // No temp files left behind; only the file and its lock.
    assert_eq!(names(dir.path()), [PROGRESS_FILE, LOCK_FILE]);
}

#[test]
fn a_corrupt_file_is_moved_aside_at_the_next_save_never_over_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let mut backups = Vec::new();
    for round in 0..3 {
        fs::write(store.path(), format!("{{not json {round}")).unwrap();
        // Reading alone moves nothing.
        let (p, warn) = store.load();
        assert_eq!(p, Progress::default());
        assert!(warn.unwrap().contains("corrupt"));
        assert!(store.path().exists());
        let ((), warn) = store.update(|p| p.last_step = 1).unwrap();
        assert!(warn.unwrap().contains("moved it to"));
        backups = names(dir.path())
            .into_iter()
            .filter(|n| n.starts_with("progress.json.corrupt-"))
            .collect();
        assert_eq!(backups.len(), round + 1, "{backups:?}");
    }
    // Each backup holds its own round's bytes: none was overwritten.
    let mut seen: Vec<String> = backups
        .iter()
        .map(|b| fs::read_to_string(dir.path().join(b)).unwrap())
        .collect();
    seen.sort();
    assert_eq!(seen, ["{not json 0", "{not json 1", "{not json 2"]);
    assert_eq!(store.load().0.last_step, 1);
}

#[test]
fn a_field_of_the_wrong_type_is_dropped_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    fs::write(
        store.path(),
        r#"{"last_lesson":"osi","last_step":"three","mastery":{"quizzes":2}}"#,
    )
    .unwrap();
    let (p, warn) = store.load();
    assert_eq!(p.last_lesson.as_deref(), Some("osi"));
    assert_eq!(p.last_step, 0);
    assert!(p.other.contains_key("mastery"));
    assert!(warn.unwrap().contains("last_step"));
}

fn assert_left_alone(store: &Store, what: &str) {
    let (p, warn) = store.load();
    assert_eq!(p, Progress::default());
    let warn = warn.expect("a warning");
    assert!(warn.contains(what), "{warn}");
    let err = store.update(|p| p.last_step = 9).unwrap_err();
    assert!(matches!(err, StoreError::Unreadable { .. }), "{err}");
    assert!(err.to_string().contains(what), "{err}");
}

#[test]
fn a_fifo_as_progress_file_does_not_hang_and_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let status = std::process::Command::new("mkfifo")
        .arg(store.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_left_alone(&store, "FIFO");
    let ft = fs::symlink_metadata(store.path()).unwrap().file_type();
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&ft),
        "still the FIFO"
    );
}

#[test]
fn a_symlink_to_dev_zero_is_not_read_and_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    symlink("/dev/zero", store.path()).unwrap();
    assert_left_alone(&store, "character device");
    assert_eq!(fs::read_link(store.path()).unwrap(), Path::new("/dev/zero"));
}

#[test]
fn a_huge_file_is_not_read_and_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let file = File::create(store.path()).unwrap();
    file.set_len(MAX_BYTES + 1).unwrap();
    assert_left_alone(&store, "bytes");
    assert_eq!(fs::metadata(store.path()).unwrap().len(), MAX_BYTES + 1);
}

#[test]
fn an_orphaned_temp_file_of_a_killed_writer_is_removed_at_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    let orphan = dir.path().join(format!("{TEMP_PREFIX}aB3xYz.tmp"));
    fs::write(&orphan, b"{\"last_step\":").unwrap();
    // Someone else's file with a similar name is not touched.
    let other = dir.path().join("progress.json.mine");
    fs::write(&other, b"x").unwrap();
    store.update(|p| p.last_step = 2).unwrap();
    assert!(!orphan.exists());
    assert!(other.exists());
}

#[test]
fn a_symlinked_progress_file_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    fs::write(dir.path().join("real.json"), b"{}").unwrap();
    symlink("real.json", store.path()).unwrap();
    store.update(|p| p.last_step = 7).unwrap();
    assert!(
        fs::symlink_metadata(store.path())
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = fs::read_to_string(dir.path().join("real.json")).unwrap();
    assert!(text.contains("\"last_step\": 7"), "{text}");
}

#[test]
fn lessons_done_are_kept_once_each_and_a_file_without_them_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().to_path_buf());
    // A store written before the section existed.
    fs::write(store.path(), r#"{"last_lesson":"osi","last_step":2}"#).unwrap();
    let (p, warning) = store.load();
    assert!(warning.is_none());
    assert!(p.lessons_done().is_empty());
    let ((first, again), _) = store
        .update(|p| (p.mark_lesson_done("basics"), p.mark_lesson_done("basics")))
        .unwrap();
    assert!(first && !again);
    store.update(|p| p.mark_lesson_done("osi")).unwrap();
    let (p, _) = store.load();
    assert_eq!(
        p.lessons_done(),
        vec!["basics".to_string(), "osi".to_string()]
    );
    assert_eq!(p.last_lesson.as_deref(), Some("osi"));
    // A hand-edited section of the wrong shape counts as none, not an error.
    fs::write(store.path(), r#"{"lessons_done":{"x":1}}"#).unwrap();
    assert!(store.load().0.lessons_done().is_empty());
    fs::write(store.path(), r#"{"lessons_done":["a",7,"b"]}"#).unwrap();
    assert_eq!(
        store.load().0.lessons_done(),
        vec!["a".to_string(), "b".to_string()]
    );
}
