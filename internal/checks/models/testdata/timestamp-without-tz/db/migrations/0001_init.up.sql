CREATE TABLE events ( -- want `public.events.happened_at is timestamp without time zone: it stores no time zone`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    happened_at timestamp NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(), -- near-miss: timestamptz
    day date NOT NULL -- near-miss: a date has no time of day
);
ALTER TABLE events ADD COLUMN reviewed_at timestamp(3); -- want `public.events.reviewed_at is timestamp\(3\) without time zone`
CREATE TABLE events_archive (archived_at timestamptz NOT NULL) INHERITS (events); -- near-miss: inherited columns are reported on the parent
