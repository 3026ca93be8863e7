-- Every consent fact joins the ledger: declining a rider, a withdrawal recorded for the
-- performer (still 'revoked'), a rider carried forward to a new breakdown version, conflicts
-- with a boundary profile discussed before delivery, and on set: shot marks (and their undoing),
-- holds and their resolution, reconfirmations and closures.
alter table consent_event drop constraint consent_event_event_check;
alter table consent_event add constraint consent_event_event_check check (
    event in ('drafted', 'delivered', 'viewed', 'signed', 'revoked', 'superseded',
              'double_assigned', 'narrowed', 'declined', 'carried_forward',
              'conflicts_discussed', 'shot', 'shot_undone', 'paused', 'resumed',
              'reconfirmed', 'closed'));

-- A rider the performer declined before signing: like a withdrawal, its revoked_at is set, so
-- clearance treats both alike.
alter table rider drop constraint rider_status_check;
alter table rider add constraint rider_status_check check (
    status in ('drafted', 'delivered', 'viewed', 'signed', 'revoked', 'declined', 'superseded'));
