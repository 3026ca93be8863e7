-- A change to the production row itself (notice period, time zone, title, currency…) also moves
-- its revision: the notice period decides late deliveries, so a cached page must not outlive it.
-- The child tables' triggers update this row too; the result is the same single increment.

create function production_bumps_own_revision() returns trigger
language plpgsql as $$
begin
    new.revision := old.revision + 1;
    return new;
end
$$;

create trigger production_bumps_own_revision before update on production
    for each row execute function production_bumps_own_revision();
