package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// migrations are applied in order, each once, in its own transaction. The
// SQL is the common subset of SQLite and PostgreSQL: TEXT, BIGINT, INTEGER,
// times as unix milliseconds, booleans as 0/1.
var migrations = []string{
	`CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
	 INSERT INTO meta (k, v) VALUES ('catalog_version', '0');
	 CREATE TABLE categories (id TEXT PRIMARY KEY, position INTEGER NOT NULL, doc TEXT NOT NULL);
	 CREATE TABLE products (id TEXT PRIMARY KEY, kind TEXT NOT NULL, position INTEGER NOT NULL, doc TEXT NOT NULL);
	 CREATE TABLE vehicles (id TEXT PRIMARY KEY, public_key TEXT NOT NULL UNIQUE, vin TEXT NOT NULL, model TEXT NOT NULL, created_at BIGINT NOT NULL);
	 CREATE TABLE nonces (vehicle TEXT NOT NULL, nonce TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (vehicle, nonce));
	 CREATE INDEX nonces_expiry ON nonces (expires_at);
	 CREATE TABLE drivers (vehicle TEXT NOT NULL, driver TEXT NOT NULL, pin_hash TEXT NOT NULL, failed INTEGER NOT NULL, locked_until BIGINT NOT NULL, PRIMARY KEY (vehicle, driver));
	 CREATE TABLE idempotency (vehicle TEXT NOT NULL, k TEXT NOT NULL, request_hash TEXT NOT NULL, purchase_id TEXT NOT NULL, status_code INTEGER NOT NULL, response TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (vehicle, k));
	 CREATE TABLE purchases (id TEXT PRIMARY KEY, vehicle TEXT NOT NULL, product TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, driver TEXT NOT NULL,
	   amount BIGINT NOT NULL, currency TEXT NOT NULL, tax_rate_bp INTEGER NOT NULL, period TEXT NOT NULL, status TEXT NOT NULL, card_last4 TEXT NOT NULL, method TEXT NOT NULL,
	   charge_id TEXT NOT NULL, decline_code TEXT NOT NULL, place_id TEXT NOT NULL, place_name TEXT NOT NULL, minutes INTEGER NOT NULL, receipt TEXT NOT NULL,
	   created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
	 CREATE INDEX purchases_vehicle ON purchases (vehicle, created_at);
	 CREATE TABLE payments (id TEXT PRIMARY KEY, purchase_id TEXT NOT NULL, kind TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL, created_at BIGINT NOT NULL);
	 CREATE INDEX payments_purchase ON payments (purchase_id);
	 CREATE TABLE entitlements (purchase_id TEXT PRIMARY KEY, vehicle TEXT NOT NULL, product TEXT NOT NULL, kind TEXT NOT NULL, place TEXT NOT NULL,
	   valid_until BIGINT NOT NULL, revoked INTEGER NOT NULL, created_at BIGINT NOT NULL);
	 CREATE INDEX entitlements_vehicle ON entitlements (vehicle);
	 CREATE TABLE subscriptions (id TEXT PRIMARY KEY, vehicle TEXT NOT NULL, product TEXT NOT NULL, purchase_id TEXT NOT NULL UNIQUE, period TEXT NOT NULL, status TEXT NOT NULL,
	   period_end BIGINT NOT NULL, cancel_at_period_end INTEGER NOT NULL, renewals INTEGER NOT NULL, failures INTEGER NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL,
	   method TEXT NOT NULL, updated_at BIGINT NOT NULL);
	 CREATE INDEX subscriptions_due ON subscriptions (status, period_end);
	 CREATE INDEX subscriptions_vehicle ON subscriptions (vehicle, product)`,
	// 2: at most one unfinished purchase of an app, content or subscription
	// per vehicle, so two taps with different keys cannot buy it twice.
	`CREATE UNIQUE INDEX purchases_one_open ON purchases (vehicle, product) WHERE status IN ('pending', 'requires_confirmation') AND kind <> 'service'`,
}

// isUnique reports a unique-constraint violation on either backend.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "UNIQUE constraint failed") || strings.Contains(m, "SQLSTATE 23505")
}

// sqlStore is the Store over database/sql; rebind turns the '?'
// placeholders into the backend's.
type sqlStore struct {
	db      *sql.DB
	backend string
	rebind  func(string) string
	stmts   sync.Map // query → *sql.Stmt prepared on the pool
	pending sync.Map // queries first seen inside a transaction
}

func (s *sqlStore) Close() error {
	s.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	return s.db.Close()
}
func (s *sqlStore) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }
func (s *sqlStore) Backend() string                { return s.backend }

// dollarRebind rewrites '?' to $1, $2… (PostgreSQL). The queries here have
// no '?' inside string literals.
func dollarRebind(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// q is the query text for this backend.
func (s *sqlStore) q(query string) string { return s.rebind(query) }

// Prepared statements are cached per store (database/sql prepares each
// again on every connection it is used on), which saves SQLite parsing
// every statement of every request. A statement first seen inside a
// transaction is prepared on that transaction only and queued; tx()
// prepares the queue on the pool after the transaction ends (preparing on
// the pool inside it would wait for the connection the transaction holds:
// SQLite has one).
func (s *sqlStore) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		if tx != nil {
			return tx.StmtContext(ctx, st.(*sql.Stmt)), nil
		}
		return st.(*sql.Stmt), nil
	}
	if tx != nil {
		s.pending.Store(query, true)
		return tx.PrepareContext(ctx, s.q(query))
	}
	st, err := s.db.PrepareContext(ctx, s.q(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// warm prepares the statements first seen inside transactions.
func (s *sqlStore) warm(ctx context.Context) {
	s.pending.Range(func(k, _ any) bool {
		s.pending.Delete(k)
		_, _ = s.stmt(ctx, nil, k.(string))
		return true
	})
}

func (s *sqlStore) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *sqlStore) query(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *sqlStore) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		// Run it unprepared so that the Row carries the error.
		if tx != nil {
			return tx.QueryRowContext(ctx, s.q(query), args...)
		}
		return s.db.QueryRowContext(ctx, s.q(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// tx runs f in a transaction, committing on nil.
func (s *sqlStore) tx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer s.warm(ctx)
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (s *sqlStore) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	for i, m := range migrations {
		v := i + 1
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var have int
			err := s.queryRow(ctx, tx, (`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), v).Scan(&have)
			if err != nil || have > 0 {
				return err
			}
			for _, stmt := range strings.Split(m, ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return err
				}
			}
			_, err = s.exec(ctx, tx, (`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %d: %w", v, err)
		}
	}
	return nil
}

// ---- catalog

func (s *sqlStore) PutCatalog(ctx context.Context, categories, products []Row) (int64, error) {
	var version int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM categories`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM products`); err != nil {
			return err
		}
		for _, c := range categories {
			if _, err := s.exec(ctx, tx, (`INSERT INTO categories (id, position, doc) VALUES (?, ?, ?)`), c.ID, c.Position, string(c.Doc)); err != nil {
				return fmt.Errorf("category %s: %w", c.ID, err)
			}
		}
		for _, p := range products {
			if _, err := s.exec(ctx, tx, (`INSERT INTO products (id, kind, position, doc) VALUES (?, ?, ?, ?)`), p.ID, p.Kind, p.Position, string(p.Doc)); err != nil {
				return fmt.Errorf("product %s: %w", p.ID, err)
			}
		}
		var v string
		if err := tx.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'catalog_version'`).Scan(&v); err != nil {
			return err
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		version = n + 1
		_, err := s.exec(ctx, tx, (`UPDATE meta SET v = ? WHERE k = 'catalog_version'`), strconv.FormatInt(version, 10))
		return err
	})
	return version, err
}

func (s *sqlStore) CatalogVersion(ctx context.Context) (int64, error) {
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'catalog_version'`).Scan(&v); err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

func (s *sqlStore) Catalog(ctx context.Context) (int64, []Row, []Row, error) {
	var version int64
	var cats, prods []Row
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var v string
		if err := tx.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'catalog_version'`).Scan(&v); err != nil {
			return err
		}
		version, _ = strconv.ParseInt(v, 10, 64)
		rows, err := tx.QueryContext(ctx, `SELECT id, position, doc FROM categories ORDER BY position, id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r Row
			var doc string
			if err := rows.Scan(&r.ID, &r.Position, &doc); err != nil {
				rows.Close()
				return err
			}
			r.Doc = []byte(doc)
			cats = append(cats, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT id, kind, position, doc FROM products ORDER BY position, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Row
			var doc string
			if err := rows.Scan(&r.ID, &r.Kind, &r.Position, &doc); err != nil {
				return err
			}
			r.Doc = []byte(doc)
			prods = append(prods, r)
		}
		return rows.Err()
	})
	return version, cats, prods, err
}

// ---- vehicles, nonces, drivers

func (s *sqlStore) RegisterVehicle(ctx context.Context, v Vehicle) (Vehicle, bool, error) {
	res, err := s.exec(ctx, nil, (`INSERT INTO vehicles (id, public_key, vin, model, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		v.ID, v.PublicKey, v.VIN, v.Model, ms(v.CreatedAt))
	if err != nil {
		return Vehicle{}, false, err
	}
	n, _ := res.RowsAffected()
	got, err := s.Vehicle(ctx, v.ID)
	return got, n == 1, err
}

func (s *sqlStore) Vehicle(ctx context.Context, id string) (Vehicle, error) {
	var v Vehicle
	var c int64
	err := s.queryRow(ctx, nil, (`SELECT id, public_key, vin, model, created_at FROM vehicles WHERE id = ?`), id).Scan(&v.ID, &v.PublicKey, &v.VIN, &v.Model, &c)
	v.CreatedAt = fromMS(c)
	return v, errNoRows(err)
}

func (s *sqlStore) UseNonce(ctx context.Context, vehicle, nonce string, expires time.Time) error {
	res, err := s.exec(ctx, nil, (`INSERT INTO nonces (vehicle, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`), vehicle, nonce, ms(expires))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrReplay
	}
	return nil
}

func (s *sqlStore) PurgeNonces(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, nil, (`DELETE FROM nonces WHERE expires_at < ?`), ms(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *sqlStore) Driver(ctx context.Context, vehicle, driver string) (Driver, error) {
	d := Driver{Vehicle: vehicle, Driver: driver}
	var lu int64
	err := s.queryRow(ctx, nil, (`SELECT pin_hash, failed, locked_until FROM drivers WHERE vehicle = ? AND driver = ?`), vehicle, driver).Scan(&d.PINHash, &d.Failed, &lu)
	d.LockedUntil = fromMS(lu)
	return d, errNoRows(err)
}

func (s *sqlStore) PutDriver(ctx context.Context, d Driver) error {
	_, err := s.exec(ctx, nil, (`INSERT INTO drivers (vehicle, driver, pin_hash, failed, locked_until) VALUES (?, ?, ?, 0, 0)
		ON CONFLICT (vehicle, driver) DO UPDATE SET pin_hash = excluded.pin_hash, failed = 0, locked_until = 0`), d.Vehicle, d.Driver, d.PINHash)
	return err
}

func (s *sqlStore) PINAttempt(ctx context.Context, vehicle, driver string, ok bool, lockAfter int, lockUntil time.Time) error {
	var err error
	if ok {
		_, err = s.exec(ctx, nil, (`UPDATE drivers SET failed = 0 WHERE vehicle = ? AND driver = ? AND failed <> 0`), vehicle, driver)
		return err
	}
	// The lock-out counter starts again after a lock.
	_, err = s.exec(ctx, nil, (`UPDATE drivers SET
		locked_until = CASE WHEN failed + 1 >= ? THEN ? ELSE locked_until END,
		failed = CASE WHEN failed + 1 >= ? THEN 0 ELSE failed + 1 END
		WHERE vehicle = ? AND driver = ?`), lockAfter, ms(lockUntil), lockAfter, vehicle, driver)
	return err
}

// ---- purchases

const purchaseCols = `id, vehicle, product, kind, title, driver, amount, currency, tax_rate_bp, period, status, card_last4, method, charge_id, decline_code, place_id, place_name, minutes, receipt, created_at, updated_at`

func scanPurchase(r interface{ Scan(...any) error }) (Purchase, error) {
	var p Purchase
	var c, u int64
	err := r.Scan(&p.ID, &p.Vehicle, &p.Product, &p.Kind, &p.Title, &p.Driver, &p.Amount, &p.Currency, &p.TaxRateBP, &p.Period, &p.Status, &p.CardLast4, &p.Method,
		&p.ChargeID, &p.DeclineCode, &p.PlaceID, &p.PlaceName, &p.Minutes, &p.Receipt, &c, &u)
	p.CreatedAt, p.UpdatedAt = fromMS(c), fromMS(u)
	return p, errNoRows(err)
}

func (s *sqlStore) BeginPurchase(ctx context.Context, idem Idem, p Purchase) (Idem, Purchase, bool, error) {
	var gotIdem Idem
	var gotP Purchase
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, (`INSERT INTO idempotency (vehicle, k, request_hash, purchase_id, status_code, response, created_at) VALUES (?, ?, ?, ?, 0, '', ?) ON CONFLICT DO NOTHING`),
			idem.Vehicle, idem.Key, idem.RequestHash, p.ID, ms(idem.CreatedAt))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			created = true
			_, err = s.exec(ctx, tx, (`INSERT INTO purchases (` + purchaseCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				p.ID, p.Vehicle, p.Product, p.Kind, p.Title, p.Driver, p.Amount, p.Currency, p.TaxRateBP, p.Period, p.Status, p.CardLast4, p.Method,
				p.ChargeID, p.DeclineCode, p.PlaceID, p.PlaceName, p.Minutes, p.Receipt, ms(p.CreatedAt), ms(p.UpdatedAt))
			if isUnique(err) {
				return ErrConflict
			}
			if err != nil {
				return err
			}
		}
		gotIdem, err = idemQuery(ctx, tx, s, idem.Vehicle, idem.Key)
		if err != nil {
			return err
		}
		gotP, err = scanPurchase(s.queryRow(ctx, tx, (`SELECT ` + purchaseCols + ` FROM purchases WHERE id = ?`), gotIdem.PurchaseID))
		return err
	})
	return gotIdem, gotP, created, err
}

func idemQuery(ctx context.Context, tx *sql.Tx, s *sqlStore, vehicle, key string) (Idem, error) {
	i := Idem{Vehicle: vehicle, Key: key}
	var resp string
	var c int64
	err := s.queryRow(ctx, tx, (`SELECT request_hash, purchase_id, status_code, response, created_at FROM idempotency WHERE vehicle = ? AND k = ?`), vehicle, key).
		Scan(&i.RequestHash, &i.PurchaseID, &i.StatusCode, &resp, &c)
	i.Response, i.CreatedAt = []byte(resp), fromMS(c)
	return i, errNoRows(err)
}

func (s *sqlStore) Idem(ctx context.Context, vehicle, key string) (Idem, error) {
	return idemQuery(ctx, nil, s, vehicle, key)
}

func (s *sqlStore) CompletePurchase(ctx context.Context, c Completion) (Idem, error) {
	var out Idem
	err := s.tx(ctx, func(tx *sql.Tx) error {
		from := c.FromStatuses
		if len(from) == 0 {
			from = []string{"pending", "requires_confirmation"}
		}
		args := []any{c.Status, c.ChargeID, c.DeclineCode, c.Receipt, time.Now().UnixMilli(), c.PurchaseID}
		for _, f := range from {
			args = append(args, f)
		}
		res, err := s.exec(ctx, tx, (`UPDATE purchases SET status = ?, charge_id = ?, decline_code = ?, receipt = ?, updated_at = ? WHERE id = ? AND status IN (?` + strings.Repeat(", ?", len(from)-1) + `)`), args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			if p := c.Payment; p != nil {
				if _, err := s.exec(ctx, tx, (`INSERT INTO payments (id, purchase_id, kind, amount, currency, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
					p.ID, p.PurchaseID, p.Kind, p.Amount, p.Currency, ms(p.CreatedAt)); err != nil {
					return err
				}
			}
			if e := c.Entitlement; e != nil {
				if _, err := s.exec(ctx, tx, (`INSERT INTO entitlements (purchase_id, vehicle, product, kind, place, valid_until, revoked, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT DO NOTHING`),
					e.PurchaseID, e.Vehicle, e.Product, e.Kind, e.Place, ms(e.ValidUntil), ms(e.CreatedAt)); err != nil {
					return err
				}
			}
			if sb := c.Subscription; sb != nil {
				if _, err := s.exec(ctx, tx, (`INSERT INTO subscriptions (id, vehicle, product, purchase_id, period, status, period_end, cancel_at_period_end, renewals, failures, amount, currency, method, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
					sb.ID, sb.Vehicle, sb.Product, sb.PurchaseID, sb.Period, sb.Status, ms(sb.PeriodEnd), sb.Amount, sb.Currency, sb.Method, ms(sb.UpdatedAt)); err != nil {
					return err
				}
			}
		}
		if c.Key != "" {
			if _, err := s.exec(ctx, tx, (`UPDATE idempotency SET status_code = ?, response = ? WHERE vehicle = ? AND k = ? AND status_code = 0`),
				c.StatusCode, string(c.Response), c.Vehicle, c.Key); err != nil {
				return err
			}
			out, err = idemQuery(ctx, tx, s, c.Vehicle, c.Key)
			return err
		}
		return nil
	})
	return out, err
}

func (s *sqlStore) Purchase(ctx context.Context, id string) (Purchase, error) {
	return scanPurchase(s.queryRow(ctx, nil, (`SELECT ` + purchaseCols + ` FROM purchases WHERE id = ?`), id))
}

func (s *sqlStore) Purchases(ctx context.Context, vehicle string, limit int) ([]Purchase, error) {
	rows, err := s.query(ctx, nil, (`SELECT ` + purchaseCols + ` FROM purchases WHERE vehicle = ? ORDER BY created_at DESC, id DESC LIMIT ?`), vehicle, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Purchase
	for rows.Next() {
		p, err := scanPurchase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *sqlStore) Stale(ctx context.Context, before time.Time, limit int) ([]Purchase, []string, error) {
	cols := "p." + strings.ReplaceAll(purchaseCols, ", ", ", p.")
	rows, err := s.query(ctx, nil, (`SELECT ` + cols + `, i.k FROM purchases p JOIN idempotency i ON i.purchase_id = p.id AND i.vehicle = p.vehicle
		WHERE p.status = 'pending' AND p.created_at < ? ORDER BY p.created_at LIMIT ?`), ms(before), limit)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ps []Purchase
	var keys []string
	for rows.Next() {
		var key string
		var p Purchase
		var c, u int64
		if err := rows.Scan(&p.ID, &p.Vehicle, &p.Product, &p.Kind, &p.Title, &p.Driver, &p.Amount, &p.Currency, &p.TaxRateBP, &p.Period, &p.Status, &p.CardLast4, &p.Method,
			&p.ChargeID, &p.DeclineCode, &p.PlaceID, &p.PlaceName, &p.Minutes, &p.Receipt, &c, &u, &key); err != nil {
			return nil, nil, err
		}
		p.CreatedAt, p.UpdatedAt = fromMS(c), fromMS(u)
		ps, keys = append(ps, p), append(keys, key)
	}
	return ps, keys, rows.Err()
}

func (s *sqlStore) Payments(ctx context.Context, purchaseID string) ([]Payment, error) {
	rows, err := s.query(ctx, nil, (`SELECT id, purchase_id, kind, amount, currency, created_at FROM payments WHERE purchase_id = ? ORDER BY created_at, id`), purchaseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		var c int64
		if err := rows.Scan(&p.ID, &p.PurchaseID, &p.Kind, &p.Amount, &p.Currency, &c); err != nil {
			return nil, err
		}
		p.CreatedAt = fromMS(c)
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *sqlStore) Refund(ctx context.Context, purchaseID string, refund Payment) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, (`UPDATE purchases SET status = 'refunded', updated_at = ? WHERE id = ? AND status = 'succeeded'`), time.Now().UnixMilli(), purchaseID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrConflict
		}
		if _, err := s.exec(ctx, tx, (`INSERT INTO payments (id, purchase_id, kind, amount, currency, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			refund.ID, refund.PurchaseID, refund.Kind, refund.Amount, refund.Currency, ms(refund.CreatedAt)); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, (`UPDATE entitlements SET revoked = 1 WHERE purchase_id = ?`), purchaseID); err != nil {
			return err
		}
		_, err = s.exec(ctx, tx, (`UPDATE subscriptions SET cancel_at_period_end = 1, status = 'canceled', updated_at = ? WHERE purchase_id = ?`), time.Now().UnixMilli(), purchaseID)
		return err
	})
}

// ---- entitlements

const entCols = `purchase_id, vehicle, product, kind, place, valid_until, revoked, created_at`

func scanEnt(r interface{ Scan(...any) error }) (Entitlement, error) {
	var e Entitlement
	var vu, c int64
	var rev int
	err := r.Scan(&e.PurchaseID, &e.Vehicle, &e.Product, &e.Kind, &e.Place, &vu, &rev, &c)
	e.ValidUntil, e.Revoked, e.CreatedAt = fromMS(vu), rev != 0, fromMS(c)
	return e, errNoRows(err)
}

func (s *sqlStore) Entitlement(ctx context.Context, purchaseID string) (Entitlement, error) {
	return scanEnt(s.queryRow(ctx, nil, (`SELECT ` + entCols + ` FROM entitlements WHERE purchase_id = ?`), purchaseID))
}

func (s *sqlStore) Entitlements(ctx context.Context, vehicle string) ([]Entitlement, error) {
	rows, err := s.query(ctx, nil, (`SELECT ` + entCols + ` FROM entitlements WHERE vehicle = ? ORDER BY created_at, purchase_id`), vehicle)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entitlement
	for rows.Next() {
		e, err := scanEnt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ---- subscriptions

const subCols = `id, vehicle, product, purchase_id, period, status, period_end, cancel_at_period_end, renewals, failures, amount, currency, method, updated_at`

func scanSub(r interface{ Scan(...any) error }) (Subscription, error) {
	var sb Subscription
	var pe, u int64
	var cancel int
	err := r.Scan(&sb.ID, &sb.Vehicle, &sb.Product, &sb.PurchaseID, &sb.Period, &sb.Status, &pe, &cancel, &sb.Renewals, &sb.Failures, &sb.Amount, &sb.Currency, &sb.Method, &u)
	sb.PeriodEnd, sb.CancelAtPeriodEnd, sb.UpdatedAt = fromMS(pe), cancel != 0, fromMS(u)
	return sb, errNoRows(err)
}

func (s *sqlStore) subs(ctx context.Context, where string, args ...any) ([]Subscription, error) {
	rows, err := s.query(ctx, nil, (`SELECT ` + subCols + ` FROM subscriptions WHERE ` + where), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		sb, err := scanSub(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sb)
	}
	return out, rows.Err()
}

func (s *sqlStore) Subscription(ctx context.Context, id string) (Subscription, error) {
	return scanSub(s.queryRow(ctx, nil, (`SELECT ` + subCols + ` FROM subscriptions WHERE id = ?`), id))
}

func (s *sqlStore) SubscriptionByPurchase(ctx context.Context, purchaseID string) (Subscription, error) {
	return scanSub(s.queryRow(ctx, nil, (`SELECT ` + subCols + ` FROM subscriptions WHERE purchase_id = ?`), purchaseID))
}

func (s *sqlStore) Subscriptions(ctx context.Context, vehicle string) ([]Subscription, error) {
	return s.subs(ctx, `vehicle = ? ORDER BY period_end DESC, id`, vehicle)
}

func (s *sqlStore) ActiveSubscription(ctx context.Context, vehicle, product string) (Subscription, error) {
	l, err := s.subs(ctx, `vehicle = ? AND product = ? AND status IN ('active', 'past_due') AND cancel_at_period_end = 0 ORDER BY id LIMIT 1`, vehicle, product)
	if err != nil {
		return Subscription{}, err
	}
	if len(l) == 0 {
		return Subscription{}, ErrNotFound
	}
	return l[0], nil
}

func (s *sqlStore) DueSubscriptions(ctx context.Context, now time.Time, limit int) ([]Subscription, error) {
	return s.subs(ctx, `status IN ('active', 'past_due', 'canceled') AND period_end <= ? ORDER BY period_end, id LIMIT ?`, ms(now), limit)
}

func (s *sqlStore) Renew(ctx context.Context, subID string, oldEnd, newEnd time.Time, pay Payment) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, (`UPDATE subscriptions SET period_end = ?, status = 'active', renewals = renewals + 1, failures = 0, updated_at = ?
			WHERE id = ? AND period_end = ? AND status IN ('active', 'past_due') AND cancel_at_period_end = 0`), ms(newEnd), time.Now().UnixMilli(), subID, ms(oldEnd))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrConflict
		}
		if _, err := s.exec(ctx, tx, (`INSERT INTO payments (id, purchase_id, kind, amount, currency, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			pay.ID, pay.PurchaseID, pay.Kind, pay.Amount, pay.Currency, ms(pay.CreatedAt)); err != nil {
			return err
		}
		_, err = s.exec(ctx, tx, (`UPDATE entitlements SET valid_until = ? WHERE purchase_id = ? AND revoked = 0`), ms(newEnd), pay.PurchaseID)
		return err
	})
}

func (s *sqlStore) SetSubscriptionState(ctx context.Context, subID string, oldEnd time.Time, status string, failures int) error {
	res, err := s.exec(ctx, nil, (`UPDATE subscriptions SET status = ?, failures = ?, updated_at = ? WHERE id = ? AND period_end = ?`),
		status, failures, time.Now().UnixMilli(), subID, ms(oldEnd))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrConflict
	}
	return nil
}

func (s *sqlStore) CancelSubscription(ctx context.Context, subID string) (Subscription, error) {
	_, err := s.exec(ctx, nil, (`UPDATE subscriptions SET cancel_at_period_end = 1, status = CASE WHEN status = 'expired' THEN status ELSE 'canceled' END, updated_at = ? WHERE id = ?`),
		time.Now().UnixMilli(), subID)
	if err != nil {
		return Subscription{}, err
	}
	return s.Subscription(ctx, subID)
}
