-- Every change to what decides a consent or clearance status moves the production's revision
-- (0011, 0013), so a change of revision is announced on `closedset_status` for the live pages.
-- The payload is the production's id alone: no consent content, and PostgreSQL folds identical
-- notices of one transaction into one, so a write that moves the revision many times (a
-- breakdown save, a withdrawal touching several scenes) reaches each server process once.
-- Delivered on commit, like the notices of `closedset_notification`. No column list on the
-- trigger: 0012 moves the revision of a settings update whose SET does not name it.

create function announce_status_change() returns trigger
language plpgsql as $$
begin
    perform pg_notify('closedset_status', new.production_id::text);
    return null;
end
$$;

create trigger production_announces_status_change after update on production
    for each row when (old.revision is distinct from new.revision)
    execute function announce_status_change();
