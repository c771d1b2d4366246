package review

import (
	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/config"
)

// selectChecks splits checks into enabled and disabled by the config's
// enable/disable selectors. The most specific selector wins: a check name
// beats an item, an item beats an area, so `disable: [docker]` with
// `enable: [no-healthcheck]` keeps just that one docker check.
func selectChecks(all []*check.Check, cfg *config.Checks) (enabled, disabled []*check.Check) {
	for _, c := range all {
		on := true
		best := 0
		apply := func(selectors []string, value bool) {
			for _, s := range selectors {
				if spec := specificity(c, s); spec > best || spec == best && spec > 0 && !value {
					best, on = spec, value
				}
			}
		}
		apply(cfg.Enable, true)
		apply(cfg.Disable, false)
		if on {
			enabled = append(enabled, c)
		} else {
			disabled = append(disabled, c)
		}
	}
	return enabled, disabled
}

// specificity of selector s for check c: 3 name, 2 item, 1 area, 0 none.
func specificity(c *check.Check, s string) int {
	switch {
	case s == c.Name:
		return 3
	case s == c.Item:
		return 2
	}
	if a, err := check.LookupArea(s); err == nil && check.AreaOf(c.Item).ID == a.ID {
		return 1
	}
	return 0
}

// KnownSelector reports whether s names a check, an item or an area.
func KnownSelector(all []*check.Check) func(string) bool {
	return func(s string) bool {
		if _, ok := check.LookupItem(s); ok {
			return true
		}
		if _, err := check.LookupArea(s); err == nil {
			return true
		}
		for _, c := range all {
			if c.Name == s {
				return true
			}
		}
		return false
	}
}
