DROP TABLE tiny, countries, flags, orders, users;
