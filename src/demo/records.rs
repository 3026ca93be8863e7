//! Demo boundary profiles and conversation logs for the demo film: two performers' profiles,
//! the first one-to-ones R6 asks for, and a scene-preparation talk with a follow-up due.

use serde_json::json;

/// Loads the demo records; does nothing once the production has any conversation logged.
pub async fn load(pool: &sqlx::PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    // Locks the production so two loaders cannot both find it without conversations.
    sqlx::query("select 1 from production where production_id = $1 for update")
        .bind(production_id)
        .execute(&mut *tx)
        .await?;
    let logged: bool =
        sqlx::query_scalar("select exists (select 1 from conversation where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if logged {
        return Ok(());
    }
    let coordinator: Option<i64> = sqlx::query_scalar(
        "select user_id from member where production_id = $1 and role = 'coordinator'
         order by member_id limit 1",
    )
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?;
    let cast: Vec<(i64, i32, Option<i64>)> = sqlx::query_as(
        "select cast_member_id, cast_number, user_id from cast_member
         where production_id = $1 and cast_number in (1, 2) order by cast_number",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;

    for (cast_member_id, number, user_id) in &cast {
        // #1 wrote their own; the coordinator recorded #2's with them in their first meeting.
        let (entries, notes, recorded_by) = if *number == 1 {
            (
                json!([
                    {"area": "breasts", "contact": "seen_unclothed", "answer": "no", "note": ""},
                    {"area": "buttocks", "contact": "seen_unclothed", "answer": "ask",
                     "note": "Only with a closed set and no monitors outside it."},
                    {"area": "lower_back", "contact": "touched_by_hands", "answer": "yes",
                     "note": ""},
                    {"area": "mouth", "contact": "kissed", "answer": "yes",
                     "note": "Barrier-free is fine after a breath check."},
                    {"area": "neck", "contact": "kissed", "answer": "ask", "note": ""}
                ]),
                "Please say the words of each move before we run it.",
                *user_id,
            )
        } else {
            (
                json!([
                    {"area": "chest", "contact": "seen_unclothed", "answer": "yes", "note": ""},
                    {"area": "genitals", "contact": "seen_unclothed", "answer": "no",
                     "note": "Modesty garment always."},
                    {"area": "inner_thighs", "contact": "touched_by_hands", "answer": "no",
                     "note": ""},
                    {"area": "abdomen", "contact": "touched_by_body", "answer": "ask", "note": ""}
                ]),
                "",
                coordinator,
            )
        };
        sqlx::query(
            "insert into boundary_profile_version
                 (production_id, cast_member_id, version, entries, notes, recorded_by)
             values ($1, $2, 1, $3, $4, $5) on conflict do nothing",
        )
        .bind(production_id)
        .bind(cast_member_id)
        .bind(entries)
        .bind(notes)
        .bind(recorded_by)
        .execute(&mut *tx)
        .await?;
    }

    // A first one-to-one with each performer of a flagged scene, a week ago at ten.
    let flagged: Vec<i64> = sqlx::query_scalar(
        "select c.cast_member_id from cast_member c
         where c.production_id = $1
           and exists (select 1 from scene_cast sc
                       join scene s on s.scene_id = sc.scene_id
                       join scene_version v on v.scene_version_id = s.current_version_id
                       where sc.cast_member_id = c.cast_member_id and v.flagged and not s.omitted)
         order by c.cast_number",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "with held as (
             insert into conversation (production_id, kind, held_at, summary, created_by)
             select $1, 'first_one_to_one',
                    date_trunc('day', now()) - interval '7 days' + interval '10 hours'
                        + (n * interval '1 hour'),
                    'Walked through the breakdown and the closed-set plan. Boundary profile '
                    || 'reviewed together; no changes asked for today.', $3
             from unnest($2::bigint[]) with ordinality as t(cast_member_id, n)
             returning conversation_id, held_at
         ), numbered as (
             select conversation_id, row_number() over (order by held_at) as n from held
         )
         insert into conversation_performer (conversation_id, cast_member_id, production_id)
         select numbered.conversation_id, t.cast_member_id, $1
         from numbered join unnest($2::bigint[]) with ordinality as t(cast_member_id, n)
              on t.n = numbered.n",
    )
    .bind(production_id)
    .bind(&flagged)
    .bind(coordinator)
    .execute(&mut *tx)
    .await?;

    // A scene-preparation talk with #1 and #2, and what the coordinator promised to do.
    let pair: Vec<i64> = cast.iter().map(|(id, _, _)| *id).collect();
    if !pair.is_empty() {
        let conversation_id: i64 = sqlx::query_scalar(
            "insert into conversation (production_id, kind, held_at, summary, created_by)
             values ($1, 'scene_preparation', date_trunc('day', now()) - interval '1 day'
                     + interval '15 hours',
                     'Agreed the choreography beats for the lake-house scene. Both want a '
                     || 'robe within reach between takes.', $2)
             returning conversation_id",
        )
        .bind(production_id)
        .bind(coordinator)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "insert into conversation_performer (conversation_id, cast_member_id, production_id)
             select $1, unnest($2::bigint[]), $3",
        )
        .bind(conversation_id)
        .bind(&pair)
        .bind(production_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into follow_up (conversation_id, production_id, body, due_on)
             values ($1, $2, 'Order two more robes and a barrier set for the lake-house scene.',
                     current_date + 2)",
        )
        .bind(conversation_id)
        .bind(production_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
