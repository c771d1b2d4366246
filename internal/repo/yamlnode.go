package repo

import (
	"bytes"
	"errors"
	"io"

	"gopkg.in/yaml.v3"
)

// parseYAML reads the first document of a YAML file as a node tree, with
// aliases and merge keys (<<) resolved so callers can walk it naively.
func parseYAML(b []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return (&resolver{seen: map[*yaml.Node]bool{}}).resolve(doc.Content[0], 0), nil
}

// resolver follows aliases and expands merge keys. Each node is resolved
// once and depth bounds alias chains, so a "billion laughs" file cannot
// stall the review.
type resolver struct{ seen map[*yaml.Node]bool }

func (rs *resolver) resolve(n *yaml.Node, depth int) *yaml.Node {
	if n == nil || depth > 50 {
		return n
	}
	if n.Kind == yaml.AliasNode {
		return rs.resolve(n.Alias, depth+1)
	}
	if rs.seen[n] {
		return n
	}
	rs.seen[n] = true
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.SequenceNode {
			for i := range n.Content {
				n.Content[i] = rs.resolve(n.Content[i], depth+1)
			}
		}
		return n
	}
	var merged []*yaml.Node
	var own []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], rs.resolve(n.Content[i+1], depth+1)
		if k.Tag == "!!merge" || k.Value == "<<" {
			sources := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				sources = v.Content
			}
			for _, src := range sources {
				src = rs.resolve(src, depth+1)
				if src.Kind == yaml.MappingNode {
					merged = append(merged, src.Content...)
				}
			}
			continue
		}
		own = append(own, k, v)
	}
	if merged != nil {
		// Keys of the mapping itself win over merged ones.
		keys := map[string]bool{}
		for i := 0; i < len(own); i += 2 {
			keys[own[i].Value] = true
		}
		out := append([]*yaml.Node(nil), own...)
		for i := 0; i+1 < len(merged); i += 2 {
			if !keys[merged[i].Value] {
				keys[merged[i].Value] = true
				out = append(out, merged[i], merged[i+1])
			}
		}
		n.Content = out
	} else {
		n.Content = own
	}
	return n
}

// mapGet returns the value for key in a mapping node, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// mapKey returns the key node for key in a mapping node, or nil.
func mapKey(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

// scalar returns a scalar node's value, or "".
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
