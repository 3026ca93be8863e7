//! Unit tests of `state::on_set`.

use serde_json::json;

use super::*;

fn event(word: &str, at: i64, details: serde_json::Value) -> Event {
    Event {
        event: crate::ledger::state::word(word),
        rider_id: None,
        actor: Some(4),
        at,
        details: serde_json::from_value(details).expect("test details"),
    }
}

fn pause(id: i64, paused_at: i64, resolved_at: Option<i64>) -> PauseRow {
    PauseRow {
        pause_id: id,
        shoot_day_id: 3,
        scene_id: 7,
        paused_by: Some(4),
        paused_as: "performer".into(),
        paused_at,
        resolved_at,
        resolved_by: resolved_at.map(|_| 4),
    }
}

fn rows() -> Rows {
    Rows {
        pauses: vec![],
        reconfirmations: vec![],
        closures: vec![],
    }
}

fn on(extra: serde_json::Value) -> serde_json::Value {
    let mut base = json!({"shoot_day_id": 3, "scene_id": 7, "scene": "5A"});
    base.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    base
}

#[test]
fn pairing_prefers_the_exact_row_then_takes_what_is_left() {
    let entries = [(1, 10), (1, 20), (1, 99)];
    let rows = [(1, 20), (1, 11), (2, 10)];
    let (found, claimed) = pair(
        &entries,
        &rows,
        |e| e.0,
        |r| r.0,
        |e, r| e.1 == r.1,
        |_, _| true,
    );
    assert_eq!(found, vec![Some(1), Some(0), None]);
    assert_eq!(claimed, vec![true, true, false]);
}

#[test]
fn old_holds_without_ids_are_matched_by_instant_and_a_moved_resolution_is_named() {
    let events = vec![
        event("paused", 10, on(json!({"paused_as": "performer"}))),
        event("resumed", 20, on(json!({}))),
    ];
    let mut r = rows();
    r.pauses = vec![pause(1, 10, Some(20))];
    assert_eq!(compare(&r, &events, &Scenes(HashMap::new())), vec![]);
    r.pauses = vec![pause(1, 10, Some(25))];
    let out = compare(&r, &events, &Scenes(HashMap::new()));
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].row, "pause 1");
    assert!(out[0].what.starts_with("resolved_at is"));
}

#[test]
fn a_deleted_hold_is_named_by_its_day_and_scene() {
    let events = vec![event(
        "paused",
        10,
        on(json!({"paused_as": "coordinator", "pause_id": 5})),
    )];
    let out = compare(&rows(), &events, &Scenes(HashMap::new()));
    let rows: Vec<&str> = out.iter().map(|d| d.row.as_str()).collect();
    assert_eq!(rows, vec!["pause (day 3, scene 7)"]);
}

#[test]
fn a_reconfirmation_keeps_what_its_narrowed_entry_took_back() {
    let reconfirmed = Event {
        rider_id: Some(2),
        ..event("reconfirmed", 10, on(json!({"cast_member_id": 1})))
    };
    let narrowed = Event {
        rider_id: Some(2),
        ..event("narrowed", 10, json!({"taken_back": {"stills": true}}))
    };
    let row = |narrowed: &str, count| ReconfirmationRow {
        reconfirmation_id: 8,
        shoot_day_id: 3,
        scene_id: 7,
        cast_member_id: 1,
        rider_id: Some(2),
        narrowed: narrowed.into(),
        narrowed_count: count,
        confirmed_at: 10,
    };
    let mut r = rows();
    r.reconfirmations = vec![row(r#"{"stills": true}"#, 1)];
    let events = vec![reconfirmed, narrowed];
    assert_eq!(compare(&r, &events, &Scenes(HashMap::new())), vec![]);
    r.reconfirmations = vec![row("{}", 0)];
    let out = compare(&r, &events, &Scenes(HashMap::new()));
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out.iter().all(|d| d.row == "reconfirmation 8"));
}
