// Package sample embeds the sample programme that fills an empty store, so
// that anyone can try the bot without writing a programme first.
package sample

import (
	_ "embed"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

//go:embed sample.yaml
var file []byte

// Programme returns the parsed sample programme.
func Programme() (*programme.Programme, error) {
	return programme.Parse(file, programme.YAML)
}
