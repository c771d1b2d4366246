DROP TABLE events_archive, events;
