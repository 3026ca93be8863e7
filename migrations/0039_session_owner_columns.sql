-- Who a session is signed in as, beside its encoded record: the per-request statement reads the
-- session, the person, their "Your sessions" row and membership in one round trip by joining on
-- these (auth::Signed). The store fills them from the record on every save; a session saved
-- before this migration has them empty and is read the old way (two statements) until its next
-- save.
alter table tower_sessions.session
    add column user_id bigint,
    add column user_session_key text;
