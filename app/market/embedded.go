package market

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/fascia-hmi/fascia/assets"
	"github.com/fascia-hmi/fascia/market/api"
	"github.com/fascia-hmi/fascia/market/catalog"
	"github.com/fascia-hmi/fascia/market/demo"
	"github.com/fascia-hmi/fascia/market/keys"
	"github.com/fascia-hmi/fascia/market/payment"
	"github.com/fascia-hmi/fascia/market/store"
)

// embedded is the real store server running in the cockpit's process.
type embedded struct {
	url    string
	st     store.Store
	srv    *api.Server
	hs     *http.Server
	cancel context.CancelFunc
}

// startEmbedded opens (or creates) the store under dir, seeds the demo
// catalog on first run and serves it on a loopback port.
func startEmbedded(ctx context.Context, dir, regionPack string, log *slog.Logger) (*embedded, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key, _, err := keys.LoadOrCreate(filepath.Join(dir, "store.key"))
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "store.db"))
	if err != nil {
		return nil, err
	}
	content := filepath.Join(dir, "store-content")
	if _, _, prods, err := st.Catalog(ctx); errors.Is(err, store.ErrNotFound) || (err == nil && len(prods) == 0) {
		if err := seed(ctx, st, key, content, regionPack, log); err != nil {
			st.Close()
			return nil, err
		}
	}
	lctx, cancel := context.WithCancel(context.Background())
	srv, err := api.New(lctx, api.Config{Store: st, Provider: payment.NewSandbox(), Key: key, ContentDir: content, Log: log.With("component", "market-store"), PaymentTimeout: 10 * time.Second})
	if err != nil {
		cancel()
		st.Close()
		return nil, err
	}
	srv.Run(lctx, time.Minute)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		srv.Kill()
		st.Close()
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("market: embedded store stopped", "err", err)
		}
	}()
	log.Info("market: embedded store", "addr", ln.Addr().String(), "db", filepath.Join(dir, "store.db"))
	return &embedded{url: "http://" + ln.Addr().String(), st: st, srv: srv, hs: hs, cancel: cancel}, nil
}

// seed loads the demo catalog. Without a map region file the map product
// is left out (said in the log), the rest is seeded.
func seed(ctx context.Context, st store.Store, key ed25519.PrivateKey, content, regionPack string, log *slog.Logger) error {
	var pack []byte
	if regionPack == "" {
		if p, err := demo.FindRegionPack(); err == nil {
			regionPack = p
		}
	}
	if regionPack != "" {
		b, err := os.ReadFile(regionPack)
		if err != nil {
			return fmt.Errorf("region pack: %w", err)
		}
		pack = b
	} else if b, err := fs.ReadFile(assets.FS, "maps/monaco.pmtiles"); err == nil {
		// The cockpit's own Monaco tiles (scripts/make-map), so that a
		// clean install sells a real region pack too.
		pack = b
	}
	cats, prods, err := demo.Catalog(key, content, pack)
	if err != nil {
		return err
	}
	if pack == nil {
		log.Warn("market: no map region file found; the embedded store's catalog has no map region product")
		out := prods[:0]
		for _, p := range prods {
			if p.ID != demo.MapMonaco {
				out = append(out, p)
			}
		}
		prods = out
	}
	cr, pr, err := catalog.Rows(cats, prods)
	if err != nil {
		return err
	}
	_, err = st.PutCatalog(ctx, cr, pr)
	return err
}

func (e *embedded) close() {
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = e.hs.Shutdown(sctx)
	e.srv.Kill()
	e.cancel()
	e.st.Close()
}
