CREATE TABLE invoices ( -- want `public.invoices.total is money: its value depends on the server's lc_monetary locale`
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    total money NOT NULL,
    tax numeric(12, 2) NOT NULL, -- near-miss: numeric
    tip_cents bigint -- near-miss: integer cents
);
