package resolve

import (
	"container/list"
	"sync"
	"time"

	"github.com/ovhcloud-tools/eligibility/ovhapi"
)

// Budgets of the decoded answers a Resolver keeps across rows. Decoding a
// cached answer again for every row was a sixth of the CPU of a run: the
// resolver keeps the typed lists themselves. Search answers cost their
// length (a commune's streets, a street's numbers), test answers one each.
const (
	DefaultMemoSearch = 50_000 // listed items (≈ 5 MB)
	DefaultMemoTests  = 2_000  // test and building answers (≈ 3 KB each decoded)
	// memoSearchAge and memoTestAge bound how long a long-lived resolver
	// (web server) serves an answer without asking its Caller again; the
	// Caller's cache applies its own TTLs.
	memoSearchAge = time.Hour
	memoTestAge   = 10 * time.Minute
)

// answerMemo is a concurrency-safe LRU of decoded answers bounded by total
// cost. Values are shared between rows and never modified.
type answerMemo struct {
	mu     sync.Mutex
	budget int
	used   int
	maxAge time.Duration
	order  list.List // front = most recent; values are *memoItem
	items  map[string]*list.Element
}

type memoItem struct {
	key  string
	v    any
	cost int
	at   time.Time
}

func newAnswerMemo(budget int, maxAge time.Duration) *answerMemo {
	if budget <= 0 {
		return nil
	}
	return &answerMemo{budget: budget, maxAge: maxAge, items: map[string]*list.Element{}}
}

func (m *answerMemo) get(key string, now time.Time) (any, bool) {
	if m == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.items[key]
	if !ok {
		return nil, false
	}
	it := el.Value.(*memoItem)
	if now.Sub(it.at) >= m.maxAge {
		m.remove(el)
		return nil, false
	}
	m.order.MoveToFront(el)
	return it.v, true
}

// put keeps v and returns the value rows should use: the one already kept
// when rows racing on a new key both put theirs, so that everything derived
// from an answer (prepared names) is derived once.
func (m *answerMemo) put(key string, v any, cost int, now time.Time) any {
	if m == nil || cost > m.budget {
		return v
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.items[key]; ok {
		if it := el.Value.(*memoItem); now.Sub(it.at) < m.maxAge {
			m.order.MoveToFront(el)
			return it.v
		}
		m.remove(el)
	}
	m.items[key] = m.order.PushFront(&memoItem{key: key, v: v, cost: cost, at: now})
	m.used += cost
	for m.used > m.budget {
		m.remove(m.order.Back())
	}
	return v
}

func (m *answerMemo) remove(el *list.Element) {
	it := el.Value.(*memoItem)
	m.order.Remove(el)
	delete(m.items, it.key)
	m.used -= it.cost
}

func (m *answerMemo) len() int {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// memoFor returns the memo that keeps answers of route (nil: none).
func (r *Resolver) memoFor(route string) *answerMemo {
	if ovhapi.IsTestRoute(route) || route == ovhapi.RouteBuildings || route == ovhapi.RouteBuildingsByLine {
		return r.memoTests
	}
	return r.memoSearch
}

// answerCost is what an answer weighs in its memo.
func answerCost(v any) int {
	switch l := v.(type) {
	case []ovhapi.City:
		return len(l) + 1
	case []ovhapi.Street:
		return len(l) + 1
	case []string:
		return len(l) + 1
	case []ovhapi.StreetNumberDetails:
		return len(l) + 1
	}
	return 1
}
