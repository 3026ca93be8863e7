-- The "who viewed my records" log is a performer's evidence: like the consent ledger it is
-- append-only, so nobody can quietly remove a view. It also names views of the breakdown part
-- that holds a performer's nudity level and acts ('breakdown').

create function record_view_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'the access log is append-only: % is refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger record_view_append_only
    before update or delete on record_view
    for each row execute function record_view_refuse_change();

create trigger record_view_no_truncate
    before truncate on record_view
    for each statement execute function record_view_refuse_change();

alter table record_view drop constraint record_view_kind_check;
alter table record_view add constraint record_view_kind_check check (record_kind in (
    'boundary_profile', 'rider', 'certificate', 'conversation', 'breakdown'));
