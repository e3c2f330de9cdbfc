package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fascia-hmi/fascia/market/entitle"
	"github.com/fascia-hmi/fascia/market/keys"
)

const pack = "../../../shared/data/tiles/monaco.pmtiles"

func TestSeedAndServe(t *testing.T) {
	if _, err := os.Stat(pack); err != nil {
		t.Skipf("shared test data absent: %v", err)
	}
	dir := t.TempDir()
	common := []string{"--db", "sqlite:" + filepath.Join(dir, "m.db"), "--key", filepath.Join(dir, "store.key"), "--content", filepath.Join(dir, "content")}
	var out bytes.Buffer
	if err := run(append([]string{"seed", "--region-pack", pack}, common...), &out, &out); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "seeded demo catalog version 1") {
		t.Fatalf("seed output: %s", out.String())
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	p, _ := os.FindProcess(os.Getpid())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(append([]string{"serve", "--addr", addr, "--log-format", "json"}, common...), &out, &logs)
	}()
	var body []byte
	var resp *http.Response
	for i := 0; i < 100; i++ {
		var err error
		resp, err = http.Get("http://" + addr + "/v1/catalog")
		if err == nil {
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			resp.Body.Close()
			body = b.Bytes()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp == nil || resp.StatusCode != 200 {
		t.Fatalf("server did not answer: %v", resp)
	}
	key, err := keys.Load(filepath.Join(dir, "store.key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := entitle.VerifyCatalog(key.Public().(ed25519.PublicKey), body, resp.Header.Get("Fascia-Store-Signature")); err != nil {
		t.Fatalf("served catalog not signed by the key file: %v", err)
	}
	var doc struct{ Products []json.RawMessage }
	if json.Unmarshal(body, &doc) != nil || len(doc.Products) != 10 {
		t.Fatalf("catalog: %s", body)
	}
	p.Signal(os.Interrupt)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	if !strings.Contains(logs.String(), `"msg":"fascia-market serving"`) {
		t.Fatalf("logs: %s", logs.String())
	}
}

func TestUsage(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"frobnicate"}, &out, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run([]string{"serve", "--db"}, &out, &out); err == nil {
		t.Fatal("missing flag value accepted")
	}
	if err := run([]string{"serve", "--payment", "paypal"}, &out, &out); err == nil {
		t.Fatal("unknown provider accepted")
	}
}

func TestBench(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"bench", "--duration", "300ms", "--runs", "1", "--catalog-workers", "4", "--purchase-workers", "2"}, &out, &out); err != nil {
		t.Fatalf("bench: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "median  purchase") || strings.Contains(out.String(), "first purchase error") {
		t.Fatalf("bench output:\n%s", out.String())
	}
}
