//! Unit tests of `state::riders`.

use serde_json::json;

use super::*;

fn event(event: &str, at: i64, details: Value) -> Event {
    Event {
        event: crate::ledger::state::word(event),
        rider_id: Some(1),
        actor: Some(2),
        at,
        details: serde_json::from_value(details).expect("test details"),
    }
}

fn scenes() -> Scenes {
    Scenes(HashMap::from([("5A".into(), 7), ("8".into(), 8)]))
}

fn rider(status: &str) -> RiderRow {
    RiderRow {
        rider_id: 1,
        status: status.into(),
        body_hash: "t".into(),
        body_sha256: Some("t".into()),
        in_picture: true,
        in_trailers: false,
        in_stills: false,
        double_allowed: false,
        delivered_at: Some(20),
        viewed_at: None,
        signed_at: Some(30),
        revoked_at: None,
        superseded_at: None,
        superseded_by: None,
    }
}

fn covered(scene_id: i64) -> CoveredRow {
    CoveredRow {
        rider_id: 1,
        scene_id,
        version: 1,
        content_hash: "h".into(),
        scope: "{}".into(),
        superseded_at: None,
        superseded_by: None,
        carried_scene_id: None,
        carried_version: None,
    }
}

fn signed_over(numbers: &[&str]) -> Vec<Event> {
    let facts: Vec<Value> = numbers
        .iter()
        .map(|n| json!({"scene": n, "version": 1, "content_hash": "h"}))
        .collect();
    let uses = Uses {
        in_picture: true,
        ..Uses::default()
    };
    let ids: Vec<(i64, Value)> = numbers
        .iter()
        .map(|n| (scenes().by_number(n).unwrap(), json!({})))
        .collect();
    vec![
        event("drafted", 10, json!({ "scenes": facts })),
        event(
            "delivered",
            20,
            json!({"scenes": facts, "text_sha256": "t",
                   "terms_sha256": terms_sha256(uses, false, &ids)}),
        ),
        event("signed", 30, json!({"text_sha256": "t"})),
    ]
}

#[test]
fn a_rider_as_its_entries_leave_it_agrees() {
    let events = signed_over(&["5A"]);
    let out = compare(&[rider("signed")], &[covered(7)], &events, &scenes());
    assert_eq!(out, vec![]);
}

#[test]
fn an_undone_withdrawal_and_a_widened_scope_are_both_named() {
    let mut events = signed_over(&["5A"]);
    events.push(event("revoked", 40, json!({})));
    let mut scope = covered(7);
    scope.scope = r#"{"acts":["more"]}"#.into();
    let out = compare(&[rider("signed")], &[scope], &events, &scenes());
    let text: Vec<String> = out.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 3, "{text:?}");
    assert!(text[0].contains("status is signed on the row, but the ledger says revoked"));
    assert!(text[1].starts_with("rider 1: revoked_at is not set on the row"));
    assert!(text[2].contains("agreed terms"));
}

#[test]
fn superseding_one_scene_of_two_leaves_the_rider_standing() {
    let mut events = signed_over(&["5A", "8"]);
    events.push(event(
        "superseded",
        50,
        json!({"superseded_by": 9, "scenes": ["5A"]}),
    ));
    let mut first = covered(7);
    first.superseded_at = Some(50);
    first.superseded_by = Some(9);
    let out = compare(&[rider("signed")], &[first, covered(8)], &events, &scenes());
    assert_eq!(out, vec![]);
    // Cleared behind the ledger's back, and a row no entry names.
    let out = compare(
        &[rider("signed")],
        &[covered(7), covered(8), covered(9)],
        &events,
        &scenes(),
    );
    let rows: Vec<&str> = out.iter().map(|d| d.row.as_str()).collect();
    assert_eq!(
        rows,
        vec![
            "rider 1",
            "rider_scene (rider 1, scene 7)",
            "rider_scene (rider 1, scene 7)",
            "rider_scene (rider 1, scene 9)"
        ],
        "{out:?}"
    );
}

#[test]
fn saying_no_before_signing_is_a_decline_even_when_a_coordinator_records_it() {
    let mut events = signed_over(&["5A"]);
    events.pop();
    let told = json!({"effective": "immediately", "told": "in_person"});
    events.push(event("revoked", 40, told));
    let mut row = rider("declined");
    row.signed_at = None;
    row.revoked_at = Some(40);
    assert_eq!(compare(&[row], &[covered(7)], &events, &scenes()), vec![]);
    // A signed rider's withdrawal stays a withdrawal.
    let mut events = signed_over(&["5A"]);
    events.push(event("revoked", 40, json!({})));
    let mut row = rider("declined");
    row.revoked_at = Some(40);
    let out = compare(&[row], &[covered(7)], &events, &scenes());
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0]
            .what
            .contains("status is declined on the row, but the ledger says revoked")
    );
}

#[test]
fn a_rider_without_entries_and_entries_without_a_rider_are_named() {
    let events = vec![Event {
        rider_id: Some(5),
        ..event("drafted", 1, json!({"scenes": []}))
    }];
    let out = compare(&[rider("signed")], &[], &events, &scenes());
    assert_eq!(out.len(), 2);
    assert!(out[0].what.contains("no entry"));
    assert_eq!(out[1].row, "rider 5");
}
