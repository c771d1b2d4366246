package logic

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
)

// CacheLayer cites the cache in front of the database, if there is one.
var CacheLayer = &check.Check{
	Name:     "cache-layer",
	Item:     "6.4",
	Severity: check.Info,
	Doc: `Cache hot reads in front of the database, where it pays.

Reads that many requests repeat (configuration, reference data, a product
page) can be served from memory or Redis instead of a query each time. This
check only reports what it finds: a caching library, a cache decorator on a
function that queries, or a Redis cache with a TTL. Whether a cache is needed
is for a human to decide: a cache adds invalidation bugs, and most services
need none until measurements say so.`,
	Run: runCacheLayer,
}

var cacheLibraries = []string{
	"cachetools", "aiocache", "fastapi-cache2", "dogpile.cache", "dogpile-cache", "flask-caching", "django-redis",
	"cashews", "async-lru", "diskcache",
	"github.com/dgraph-io/ristretto", "github.com/golang/groupcache", "github.com/allegro/bigcache",
	"github.com/coocood/freecache", "github.com/patrickmn/go-cache", "github.com/eko/gocache",
	"github.com/hashicorp/golang-lru", "github.com/jellydator/ttlcache", "github.com/maypok86/otter",
}

// cacheDecorators cache a function's results; on a function that queries,
// they are a read cache.
var cacheDecorators = map[string]bool{
	"functools.lru_cache": true, "functools.cache": true, "functools.cached_property": false,
	"cachetools.cached": true, "cachetools.func.ttl_cache": true, "cachetools.func.lru_cache": true,
	"aiocache.cached": true, "fastapi_cache.decorator.cache": true, "async_lru.alru_cache": true,
}

func runCacheLayer(p *check.Pass) error {
	for _, d := range p.Repo.Dependencies() {
		for _, lib := range cacheLibraries {
			if d.Name == lib || strings.Contains(lib, "/") && strings.HasPrefix(d.Name, lib) {
				p.Evidence(at(d.File, d.Line), "cache library %s", d.Name)
			}
		}
	}
	px := dbcode.PythonIndex(p.Repo)
	for _, pm := range px.AppModules() {
		for _, f := range pm.Funcs {
			pf := px.Func(f)
			if pf == nil || !pf.Touches {
				continue
			}
			for _, d := range f.Decorators {
				if name := pm.DecoratorName(d); cacheDecorators[name] || strings.HasSuffix(name, "cache.cached") || strings.HasSuffix(name, "cache.memoize") || strings.HasSuffix(name, ".cache_on_arguments") {
					p.Evidence(at(pm.Path, d.Line), "%s() caches its query results with @%s", f.Name, shortName(name))
				}
			}
		}
		for _, c := range pm.Module.Calls {
			if c.Receiver == nil || !strings.Contains(strings.ToLower(c.Receiver.Text), "redis") && !strings.Contains(strings.ToLower(c.Receiver.Text), "cache") {
				continue
			}
			if c.Method == "setex" || c.Method == "set" && (c.Kwarg("ex") != nil || c.Kwarg("px") != nil || c.Kwarg("ttl") != nil) {
				p.Evidence(at(pm.Path, c.Line), "values cached with a TTL (%s)", c.Callee)
			}
		}
	}
	if p.Cited() {
		return nil
	}
	if dbcode.NoDatabase(p) {
		return nil
	}
	p.Manual("no cache layer found; decide whether hot reads need one (a cache library, a cached repository function, Redis with a TTL)")
	return nil
}

func shortName(q string) string {
	if i := strings.LastIndex(q, "."); i >= 0 && !strings.HasSuffix(q, "cache.cached") && !strings.HasSuffix(q, "cache.memoize") {
		return q[i+1:]
	}
	return q
}
