DROP TABLE events, order_lines, stock, orders;
