DROP TABLE sessions, shops, regions, mentions, invoices, orders, users; DROP DOMAIN user_ref;
