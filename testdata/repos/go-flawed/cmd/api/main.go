package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/shop/internal/store"
)

func main() {
	http.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		// A new pool for every request.
		pool, err := pgxpool.New(r.Context(), os.Getenv("DATABASE_URL"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		s := store.New(pool)
		orders, err := s.OrdersByStatus(r.Context(), r.URL.Query().Get("status"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_ = orders
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

func init() { _ = context.Background() }
