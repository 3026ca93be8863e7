//! Records of the day, one row per entry: holds (`pause`, from `paused` and `resumed`),
//! reconfirmations with what a `narrowed` entry took back, and closures.

use std::collections::HashMap;
use std::hash::Hash;

use sqlx::PgConnection;

use super::{Disagreement, Event, Scenes, US, field, instant, shown, when};
use crate::vocab::scope::Narrowing;

#[derive(sqlx::FromRow)]
struct PauseRow {
    pause_id: i64,
    shoot_day_id: i64,
    scene_id: i64,
    paused_by: Option<i64>,
    paused_as: String,
    paused_at: i64,
    resolved_at: Option<i64>,
    resolved_by: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ReconfirmationRow {
    reconfirmation_id: i64,
    shoot_day_id: i64,
    scene_id: i64,
    cast_member_id: i64,
    rider_id: Option<i64>,
    narrowed: String,
    narrowed_count: i32,
    confirmed_at: i64,
}

#[derive(sqlx::FromRow)]
struct ClosureRow {
    shoot_day_id: i64,
    scene_id: i64,
    cast_member_id: i64,
    closed_at: i64,
}

/// The rows on set, one query per table.
struct Rows {
    pauses: Vec<PauseRow>,
    reconfirmations: Vec<ReconfirmationRow>,
    closures: Vec<ClosureRow>,
}

pub(super) async fn check(
    conn: &mut PgConnection,
    production_id: i64,
    events: &[Event],
    scenes: &Scenes,
) -> sqlx::Result<Vec<Disagreement>> {
    let rows = Rows {
        pauses: sqlx::query_as(&format!(
            "select pause_id, shoot_day_id, scene_id, paused_by, paused_as,
                    (extract(epoch from paused_at) {US} as paused_at,
                    (extract(epoch from resolved_at) {US} as resolved_at, resolved_by
             from pause where production_id = $1 order by pause_id"
        ))
        .bind(production_id)
        .fetch_all(&mut *conn)
        .await?,
        reconfirmations: sqlx::query_as(&format!(
            "select reconfirmation_id, shoot_day_id, scene_id, cast_member_id, rider_id,
                    narrowed::text as narrowed, narrowed_count,
                    (extract(epoch from confirmed_at) {US} as confirmed_at
             from reconfirmation where production_id = $1 order by reconfirmation_id"
        ))
        .bind(production_id)
        .fetch_all(&mut *conn)
        .await?,
        closures: sqlx::query_as(&format!(
            "select shoot_day_id, scene_id, cast_member_id,
                    (extract(epoch from closed_at) {US} as closed_at
             from closure where production_id = $1 order by closure_id"
        ))
        .bind(production_id)
        .fetch_all(&mut *conn)
        .await?,
    };
    Ok(compare(&rows, events, scenes))
}

/// An on-set entry placed on its shoot day and scene.
struct OnDay<'a> {
    day: i64,
    scene: i64,
    e: &'a Event,
}

impl OnDay<'_> {
    fn cast(&self) -> Option<i64> {
        self.e.int("cast_member_id")
    }
}

fn compare(rows: &Rows, events: &[Event], scenes: &Scenes) -> Vec<Disagreement> {
    let of = |word: &str| -> Vec<OnDay<'_>> {
        events
            .iter()
            .filter(|e| e.event == word)
            .filter_map(|e| {
                Some(OnDay {
                    day: e.int("shoot_day_id")?,
                    scene: scenes.of(&e.details)?,
                    e,
                })
            })
            .collect()
    };
    let mut out = Vec::new();
    pauses(&mut out, &rows.pauses, &of("paused"), &of("resumed"));
    reconfirmations(&mut out, &rows.reconfirmations, &of("reconfirmed"), events);
    closures(&mut out, &rows.closures, &of("closed"));
    out
}

/// Pairs entries with rows of the same group (day and scene, say): first rows that agree with
/// an entry on `exact` (its instant, or the row id it names), then, for what is left, rows that
/// agree on `loose`, so a row whose time was moved is still named as that row. Returns each
/// entry's row, and which rows some entry claimed.
fn pair<E, R, K: Eq + Hash>(
    entries: &[E],
    rows: &[R],
    entry_key: impl Fn(&E) -> K,
    row_key: impl Fn(&R) -> K,
    exact: impl Fn(&E, &R) -> bool,
    loose: impl Fn(&E, &R) -> bool,
) -> (Vec<Option<usize>>, Vec<bool>) {
    let mut groups: HashMap<K, Vec<usize>> = HashMap::new();
    for (j, r) in rows.iter().enumerate() {
        groups.entry(row_key(r)).or_default().push(j);
    }
    let mut claimed = vec![false; rows.len()];
    let mut found = vec![None; entries.len()];
    for second_pass in [false, true] {
        let agrees = |e: &E, r: &R| {
            if second_pass {
                loose(e, r)
            } else {
                exact(e, r)
            }
        };
        for (i, e) in entries.iter().enumerate() {
            if found[i].is_some() {
                continue;
            }
            let group = groups.get(&entry_key(e)).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&j) = group.iter().find(|&&j| !claimed[j] && agrees(e, &rows[j])) {
                claimed[j] = true;
                found[i] = Some(j);
            }
        }
    }
    (found, claimed)
}

/// Holds: `paused` creates the row, `resumed` resolves it. Entries since holds were named by
/// id carry `pause_id`; older ones are matched by day, scene and instant, then by day and
/// scene (and who pressed), as best they can be.
fn pauses(out: &mut Vec<Disagreement>, rows: &[PauseRow], paused: &[OnDay], resumed: &[OnDay]) {
    let key = |r: &PauseRow| (r.shoot_day_id, r.scene_id);
    let on = |p: &OnDay| (p.day, p.scene);
    let id = |p: &OnDay| p.e.int("pause_id");
    let missing = |p: &OnDay| format!("pause (day {}, scene {})", p.day, p.scene);
    let (found, claimed) = pair(
        paused,
        rows,
        on,
        key,
        |p, r| id(p).map_or(r.paused_at == p.e.at, |id| id == r.pause_id),
        |p, r| id(p).is_none() && r.paused_by == p.e.actor,
    );
    for (p, j) in paused.iter().zip(found) {
        let Some(r) = j.map(|j| &rows[j]) else {
            out.push(Disagreement::new(
                "pause",
                missing(p),
                format!(
                    "the ledger says a hold was pressed at {}, but there is no pause row",
                    instant(p.e.at)
                ),
            ));
            continue;
        };
        let label = format!("pause {}", r.pause_id);
        field(
            out,
            "pause",
            &label,
            "paused_at",
            (p.e.at, r.paused_at),
            instant,
        );
        let as_ = (p.e.text("paused_as"), Some(r.paused_as.as_str()));
        field(out, "pause", &label, "paused_as", as_, shown);
        field(
            out,
            "pause",
            &label,
            "paused_by",
            (p.e.actor, r.paused_by),
            shown,
        );
    }
    for (r, _) in rows.iter().zip(claimed).filter(|(_, c)| !c) {
        out.push(Disagreement::new(
            "pause",
            format!("pause {}", r.pause_id),
            "no paused entry stands behind this hold",
        ));
    }
    let (found, claimed) = pair(
        resumed,
        rows,
        on,
        key,
        |p, r| id(p).map_or(r.resolved_at == Some(p.e.at), |id| id == r.pause_id),
        |p, r| id(p).is_none() && r.paused_at <= p.e.at,
    );
    for (p, j) in resumed.iter().zip(found) {
        let Some(r) = j.map(|j| &rows[j]) else {
            out.push(Disagreement::new(
                "pause",
                missing(p),
                format!(
                    "the ledger says a hold was resolved at {}, but no pause row matches",
                    instant(p.e.at)
                ),
            ));
            continue;
        };
        let label = format!("pause {}", r.pause_id);
        field(
            out,
            "pause",
            &label,
            "resolved_at",
            (Some(p.e.at), r.resolved_at),
            when,
        );
        field(
            out,
            "pause",
            &label,
            "resolved_by",
            (p.e.actor, r.resolved_by),
            shown,
        );
    }
    for (r, _) in rows
        .iter()
        .zip(claimed)
        .filter(|(r, c)| !c && r.resolved_at.is_some())
    {
        out.push(Disagreement::new(
            "pause",
            format!("pause {}", r.pause_id),
            format!(
                "the row resolves the hold at {}, but no resumed entry stands behind it",
                when(r.resolved_at)
            ),
        ));
    }
}

/// Reconfirmations, with what a `narrowed` entry of the same rider and instant took back.
fn reconfirmations(
    out: &mut Vec<Disagreement>,
    rows: &[ReconfirmationRow],
    reconfirmed: &[OnDay],
    events: &[Event],
) {
    let taken_back: HashMap<(Option<i64>, i64), Narrowing> = events
        .iter()
        .filter(|e| e.event == "narrowed")
        .map(|e| {
            let items = serde_json::from_value(e.details.taken_back.clone().unwrap_or_default())
                .unwrap_or_default();
            ((e.rider_id, e.at), items)
        })
        .collect();
    let (found, claimed) = pair(
        reconfirmed,
        rows,
        |p| (p.day, p.scene, p.cast()),
        |r| (r.shoot_day_id, r.scene_id, Some(r.cast_member_id)),
        |p, r| r.confirmed_at == p.e.at && r.rider_id == p.e.rider_id,
        |_, _| true,
    );
    for (p, j) in reconfirmed.iter().zip(found) {
        let Some(r) = j.map(|j| &rows[j]) else {
            out.push(Disagreement::new(
                "reconfirmation",
                format!(
                    "reconfirmation (day {}, scene {}, cast member {})",
                    p.day,
                    p.scene,
                    shown(p.cast())
                ),
                format!(
                    "the ledger says the performer was reconfirmed at {}, but there is no row",
                    instant(p.e.at)
                ),
            ));
            continue;
        };
        let label = format!("reconfirmation {}", r.reconfirmation_id);
        field(
            out,
            "reconfirmation",
            &label,
            "confirmed_at",
            (p.e.at, r.confirmed_at),
            instant,
        );
        field(
            out,
            "reconfirmation",
            &label,
            "rider_id",
            (p.e.rider_id, r.rider_id),
            shown,
        );
        let want = taken_back
            .get(&(p.e.rider_id, p.e.at))
            .cloned()
            .unwrap_or_default();
        let stored: Option<Narrowing> = serde_json::from_str(&r.narrowed).ok();
        if stored.as_ref() != Some(&want) {
            out.push(Disagreement::new(
                "reconfirmation",
                &label,
                format!(
                    "narrowed takes back {} on the row, but the ledger records {} item(s) taken back",
                    stored.map_or("something unreadable".to_string(), |n| format!("{} item(s)", n.count())),
                    want.count()
                ),
            ));
        }
        let count = (want.count() as i64, i64::from(r.narrowed_count));
        field(
            out,
            "reconfirmation",
            &label,
            "narrowed_count",
            count,
            |n| n.to_string(),
        );
    }
    for (r, _) in rows.iter().zip(claimed).filter(|(_, c)| !c) {
        out.push(Disagreement::new(
            "reconfirmation",
            format!("reconfirmation {}", r.reconfirmation_id),
            "no reconfirmed entry stands behind this reconfirmation",
        ));
    }
}

fn closures(out: &mut Vec<Disagreement>, rows: &[ClosureRow], closed: &[OnDay]) {
    let label = |day: i64, scene: i64, cast: String| {
        format!("closure (day {day}, scene {scene}, cast member {cast})")
    };
    let (found, claimed) = pair(
        closed,
        rows,
        |p| (p.day, p.scene, p.cast()),
        |r| (r.shoot_day_id, r.scene_id, Some(r.cast_member_id)),
        |p, r| r.closed_at == p.e.at,
        |_, _| true,
    );
    for (p, j) in closed.iter().zip(found) {
        let row = label(p.day, p.scene, shown(p.cast()));
        match j.map(|j| &rows[j]) {
            Some(r) => field(
                out,
                "closure",
                &row,
                "closed_at",
                (p.e.at, r.closed_at),
                instant,
            ),
            None => out.push(Disagreement::new(
                "closure",
                row,
                format!(
                    "the ledger says the closure was logged at {}, but there is no row",
                    instant(p.e.at)
                ),
            )),
        }
    }
    for (r, _) in rows.iter().zip(claimed).filter(|(_, c)| !c) {
        out.push(Disagreement::new(
            "closure",
            label(r.shoot_day_id, r.scene_id, r.cast_member_id.to_string()),
            "no closed entry stands behind this closure",
        ));
    }
}

#[cfg(test)]
#[path = "on_set_tests.rs"]
mod tests;
