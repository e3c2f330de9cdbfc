// Package storetest gives the market's tests the same store on both
// backends: a fresh SQLite file, and a fresh PostgreSQL database on the
// server named by $FASCIA_TEST_POSTGRES (skipped, with a message saying so,
// when that is unset). It must only be imported by tests.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the admin connection

	"github.com/fascia-hmi/fascia/market/store"
)

// EnvPostgres names the environment variable with the PostgreSQL URL.
const EnvPostgres = "FASCIA_TEST_POSTGRES"

// DB is one test database.
type DB struct {
	Backend string
	URL     string // for store.Open
	admin   *sql.DB
	name    string
}

// Backends are the two backends' names, in test order.
var Backends = []string{"sqlite", "postgres"}

// Each runs f as a subtest per backend, skipping PostgreSQL (with a clear
// message) when $FASCIA_TEST_POSTGRES is unset.
func Each(t *testing.T, f func(t *testing.T, db *DB)) {
	for _, b := range Backends {
		t.Run(b, func(t *testing.T) {
			f(t, New(t, b))
		})
	}
}

// New creates an empty database of backend for t, removed when t ends.
func New(t testing.TB, backend string) *DB {
	t.Helper()
	switch backend {
	case "sqlite":
		return &DB{Backend: backend, URL: "sqlite:" + filepath.Join(t.TempDir(), "market.db")}
	case "postgres":
		base := os.Getenv(EnvPostgres)
		if base == "" {
			t.Skipf("PostgreSQL half skipped: $%s is not set (run scripts/start-postgres and export what it prints)", EnvPostgres)
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatalf("%s: %v", EnvPostgres, err)
		}
		var b [6]byte
		_, _ = rand.Read(b[:])
		name := "fascia_t_" + hex.EncodeToString(b[:])
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			admin.Close()
			t.Fatalf("create test database on $%s: %v", EnvPostgres, err)
		}
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + name
		db := &DB{Backend: backend, URL: u.String(), admin: admin, name: name}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Logf("drop %s: %v", name, err)
			}
			admin.Close()
		})
		return db
	}
	t.Fatalf("unknown backend %q", backend)
	return nil
}

// Open opens (and migrates) the database.
func (d *DB) Open(t testing.TB) store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, d.URL)
	if err != nil {
		t.Fatalf("open %s: %v", d.Backend, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Disrupt simulates a database restart while clients are connected: on
// PostgreSQL every backend serving this test's database is terminated
// (pg_terminate_backend), so open connections and transactions die and
// the pool must reconnect. It reports how many were terminated. SQLite has
// no server; tests reopen the file instead.
func (d *DB) Disrupt(t testing.TB) int {
	t.Helper()
	if d.admin == nil {
		return 0
	}
	var n int
	err := d.admin.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND usename = current_user`, d.name).Scan(&n)
	if err != nil {
		t.Fatalf("terminate backends: %v", err)
	}
	return n
}

// EnvRestart, when "1", lets RestartServer restart the whole PostgreSQL
// cluster (pg_ctlcluster … restart, as root or via sudo). It is opt-in
// because other test packages share the server while `go test ./...` runs.
const EnvRestart = "FASCIA_TEST_PG_RESTART"

// RestartServer restarts the PostgreSQL cluster serving the tests and
// reports whether it did (false: not PostgreSQL or not enabled).
func (d *DB) RestartServer(t testing.TB) bool {
	t.Helper()
	if d.admin == nil || os.Getenv(EnvRestart) != "1" {
		return false
	}
	out, err := exec.Command("pg_lsclusters", "--no-header").Output()
	if err != nil {
		t.Fatalf("pg_lsclusters: %v", err)
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		t.Fatalf("pg_lsclusters: no cluster in %q", out)
	}
	args := []string{"pg_ctlcluster", f[0], f[1], "restart"}
	if os.Geteuid() != 0 {
		args = append([]string{"sudo", "-n"}, args...)
	}
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return true
}
