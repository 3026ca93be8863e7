//! Where a rider stands in the consent lifecycle (DOMAIN §3). Stored as its lower-case name;
//! behaviour hangs on the variant, and the words people read come from `label`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum RiderStatus {
    /// Being written by the coordinator; the performer cannot see it.
    Drafted,
    /// Sent: its text is locked and hashed, and the notice clock runs.
    Delivered,
    /// Opened by the performer.
    Viewed,
    /// Signed by the performer.
    Signed,
    /// Consent withdrawn.
    Revoked,
    /// Declined before signing: the same effect as a withdrawal.
    Declined,
    /// Replaced by a newer rider.
    Superseded,
}

impl RiderStatus {
    pub const ALL: [RiderStatus; 7] = [
        RiderStatus::Drafted,
        RiderStatus::Delivered,
        RiderStatus::Viewed,
        RiderStatus::Signed,
        RiderStatus::Revoked,
        RiderStatus::Declined,
        RiderStatus::Superseded,
    ];

    /// The stored name.
    pub fn as_str(&self) -> &'static str {
        match self {
            RiderStatus::Drafted => "drafted",
            RiderStatus::Delivered => "delivered",
            RiderStatus::Viewed => "viewed",
            RiderStatus::Signed => "signed",
            RiderStatus::Revoked => "revoked",
            RiderStatus::Declined => "declined",
            RiderStatus::Superseded => "superseded",
        }
    }

    /// The status as people read it, in `lang`; a signed rider for an older breakdown reads as
    /// stale.
    pub fn word(&self, lang: crate::i18n::Lang, stale: bool) -> String {
        match self {
            RiderStatus::Signed if stale => lang.t("rider-status-signed-stale"),
            _ => lang.t_of("rider-status", self.as_str()),
        }
    }

    /// The status in English (logs, tests); a signed rider for an older breakdown reads as stale.
    pub fn label(&self, stale: bool) -> &'static str {
        match self {
            RiderStatus::Drafted => "Draft",
            RiderStatus::Delivered => "Delivered, not yet read",
            RiderStatus::Viewed => "Read, not signed",
            RiderStatus::Signed if stale => "Signed, but stale: the breakdown changed since",
            RiderStatus::Signed => "Signed",
            RiderStatus::Revoked => "Consent withdrawn",
            RiderStatus::Declined => "Declined",
            RiderStatus::Superseded => "Replaced by a newer rider",
        }
    }

    /// The status-* class that colours `label` and gives it its icon: signed and current is in
    /// place; withdrawn, declined or stale blocks; delivered or read waits on the performer.
    pub fn tone(&self, stale: bool) -> &'static str {
        match self {
            RiderStatus::Signed if stale => "status-blocked",
            RiderStatus::Signed => "status-cleared",
            RiderStatus::Revoked | RiderStatus::Declined => "status-blocked",
            RiderStatus::Delivered | RiderStatus::Viewed => "status-warn",
            RiderStatus::Drafted | RiderStatus::Superseded => "status-none",
        }
    }

    /// Delivered or read, and not yet signed: waiting on the performer.
    pub fn is_awaiting_signature(&self) -> bool {
        matches!(self, RiderStatus::Delivered | RiderStatus::Viewed)
    }

    /// Delivered, read or signed: consent can still be withdrawn from it.
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            RiderStatus::Delivered | RiderStatus::Viewed | RiderStatus::Signed
        )
    }
}

impl std::fmt::Display for RiderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_stored_name_and_words_for_people() {
        for status in RiderStatus::ALL {
            assert!(!status.label(false).is_empty());
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::String(status.as_str().into())
            );
        }
        assert_eq!(
            RiderStatus::Signed.label(true),
            "Signed, but stale: the breakdown changed since"
        );
        assert!(RiderStatus::Signed.is_live() && !RiderStatus::Signed.is_awaiting_signature());
        assert!(!RiderStatus::Revoked.is_live() && !RiderStatus::Drafted.is_live());
        assert!(!RiderStatus::Declined.is_live());
    }
}
