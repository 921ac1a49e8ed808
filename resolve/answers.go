package resolve

import (
	"encoding/json"
	"hash/maphash"
	"sync"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// Budgets of the decoded answers a Resolver keeps across rows. Decoding an
// answer again for every row (from the cache file or its memory layer) was
// most of a batch's CPU; the resolver keeps the compact forms rows use
// (test answers converted to offers once, building lists as references,
// number lists with their canonical forms), enough for every answer of a
// 100,000-row file. Search answers cost their length, test answers one.
const (
	DefaultMemoSearch = 600_000 // listed items (≈ 20 MB at most)
	DefaultMemoTests  = 110_000 // test answers and building lists (≈ 250 bytes each)
	// memoSearchAge and memoTestAge bound how long a long-lived resolver
	// (web server) serves an answer without asking its Caller again; the
	// Caller's cache applies its own TTLs.
	memoSearchAge = time.Hour
	// maxSpellings bounds the memoized street spellings (≈ 300 bytes each).
	maxSpellings = 40_000
	memoTestAge  = 10 * time.Minute
)

// answerMemo is a concurrency-safe memo of decoded answers bounded by total
// cost. It keeps two generations: new answers go to the current one; when
// it holds half the budget it becomes the old one (the previous old one is
// dropped), and answers found in the old generation move back to the
// current. That is LRU-like with no per-entry list, which matters with a
// hundred thousand small entries. Keys are 128-bit hashes of the request,
// so the memo holds no copy of them. Values are shared between rows and
// never modified.
type answerMemo struct {
	mu       sync.Mutex
	half     int // cost a generation may hold
	maxAge   time.Duration
	epoch    time.Time // set by the first put
	cur, old memoGen
}

type memoGen struct {
	items map[memoKey]memoItem
	used  int
}

type memoKey struct{ a, b uint64 }

// memoItem is small: a memo holds a hundred thousand of them.
type memoItem struct {
	v    any
	at   uint32 // seconds since the memo's epoch
	cost uint32
}

// Two independent seeds make a 128-bit key: a collision between two of a
// million requests has odds of about 1e-27.
var seedA, seedB = maphash.MakeSeed(), maphash.MakeSeed()

func keyOf(s string) memoKey {
	return memoKey{maphash.String(seedA, s), maphash.String(seedB, s)}
}

// requestKey is the key of a request: its route and its JSON body (a
// string body is hashed as is, without encoding it).
func requestKey(route string, body any) memoKey {
	var b []byte
	kind := byte(1)
	if s, ok := body.(string); ok {
		b, kind = []byte(s), 0
	} else {
		b, _ = json.Marshal(body)
	}
	sum := func(seed maphash.Seed) uint64 {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(route)
		h.WriteByte(kind)
		h.Write(b)
		return h.Sum64()
	}
	return memoKey{sum(seedA), sum(seedB)}
}

func newAnswerMemo(budget int, maxAge time.Duration) *answerMemo {
	if budget <= 0 {
		return nil
	}
	return &answerMemo{half: max(1, budget/2), maxAge: maxAge}
}

func (m *answerMemo) get(k memoKey, now time.Time) (any, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if it, ok := m.cur.items[k]; ok {
		if m.fresh(it, now) {
			return it.v, true
		}
		m.cur.used -= int(it.cost)
		delete(m.cur.items, k)
		return nil, false
	}
	it, ok := m.old.items[k]
	if !ok {
		return nil, false
	}
	m.old.used -= int(it.cost)
	delete(m.old.items, k)
	if !m.fresh(it, now) {
		return nil, false
	}
	m.add(k, it)
	return it.v, true
}

func (m *answerMemo) fresh(it memoItem, now time.Time) bool {
	return now.Sub(m.epoch)-time.Duration(it.at)*time.Second < m.maxAge
}

// stamp is now in seconds since the memo's first answer, rounded down: an
// answer may be let go up to a second early, never kept too long.
func (m *answerMemo) stamp(now time.Time) uint32 {
	if m.epoch.IsZero() {
		m.epoch = now
	}
	return uint32(max(0, now.Sub(m.epoch)/time.Second))
}

// put keeps v and returns the value rows should use: the one already kept
// when rows racing on a new key both put theirs, so that everything derived
// from an answer (prepared names) is derived once. An answer costing more
// than half the budget passes through unkept.
func (m *answerMemo) put(k memoKey, v any, cost int, now time.Time) any {
	if m == nil || cost > m.half {
		return v
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, g := range []*memoGen{&m.cur, &m.old} {
		if it, ok := g.items[k]; ok {
			if m.fresh(it, now) {
				return it.v
			}
			g.used -= int(it.cost)
			delete(g.items, k)
		}
	}
	m.add(k, memoItem{v: v, at: m.stamp(now), cost: uint32(cost)})
	return v
}

// add puts it in the current generation, turning generations first if it
// would go over half the budget.
func (m *answerMemo) add(k memoKey, it memoItem) {
	if m.cur.used+int(it.cost) > m.half {
		m.old = m.cur
		m.cur = memoGen{}
	}
	if m.cur.items == nil {
		m.cur.items = map[memoKey]memoItem{}
	}
	m.cur.items[k] = it
	m.cur.used += int(it.cost)
}

func (m *answerMemo) len() int {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.cur.items) + len(m.old.items)
}

// memoFor returns the memo that keeps answers of route (nil: none).
func (r *Resolver) memoFor(route string) *answerMemo {
	if ovhapi.IsTestRoute(route) || route == ovhapi.RouteBuildings || route == ovhapi.RouteBuildingsByLine {
		return r.memoTests
	}
	return r.memoSearch
}

// answerCost is what an answer weighs in its memo: about one unit per 30
// bytes held.
func answerCost(v any) int {
	switch l := v.(type) {
	case []ovhapi.City:
		return len(l) + 1
	case []ovhapi.Street:
		return len(l) + 1
	case *numberList:
		return l.cost()
	}
	return 1
}
