//! After the shoot, the producer's footage-use list (picture, trailers and marketing, stills) with
//! revocations, narrowings and unshot scenes marked, as a printable page and as CSV.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sqlx::PgPool;
use time::OffsetDateTime;

use super::people::People;
use crate::access::Action;
use crate::clock::format_date;
use crate::csv;
use crate::error::Result;
use crate::productions::{Member, Production};
use crate::vocab::scope::Narrowing;
use crate::vocab::scope::Scope;
use crate::web::AppState;
use crate::web::{Ctx, render};

/// One scene and performer: what their signed rider lets the production do with the footage.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FootageRow {
    pub scene: String,
    pub performer: String,
    /// "Rider #12, signed", "Revoked 3 Dec 2026, before shooting: no footage", "No signed rider".
    pub consent: String,
    /// "Shot Tue 17 Nov 2026" or "Unshot".
    pub shot: String,
    pub in_picture: String,
    pub trailers: String,
    pub stills: String,
    /// "2 items: act: …, use in stills" or empty.
    pub narrowed: String,
    /// Whether nothing of this may be used: unsigned, or withdrawn before any take.
    pub no_use: bool,
}

/// The facts of one rider for the footage list.
#[derive(Clone, Debug)]
struct FootageRider {
    pub rider_id: i64,
    pub scope: Scope,
    pub signed_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub stale: bool,
    pub narrowing: Narrowing,
}

/// One row, decided from plain facts: the performer's newest signed rider for the scene (if
/// any) and when the scene was first marked shot (if ever). Instants come on the production's
/// clocks (`Zone::local`), so each date printed is the local one.
fn footage_row(
    scene: &str,
    performer: &str,
    rider: Option<&FootageRider>,
    first_shot: Option<OffsetDateTime>,
) -> FootageRow {
    let shot = match first_shot {
        Some(at) => format!("Shot {}", format_date(at.date())),
        None => "Unshot".to_string(),
    };
    let Some(rider) = rider else {
        return FootageRow {
            scene: scene.into(),
            performer: performer.into(),
            consent: "No signed rider: no use".into(),
            shot,
            in_picture: "no".into(),
            trailers: "no".into(),
            stills: "no".into(),
            narrowed: String::new(),
            no_use: true,
        };
    };
    let (consent, no_use) = match (rider.revoked_at, first_shot) {
        (Some(revoked), Some(shot_at)) if revoked > shot_at => (
            format!(
                "Rider #{}: revoked {}, after the scene was shot: the takes stand (R3)",
                rider.rider_id,
                format_date(revoked.date())
            ),
            false,
        ),
        (Some(revoked), _) => (
            format!(
                "Rider #{}: revoked {}, before shooting: no footage may be used",
                rider.rider_id,
                format_date(revoked.date())
            ),
            true,
        ),
        (None, _) if rider.stale => (
            format!(
                "Rider #{}: signed {} for an earlier version of the breakdown",
                rider.rider_id,
                format_date(rider.signed_at.date())
            ),
            false,
        ),
        (None, _) => (
            format!(
                "Rider #{}: signed {}",
                rider.rider_id,
                format_date(rider.signed_at.date())
            ),
            false,
        ),
    };
    let taken = rider.narrowing.within(&rider.scope);
    let left = taken.apply(&rider.scope);
    let word = |agreed: bool, now: bool| -> String {
        match (no_use, agreed, now) {
            (true, _, _) => "no".into(),
            (false, true, true) => "yes".into(),
            (false, true, false) => "no (narrowed on the day)".into(),
            (false, false, _) => "no".into(),
        }
    };
    let items = rider.scope.beyond(&left);
    FootageRow {
        scene: scene.into(),
        performer: performer.into(),
        consent,
        shot,
        in_picture: word(rider.scope.uses.in_picture, left.uses.in_picture),
        trailers: word(rider.scope.uses.trailers, left.uses.trailers),
        stills: word(rider.scope.uses.stills, left.uses.stills),
        narrowed: if items.is_empty() {
            String::new()
        } else {
            format!(
                "{} item{}: {}",
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                crate::vocab::scope::words(&items)
            )
        },
        no_use,
    }
}

#[derive(sqlx::FromRow)]
struct SceneFacts {
    scene_id: i64,
    number: String,
    current_version_id: i64,
    breakdown: String,
    first_shot: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct RiderFacts {
    rider_id: i64,
    cast_member_id: i64,
    scene_id: i64,
    scene_version_id: i64,
    scope: String,
    signed_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct NarrowingFacts {
    rider_id: i64,
    narrowed: String,
}

/// Every flagged scene's performers (and doubles), in script order. Five queries.
async fn footage_rows(pool: &PgPool, production: &Production) -> Result<Vec<FootageRow>> {
    let production_id = production.production_id;
    // Dates are read where the production shoots: a take at 01:00 local is that day's, not
    // the previous UTC day's.
    let local = |at: OffsetDateTime| production.zone.local(at);
    let scenes: Vec<SceneFacts> = sqlx::query_as(
        "select s.scene_id, s.number, s.current_version_id, v.breakdown::text as breakdown,
                (select min(ds.shot_at) from shoot_day_scene ds where ds.scene_id = s.scene_id)
                    as first_shot
         from scene s join scene_version v on v.scene_version_id = s.current_version_id
         where s.production_id = $1 and v.flagged and not s.omitted
         order by s.sort_key collate \"C\"",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?;
    let riders: Vec<RiderFacts> = sqlx::query_as(
        "select r.rider_id, r.cast_member_id, rs.scene_id, rs.scene_version_id,
                rs.scope::text as scope, r.signed_at, r.revoked_at
         from rider r join rider_scene rs using (rider_id)
         where r.production_id = $1 and r.signed_at is not null
         order by r.rider_id desc",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?;
    let narrowings: Vec<NarrowingFacts> = sqlx::query_as(
        "select rider_id, narrowed::text as narrowed from reconfirmation
         where production_id = $1 and rider_id is not null and narrowed_count > 0",
    )
    .bind(production_id)
    .fetch_all(pool)
    .await?;
    let people = People::load(pool, production_id).await?;
    let mut narrowed: HashMap<i64, Narrowing> = HashMap::new();
    for n in &narrowings {
        if let Ok(parsed) = serde_json::from_str::<Narrowing>(&n.narrowed) {
            narrowed.entry(n.rider_id).or_default().add(&parsed);
        }
    }
    // Each performer's newest signed rider per scene (rows come newest first): the rider the
    // footage was (or will be) shot under. Grouped once, not searched per scene and person.
    let mut newest: HashMap<(i64, i64), &RiderFacts> = HashMap::new();
    for r in &riders {
        newest.entry((r.scene_id, r.cast_member_id)).or_insert(r);
    }
    let mut out = Vec::new();
    for scene in &scenes {
        for (cast_member_id, who) in people.of_scene(scene.scene_id, &scene.breakdown, &[]) {
            let rider = newest.get(&(scene.scene_id, cast_member_id)).and_then(|r| {
                Some(FootageRider {
                    rider_id: r.rider_id,
                    scope: serde_json::from_str(&r.scope).ok()?,
                    signed_at: local(r.signed_at),
                    revoked_at: r.revoked_at.map(local),
                    stale: r.scene_version_id != scene.current_version_id,
                    narrowing: narrowed.get(&r.rider_id).cloned().unwrap_or_default(),
                })
            });
            out.push(footage_row(
                &scene.number,
                &who,
                rider.as_ref(),
                scene.first_shot.map(local),
            ));
        }
    }
    Ok(out)
}

/// The rows as of the production's revision and minute, computed once for the page and the CSV
/// and every producer and coordinator who reads them: they show the same to all who may see
/// them. Scenes, versions, riders, reconfirmations, cast, doubles and takes all move the
/// revision; what is settled depends on the day, hence the minute.
async fn cached_rows(state: &AppState, production: &Production) -> Result<Arc<Vec<FootageRow>>> {
    let minute = crate::web::cache::this_minute();
    state
        .pages
        .get_or_compute_value(
            production.production_id,
            "footage use",
            production.revision,
            minute,
            || footage_rows(&state.pool, production),
        )
        .await
}

#[derive(Template)]
#[template(path = "onset/footage.html")]
struct FootagePage<'a> {
    ctx: Ctx,
    member: Member,
    rows: &'a [FootageRow],
    today: String,
}

pub(super) async fn footage_page(
    State(state): State<AppState>,
    ctx: Ctx,
    member: Member,
) -> Result<Response> {
    member.may(Action::SeeFootageUse)?;
    let rows = cached_rows(&state, &member.production).await?;
    render(&FootagePage {
        ctx,
        today: format_date(member.production.zone.today()),
        member,
        rows: &rows,
    })
}

const CSV_HEADER: [&str; 8] = [
    "scene",
    "performer",
    "consent",
    "shot",
    "in the picture",
    "trailers and marketing",
    "stills",
    "narrowed on the day",
];

/// With the shared writer the budget export uses: a byte-order mark, CRLF, formulas defused
/// (names and act lines are text people typed).
fn footage_csv_text(rows: &[FootageRow]) -> String {
    let mut out = csv::start(&CSV_HEADER);
    for r in rows {
        let fields = [
            &r.scene,
            &r.performer,
            &r.consent,
            &r.shot,
            &r.in_picture,
            &r.trailers,
            &r.stills,
            &r.narrowed,
        ]
        .map(|f| csv::text_field(f));
        csv::push_row(&mut out, &fields);
    }
    out
}

pub(super) async fn footage_csv(State(state): State<AppState>, member: Member) -> Result<Response> {
    member.may(Action::SeeFootageUse)?;
    let rows = cached_rows(&state, &member.production).await?;
    // Named after the production, like the budget export, so downloads from two productions
    // do not overwrite each other.
    let disposition = format!(
        "attachment; filename=\"{}\"",
        csv::file_name(&member.production.title, "footage-use")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        footage_csv_text(&rows),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::vocab::body::{BodyArea, NudityLevel};
    use crate::vocab::breakdown::PerformerPart;
    use crate::vocab::scope::Uses;

    fn rider(trailers: bool, stills: bool) -> FootageRider {
        FootageRider {
            rider_id: 4,
            scope: Scope::from_part(
                &PerformerPart {
                    cast_member_id: 1,
                    nudity: NudityLevel::PartialUpper,
                    shown: vec![BodyArea::UpperBack],
                    touched: vec![],
                    touching: vec![],
                    acts: vec!["Embrace".into()],
                    garments: String::new(),
                },
                Uses {
                    in_picture: true,
                    trailers,
                    stills,
                },
                false,
            ),
            signed_at: datetime!(2026-11-01 10:00 UTC),
            revoked_at: None,
            stale: false,
            narrowing: Narrowing::default(),
        }
    }

    #[test]
    fn the_rider_decides_each_use_and_a_narrowing_takes_it_away() {
        let shot = Some(datetime!(2026-11-17 15:00 UTC));
        let row = footage_row("5A", "#1 Alex", Some(&rider(true, false)), shot);
        assert_eq!(
            (
                row.in_picture.as_str(),
                row.trailers.as_str(),
                row.stills.as_str()
            ),
            ("yes", "yes", "no")
        );
        assert_eq!(row.shot, "Shot Tue 17 Nov 2026");
        let mut narrowed = rider(true, false);
        narrowed.narrowing.trailers = true;
        narrowed.narrowing.acts.insert("Embrace".into());
        let row = footage_row("5A", "#1 Alex", Some(&narrowed), shot);
        assert_eq!(row.trailers, "no (narrowed on the day)");
        assert_eq!(
            row.narrowed,
            "2 items: act: Embrace, use in trailers and marketing"
        );
    }

    #[test]
    fn revocation_before_shooting_means_no_use_and_after_it_the_takes_stand() {
        let shot = Some(datetime!(2026-11-17 15:00 UTC));
        let mut revoked = rider(true, true);
        revoked.revoked_at = Some(datetime!(2026-11-10 09:00 UTC));
        let row = footage_row("5A", "#2 Sam", Some(&revoked), shot);
        assert!(row.no_use && row.consent.contains("before shooting"));
        assert_eq!(row.in_picture, "no");
        revoked.revoked_at = Some(datetime!(2026-11-18 09:00 UTC));
        let row = footage_row("5A", "#2 Sam", Some(&revoked), shot);
        assert!(!row.no_use && row.consent.contains("the takes stand"));
        let row = footage_row("8", "#5 Theo", None, None);
        assert!(row.no_use);
        assert_eq!(row.shot, "Unshot");
    }

    #[test]
    fn csv_quotes_and_defuses() {
        let mut row = footage_row("5A", "=cmd", None, None);
        row.narrowed = "2 items: act: say \"yes\", again".into();
        let csv = footage_csv_text(&[row]);
        assert!(csv.starts_with("\u{feff}scene,performer,consent,"));
        let line = csv.split("\r\n").nth(1).unwrap();
        assert!(line.starts_with("5A,'=cmd,No signed rider: no use,Unshot,no,no,no,"));
        assert!(line.ends_with(",\"2 items: act: say \"\"yes\"\", again\""));
        assert!(csv.ends_with("\r\n"));
    }
}
