package render

import "container/list"

// lru is a byte-accounted least-recently-used cache; not safe for
// concurrent use (the Renderer guards it).
type lru[K comparable, V any] struct {
	max, used int64
	ll        *list.List
	m         map[K]*list.Element
	onEvict   func(K, V)
}

type lruEntry[K comparable, V any] struct {
	k K
	v V
	n int64
}

func newLRU[K comparable, V any](max int64) *lru[K, V] {
	return &lru[K, V]{max: max, ll: list.New(), m: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	if e, ok := c.m[k]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*lruEntry[K, V]).v, true
	}
	var zero V
	return zero, false
}

// put stores v at cost n bytes and evicts the least recently used
// entries until the cache is within its bound. An entry larger than the
// whole bound is not stored; put reports whether it was.
func (c *lru[K, V]) put(k K, v V, n int64) bool {
	if e, ok := c.m[k]; ok {
		c.remove(e)
	}
	if n > c.max {
		return false
	}
	c.m[k] = c.ll.PushFront(&lruEntry[K, V]{k, v, n})
	c.used += n
	for c.used > c.max {
		c.remove(c.ll.Back())
	}
	return true
}

func (c *lru[K, V]) remove(e *list.Element) {
	en := e.Value.(*lruEntry[K, V])
	c.ll.Remove(e)
	delete(c.m, en.k)
	c.used -= en.n
	if c.onEvict != nil {
		c.onEvict(en.k, en.v)
	}
}

func (c *lru[K, V]) len() int { return c.ll.Len() }
