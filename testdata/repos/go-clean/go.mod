module example.com/ledger

go 1.22

require (
	github.com/jackc/pgx/v5 v5.7.1
	github.com/peterldowns/pgtestdb v0.1.1
)
