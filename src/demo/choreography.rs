//! The demo film's choreography (issue #20): scene 5A in three beats, the first rehearsed as
//! written with a check-in from each performer, the third asking more of #1 than their signed
//! rider allows (their lower back touched), so the scene shows blocked with that reason; and a
//! crew briefing sent to two department heads, one of whom has confirmed reading it.

use anyhow::Context;

use crate::auth::{new_token, token_hash};
use crate::vocab::beat::{Beat, Choreography, Contact, Exposure};
use crate::vocab::body::{BodyArea as A, NudityLevel as N};

fn beat(key: i64, performers: &[i64], action: &str) -> Beat {
    Beat {
        key,
        performers: performers.to_vec(),
        action: action.into(),
        contacts: Vec::new(),
        exposures: Vec::new(),
        positions: String::new(),
        garments: String::new(),
        camera: String::new(),
        hold_point: false,
    }
}

/// Loads the demo choreography; does nothing if the production already has some.
pub async fn load(pool: &sqlx::PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock(727020)")
        .execute(&mut *tx)
        .await?;
    let has: bool = sqlx::query_scalar(
        "select exists (select 1 from choreography_version where production_id = $1)",
    )
    .bind(production_id)
    .fetch_one(&mut *tx)
    .await?;
    if has {
        return Ok(());
    }
    let scene: i64 =
        sqlx::query_scalar("select scene_id from scene where production_id = $1 and number = '5A'")
            .bind(production_id)
            .fetch_optional(&mut *tx)
            .await?
            .context("the demo choreography needs scene 5A")?;
    let cast = |n: i32| {
        sqlx::query_scalar::<_, i64>(
            "select cast_member_id from cast_member where production_id = $1 and cast_number = $2",
        )
        .bind(production_id)
        .bind(n)
    };
    let alex = cast(1).fetch_one(&mut *tx).await?;
    let sam = cast(2).fetch_one(&mut *tx).await?;
    let coordinator: Option<i64> = sqlx::query_scalar(
        "select user_id from member where production_id = $1 and role = 'coordinator'
         order by member_id limit 1",
    )
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?;

    let mut first = beat(
        1,
        &[alex, sam],
        "Marion and Ines face each other by the bed; Marion cups Ines's face and they kiss on the mouth.",
    );
    first.contacts = vec![Contact {
        by: alex,
        with: A::Hands,
        to: sam,
        area: A::Face,
    }];
    first.positions = "Standing, camera side of the bed; eyelines to each other".into();
    first.camera = "Single camera, medium two-shot; monitor: Morgan Ellis, Dana Okafor".into();
    first.hold_point = true;
    let mut second = beat(
        2,
        &[alex, sam],
        "Marion removes her shirt, back to camera, and turns; Ines rests her face against Marion's neck.",
    );
    second.contacts = vec![Contact {
        by: sam,
        with: A::Face,
        to: alex,
        area: A::Neck,
    }];
    second.exposures = vec![Exposure {
        cast_member_id: alex,
        nudity: N::PartialUpper,
        shown: vec![A::UpperBack, A::Shoulders],
    }];
    second.garments = "Robe off only for the take; barrier pad between performers".into();
    second.hold_point = true;
    let mut third = beat(
        3,
        &[alex, sam],
        "Ines's hands move to Marion's lower back as they lie down.",
    );
    third.contacts = vec![Contact {
        by: sam,
        with: A::Hands,
        to: alex,
        area: A::LowerBack,
    }];
    third.positions = "Lying on the bed, Ines under the sheet".into();
    let choreography = Choreography {
        beats: vec![first, second, third],
    };
    sqlx::query(
        "insert into choreography_version
           (scene_id, production_id, version, beats, content_hash, created_by)
         values ($1, $2, 1, $3::jsonb, $4, $5)",
    )
    .bind(scene)
    .bind(production_id)
    .bind(serde_json::to_string(&choreography)?)
    .bind(choreography.content_hash())
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;
    let check_ins = serde_json::json!([
        {"cast_member_id": alex, "note": "Comfortable; wants the count called before the kiss"},
        {"cast_member_id": sam, "note": "Comfortable"},
    ]);
    sqlx::query(
        "insert into beat_rehearsal
           (production_id, scene_id, beat_key, beat_hash, outcome, check_ins, recorded_by)
         values ($1, $2, 1, $3, 'rehearsed', $4, $5)",
    )
    .bind(production_id)
    .bind(scene)
    .bind(choreography.beats[0].content_hash())
    .bind(check_ins)
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;
    // Links nobody holds: the demo shows who was sent the briefing and who confirmed.
    for (name, department, confirmed) in [
        ("Camera department head", "Camera", true),
        ("Sound department head", "Sound", false),
    ] {
        sqlx::query(
            "insert into crew_briefing_recipient
               (production_id, name, department, token_sha256, sent_by, confirmed_at)
             values ($1, $2, $3, $4, $5, case when $6 then now() end)",
        )
        .bind(production_id)
        .bind(name)
        .bind(department)
        .bind(token_hash(&new_token()))
        .bind(coordinator)
        .bind(confirmed)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
