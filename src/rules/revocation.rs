//! R3 Revocation: before the scene is shot, a performer withdraws consent with one action and no
//! reason asked; it is effective at once and no other role can undo it. Takes already marked shot
//! are not affected (R1 answers `Shot` for them).

use crate::vocab::RiderStatus;

/// Whether consent can still be withdrawn from a rider: delivered, read or signed, and not
/// already withdrawn. A draft was never offered; a superseded rider no longer counts.
pub fn may_withdraw(status: RiderStatus, already_withdrawn: bool) -> bool {
    !already_withdrawn && status.is_live()
}

/// What saying no to a rider is: declining one not yet signed, withdrawing one signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SayingNo {
    Decline,
    Withdraw,
}

/// How the performer says no to this rider now, or `None` when there is nothing to say no to
/// (a draft never offered, a rider already withdrawn, declined or replaced).
pub fn saying_no(status: RiderStatus, already_withdrawn: bool) -> Option<SayingNo> {
    if !may_withdraw(status, already_withdrawn) {
        None
    } else if status == RiderStatus::Signed {
        Some(SayingNo::Withdraw)
    } else {
        Some(SayingNo::Decline)
    }
}

/// Whether the performer may still sign: delivered or read, not signed, not withdrawn.
pub fn may_sign(status: RiderStatus, already_withdrawn: bool) -> bool {
    !already_withdrawn && status.is_awaiting_signature()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_performer_can_withdraw_from_any_rider_offered_to_them_once() {
        for status in [
            RiderStatus::Delivered,
            RiderStatus::Viewed,
            RiderStatus::Signed,
        ] {
            assert!(may_withdraw(status, false), "{status:?}");
            assert!(!may_withdraw(status, true), "{status:?} twice");
        }
        for status in [
            RiderStatus::Drafted,
            RiderStatus::Revoked,
            RiderStatus::Superseded,
        ] {
            assert!(!may_withdraw(status, false), "{status:?}");
        }
    }

    #[test]
    fn an_unsigned_rider_is_declined_and_a_signed_one_withdrawn() {
        assert_eq!(
            saying_no(RiderStatus::Delivered, false),
            Some(SayingNo::Decline)
        );
        assert_eq!(
            saying_no(RiderStatus::Viewed, false),
            Some(SayingNo::Decline)
        );
        assert_eq!(
            saying_no(RiderStatus::Signed, false),
            Some(SayingNo::Withdraw)
        );
        assert_eq!(saying_no(RiderStatus::Signed, true), None);
        assert_eq!(saying_no(RiderStatus::Declined, false), None);
        assert_eq!(saying_no(RiderStatus::Drafted, false), None);
    }

    #[test]
    fn only_an_offered_unsigned_rider_can_be_signed() {
        assert!(may_sign(RiderStatus::Delivered, false));
        assert!(may_sign(RiderStatus::Viewed, false));
        assert!(!may_sign(RiderStatus::Viewed, true));
        assert!(!may_sign(RiderStatus::Signed, false));
        assert!(!may_sign(RiderStatus::Drafted, false));
    }
}
