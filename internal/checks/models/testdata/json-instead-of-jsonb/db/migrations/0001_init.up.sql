CREATE TABLE documents ( -- want `public.documents.body is json: it is re-parsed on every access` `public.documents.history is json\[\]: .* use jsonb\[\]`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    body json NOT NULL,
    attrs jsonb, -- near-miss: jsonb
    history json[]
);
