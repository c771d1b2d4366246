DROP TABLE readings, cars, vehicles;
