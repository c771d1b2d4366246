DROP TABLE audit, user_roles, roles, addresses, orders, users;
