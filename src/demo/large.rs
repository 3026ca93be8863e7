//! `closedset demo --large`: a production the size of a long series (300 scenes, 60 cast, 90
//! shoot days, 600 riders: one per performer of each two-hander scene, 5,000 consent events),
//! seeded in bulk for `bench/run.sh` in seconds, with a ledger that bears out every rider, shot
//! mark, reconfirmation and closure it writes.

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::{Date, OffsetDateTime};

use crate::auth::password::Password;
use crate::ledger;
use crate::vocab::LedgerEvent;
use crate::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use crate::vocab::breakdown::{Breakdown, PerformerPart};
use crate::vocab::ledger_event::{OnDay, SceneFact, Told};
use crate::vocab::scope::{Scope, Uses};

const LARGE_TITLE: &str = "The Long Shoot (large demo)";
/// Its producer; the password is the demo's (`closedset-demo`).
pub const LARGE_PRODUCER: &str = "producer@large.test";
const SCENES: i64 = 300;
const CAST: i64 = 60;
const SHOOT_DAYS: i64 = 90;
const EVENTS: i64 = 5000;

/// What `closedset demo --large` prints.
pub const ACCOUNTS_NOTICE: &str = "\
The large demo production \"The Long Shoot (large demo)\" is loaded. Sign in as
producer@large.test (or coordinator@large.test, director@large.test, or performer@large.test,
who is cast #1), password closedset-demo.
";

/// The large production's one performer with an account (cast #1), so benchmarks and tests can
/// open a performer's pages on a large production.
pub const LARGE_PERFORMER: &str = "performer@large.test";

/// Loads the large production; running it again changes nothing. Returns its id.
pub async fn load(pool: &PgPool) -> anyhow::Result<i64> {
    let password = Password::new(super::DEMO_PASSWORD);
    let producer =
        crate::auth::upsert_demo_user(pool, LARGE_PRODUCER, "Robin Hale", &password, false).await?;
    let coordinator = crate::auth::upsert_demo_user(
        pool,
        "coordinator@large.test",
        "Kit Moreau",
        &password,
        false,
    )
    .await?;
    let director =
        crate::auth::upsert_demo_user(pool, "director@large.test", "Lee Park", &password, false)
            .await?;

    let performer =
        crate::auth::upsert_demo_user(pool, LARGE_PERFORMER, "Performer 1", &password, false)
            .await?;

    let mut tx = pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock(727002)")
        .execute(&mut *tx)
        .await?;
    let existing: Option<i64> =
        sqlx::query_scalar("select production_id from production where title = $1")
            .bind(LARGE_TITLE)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let production_id: i64 = sqlx::query_scalar(
        "insert into production (title, kind, phase, time_zone, currency, agreement,
                                 notice_hours, ic_account_code, created_by)
         values ($1, 'series', 'production', 'Europe/London', 'GBP', 'equity_uk', 48, '2950', $2)
         returning production_id",
    )
    .bind(LARGE_TITLE)
    .bind(producer)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "insert into member (production_id, user_id, role)
         select $1, u, r from unnest($2::bigint[], $3::text[]) as m(u, r)",
    )
    .bind(production_id)
    .bind(vec![producer, coordinator, director, performer])
    .bind(vec!["producer", "coordinator", "director", "performer"])
    .execute(&mut *tx)
    .await?;

    // Cast #1..#60, adults on paper; only #1 has an account (LARGE_PERFORMER).
    let cast: Vec<i64> = sqlx::query_scalar(
        "insert into cast_member (production_id, cast_number, name, character_name)
         select $1, g, 'Performer ' || g, 'Character ' || g from generate_series(1, $2) g
         returning cast_member_id",
    )
    .bind(production_id)
    .bind(CAST as i32)
    .fetch_all(&mut *tx)
    .await?;
    let mut cast = cast;
    cast.sort_unstable();
    sqlx::query("update cast_member set user_id = $1 where cast_member_id = $2")
        .bind(performer)
        .bind(cast[0])
        .execute(&mut *tx)
        .await?;

    // Scenes 1..300; the sort key is SceneNumber's shape for plain numbers ("0012" + "1").
    let scene_ids: Vec<i64> = sqlx::query_scalar(
        "insert into scene (production_id, number, sort_key, int_ext, set_name, time_of_day,
                            eighths, synopsis)
         select $1, g::text, lpad(g::text, 4, '0') || '1',
                (array['int', 'ext'])[1 + g % 2], 'Set ' || (1 + g % 25),
                (array['day', 'night', 'dawn', 'dusk'])[1 + g % 4], 1 + g % 16,
                'Scene ' || g
         from generate_series(1, $2) g order by g
         returning scene_id",
    )
    .bind(production_id)
    .bind(SCENES as i32)
    .fetch_all(&mut *tx)
    .await?;
    let mut scene_ids = scene_ids;
    scene_ids.sort_unstable();

    // Two performers per scene; two scenes in three are flagged (nudity, simulated sex).
    let parts =
        |i: usize| -> [i64; 2] { [cast[(2 * i) % cast.len()], cast[(2 * i + 1) % cast.len()]] };
    let flagged = |i: usize| !i.is_multiple_of(3);
    let breakdowns: Vec<Breakdown> = (0..scene_ids.len())
        .map(|i| {
            let part = |cast_member_id| PerformerPart {
                cast_member_id,
                nudity: if flagged(i) {
                    NudityLevel::PartialUpper
                } else {
                    NudityLevel::None
                },
                shown: if flagged(i) {
                    vec![BodyArea::Breasts, BodyArea::UpperBack]
                } else {
                    Vec::new()
                },
                touched: vec![BodyArea::Face, BodyArea::Shoulders],
                touching: vec![BodyArea::Hands],
                acts: if flagged(i) {
                    vec!["Simulated intercourse, clothed from the waist down".into()]
                } else {
                    Vec::new()
                },
                garments: String::new(),
            };
            Breakdown {
                kinds: if flagged(i) {
                    vec![IntimacyKind::Nudity, IntimacyKind::SimulatedSex]
                } else {
                    vec![IntimacyKind::Kiss]
                },
                performers: parts(i).into_iter().map(part).collect(),
                garments: "Modesty patches, barrier cushion".into(),
                stills_allowed: i.is_multiple_of(5),
                closed_set: vec!["Director".into(), "Camera operator".into()],
                monitor_list: vec!["Director".into()],
            }
        })
        .collect();
    let version_ids: Vec<(i64, i64)> = sqlx::query_as(
        "insert into scene_version (scene_id, production_id, version, breakdown, content_hash,
                                    flagged, created_by)
         select s, $1, 1, b::jsonb, h, f, $5
         from unnest($2::bigint[], $3::text[], $4::text[], $6::bool[]) as v(s, b, h, f)
         returning scene_id, scene_version_id",
    )
    .bind(production_id)
    .bind(&scene_ids)
    .bind(breakdowns.iter().map(|b| b.canonical()).collect::<Vec<_>>())
    .bind(
        breakdowns
            .iter()
            .map(|b| b.content_hash())
            .collect::<Vec<_>>(),
    )
    .bind(coordinator)
    .bind((0..scene_ids.len()).map(flagged).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    let version_of = |scene_id: i64| {
        version_ids
            .iter()
            .find(|(s, _)| *s == scene_id)
            .map(|(_, v)| *v)
            .unwrap_or_default()
    };
    sqlx::query(
        "update scene s set current_version_id = v.scene_version_id
         from scene_version v where v.scene_id = s.scene_id and s.production_id = $1",
    )
    .bind(production_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into scene_cast (scene_id, cast_member_id, production_id)
         select v.scene_id, (p ->> 'cast_member_id')::bigint, $1
         from scene_version v, jsonb_array_elements(v.breakdown -> 'performers') p
         where v.production_id = $1",
    )
    .bind(production_id)
    .execute(&mut *tx)
    .await?;

    // One rider per performer per scene: mostly signed, some delivered, viewed or drafted, one
    // in ten withdrawn (told to the coordinator: these performers have no accounts).
    struct NewRider {
        scene_index: usize,
        cast_member_id: i64,
        status: &'static str,
        body: String,
    }
    let mut riders = Vec::new();
    for i in 0..scene_ids.len() {
        for cast_member_id in parts(i) {
            let k = riders.len();
            let status = match k % 20 {
                0..=13 => "signed",
                14 | 15 => "delivered",
                16 => "viewed",
                17 => "drafted",
                _ => "revoked",
            };
            riders.push(NewRider {
                scene_index: i,
                cast_member_id,
                status,
                body: format!(
                    "Rider for scene {} — cast member {cast_member_id}. What is agreed is set \
                     out in the scope below.",
                    i + 1
                ),
            });
        }
    }
    let reached = |r: &NewRider, step: &str| {
        let order = ["drafted", "delivered", "viewed", "signed", "revoked"];
        let pos = |s: &str| order.iter().position(|o| *o == s).unwrap_or(0);
        pos(r.status) >= pos(step)
    };
    // A scene was shot only where both its performers had signed by then (a withdrawal came
    // later and leaves those takes alone).
    let shootable: Vec<i64> = (0..scene_ids.len())
        .filter(|&i| {
            riders[2 * i..2 * i + 2]
                .iter()
                .all(|r| reached(r, "signed"))
        })
        .map(|i| scene_ids[i])
        .collect();

    // 90 consecutive shoot days, a month of them already shot, general call 07:00 local; each
    // scene on one day in script order, about three a day.
    sqlx::query(
        "insert into shoot_day (production_id, shoot_date, call_at, coordinator_user_id)
         select $1, d::date, (d::date + time '07:00') at time zone 'Europe/London', $3
         from generate_series(current_date - 30, current_date - 30 + ($2 - 1), interval '1 day') d",
    )
    .bind(production_id)
    .bind(SHOOT_DAYS as i32)
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;
    let shot_on = "d.shoot_date < current_date and s.scene_id = any($4)";
    sqlx::query(&format!(
        "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position, shot_at,
                                      shot_by)
         select d.shoot_day_id, s.scene_id, $1,
                row_number() over (partition by d.shoot_day_id order by s.scene_id),
                case when {shot_on} then d.call_at + interval '4 hours' end,
                case when {shot_on} then $3::bigint end
         from (select scene_id, (row_number() over (order by sort_key collate \"C\") - 1)
                                * $2 / (select count(*) from scene where production_id = $1)
                                    as day_index
               from scene where production_id = $1) s
         join (select shoot_day_id, shoot_date, call_at,
                      row_number() over (order by shoot_date) - 1 as day_index
               from shoot_day where production_id = $1) d using (day_index)"
    ))
    .bind(production_id)
    .bind(SHOOT_DAYS)
    .bind(coordinator)
    .bind(&shootable)
    .execute(&mut *tx)
    .await?;
    // The scenes shot, with their day, call and mark to the microsecond.
    let shot: Vec<(i64, i64, Date, i64, i64)> = sqlx::query_as(
        "select ds.shoot_day_id, ds.scene_id, d.shoot_date,
                (extract(epoch from d.call_at) * 1000000)::bigint,
                (extract(epoch from ds.shot_at) * 1000000)::bigint
         from shoot_day_scene ds join shoot_day d using (shoot_day_id)
         where ds.production_id = $1 and ds.shot_at is not null
         order by ds.shot_at, ds.scene_id",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;

    // Each rider's history, in microseconds: drafted (and revised) 41 days ago, delivered 40
    // days ago, well before the first shoot day's notice, read the next day and signed the day
    // after; withdrawals in the last ten hours, after every take already shot.
    let now_us = i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000)?;
    let (minute, day) = (60_000_000_i64, 86_400_000_000_i64);
    let start = now_us - 40 * day;
    let drafted_at = |k: usize| start - day + k as i64 * minute;
    let delivered_at = |k: usize| start + k as i64 * minute;
    let viewed_at = |k: usize| delivered_at(k) + day;
    let signed_at = |k: usize| delivered_at(k) + 2 * day;
    let revoked_at = |k: usize| now_us - (riders.len() - k) as i64 * minute;
    let instant = |us: i64| OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000);
    let at_step = |step: &str, stamp: &dyn Fn(usize) -> i64| -> anyhow::Result<Vec<_>> {
        riders
            .iter()
            .enumerate()
            .map(|(k, r)| reached(r, step).then(|| instant(stamp(k))).transpose())
            .collect::<Result<Vec<Option<OffsetDateTime>>, _>>()
            .map_err(Into::into)
    };
    let body_hash = |r: &NewRider| hex::encode(Sha256::digest(&r.body));
    let rider_ids: Vec<i64> = sqlx::query_scalar(
        "insert into rider (production_id, cast_member_id, status, body, body_sha256, in_picture,
                            created_by, delivered_at, viewed_at, signed_at, revoked_at)
         select $1, c, st, b, h, true, $3, d, v, s, r
         from unnest($2::bigint[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                     $8::timestamptz[], $9::timestamptz[], $10::timestamptz[])
              with ordinality as x(c, st, b, h, d, v, s, r, n)
         order by n
         returning rider_id",
    )
    .bind(production_id)
    .bind(riders.iter().map(|r| r.cast_member_id).collect::<Vec<_>>())
    .bind(coordinator)
    .bind(riders.iter().map(|r| r.status).collect::<Vec<_>>())
    .bind(riders.iter().map(|r| r.body.clone()).collect::<Vec<_>>())
    .bind(
        riders
            .iter()
            .map(|r| reached(r, "delivered").then(|| body_hash(r)))
            .collect::<Vec<_>>(),
    )
    .bind(at_step("delivered", &delivered_at)?)
    .bind(at_step("viewed", &viewed_at)?)
    .bind(at_step("signed", &signed_at)?)
    .bind(at_step("revoked", &revoked_at)?)
    .fetch_all(&mut *tx)
    .await?;
    anyhow::ensure!(rider_ids.len() == riders.len(), "every rider was stored");
    let uses = Uses {
        in_picture: true,
        trailers: false,
        stills: false,
    };
    let scopes: Vec<String> = riders
        .iter()
        .map(|r| {
            let part = breakdowns[r.scene_index]
                .performers
                .iter()
                .find(|p| p.cast_member_id == r.cast_member_id)
                .expect("the rider's performer is in the scene");
            serde_json::to_string(&Scope::from_part(part, uses, false)).expect("scope serialises")
        })
        .collect();
    sqlx::query(
        "insert into rider_scene (rider_id, scene_id, scene_version_id, production_id, scope)
         select r, s, v, $1, sc::jsonb
         from unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[]) as x(r, s, v, sc)",
    )
    .bind(production_id)
    .bind(&rider_ids)
    .bind(
        riders
            .iter()
            .map(|r| scene_ids[r.scene_index])
            .collect::<Vec<_>>(),
    )
    .bind(
        riders
            .iter()
            .map(|r| version_of(scene_ids[r.scene_index]))
            .collect::<Vec<_>>(),
    )
    .bind(&scopes)
    .execute(&mut *tx)
    .await?;

    // On each day shot: both performers reconfirmed after call, the mark, both closures.
    struct OnSetRecord {
        shoot_day_id: i64,
        scene_id: i64,
        cast_member_id: i64,
        rider_id: i64,
        confirmed_at: i64,
        closed_at: i64,
    }
    let index_of = |scene_id: i64| scene_ids.binary_search(&scene_id).unwrap_or_default();
    let records: Vec<OnSetRecord> = shot
        .iter()
        .flat_map(|&(shoot_day_id, scene_id, _, call_us, shot_us)| {
            (0..2).map(move |j| (shoot_day_id, scene_id, call_us, shot_us, j))
        })
        .map(|(shoot_day_id, scene_id, call_us, shot_us, j)| {
            let k = 2 * index_of(scene_id) + j;
            OnSetRecord {
                shoot_day_id,
                scene_id,
                cast_member_id: riders[k].cast_member_id,
                rider_id: rider_ids[k],
                confirmed_at: call_us + (30 + 5 * j as i64) * minute,
                closed_at: shot_us + (20 + 5 * j as i64) * minute,
            }
        })
        .collect();
    let column = |f: &dyn Fn(&OnSetRecord) -> i64| records.iter().map(f).collect::<Vec<i64>>();
    sqlx::query(
        "insert into reconfirmation (production_id, shoot_day_id, scene_id, cast_member_id,
                                     rider_id, confirmed_at, recorded_by)
         select $1, d, s, c, r, timestamptz 'epoch' + a * interval '1 microsecond', $7
         from unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
              as x(d, s, c, r, a)",
    )
    .bind(production_id)
    .bind(column(&|r| r.shoot_day_id))
    .bind(column(&|r| r.scene_id))
    .bind(column(&|r| r.cast_member_id))
    .bind(column(&|r| r.rider_id))
    .bind(column(&|r| r.confirmed_at))
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "insert into closure (production_id, shoot_day_id, scene_id, cast_member_id, closed_at,
                              recorded_by)
         select $1, d, s, c, timestamptz 'epoch' + a * interval '1 microsecond', $6
         from unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) as x(d, s, c, a)",
    )
    .bind(production_id)
    .bind(column(&|r| r.shoot_day_id))
    .bind(column(&|r| r.scene_id))
    .bind(column(&|r| r.cast_member_id))
    .bind(column(&|r| r.closed_at))
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;

    // The ledger: every entry the app would have written for those rows, at the rows' own
    // instants, then drafts revised before delivery up to 5,000 entries; in time order,
    // chained exactly as `ledger::append` chains them.
    let fact = |k: usize| SceneFact {
        scene_id: scene_ids[riders[k].scene_index],
        scene: (riders[k].scene_index + 1).to_string(),
        version: 1,
        content_hash: breakdowns[riders[k].scene_index].content_hash(),
    };
    let mut events: Vec<(i64, LedgerEvent, Option<i64>, Option<i64>)> = Vec::new();
    for (k, r) in riders.iter().enumerate() {
        let rider = Some(rider_ids[k]);
        events.push((
            drafted_at(k),
            LedgerEvent::Drafted {
                scenes: vec![fact(k)],
            },
            rider,
            Some(coordinator),
        ));
        if !reached(r, "delivered") {
            continue;
        }
        let text_sha256 = body_hash(r);
        let scope = serde_json::from_str(&scopes[k])?;
        events.push((
            delivered_at(k),
            LedgerEvent::Delivered {
                text_sha256: text_sha256.clone(),
                terms_sha256: ledger::state::terms_sha256(
                    uses,
                    false,
                    &[(scene_ids[r.scene_index], scope)],
                ),
                scenes: vec![fact(k)],
            },
            rider,
            Some(coordinator),
        ));
        if reached(r, "viewed") {
            let viewed = LedgerEvent::Viewed {
                text_sha256: text_sha256.clone(),
            };
            events.push((viewed_at(k), viewed, rider, None));
        }
        if reached(r, "signed") {
            let signed = LedgerEvent::Signed {
                text_sha256,
                client_sha256: crate::vocab::ledger_event::client_sha256(
                    &"0".repeat(64),
                    "large demo loader",
                    "closedset demo --large",
                ),
                authenticated: "demo data: no password was entered".into(),
                method: "demo".into(),
                credential_sha256: None,
            };
            events.push((signed_at(k), signed, rider, None));
        }
        if reached(r, "revoked") {
            events.push((
                revoked_at(k),
                LedgerEvent::RevokedForPerformer {
                    told: Told::InPerson,
                },
                rider,
                Some(coordinator),
            ));
        }
    }
    let on = |shoot_day_id: i64, scene_id: i64, shoot_date: Date| OnDay {
        scene_id,
        scene: (index_of(scene_id) + 1).to_string(),
        shoot_day_id,
        shoot_date,
    };
    let dates: std::collections::HashMap<i64, Date> = shot
        .iter()
        .map(|&(day_id, _, date, _, _)| (day_id, date))
        .collect();
    for &(shoot_day_id, scene_id, shoot_date, _, shot_us) in &shot {
        let mark = LedgerEvent::Shot(on(shoot_day_id, scene_id, shoot_date));
        events.push((shot_us, mark, None, Some(coordinator)));
    }
    for r in &records {
        let day = on(r.shoot_day_id, r.scene_id, dates[&r.shoot_day_id]);
        let cast_member_id = r.cast_member_id;
        events.push((
            r.confirmed_at,
            LedgerEvent::Reconfirmed {
                on: day.clone(),
                cast_member_id,
            },
            Some(r.rider_id),
            Some(coordinator),
        ));
        events.push((
            r.closed_at,
            LedgerEvent::Closed {
                on: day,
                cast_member_id,
            },
            Some(r.rider_id),
            Some(coordinator),
        ));
    }
    // Drafts revised before delivery, a few seconds apart, spread over the riders.
    let revisions = usize::try_from(EVENTS)?.saturating_sub(events.len());
    for n in 0..revisions {
        let k = n % riders.len();
        let again = (n / riders.len() + 1) as i64;
        events.push((
            drafted_at(k) + again * 10_000_000,
            LedgerEvent::Drafted {
                scenes: vec![fact(k)],
            },
            Some(rider_ids[k]),
            Some(coordinator),
        ));
    }
    anyhow::ensure!(
        events.len() as i64 == EVENTS,
        "the ledger holds {EVENTS} entries"
    );
    events.sort_by_key(|(at, ..)| *at);

    let past: Vec<ledger::Past> = events
        .iter()
        .map(|(occurred_at_us, event, rider_id, actor)| ledger::Past {
            event,
            rider_id: *rider_id,
            actor_user_id: *actor,
            occurred_at_us: *occurred_at_us,
        })
        .collect();
    ledger::append_history(&mut tx, production_id, &past).await?;
    tx.commit().await?;
    super::budget::load(pool, production_id).await?;
    // Fresh statistics, as a database that has lived a while would have: without them the
    // planner guesses one row per table and picks poor plans for the benchmark.
    sqlx::query(
        "analyze scene, scene_version, scene_cast, cast_member, shoot_day, shoot_day_scene,
                 rider, rider_scene, consent_event, member, budget_line",
    )
    .execute(pool)
    .await?;
    Ok(production_id)
}
