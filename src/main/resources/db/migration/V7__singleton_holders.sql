-- Who last held each singleton's advisory lock, and when that holder last proved it still held it (its lock
-- connection answered). A node that takes a lock whose previous holder vanished without letting it go waits until
-- that holder's lease has run out before it starts the singleton; a lock let go cleanly has no row, and no wait.
-- holder_id is one lock connection (a new connection is a new holder). Written only by mraos.cluster.
CREATE TABLE singleton_holders (
  singleton   text        PRIMARY KEY,
  holder_id   uuid        NOT NULL,
  node_name   text        NOT NULL,
  renewed_at  timestamptz NOT NULL
);
CREATE INDEX singleton_holders_holder ON singleton_holders (holder_id);
