//! Marks that the last entry sets: a scene shot on a day (`shoot_day_scene.shot_at`, from
//! `shot` and `shot_undone`) and a performer's double in a scene (`scene_double`).

use std::collections::HashMap;

use sqlx::PgConnection;

use super::{Disagreement, Event, Scenes, US, field, instant, shown, when};

#[derive(sqlx::FromRow)]
struct ShotRow {
    shoot_day_id: i64,
    scene_id: i64,
    shot_at: Option<i64>,
    shot_by: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct DoubleRow {
    scene_id: i64,
    original_cast_member_id: i64,
    double_cast_member_id: i64,
    assigned_at: i64,
    assigned_by: Option<i64>,
}

pub(super) async fn check(
    conn: &mut PgConnection,
    production_id: i64,
    events: &[Event],
    scenes: &Scenes,
) -> sqlx::Result<Vec<Disagreement>> {
    let shots: Vec<ShotRow> = sqlx::query_as(&format!(
        "select shoot_day_id, scene_id, (extract(epoch from shot_at) {US} as shot_at, shot_by
             from shoot_day_scene where production_id = $1 order by shoot_day_id, scene_id"
    ))
    .bind(production_id)
    .fetch_all(&mut *conn)
    .await?;
    let doubles: Vec<DoubleRow> = sqlx::query_as(&format!(
        "select scene_id, original_cast_member_id, double_cast_member_id,
                    (extract(epoch from assigned_at) {US} as assigned_at, assigned_by
             from scene_double where production_id = $1
             order by scene_id, original_cast_member_id"
    ))
    .bind(production_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    self::shots(&mut out, &shots, events, scenes);
    self::doubles(&mut out, &doubles, events, scenes);
    Ok(out)
}

fn shots(out: &mut Vec<Disagreement>, rows: &[ShotRow], events: &[Event], scenes: &Scenes) {
    // The last `shot` or `shot_undone` of each scene on each day is its mark now.
    let mut last: HashMap<(i64, i64), &Event> = HashMap::new();
    for e in events
        .iter()
        .filter(|e| e.event == "shot" || e.event == "shot_undone")
    {
        if let (Some(day), Some(scene)) = (e.int("shoot_day_id"), scenes.of(&e.details)) {
            last.insert((day, scene), e);
        }
    }
    for row in rows {
        let label = format!(
            "shoot_day_scene (day {}, scene {})",
            row.shoot_day_id, row.scene_id
        );
        match last.remove(&(row.shoot_day_id, row.scene_id)) {
            Some(e) if e.event == "shot" => {
                let at = (Some(e.at), row.shot_at);
                field(out, "shoot_day_scene", &label, "shot_at", at, when);
                let by = (e.actor, row.shot_by);
                field(out, "shoot_day_scene", &label, "shot_by", by, shown);
            }
            undone if row.shot_at.is_some() || row.shot_by.is_some() => {
                let ledger = match undone {
                    Some(e) => format!("its mark was undone at {}", instant(e.at)),
                    None => "it was never marked shot".to_string(),
                };
                out.push(Disagreement::new(
                    "shoot_day_scene",
                    label,
                    format!(
                        "the row marks it shot ({}), but the ledger says {ledger}",
                        when(row.shot_at)
                    ),
                ));
            }
            _ => {}
        }
    }
    let mut gone: Vec<(&(i64, i64), &&Event)> =
        last.iter().filter(|(_, e)| e.event == "shot").collect();
    gone.sort_by_key(|(key, _)| **key);
    for ((day, scene), e) in gone {
        out.push(Disagreement::new(
            "shoot_day_scene",
            format!("shoot_day_scene (day {day}, scene {scene})"),
            format!(
                "the ledger says the scene was shot on this day at {}, but it is not on the day",
                instant(e.at)
            ),
        ));
    }
}

fn doubles(out: &mut Vec<Disagreement>, rows: &[DoubleRow], events: &[Event], scenes: &Scenes) {
    // The last assignment for a performer in a scene is the one that stands.
    let mut last: HashMap<(i64, i64), &Event> = HashMap::new();
    for e in events.iter().filter(|e| e.event == "double_assigned") {
        if let (Some(scene), Some(original)) =
            (scenes.of(&e.details), e.int("original_cast_member_id"))
        {
            last.insert((scene, original), e);
        }
    }
    let label =
        |scene: i64, original: i64| format!("scene_double (scene {scene}, cast member {original})");
    for r in rows {
        let row = label(r.scene_id, r.original_cast_member_id);
        let Some(e) = last.remove(&(r.scene_id, r.original_cast_member_id)) else {
            out.push(Disagreement::new(
                "scene_double",
                row,
                "no double_assigned entry stands behind this double",
            ));
            continue;
        };
        let double = (
            e.int("double_cast_member_id"),
            Some(r.double_cast_member_id),
        );
        field(
            out,
            "scene_double",
            &row,
            "double_cast_member_id",
            double,
            shown,
        );
        field(
            out,
            "scene_double",
            &row,
            "assigned_at",
            (e.at, r.assigned_at),
            instant,
        );
        field(
            out,
            "scene_double",
            &row,
            "assigned_by",
            (e.actor, r.assigned_by),
            shown,
        );
    }
    let mut gone: Vec<&(i64, i64)> = last.keys().collect();
    gone.sort();
    for (scene, original) in gone {
        out.push(Disagreement::new(
            "scene_double",
            label(*scene, *original),
            "the ledger says a double was assigned, but there is no row",
        ));
    }
}

#[cfg(test)]
mod tests {
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

    fn on_day() -> serde_json::Value {
        json!({"shoot_day_id": 3, "scene_id": 7, "scene": "5A"})
    }

    fn shot(shot_at: Option<i64>) -> ShotRow {
        ShotRow {
            shoot_day_id: 3,
            scene_id: 7,
            shot_at,
            shot_by: shot_at.map(|_| 4),
        }
    }

    #[test]
    fn the_last_shot_entry_is_the_mark_and_a_mark_without_one_is_named() {
        let scenes = Scenes(HashMap::new());
        let marked = vec![event("shot", 30, on_day())];
        let undone = vec![
            event("shot", 30, on_day()),
            event("shot_undone", 40, on_day()),
        ];
        for (events, row, named) in [
            (&marked, shot(Some(30)), false),
            (&marked, shot(Some(31)), true),
            (&marked, shot(None), true),
            (&undone, shot(None), false),
            (&undone, shot(Some(30)), true),
            (&vec![], shot(Some(30)), true),
        ] {
            let mut out = Vec::new();
            shots(&mut out, &[row], events, &scenes);
            assert_eq!(!out.is_empty(), named, "{out:?}");
            assert!(
                out.iter()
                    .all(|d| d.row == "shoot_day_scene (day 3, scene 7)")
            );
        }
        let mut out = Vec::new();
        shots(&mut out, &[], &marked, &scenes);
        assert!(out[0].what.contains("not on the day"), "{out:?}");
    }

    #[test]
    fn a_double_no_entry_assigned_is_named() {
        let scenes = Scenes(HashMap::from([("5A".to_string(), 7)]));
        // An entry from before doubles were named by scene id: found by number.
        let events = vec![event(
            "double_assigned",
            10,
            json!({"scene": "5A", "original_cast_member_id": 1, "double_cast_member_id": 2}),
        )];
        let row = |original| DoubleRow {
            scene_id: 7,
            original_cast_member_id: original,
            double_cast_member_id: 2,
            assigned_at: 10,
            assigned_by: Some(4),
        };
        let mut out = Vec::new();
        doubles(&mut out, &[row(1), row(3)], &events, &scenes);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].row, "scene_double (scene 7, cast member 3)");
    }
}
