package sqlstore

import (
	"context"
	"errors"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// classify describes a connection error without repeating it: driver
// messages may quote the host, user or database of the connection string.
func classify(err error) string {
	var pg *pgconn.PgError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled or timed out"
	case errors.As(err, &pg):
		switch pg.Code {
		case "28000", "28P01":
			return "authentication failed"
		case "3D000":
			return "database does not exist"
		case "42501":
			return "permission denied"
		}
		return "server error " + pg.Code
	case errors.As(err, &ne):
		return "network error"
	}
	return "database unreachable or unusable"
}
