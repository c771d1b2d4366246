package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// DecodeSettings decodes the settings of one check into v, strictly:
// unknown keys are errors naming their line. Absent settings leave v as is.
func (c *Config) DecodeSettings(check string, v any) error {
	n, ok := c.Settings[check]
	if !ok {
		return nil
	}
	var buf strings.Builder
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(&n); err != nil {
		return err
	}
	dec := yaml.NewDecoder(strings.NewReader(buf.String()))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		// Re-encoding renumbers lines; point at the settings block instead.
		return c.Errorf("settings."+check, "settings.%s: %s", check, cleanDecodeError(err))
	}
	return nil
}
