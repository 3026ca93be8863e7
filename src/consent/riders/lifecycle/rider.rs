//! A rider as stored: its row with the performer, its terms, why a change was refused, how to
//! load one, link to it, and log who else looked at it.

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::error::Result;
use crate::vault::{Encrypted, Field, Scope, Vault};
use crate::vocab::RiderStatus;
use crate::vocab::scope::Uses;

/// Why a change was not made; nothing was written. `field` names the form field the message
/// belongs beside, or is empty when the rider's state, not the input, refused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub field: &'static str,
    pub message: String,
}

impl Refused {
    pub(super) fn field(field: &'static str, message: impl Into<String>) -> Refused {
        Refused {
            field,
            message: message.into(),
        }
    }
    pub(super) fn state(message: impl Into<String>) -> Refused {
        Refused {
            field: "",
            message: message.into(),
        }
    }
}

/// What a rider agrees to besides the per-scene scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Terms {
    pub uses: Uses,
    pub double_allowed: bool,
}

/// A rider with its performer, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RiderRow {
    pub rider_id: i64,
    pub production_id: i64,
    pub cast_member_id: i64,
    pub status: RiderStatus,
    /// The delivered text in clear once `open_body` ran (`readable` runs it).
    pub body: String,
    pub body_sealed: Option<Encrypted<String>>,
    pub body_sha256: Option<String>,
    pub in_picture: bool,
    pub in_trailers: bool,
    pub in_stills: bool,
    pub double_allowed: bool,
    pub created_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
    pub viewed_at: Option<OffsetDateTime>,
    pub signed_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub superseded_at: Option<OffsetDateTime>,
    pub superseded_by: Option<i64>,
    pub cast_number: i32,
    pub performer_name: String,
    pub character_name: String,
    pub performer_user_id: Option<i64>,
}

impl RiderRow {
    pub fn terms(&self) -> Terms {
        Terms {
            uses: Uses {
                in_picture: self.in_picture,
                trailers: self.in_trailers,
                stills: self.in_stills,
            },
            double_allowed: self.double_allowed,
        }
    }
    /// "#2 Sam Lindqvist".
    pub fn performer_label(&self) -> String {
        format!("#{} {}", self.cast_number, self.performer_name)
    }
    pub fn is_draft(&self) -> bool {
        self.status == RiderStatus::Drafted
    }
    /// The performer may still withdraw: delivered, viewed or signed, and not yet withdrawn.
    pub fn revocable(&self) -> bool {
        crate::rules::revocation::may_withdraw(self.status, self.revoked_at.is_some())
    }
    /// The words of the action that says no to this rider: declining one not yet signed,
    /// withdrawing consent from a signed one.
    pub fn no_word(&self) -> &'static str {
        no_word(self.status)
    }
    pub fn signable(&self) -> bool {
        crate::rules::revocation::may_sign(self.status, self.revoked_at.is_some())
    }
}

/// "Withdraw consent" for a signed rider, "Decline this rider" for one not yet signed.
pub fn no_word(status: RiderStatus) -> &'static str {
    if status == RiderStatus::Signed {
        "Withdraw consent"
    } else {
        "Decline this rider"
    }
}

const RIDER_COLUMNS: &str =
    "r.rider_id, r.production_id, r.cast_member_id, r.status, r.body, r.body_sealed,
     r.body_sha256, r.in_picture, r.in_trailers, r.in_stills, r.double_allowed, r.created_at,
     r.delivered_at, r.viewed_at, r.signed_at, r.revoked_at, r.superseded_at, r.superseded_by,
     c.cast_number, c.name as performer_name, c.character_name, c.user_id as performer_user_id";

/// One rider of a production, or `None`.
pub async fn load(
    conn: &mut PgConnection,
    production_id: i64,
    rider_id: i64,
) -> Result<Option<RiderRow>> {
    Ok(sqlx::query_as(&format!(
        "select {RIDER_COLUMNS} from rider r join cast_member c using (cast_member_id)
         where r.rider_id = $1 and r.production_id = $2"
    ))
    .bind(rider_id)
    .bind(production_id)
    .fetch_optional(conn)
    .await?)
}

/// Opens the delivered text, sealed under the performer's key in the production.
pub async fn open_body(vault: &Vault, conn: &mut PgConnection, rider: &mut RiderRow) -> Result<()> {
    rider.body = vault
        .reveal(
            conn,
            &Field::new("rider", "body_sealed", rider.rider_id),
            rider.body_sealed.take().as_ref(),
            std::mem::take(&mut rider.body),
        )
        .await?;
    Ok(())
}

/// Seals a delivered text and empties the clear column. Its SHA-256, taken over the clear
/// text at delivery, stays as it was.
pub async fn seal_body(
    vault: &Vault,
    conn: &mut PgConnection,
    production_id: i64,
    cast_member_id: i64,
    rider_id: i64,
    body: &str,
) -> Result<()> {
    let sealed = vault
        .seal(
            conn,
            Scope::Person {
                production: production_id,
                cast_member: cast_member_id,
            },
            &Field::new("rider", "body_sealed", rider_id),
            &body.to_string(),
        )
        .await?;
    sqlx::query("update rider set body = '', body_sealed = $2 where rider_id = $1")
        .bind(rider_id)
        .bind(&sealed)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub fn rider_link(production_id: i64, rider_id: i64) -> String {
    format!("/productions/{production_id}/riders/{rider_id}")
}
