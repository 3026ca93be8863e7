//! `Member`, the one gate to everything inside a production: the signed-in person's membership
//! of the production named in the path, with what the access table lets their role do.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use sqlx::{FromRow, Row};

use super::fields::Production;
use crate::access::{self, Action};
use crate::auth::{CurrentUser, Signed, User};
use crate::error::{AppError, Result};
use crate::vocab::Role;
use crate::web::AppState;
use crate::web::ids::canonical_id;

/// The signed-in person's membership of the production named in the path.
///
/// Every route under `/productions/{production_id}/` takes this extractor: anyone who is not
/// a member gets 404, never 403, so a production's existence never leaks.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: User,
    pub production: Production,
    pub role: Role,
    pub member_id: i64,
}

impl Member {
    /// Answers 404 unless the access table lets this member's role do `action`.
    pub fn may(&self, action: Action) -> Result<()> {
        if self.can(action) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Whether the access table lets this member's role do `action` (to offer the control).
    pub fn can(&self, action: Action) -> bool {
        access::may(self.role, action)
    }

    pub fn is(&self, role: Role) -> bool {
        self.role == role
    }

    /// The production's base path, for links.
    pub fn base(&self) -> String {
        format!("/productions/{}", self.production.production_id)
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    member_id: i64,
    role: Role,
    #[sqlx(flatten)]
    production: Production,
}

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        let production_id: i64 = params
            .iter()
            .find(|(k, _)| *k == "production_id")
            .and_then(|(_, v)| canonical_id(v))
            .ok_or(AppError::NotFound)?;
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        // Read in the request's one statement with the session's person (auth::Signed).
        let signed = Signed::of(parts, state).await?;
        let row = match &signed.membership {
            Some(row) if row.try_get::<i64, _>("production_id")? == production_id => {
                MemberRow::from_row(row)?
            }
            _ => return Err(AppError::NotFound),
        };
        // The production's pages hold what a second factor protects: a producer or
        // coordinator without one is sent to set it up first.
        if row.production.second_factor_required
            && matches!(row.role, Role::Producer | Role::Coordinator)
            && !signed.has_second_factor
        {
            return Err(AppError::SecondFactorRequired);
        }
        Ok(Member {
            user,
            production: row.production,
            role: row.role,
            member_id: row.member_id,
        })
    }
}
