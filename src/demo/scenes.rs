//! The demo film's cast, scenes and intimacy breakdowns, loaded once into the demo production.
//! Versions are made by the same `save_breakdown` the editor uses, so their hashes are real.

use anyhow::{Context, bail};
use time::{Date, OffsetDateTime, macros::date};

use crate::scenes::SaveOutcome;
use crate::scenes::eighths::Eighths;
use crate::scenes::number::SceneNumber;
use crate::vocab::body::{BodyArea as A, IntimacyKind as K, NudityLevel as N};
use crate::vocab::breakdown::{Breakdown, PerformerPart};

/// Cast number, name, character, date of birth, union, representative, demo account.
type CastRow = (
    i32,
    &'static str,
    &'static str,
    Option<Date>,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const CAST: [CastRow; 5] = [
    (
        1,
        "Alex Rivera",
        "Marion",
        Some(date!(1991 - 04 - 02)),
        "Equity",
        "Hollis Agency, +44 20 7946 0011",
        Some("performer1@demo.test"),
    ),
    (
        2,
        "Sam Lindqvist",
        "Ines",
        Some(date!(1994 - 11 - 20)),
        "Equity",
        "North Star Mgmt, sam@northstar.example",
        Some("performer2@demo.test"),
    ),
    // 17 until 14 September 2027: the minors rule keeps Jo out of scenes with nudity.
    (
        3,
        "Jo Mercer",
        "Young Tess",
        Some(date!(2009 - 09 - 14)),
        "Equity (youth)",
        "Parent: Claire Mercer, +44 7700 900123",
        Some("performer3@demo.test"),
    ),
    (
        4,
        "Ruth Adair",
        "Aunt Vera",
        Some(date!(1962 - 06 - 30)),
        "Equity",
        "Adair & Co, +44 20 7946 0420",
        None,
    ),
    (
        5,
        "Theo Grant",
        "Callum",
        Some(date!(1987 - 01 - 08)),
        "Equity",
        "Bright Talent, theo@bright.example",
        None,
    ),
];

/// Number, INT/EXT, set, time of day, length, cast numbers, synopsis, omitted.
type SceneRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [i32],
    &'static str,
    bool,
);

const SCENES: [SceneRow; 12] = [
    (
        "1",
        "ext",
        "Lake jetty",
        "day",
        "1 3/8",
        &[1],
        "Marion arrives at the lake with one suitcase.",
        false,
    ),
    (
        "2",
        "int",
        "Lake house kitchen",
        "day",
        "2 2/8",
        &[1, 2, 4],
        "Vera lays down the house rules.",
        false,
    ),
    (
        "3",
        "ext",
        "Jetty",
        "dusk",
        "6/8",
        &[2, 3],
        "Ines teaches Tess to dive; a first kiss on the cheek.",
        false,
    ),
    (
        "4",
        "int",
        "Callum's car",
        "night",
        "1",
        &[1, 5],
        "Callum drives Marion back from town.",
        false,
    ),
    (
        "5",
        "int",
        "Lake house living room",
        "night",
        "2",
        &[1, 2, 3, 4],
        "The storm; everyone in one room.",
        false,
    ),
    (
        "5A",
        "int",
        "Lake house bedroom",
        "night",
        "1 1/8",
        &[1, 2],
        "Marion and Ines, after the storm.",
        false,
    ),
    (
        "6",
        "ext",
        "Lake",
        "night",
        "3/8",
        &[1],
        "Marion swims out alone.",
        false,
    ),
    (
        "7",
        "int",
        "Diner",
        "day",
        "1 5/8",
        &[4, 5],
        "Vera warns Callum off.",
        false,
    ),
    (
        "8",
        "int",
        "Motel room",
        "night",
        "2 1/8",
        &[1, 5],
        "Marion and Callum.",
        false,
    ),
    (
        "9",
        "ext",
        "Lake road",
        "dawn",
        "4/8",
        &[5],
        "Callum leaves before anyone wakes.",
        false,
    ),
    (
        "10",
        "int",
        "Lake house kitchen",
        "day",
        "1 6/8",
        &[1, 2, 3, 4],
        "Breakfast; nobody mentions the night.",
        false,
    ),
    (
        "11",
        "int",
        "Boathouse",
        "night",
        "1",
        &[2],
        "Cut in the blue revision.",
        true,
    ),
];

fn part(
    id: i64,
    nudity: N,
    shown: &[A],
    touched: &[A],
    touching: &[A],
    acts: &[&str],
) -> PerformerPart {
    PerformerPart {
        cast_member_id: id,
        nudity,
        shown: shown.to_vec(),
        touched: touched.to_vec(),
        touching: touching.to_vec(),
        acts: acts.iter().map(|a| a.to_string()).collect(),
        garments: String::new(),
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|n| n.to_string()).collect()
}

/// Loads the demo cast, scenes and breakdowns; does nothing if the production has scenes.
pub async fn load(pool: &sqlx::PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    // Same lock as the production loader: two demo commands racing load the film once.
    sqlx::query("select pg_advisory_xact_lock(727002)")
        .execute(&mut *tx)
        .await?;
    let has_scenes: bool =
        sqlx::query_scalar("select exists (select 1 from scene where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if has_scenes {
        return Ok(());
    }
    let mut cast_ids = std::collections::HashMap::new();
    for (number, name, character, dob, union, rep, email) in CAST {
        let id: i64 = sqlx::query_scalar(
            "insert into cast_member (production_id, cast_number, name, character_name,
                                      date_of_birth, union_name, representative, user_id)
             values ($1, $2, $3, $4, $5, $6, $7, (select user_id from app_user where email = $8))
             on conflict (production_id, cast_number) do update set name = excluded.name
             returning cast_member_id",
        )
        .bind(production_id)
        .bind(number)
        .bind(name)
        .bind(character)
        .bind(dob)
        .bind(union)
        .bind(rep)
        .bind(email)
        .fetch_one(&mut *tx)
        .await?;
        cast_ids.insert(number, id);
    }
    let mut scene_ids = std::collections::HashMap::new();
    for (number, int_ext, set, time, length, cast, synopsis, omitted) in SCENES {
        let number = SceneNumber::parse(number).context("demo scene number")?;
        let eighths = Eighths::parse(length).context("demo scene length")?;
        let scene_id: i64 = sqlx::query_scalar(
            "insert into scene (production_id, number, sort_key, int_ext, set_name, time_of_day,
                                eighths, synopsis, revision_colour, omitted)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning scene_id",
        )
        .bind(production_id)
        .bind(number.as_str())
        .bind(number.sort_key())
        .bind(int_ext)
        .bind(set)
        .bind(time)
        .bind(eighths.count() as i32)
        .bind(synopsis)
        // 5A came in with the Pink revision, as lettered scenes do; omissions with the Blue.
        .bind(match (omitted, number.as_str()) {
            (true, _) => "blue",
            (false, "5A") => "pink",
            _ => "white",
        })
        .bind(omitted)
        .fetch_one(&mut *tx)
        .await?;
        let ids: Vec<i64> = cast.iter().map(|n| cast_ids[n]).collect();
        sqlx::query(
            "insert into scene_cast (scene_id, cast_member_id, production_id)
             select $1, id, $2 from unnest($3::bigint[]) as id",
        )
        .bind(scene_id)
        .bind(production_id)
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        scene_ids.insert(number.as_str().to_string(), scene_id);
    }

    let coordinator: Option<i64> =
        sqlx::query_scalar("select user_id from app_user where email = 'coordinator@demo.test'")
            .fetch_optional(&mut *tx)
            .await?;
    let (alex, sam, jo, theo) = (cast_ids[&1], cast_ids[&2], cast_ids[&3], cast_ids[&5]);
    let closed = names(&["Morgan Ellis", "Dana Okafor", "Lee Park", "Ana Ruiz"]);
    let scene_5a = Breakdown {
        kinds: vec![K::Nudity, K::Kiss],
        performers: vec![
            part(
                alex,
                N::PartialUpper,
                &[A::UpperBack, A::Shoulders, A::Breasts],
                &[A::Face, A::Neck],
                &[A::Face, A::Hands],
                &[
                    "Kisses Ines on the mouth",
                    "Removes shirt, back to camera, then turns",
                ],
            ),
            part(
                sam,
                N::Implied,
                &[A::Shoulders],
                &[A::Face],
                &[A::Face, A::Neck],
                &[
                    "Kisses Marion on the mouth",
                    "Lies under the sheet, shoulders bare",
                ],
            ),
        ],
        garments: "Barrier pad between performers".into(),
        stills_allowed: false,
        closed_set: closed.clone(),
        monitor_list: names(&["Morgan Ellis", "Dana Okafor"]),
    };
    let scene_8_first = Breakdown {
        kinds: vec![K::SimulatedSex, K::Nudity],
        performers: vec![
            part(
                alex,
                N::PartialLower,
                &[A::Buttocks, A::LowerBack],
                &[A::Hands, A::Thighs],
                &[A::Chest, A::Shoulders],
                &[
                    "Straddles Callum on the bed",
                    "Simulated thrusting, 3 takes maximum",
                ],
            ),
            part(
                theo,
                N::Implied,
                &[A::Chest],
                &[A::Chest, A::Shoulders],
                &[A::Hands, A::Thighs],
                &[
                    "Lies on his back",
                    "Hands on Marion's thighs, above the knee only",
                ],
            ),
        ],
        garments: "Barrier cushion".into(),
        stills_allowed: false,
        closed_set: closed.clone(),
        monitor_list: names(&["Morgan Ellis"]),
    };
    // What each performer wears is in their own part, so a rider lists only theirs.
    let mut scene_5a = scene_5a;
    scene_5a.performers[0].garments =
        "Robe between takes\nNude adhesive covers for the lower body".into();
    scene_5a.performers[1].garments = "Nude strapless bra under the sheet".into();
    let mut scene_8_first = scene_8_first;
    scene_8_first.performers[0].garments = "Strapless thong\nAdhesive modesty patch".into();
    scene_8_first.performers[1].garments = "Modesty pouch".into();
    let mut scene_8_second = scene_8_first.clone();
    scene_8_second.performers[1]
        .acts
        .push("Rolls Marion onto her back".into());
    scene_8_second.performers[1].touching.push(A::LowerBack);
    scene_8_second.monitor_list.push("Dana Okafor".into());
    let scene_3 = Breakdown {
        kinds: vec![K::Kiss],
        performers: vec![
            part(
                sam,
                N::None,
                &[],
                &[],
                &[A::Face],
                &["Kisses Tess on the cheek"],
            ),
            part(jo, N::None, &[], &[A::Face], &[], &[]),
        ],
        garments: String::new(),
        stills_allowed: true,
        closed_set: Vec::new(),
        monitor_list: Vec::new(),
    };
    // Before any shoot date exists, R5 counts today; Jo is only in the kiss scene.
    let today = OffsetDateTime::now_utc().date();
    for (number, breakdown) in [
        ("5A", &scene_5a),
        ("8", &scene_8_first),
        ("8", &scene_8_second),
        ("3", &scene_3),
    ] {
        let outcome = crate::scenes::save_breakdown(
            &mut tx,
            production_id,
            scene_ids[number],
            breakdown,
            coordinator,
            today,
        )
        .await?;
        if !matches!(outcome, SaveOutcome::Saved { .. }) {
            bail!("the demo breakdown of scene {number} was not saved: {outcome:?}");
        }
    }
    tx.commit().await?;
    Ok(())
}
