DROP TABLE payments, orders;
