package market

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/loadgen"
	"github.com/fascia-hmi/fascia/market/reqsig"
)

// Kinds of installed content, by the manifest's file name.
const (
	ContentMap   = "map"   // *.pmtiles: a map region
	ContentTheme = "theme" // *.theme.toml: a theme pack
)

// ContentKind returns what a content file is, or "" when the car cannot
// install it.
func ContentKind(file string) string {
	switch {
	case strings.HasSuffix(file, ".pmtiles"):
		return ContentMap
	case strings.HasSuffix(file, ".theme.toml"):
		return ContentTheme
	}
	return ""
}

// MapsDir is where map regions are installed; ThemesDir theme packs.
func (c *Client) MapsDir() string   { return filepath.Join(c.opt.DataDir, "maps") }
func (c *Client) ThemesDir() string { return filepath.Join(c.opt.DataDir, "themes") }

// InstallPath is where a content product is (or would be) installed.
func (c *Client) InstallPath(p Product) (string, error) {
	if p.Content == nil {
		return "", fmt.Errorf("market: %s is not a content product", p.ID)
	}
	switch ContentKind(p.Content.File) {
	case ContentMap:
		return filepath.Join(c.MapsDir(), p.ID+".pmtiles"), nil
	case ContentTheme:
		return filepath.Join(c.ThemesDir(), p.ID+".theme.toml"), nil
	}
	return "", fmt.Errorf("market: %s: content file %q is of no kind the car installs", p.ID, p.Content.File)
}

func (c *Client) partPath(id string) string { return filepath.Join(c.dir, "downloads", id+".part") }

// Progress reports a download's bytes so far and its size.
type Progress func(done, total int64)

// Download fetches a content product the car is entitled to, resuming a
// partial download with a Range request, checks its size, SHA-256 and the
// store's signature over them, checks the file's format, and installs it
// atomically. It returns the installed path. A file that fails any check is
// deleted and nothing is installed.
func (c *Client) Download(ctx context.Context, p Product, progress Progress) (string, error) {
	dst, err := c.InstallPath(p)
	if err != nil {
		return "", err
	}
	m := p.Content
	_, pub, err := c.ensureKeys()
	if err != nil {
		return "", err
	}
	// The manifest came in the signed catalog; check it before spending
	// bandwidth on it.
	if err := entitle.VerifyContentManifest(pub, p.ID, m.Size, m.SHA256, m.Signature); err != nil {
		return "", fmt.Errorf("market: %s: manifest: %w", p.ID, err)
	}
	part := c.partPath(p.ID)
	if err := os.MkdirAll(filepath.Dir(part), 0o700); err != nil {
		return "", err
	}
	for attempt := 0; ; attempt++ {
		err := c.fetchPart(ctx, p, part, progress)
		if err == nil {
			break
		}
		if !errors.Is(err, errRestart) || attempt > 0 {
			return "", err
		}
	}
	if err := checkPart(pub, p, part); err != nil {
		os.Remove(part)
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(part, dst); err != nil {
		// Different file systems: copy beside the target, then rename.
		if err := copyAtomic(part, dst); err != nil {
			return "", err
		}
		os.Remove(part)
	}
	c.markInstalled(p.ID)
	c.log.Info("market: installed", "product", p.ID, "path", dst)
	c.changed()
	return dst, nil
}

var errRestart = errors.New("market: partial download is stale, starting again")

// fetchPart brings part up to the full size, resuming from its length.
func (c *Client) fetchPart(ctx context.Context, p Product, part string, progress Progress) error {
	if err := c.startErr(ctx); err != nil {
		return err
	}
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	size := p.Content.Size
	if have > size {
		if err := f.Truncate(0); err != nil {
			return err
		}
		have = 0
	}
	if have == size {
		return nil
	}
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+"/v1/content/"+p.ID, nil)
	if err != nil {
		return err
	}
	if have > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(have, 10)+"-")
		req.Header.Set("If-Range", `"`+p.Content.SHA256+`"`)
	}
	c.startMu.Lock()
	reqsig.Sign(req, c.key, nil, time.Now())
	c.startMu.Unlock()
	resp, err := c.http.Do(req)
	if err != nil {
		c.setState(Offline, err)
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	c.setState(Online, nil)
	switch resp.StatusCode {
	case http.StatusOK:
		if err := f.Truncate(0); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		have = 0
	case http.StatusPartialContent:
		if !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes "+strconv.FormatInt(have, 10)+"-") {
			return fmt.Errorf("market: %s: Content-Range %q does not continue at %d", p.ID, resp.Header.Get("Content-Range"), have)
		}
	case http.StatusRequestedRangeNotSatisfiable:
		if err := f.Truncate(0); err != nil {
			return err
		}
		return errRestart
	default:
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return apiErrorFrom(resp.StatusCode, b)
	}
	w := &progressWriter{w: f, done: have, total: size, f: progress}
	_, err = io.Copy(w, io.LimitReader(resp.Body, size-have+1))
	if err != nil {
		c.setState(Offline, err)
		return fmt.Errorf("%w: download of %s interrupted at %d of %d bytes: %v", ErrUnreachable, p.ID, w.done, size, err)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if w.done != size {
		return fmt.Errorf("%w: download of %s ended at %d of %d bytes", ErrUnreachable, p.ID, w.done, size)
	}
	return nil
}

func apiErrorFrom(status int, body []byte) error {
	return apiError(loadgen.Reply{Status: status, Body: body})
}

type progressWriter struct {
	w           io.Writer
	done, total int64
	f           Progress
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	if p.f != nil {
		p.f(p.done, p.total)
	}
	return n, err
}

// checkPart verifies a complete download: size, SHA-256 against the signed
// manifest, and the format of its kind.
func checkPart(pub ed25519.PublicKey, p Product, part string) error {
	f, err := os.Open(part)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if n != p.Content.Size || !strings.EqualFold(sum, p.Content.SHA256) {
		return fmt.Errorf("market: %s: downloaded file (%d bytes, SHA-256 %s) does not match the signed manifest (%d bytes, %s); discarded", p.ID, n, sum[:16], p.Content.Size, p.Content.SHA256[:min(16, len(p.Content.SHA256))])
	}
	if err := entitle.VerifyContentManifest(pub, p.ID, n, sum, p.Content.Signature); err != nil {
		return fmt.Errorf("market: %s: store signature: %w", p.ID, err)
	}
	head := make([]byte, 8)
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	switch ContentKind(p.Content.File) {
	case ContentMap:
		if !bytes.HasPrefix(head, []byte("PMTiles")) {
			return fmt.Errorf("market: %s: not a PMTiles file", p.ID)
		}
	case ContentTheme:
		data, err := os.ReadFile(part)
		if err != nil {
			return err
		}
		if _, err := ParseThemePack(data); err != nil {
			return fmt.Errorf("market: %s: %w", p.ID, err)
		}
	}
	return nil
}

func copyAtomic(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return writeFileAtomic(dst, data, 0o644)
}

// Installed reports whether a content product's file is installed, from
// memory: what Load found plus what Download installed since.
func (c *Client) Installed(p Product) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.installedSet[p.ID]
}

// InstalledMaps returns the paths of installed map regions the car holds a
// valid entitlement for (offline: until the cached entitlement expires),
// sorted. The map stacks them over its base map.
func (c *Client) InstalledMaps() []string {
	return c.installed(c.MapsDir(), ".pmtiles")
}

// InstalledThemes returns the installed, entitled theme pack files.
func (c *Client) InstalledThemes() []string {
	return c.installed(c.ThemesDir(), ".theme.toml")
}

func (c *Client) installed(dir, suffix string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		id, ok := strings.CutSuffix(e.Name(), suffix)
		if !ok || !e.Type().IsRegular() || !c.Entitled(id) {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out
}
