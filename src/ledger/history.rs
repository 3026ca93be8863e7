//! Appending past history in bulk: what loading the demos (and the ledger benchmark) needs,
//! thousands of entries at instants already gone, chained exactly as `append` chains them.

use sqlx::PgConnection;

use super::{GENESIS, canonical_details, content_hash, entry_hash, lock};
use crate::vocab::LedgerEvent;

/// One entry of past history.
pub struct Past<'a> {
    pub event: &'a LedgerEvent,
    pub rider_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    /// Microseconds since the Unix epoch; the state rows of the same fact carry the same.
    pub occurred_at_us: i64,
}

/// Appends `past`, in the order given, after the production's current head, in one statement
/// inside the caller's transaction. The application's own writes always use `append`.
pub async fn append_history(
    conn: &mut PgConnection,
    production_id: i64,
    past: &[Past<'_>],
) -> sqlx::Result<()> {
    lock(conn, production_id).await?;
    let head: Option<(i64, String)> = sqlx::query_as(
        "select seq, entry_hash from consent_event where production_id = $1
         order by seq desc limit 1",
    )
    .bind(production_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (mut seq, mut prev) = head.unwrap_or((0, GENESIS.to_string()));
    let n = past.len();
    let (mut seqs, mut words, mut riders, mut actors, mut instants) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut details, mut contents, mut prevs, mut hashes) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for p in past {
        seq += 1;
        let text = canonical_details(&p.event.details());
        let content = content_hash(
            production_id,
            seq,
            p.event.name(),
            p.rider_id,
            p.actor_user_id,
            p.occurred_at_us,
            &text,
        );
        let hash = entry_hash(&prev, &content);
        seqs.push(seq);
        words.push(p.event.name());
        riders.push(p.rider_id);
        actors.push(p.actor_user_id);
        instants.push(p.occurred_at_us);
        details.push(text);
        contents.push(content);
        prevs.push(std::mem::replace(&mut prev, hash.clone()));
        hashes.push(hash);
    }
    sqlx::query(
        "insert into consent_event (production_id, seq, event, rider_id, actor_user_id,
                                    occurred_at, details, content_hash, prev_hash, entry_hash)
         select $1, s, e, r, a, timestamptz 'epoch' + o * interval '1 microsecond', d, c, p, h
         from unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                     $7::text[], $8::text[], $9::text[], $10::text[]) as x(s, e, r, a, o, d, c, p, h)",
    )
    .bind(production_id)
    .bind(&seqs)
    .bind(&words)
    .bind(&riders)
    .bind(&actors)
    .bind(&instants)
    .bind(&details)
    .bind(&contents)
    .bind(&prevs)
    .bind(&hashes)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
