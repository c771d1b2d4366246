DROP TABLE invoices, customer_settings, shipments, stock, orders, warehouses, customers;
