DROP TABLE countries;
