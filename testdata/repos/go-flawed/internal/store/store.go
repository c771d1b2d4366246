package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

type Store struct{ pool *pgxpool.Pool }

func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

type Order struct {
	ID     int64
	Status string
}

// OrdersByStatus builds its SQL from the request.
func (s *Store) OrdersByStatus(ctx context.Context, status string) ([]Order, error) {
	q := fmt.Sprintf("SELECT id, status FROM orders WHERE status = '%s'", status)
	rows, err := s.pool.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Status); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// MarkShipped ignores the error of the update.
func (s *Store) MarkShipped(ctx context.Context, id int64) {
	s.pool.Exec(ctx, "UPDATE orders SET status = 'shipped' WHERE id = $1", id)
	s.pool.Exec(ctx, "INSERT INTO order_events (order_id, kind) VALUES ($1, 'shipped')", id)
}
