-- The stripboard's data is now cached by production revision (src/pages/stripboard.rs), and it
-- shows who is called to each rehearsal and the coordinator named on each shoot day: a change to
-- either must move the revision like every other write such a page shows.

create trigger rehearsal_cast_insert_bumps_revision after insert on rehearsal_cast
    referencing new table as n for each statement execute function bump_production_revisions();
create trigger rehearsal_cast_update_bumps_revision after update on rehearsal_cast
    referencing new table as n old table as o
    for each statement execute function bump_production_revisions();
create trigger rehearsal_cast_delete_bumps_revision after delete on rehearsal_cast
    referencing old table as o for each statement execute function bump_production_revisions();

-- A person's name and address appear on the cached pages of every production they belong to (a
-- shoot day's coordinator, a call sheet's key contacts). Only a changed name or address moves
-- them; a password change does not.
create function bump_revisions_of_renamed_members() returns trigger
language plpgsql as $$
begin
    update production set revision = revision + 1
    where production_id in (
        select m.production_id from member m
        join n on n.user_id = m.user_id
        join o on o.user_id = n.user_id
        where n.name is distinct from o.name or n.email is distinct from o.email);
    return null;
end
$$;

create trigger app_user_name_bumps_revision after update on app_user
    referencing new table as n old table as o
    for each statement execute function bump_revisions_of_renamed_members();
