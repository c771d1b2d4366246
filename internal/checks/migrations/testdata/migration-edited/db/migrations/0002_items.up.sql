CREATE TABLE items (id bigint PRIMARY KEY); -- want `new migration 0002_items is ordered before 0003_orders, which base already has`
