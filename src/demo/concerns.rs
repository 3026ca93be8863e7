//! Demo data for concerns: one open concern in the demo film, raised anonymously by a
//! performer and sent to the coordinator only.

use sqlx::PgPool;

/// Adds the demo concern once; running it again changes nothing.
pub async fn load(pool: &PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from concern where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if exists {
        return Ok(());
    }
    let ids: Option<(i64, i64)> = sqlx::query_as(
        "select p.user_id, c.user_id
         from member p join app_user pu on pu.user_id = p.user_id,
              member c join app_user cu on cu.user_id = c.user_id
         where p.production_id = $1 and pu.email = 'performer2@demo.test'
           and c.production_id = $1 and cu.email = 'coordinator@demo.test'",
    )
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((performer, coordinator)) = ids else {
        return Ok(());
    };
    let concern_id: i64 = sqlx::query_scalar(
        "insert into concern (production_id, raised_by, anonymous, body)
         values ($1, $2, true, $3) returning concern_id",
    )
    .bind(production_id)
    .bind(performer)
    .bind(
        "During the lake house rehearsal a crew member who is not on the closed-set list \
         stayed by the monitor after the set was closed. Nobody asked them to leave.",
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("insert into concern_recipient (concern_id, user_id) values ($1, $2)")
        .bind(concern_id)
        .bind(coordinator)
        .execute(&mut *tx)
        .await?;
    crate::notifications::notify(
        &mut tx,
        production_id,
        &[coordinator],
        crate::notifications::kind::CONCERN_RAISED,
        "A concern has been sent to you",
        &format!("/productions/{production_id}/concerns/{concern_id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
