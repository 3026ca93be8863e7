//! The demo film's riders, one in every state: signed (and carried forward past a change around
//! the performer), delivered and unsigned, withdrawn, declined, withdrawn as told to the
//! coordinator in person, and stale. Made by the same lifecycle functions the pages use, so their events and hashes are real.

use std::collections::HashMap;

use anyhow::{Context, bail};
use sqlx::PgConnection;

use crate::consent::riders::lifecycle::{self, Signature, Terms};
use crate::productions::Production;
use crate::scenes::{SaveOutcome, save_breakdown};
use crate::vocab::breakdown::read_breakdown;
use crate::vocab::ledger_event::Told;
use crate::vocab::scope::Uses;

const PICTURE_ONLY: Terms = Terms {
    uses: Uses {
        in_picture: true,
        trailers: false,
        stills: false,
    },
    double_allowed: false,
};

/// Loads the demo riders; does nothing if the production already has riders.
pub async fn load(pool: &sqlx::PgPool, production_id: i64) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    // Two demo commands racing load the riders once.
    sqlx::query("select pg_advisory_xact_lock(727003)")
        .execute(&mut *tx)
        .await?;
    let has_riders: bool =
        sqlx::query_scalar("select exists (select 1 from rider where production_id = $1)")
            .bind(production_id)
            .fetch_one(&mut *tx)
            .await?;
    if has_riders {
        return Ok(());
    }
    let production: Production = sqlx::query_as(
        "select production_id, title, kind, phase, time_zone, currency, agreement, notice_hours,
                ic_account_code, revision
         from production where production_id = $1",
    )
    .bind(production_id)
    .fetch_one(&mut *tx)
    .await?;
    let coordinator: i64 = sqlx::query_scalar(
        "select user_id from member where production_id = $1 and role = 'coordinator'
         order by member_id limit 1",
    )
    .bind(production_id)
    .fetch_optional(&mut *tx)
    .await?
    .context("the demo riders need a coordinator")?;
    let cast: HashMap<i32, (i64, Option<i64>)> = sqlx::query_as::<_, (i32, i64, Option<i64>)>(
        "select cast_number, cast_member_id, user_id from cast_member where production_id = $1",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(n, id, user)| (n, (id, user)))
    .collect();
    let scenes: HashMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "select number, scene_id from scene where production_id = $1",
    )
    .bind(production_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let (Some(&(alex, Some(alex_user))), Some(&(sam, Some(sam_user))), Some(&(theo, _))) =
        (cast.get(&1), cast.get(&2), cast.get(&5))
    else {
        bail!("the demo riders need the demo cast, with accounts for #1 and #2");
    };
    let (Some(&scene_5a), Some(&scene_8)) = (scenes.get("5A"), scenes.get("8")) else {
        bail!("the demo riders need scenes 5A and 8");
    };

    let ctx = Demo {
        production: &production,
        coordinator,
    };
    // Signed: #1 for 5A.
    let signed = ctx.delivered(&mut tx, alex, scene_5a).await?;
    ctx.sign(&mut tx, signed, alex_user).await?;
    // Withdrawn: #2 signed 5A, then withdrew.
    let revoked = ctx.delivered(&mut tx, sam, scene_5a).await?;
    ctx.sign(&mut tx, revoked, sam_user).await?;
    if let Err(refused) = lifecycle::revoke(
        &mut tx,
        production_id,
        revoked,
        sam_user,
        lifecycle::Asked::ByPerformer,
    )
    .await?
    {
        bail!("demo revocation refused: {}", refused.message);
    }
    // Stale: #1 signed scene 8, then the breakdown changed.
    let stale = ctx.delivered(&mut tx, alex, scene_8).await?;
    ctx.sign(&mut tx, stale, alex_user).await?;
    let current: String = sqlx::query_scalar(
        "select v.breakdown::text from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1",
    )
    .bind(scene_8)
    .fetch_one(&mut *tx)
    .await?;
    let mut changed = read_breakdown(&current);
    // A change to what #1 wears: their part changes, so their signed rider goes stale.
    if let Some(part) = changed
        .performers
        .iter_mut()
        .find(|p| p.cast_member_id == alex)
    {
        part.garments.push_str("\nRobe between takes");
    }
    let outcome = save_breakdown(
        &mut tx,
        production_id,
        scene_8,
        &changed,
        Some(coordinator),
        production.zone.today(),
    )
    .await?;
    if !matches!(outcome, SaveOutcome::Saved { .. }) {
        bail!("the demo change to scene 8 was not saved: {outcome:?}");
    }
    // Delivered, not signed: #5 for scene 8 at its new version.
    ctx.delivered(&mut tx, theo, scene_8).await?;

    // Carried forward: a name added to 5A's closed set leaves #1's part as it was, so their
    // signed rider still covers the scene (a carried_forward event, and #1 is told).
    let current: String = sqlx::query_scalar(
        "select v.breakdown::text from scene s
         join scene_version v on v.scene_version_id = s.current_version_id
         where s.scene_id = $1",
    )
    .bind(scene_5a)
    .fetch_one(&mut *tx)
    .await?;
    let mut around = read_breakdown(&current);
    around.closed_set.push("Rae Costume".into());
    let outcome = save_breakdown(
        &mut tx,
        production_id,
        scene_5a,
        &around,
        Some(coordinator),
        production.zone.today(),
    )
    .await?;
    if !matches!(outcome, SaveOutcome::Saved { .. }) {
        bail!("the demo change to scene 5A was not saved: {outcome:?}");
    }
    // Declined: #2 is offered a new rider for 5A after withdrawing, and declines it unsigned.
    let declined = ctx.delivered(&mut tx, sam, scene_5a).await?;
    if let Err(refused) = lifecycle::revoke(
        &mut tx,
        production_id,
        declined,
        sam_user,
        lifecycle::Asked::ByPerformer,
    )
    .await?
    {
        bail!("demo decline refused: {}", refused.message);
    }
    // Recorded by the coordinator: #5 (who has no account) tells them in person that he is out
    // of a second rider for scene 8.
    let told = ctx.delivered(&mut tx, theo, scene_8).await?;
    if let Err(refused) = lifecycle::revoke(
        &mut tx,
        production_id,
        told,
        coordinator,
        lifecycle::Asked::ToldCoordinator(Told::InPerson),
    )
    .await?
    {
        bail!(
            "demo withdrawal told in person refused: {}",
            refused.message
        );
    }
    tx.commit().await?;
    Ok(())
}

struct Demo<'a> {
    production: &'a Production,
    coordinator: i64,
}

impl Demo<'_> {
    async fn delivered(
        &self,
        tx: &mut PgConnection,
        cast_member_id: i64,
        scene_id: i64,
    ) -> anyhow::Result<i64> {
        let production_id = self.production.production_id;
        let rider_id = match lifecycle::draft(
            tx,
            production_id,
            cast_member_id,
            &[scene_id],
            PICTURE_ONLY,
            self.coordinator,
        )
        .await?
        {
            Ok(id) => id,
            Err(refused) => bail!("demo rider not drafted: {}", refused.message),
        };
        if let Err(refused) =
            // The demo coordinator has talked any boundary conflict through with the performer.
            lifecycle::deliver(tx, self.production, rider_id, self.coordinator, true, None)
                    .await?
        {
            bail!("demo rider not delivered: {}", refused.message);
        }
        Ok(rider_id)
    }

    async fn sign(&self, tx: &mut PgConnection, rider_id: i64, user_id: i64) -> anyhow::Result<()> {
        let production_id = self.production.production_id;
        lifecycle::mark_viewed(tx, production_id, rider_id, user_id).await?;
        let hash: Option<String> =
            sqlx::query_scalar("select body_sha256 from rider where rider_id = $1")
                .bind(rider_id)
                .fetch_one(&mut *tx)
                .await?;
        let signature = Signature {
            text_sha256: hash.unwrap_or_default(),
            client_addr: "demo loader".into(),
            user_agent: "closedset demo".into(),
            authenticated: "demo data: no password was entered".into(),
            method: "demo",
            credential_sha256: None,
        };
        if let Err(refused) =
            lifecycle::sign(tx, production_id, rider_id, user_id, &signature).await?
        {
            bail!("demo rider not signed: {}", refused.message);
        }
        Ok(())
    }
}
