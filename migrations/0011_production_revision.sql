-- A revision number per production, moved by every change to what its pages summarise, in the
-- same transaction as the change. A page cached under a revision is therefore never served after
-- a change has committed: the next request reads the new revision and recomputes.

alter table production add column revision bigint not null default 0;

create function bump_production_revision() returns trigger
language plpgsql as $$
declare
    id bigint;
begin
    if tg_op = 'DELETE' then
        id := old.production_id;
    else
        id := new.production_id;
    end if;
    update production set revision = revision + 1 where production_id = id;
    if tg_op = 'UPDATE' and old.production_id is distinct from new.production_id then
        update production set revision = revision + 1 where production_id = old.production_id;
    end if;
    return null;
end
$$;

create trigger scene_bumps_revision after insert or update or delete on scene
    for each row execute function bump_production_revision();
create trigger scene_version_bumps_revision after insert or update or delete on scene_version
    for each row execute function bump_production_revision();
create trigger scene_cast_bumps_revision after insert or update or delete on scene_cast
    for each row execute function bump_production_revision();
create trigger cast_member_bumps_revision after insert or update or delete on cast_member
    for each row execute function bump_production_revision();
create trigger shoot_day_bumps_revision after insert or update or delete on shoot_day
    for each row execute function bump_production_revision();
create trigger shoot_day_scene_bumps_revision after insert or update or delete on shoot_day_scene
    for each row execute function bump_production_revision();
create trigger rider_bumps_revision after insert or update or delete on rider
    for each row execute function bump_production_revision();
create trigger rider_scene_bumps_revision after insert or update or delete on rider_scene
    for each row execute function bump_production_revision();
create trigger scene_double_bumps_revision after insert or update or delete on scene_double
    for each row execute function bump_production_revision();
create trigger reconfirmation_bumps_revision after insert or update or delete on reconfirmation
    for each row execute function bump_production_revision();
create trigger pause_bumps_revision after insert or update or delete on pause
    for each row execute function bump_production_revision();
create trigger member_bumps_revision after insert or update or delete on member
    for each row execute function bump_production_revision();
create trigger budget_line_bumps_revision after insert or update or delete on budget_line
    for each row execute function bump_production_revision();
create trigger budget_setting_bumps_revision after insert or update or delete on budget_setting
    for each row execute function bump_production_revision();
