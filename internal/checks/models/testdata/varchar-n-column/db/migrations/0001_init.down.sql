DROP TABLE notes, tags, users;
