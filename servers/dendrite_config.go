package servers

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// patchDendriteConfig turns the -ci configuration that generate-config
// printed into one for a private test homeserver: the signing key by
// absolute path (Dendrite resolves relative paths against its working
// directory), a registration secret of its own instead of the well-known
// "complement", no federation unless federate is set, no open
// registration (shared-secret registration still works), and
// warnings-only logging to stderr. A federating test homeserver accepts
// its peers' self-signed certificates: they are test servers on loopback
// whose names are IP addresses, which no certificate authority vouches for.
func patchDendriteConfig(raw string, keyPath, secret string, federate bool) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(raw), &doc); err != nil {
		return nil, fmt.Errorf("servers: parse generated dendrite config: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, fmt.Errorf("servers: generated dendrite config is not a YAML document")
	}
	root := doc.Content[0]
	edits := []struct {
		path  []string
		value any
	}{
		{[]string{"global", "private_key"}, keyPath},
		{[]string{"global", "disable_federation"}, !federate},
		{[]string{"federation_api", "disable_tls_validation"}, federate},
		{[]string{"client_api", "registration_shared_secret"}, secret},
		{[]string{"client_api", "registration_disabled"}, true},
		{[]string{"logging"}, []map[string]string{{"type": "std", "level": "warn"}}},
	}
	for _, e := range edits {
		if err := setYAML(root, e.path, e.value); err != nil {
			return nil, err
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return nil, fmt.Errorf("servers: write dendrite config: %w", err)
	}
	return out, nil
}

// setYAML replaces the value at a key path of mapping nodes. Every key must
// already exist: a missing one means generate-config changed its layout,
// and silently adding a key Dendrite ignores would hide that.
func setYAML(node *yaml.Node, path []string, value any) error {
	for i, key := range path {
		if node.Kind != yaml.MappingNode {
			return fmt.Errorf("servers: dendrite config: %v is not a mapping", path[:i])
		}
		var next *yaml.Node
		for j := 0; j+1 < len(node.Content); j += 2 {
			if node.Content[j].Value == key {
				next = node.Content[j+1]
				break
			}
		}
		if next == nil {
			return fmt.Errorf("servers: dendrite config has no %v", path[:i+1])
		}
		node = next
	}
	var repl yaml.Node
	if err := repl.Encode(value); err != nil {
		return fmt.Errorf("servers: dendrite config %v: %w", path, err)
	}
	*node = repl
	return nil
}
