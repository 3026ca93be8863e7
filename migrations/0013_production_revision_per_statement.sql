-- The producer dashboard is cached by production revision (0011), but its budget forecast counts
-- rehearsals and `rehearsal` had no trigger: a rehearsal added or deleted left the forecast stale
-- until the minute moved. This adds it, and moves every revision trigger from once per row to once
-- per statement, so a bulk write (a breakdown save, `demo --large`) moves each production it
-- touches once instead of once per row, and takes each production row lock once.
--
-- Which tables carry a trigger is checked by a test (tests/api/producer_dashboard.rs) that lists
-- every table with a production_id column: a new table must get a trigger here or a line in that
-- test's list of tables no cached page summarises.

create function bump_production_revisions() returns trigger
language plpgsql as $$
begin
    -- Only the transition tables this event has are read: an insert has no old rows, a delete
    -- no new ones. An update that moves a row to another production moves both.
    if tg_op = 'INSERT' then
        update production set revision = revision + 1
        where production_id in (select production_id from n);
    elsif tg_op = 'DELETE' then
        update production set revision = revision + 1
        where production_id in (select production_id from o);
    else
        update production set revision = revision + 1
        where production_id in (select production_id from n
                                union select production_id from o);
    end if;
    return null;
end
$$;

-- Statement triggers with transition tables fire once per event, so each table gets three.
create procedure revision_triggers(tab text) language plpgsql as $$
begin
    execute format('drop trigger if exists %I on %I', tab || '_bumps_revision', tab);
    execute format('create trigger %I after insert on %I referencing new table as n '
                   'for each statement execute function bump_production_revisions()',
                   tab || '_insert_bumps_revision', tab);
    execute format('create trigger %I after update on %I referencing new table as n old table as o '
                   'for each statement execute function bump_production_revisions()',
                   tab || '_update_bumps_revision', tab);
    execute format('create trigger %I after delete on %I referencing old table as o '
                   'for each statement execute function bump_production_revisions()',
                   tab || '_delete_bumps_revision', tab);
end
$$;

-- Every table the producer dashboard reads (src/dashboard/producer.rs, budget::load_budget,
-- consent::status FACTS_SQL), plus scene_cast, which 0011 already covered.
call revision_triggers('scene');
call revision_triggers('scene_version');
call revision_triggers('scene_cast');
call revision_triggers('cast_member');
call revision_triggers('shoot_day');
call revision_triggers('shoot_day_scene');
call revision_triggers('rehearsal');
call revision_triggers('rider');
call revision_triggers('rider_scene');
call revision_triggers('scene_double');
call revision_triggers('reconfirmation');
call revision_triggers('pause');
call revision_triggers('member');
call revision_triggers('budget_line');
call revision_triggers('budget_setting');

drop procedure revision_triggers(text);
drop function bump_production_revision();
