//! `closedset demo --large`: a production the size of a long series (300 scenes, 60 cast, 90
//! shoot days, 600 riders: one per performer of each two-hander scene, 5,000 consent events), seeded in bulk for `bench/run.sh` in seconds.

use sha2::{Digest, Sha256};
use sqlx::PgPool;
use time::{Duration, OffsetDateTime};

use crate::auth::password::Password;
use crate::ledger;
use crate::vocab::body::{BodyArea, IntimacyKind, NudityLevel};
use crate::vocab::breakdown::{Breakdown, PerformerPart};
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
producer@large.test (or coordinator@large.test, director@large.test), password closedset-demo.
";

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
    .bind(vec![producer, coordinator, director])
    .bind(vec!["producer", "coordinator", "director"])
    .execute(&mut *tx)
    .await?;

    // Cast #1..#60, adults on paper (no accounts).
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
    sqlx::query(
        "insert into shoot_day_scene (shoot_day_id, scene_id, production_id, position, shot_at,
                                      shot_by)
         select d.shoot_day_id, s.scene_id, $1,
                row_number() over (partition by d.shoot_day_id order by s.scene_id),
                case when d.shoot_date < current_date then d.call_at + interval '4 hours' end,
                case when d.shoot_date < current_date then $3::bigint end
         from (select scene_id, (row_number() over (order by sort_key collate \"C\") - 1)
                                * $2 / (select count(*) from scene where production_id = $1)
                                    as day_index
               from scene where production_id = $1) s
         join (select shoot_day_id, shoot_date, call_at,
                      row_number() over (order by shoot_date) - 1 as day_index
               from shoot_day where production_id = $1) d using (day_index)",
    )
    .bind(production_id)
    .bind(SHOOT_DAYS)
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;

    // One rider per performer per scene: mostly signed, some delivered, viewed or drafted, one
    // in ten revoked. Delivered ten days ago, so the notice is met where they are signed.
    let now = OffsetDateTime::now_utc();
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
    let at = |days: i64, k: usize| now - Duration::days(days) + Duration::minutes(k as i64);
    let reached = |r: &NewRider, step: &str| {
        let order = ["drafted", "delivered", "viewed", "signed", "revoked"];
        let pos = |s: &str| order.iter().position(|o| *o == s).unwrap_or(0);
        pos(r.status) >= pos(step)
    };
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
            .map(|r| reached(r, "delivered").then(|| hex::encode(Sha256::digest(&r.body))))
            .collect::<Vec<_>>(),
    )
    .bind(
        riders
            .iter()
            .enumerate()
            .map(|(k, r)| reached(r, "delivered").then(|| at(10, k)))
            .collect::<Vec<_>>(),
    )
    .bind(
        riders
            .iter()
            .enumerate()
            .map(|(k, r)| reached(r, "viewed").then(|| at(9, k)))
            .collect::<Vec<_>>(),
    )
    .bind(
        riders
            .iter()
            .enumerate()
            .map(|(k, r)| reached(r, "signed").then(|| at(8, k)))
            .collect::<Vec<_>>(),
    )
    .bind(
        riders
            .iter()
            .enumerate()
            .map(|(k, r)| reached(r, "revoked").then(|| at(1 + (k as i64 % 30), k)))
            .collect::<Vec<_>>(),
    )
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

    // The ledger: each rider's lifecycle events, then further views of signed riders up to
    // 5,000 entries, chained exactly as `ledger::append` chains them.
    let mut events: Vec<(&'static str, usize)> = Vec::new();
    for (k, r) in riders.iter().enumerate() {
        for step in ["drafted", "delivered", "viewed", "signed", "revoked"] {
            if reached(r, step) {
                events.push((step, k));
            }
        }
    }
    let signed: Vec<usize> = (0..riders.len())
        .filter(|&k| riders[k].status == "signed")
        .collect();
    let mut n = 0;
    while (events.len() as i64) < EVENTS && !signed.is_empty() {
        events.push(("viewed", signed[n % signed.len()]));
        n += 1;
    }
    let start_us = ((now - Duration::days(30)).unix_timestamp_nanos() / 1000) as i64;
    let mut prev = ledger::GENESIS.to_string();
    let mut seqs = Vec::new();
    let mut kinds = Vec::new();
    let mut event_riders = Vec::new();
    let mut actors = Vec::new();
    let mut occurred = Vec::new();
    let mut detail_texts = Vec::new();
    let mut contents = Vec::new();
    let mut prevs = Vec::new();
    let mut hashes = Vec::new();
    for (index, (event, k)) in events.iter().enumerate() {
        let seq = index as i64 + 1;
        let rider_id = rider_ids[*k];
        let actor = matches!(*event, "drafted" | "delivered").then_some(coordinator);
        // Spread over the last month, a few hundred milliseconds apart, in chain order.
        let occurred_us = start_us + seq * 500_000;
        let details = ledger::canonical_details(&serde_json::json!({
            "scenes": [(riders[*k].scene_index + 1).to_string()],
        }));
        let content = ledger::content_hash(
            production_id,
            seq,
            event,
            Some(rider_id),
            actor,
            occurred_us,
            &details,
        );
        let hash = ledger::entry_hash(&prev, &content);
        seqs.push(seq);
        kinds.push(event);
        event_riders.push(rider_id);
        actors.push(actor);
        occurred.push(OffsetDateTime::from_unix_timestamp_nanos(
            i128::from(occurred_us) * 1000,
        )?);
        detail_texts.push(details);
        contents.push(content);
        prevs.push(prev.clone());
        hashes.push(hash.clone());
        prev = hash;
    }
    sqlx::query(
        "insert into consent_event (production_id, seq, event, rider_id, actor_user_id,
                                    occurred_at, details, content_hash, prev_hash, entry_hash)
         select $1, s, e, r, a, o, d, c, p, h
         from unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::timestamptz[],
                     $7::text[], $8::text[], $9::text[], $10::text[]) as x(s, e, r, a, o, d, c, p, h)",
    )
    .bind(production_id)
    .bind(&seqs)
    .bind(&kinds)
    .bind(&event_riders)
    .bind(&actors)
    .bind(&occurred)
    .bind(&detail_texts)
    .bind(&contents)
    .bind(&prevs)
    .bind(&hashes)
    .execute(&mut *tx)
    .await?;
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
