//! The account pages: signing in and out, the account page and changing a password, getting
//! back in with a reset link, and joining through an invitation link. There is no public
//! sign-up. Who is signed in, and the password check these pages share, is `crate::auth`.
//!
//! - `signin`: the sign-in page, signing in and out;
//! - `account`: the account page and changing a password;
//! - `invitations`: making invitations, showing their link once, and joining through one;
//! - `second_factor`: two-step sign-in with an authenticator app, and the sign-in's second step;
//! - `passkeys`: adding and removing passkeys, and the challenge every passkey ceremony starts
//!   from (signing in with one is in `signin`);
//! - `sessions`: "Your sessions", listing and signing out the devices signed in;
//! - `reset`: password reset links, by e-mail or made on the members page;
//! - `mail`: the e-mails about an account itself, sent in the background.

mod account;
mod invitations;
mod mail;
mod passkeys;
mod reset;
mod second_factor;
mod sessions;
mod signin;

use axum::Router;
use axum::routing::{get, post};

use crate::web::AppState;
pub use invitations::{INVITATION_DAYS, create_invitation, show_invitation_once};
pub use reset::{RESET_MINUTES, issue_reset, reset_link};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(signin::sign_in_page).post(signin::sign_in))
        .route("/signin/passkey", post(signin::sign_in_with_passkey))
        .route("/signout", post(signin::sign_out))
        .route("/passkeys/challenge", get(passkeys::challenge))
        .route("/account/passkeys", post(passkeys::add))
        .route("/account/passkeys/remove", post(passkeys::remove))
        .route("/account", get(account::account_page))
        .route("/account/password", post(account::change_password))
        .route("/account/language", post(account::change_language))
        .route(
            "/signin/code",
            get(second_factor::code_page).post(second_factor::check_sign_in_code),
        )
        .route("/account/two-step", get(second_factor::two_step_page))
        .route("/account/two-step/start", post(second_factor::start_setup))
        .route(
            "/account/two-step/confirm",
            post(second_factor::confirm_setup),
        )
        .route("/account/two-step/codes", post(second_factor::new_codes))
        .route("/account/two-step/off", post(second_factor::turn_off))
        .route("/account/sessions", get(sessions::sessions_page))
        .route(
            "/account/sessions/others/signout",
            post(sessions::sign_out_others),
        )
        .route(
            "/account/sessions/{user_session_id}/signout",
            post(sessions::sign_out_one),
        )
        .route(
            "/reset",
            get(reset::request_page).post(reset::request_reset),
        )
        .route(
            "/reset/{token}",
            get(reset::reset_page).post(reset::reset_password),
        )
        .route(
            "/invitations/{token}",
            get(invitations::invitation_page).post(invitations::accept_invitation),
        )
}
