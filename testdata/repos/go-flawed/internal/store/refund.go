package store

import "context"

// Refund marks an order refunded and records the event.
func (s *Store) Refund(ctx context.Context, id int64) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE orders SET status = 'refunded' WHERE id = $1", id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO order_events (order_id, kind) VALUES ($1, 'refunded')", id); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// EventCounts counts the events of each order.
func (s *Store) EventCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	for _, id := range ids {
		var n int
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM order_events WHERE order_id = $1", id).Scan(&n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, nil
}
