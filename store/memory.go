package store

import (
	"container/list"
	"math"
	"sync"
	"time"
)

// DefaultMemoryEntries bounds the in-memory layer: about 10,000 hot answers
// (a few MB) spare SQLite reads for keys asked again and again in one run.
const DefaultMemoryEntries = 10000

// DefaultSearchMemoryEntries bounds the memory layer of the referential
// lists in front of a file: there are about 6,000 zips and 35,000 communes.
const DefaultSearchMemoryEntries = 50000

// DedupeMemoryEntries bounds the test and building answers Dedupe keeps: a
// run without a file must not ask a repeated address twice, yet a file of
// a million distinct buildings must not hold them all (≈ 1.3 KB each).
const DedupeMemoryEntries = 10000

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
