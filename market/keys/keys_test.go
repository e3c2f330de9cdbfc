package keys

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestLoadOrCreateRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "store.key")
	const n = 16
	keys := make([]string, n)
	created := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, c, err := LoadOrCreate(path)
			if err != nil {
				t.Error(err)
				return
			}
			keys[i], created[i] = string(k), c
		}()
	}
	wg.Wait()
	nc := 0
	for i := range keys {
		if keys[i] != keys[0] {
			t.Fatal("processes starting together got different keys")
		}
		if created[i] {
			nc++
		}
	}
	if nc != 1 {
		t.Fatalf("%d creators, want 1", nc)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
	os.WriteFile(path, []byte("garbage\n"), 0o600)
	if _, _, err := LoadOrCreate(path); err == nil {
		t.Fatal("corrupt key file accepted (it must not be silently replaced)")
	}
}
