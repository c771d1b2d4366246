package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type Store struct{ pool *pgxpool.Pool }

func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

type Entry struct {
	ID          int64
	AmountCents int64
}

// Entries reads an account's entries with a bound parameter.
func (s *Store) Entries(ctx context.Context, account int64) ([]Entry, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, amount_cents FROM entries WHERE account_id = $1 ORDER BY booked_at", account)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Entry])
}

// Transfer books both legs in one transaction.
func (s *Store) Transfer(ctx context.Context, from, to, cents int64) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO entries (account_id, amount_cents) VALUES ($1, $2)", from, -cents); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO entries (account_id, amount_cents) VALUES ($1, $2)", to, cents)
		return err
	})
}
