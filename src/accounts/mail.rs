//! The e-mails about an account itself (a reset link, a changed password), sent through the
//! configured relay in the background so that how long a page takes never says whether an
//! account exists, and a slow or refusing relay never holds up or breaks the page.

use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncTransport, Message};

use crate::config::Config;

/// One plain-text e-mail to one person.
pub(super) struct AccountMail {
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
}

/// Sends `mail` in the background when a relay is configured; does nothing otherwise. A
/// failure is logged without the address (personal data stays out of logs).
pub(super) fn send_in_background(config: Arc<Config>, mail: AccountMail) {
    if config.smtp.is_none() {
        return;
    }
    tokio::spawn(async move {
        if let Err(err) = send(&config, mail).await {
            tracing::warn!(error = %err, "account e-mail not sent");
        }
    });
}

async fn send(config: &Config, mail: AccountMail) -> anyhow::Result<()> {
    let Some(relay) = &config.smtp else {
        return Ok(());
    };
    let message = Message::builder()
        .from(config.mail_from.parse::<Mailbox>()?)
        .to(Mailbox::new(Some(mail.to_name), mail.to_email.parse()?))
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)?;
    relay.transport()?.send(message).await?;
    tracing::info!("account e-mail sent");
    Ok(())
}
