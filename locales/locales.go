// Package locales embeds the message files: one YAML file per language,
// named by its code, with en.yaml the reference every other file follows.
package locales

import "embed"

// FS holds the message files.
//
//go:embed *.yaml answers/*.yaml
var FS embed.FS
