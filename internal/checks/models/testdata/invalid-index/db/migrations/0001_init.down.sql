DROP TABLE imports, measurements;
