DROP TABLE orders, customers;
