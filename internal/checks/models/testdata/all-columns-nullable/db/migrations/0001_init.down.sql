DROP TABLE totals, logs, settings, accounts, profiles;
