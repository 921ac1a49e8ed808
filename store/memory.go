package store

import (
	"container/list"
	"math"
	"sync"
	"time"
)

// DefaultMemoryEntries bounds the in-memory layer: the resolver keeps the
// decoded answers rows share, so this layer only serves the few keys asked
// again once the resolver has let them go (and callers without a memo).
const DefaultMemoryEntries = 500

// DefaultSearchMemoryEntries bounds the memory layer of the referential
// lists (cities, streets, street numbers), so test answers never evict
// them.
const DefaultSearchMemoryEntries = 500

// DedupeMemoryEntries bounds the answers Dedupe keeps (≈ 1.3 KB each): the
// resolver memoizes what a run repeats, this only covers other callers.
const DedupeMemoryEntries = 500

// Unbounded is a memory bound that is never reached.
const Unbounded = math.MaxInt

// lru is a bounded least-recently-used map of answers.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recent; values are *memEntry
	items map[string]*list.Element
}

type memEntry struct {
	key     string
	result  []byte
	created time.Time
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: make(map[string]*list.Element, min(max, 1024))}
}

func (l *lru) get(key string) (memEntry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	el, ok := l.items[key]
	if !ok {
		return memEntry{}, false
	}
	l.order.MoveToFront(el)
	return *el.Value.(*memEntry), true
}

func (l *lru) put(key string, result []byte, created time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.items[key]; ok {
		e := el.Value.(*memEntry)
		e.result, e.created = result, created
		l.order.MoveToFront(el)
		return
	}
	l.items[key] = l.order.PushFront(&memEntry{key: key, result: result, created: created})
	for l.order.Len() > l.max {
		old := l.order.Back()
		l.order.Remove(old)
		delete(l.items, old.Value.(*memEntry).key)
	}
}

func (l *lru) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order.Len()
}
