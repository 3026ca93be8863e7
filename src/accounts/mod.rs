//! The account pages: signing in and out, the account page and changing a password, and
//! joining through an invitation link. There is no public sign-up. Who is signed in, and the
//! password check these pages share, is `crate::auth`.
//!
//! - `signin`: the sign-in page, signing in and out;
//! - `account`: the account page and changing a password;
//! - `invitations`: making invitations, showing their link once, and joining through one.

mod account;
mod invitations;
mod signin;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;
pub use invitations::{INVITATION_DAYS, create_invitation, show_invitation_once};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(signin::sign_in_page).post(signin::sign_in))
        .route("/signout", post(signin::sign_out))
        .route("/account", get(account::account_page))
        .route("/account/password", post(account::change_password))
        .route(
            "/invitations/{token}",
            get(invitations::invitation_page).post(invitations::accept_invitation),
        )
}
