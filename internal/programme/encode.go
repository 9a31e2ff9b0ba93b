package programme

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Encode writes the programme as a programme file that Parse reads back
// unchanged.
func Encode(p *Programme, format Format) ([]byte, error) {
	doc := toFile(p)
	if format == JSON {
		out, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("programme: encode json: %w", err)
		}
		return append(out, '\n'), nil
	}
	var root yaml.Node
	if err := root.Encode(doc); err != nil {
		return nil, fmt.Errorf("programme: encode yaml: %w", err)
	}
	compactTexts(&root)
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("programme: encode yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("programme: encode yaml: %w", err)
	}
	return []byte(b.String()), nil
}

// Check runs the checks of a programme file on a programme built in
// memory (an edit, an undo) and returns it as a file would give it back,
// or an *InvalidError.
func Check(p *Programme) (*Programme, error) {
	data, err := Encode(p, YAML)
	if err != nil {
		return nil, err
	}
	return Parse(data, YAML)
}

// compactTexts writes every language map on one line, languages in the
// order of Languages, as people write them by hand: {en: ..., ru: ...}.
func compactTexts(n *yaml.Node) {
	if n.Kind == yaml.MappingNode && isTextMap(n) {
		type pair struct{ k, v *yaml.Node }
		pairs := make([]pair, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			pairs = append(pairs, pair{n.Content[i], n.Content[i+1]})
		}
		slices.SortStableFunc(pairs, func(a, b pair) int {
			return slices.Index(Languages, a.k.Value) - slices.Index(Languages, b.k.Value)
		})
		n.Content = n.Content[:0]
		for _, p := range pairs {
			n.Content = append(n.Content, p.k, p.v)
		}
		n.Style = yaml.FlowStyle
		return
	}
	for _, c := range n.Content {
		compactTexts(c)
	}
}

func isTextMap(n *yaml.Node) bool {
	if len(n.Content) == 0 {
		return false
	}
	for i := 0; i < len(n.Content); i += 2 {
		if !slices.Contains(Languages, n.Content[i].Value) {
			return false
		}
	}
	return true
}

func toFile(p *Programme) fileDoc {
	d := fileDoc{
		Version: FileVersion,
		Event: fileEvent{
			Code:      p.Event.Code,
			Title:     p.Event.Title,
			Timezone:  p.Event.Timezone,
			Countries: p.Event.Countries,
			Contacts:  p.Event.Contacts,
			DeskHours: p.Event.DeskHours,
		},
		Glossary: p.Glossary,
	}
	for _, v := range p.Venues {
		lat, lon := v.Lat, v.Lon
		d.Venues = append(d.Venues, fileVenue{ID: v.ID, Name: v.Name, Address: v.Address, City: v.City, Lat: &lat, Lon: &lon, Notes: v.Notes, Keywords: v.Keywords})
	}
	loc := p.Location()
	for _, s := range p.Sessions {
		d.Sessions = append(d.Sessions, fileSession{
			ID: s.ID, Title: s.Title, Description: s.Description,
			Start: formatLocal(s.Start.In(loc)), End: formatLocal(s.End.In(loc)),
			Venue: s.Venue, Speakers: s.Speakers, Kind: string(s.Kind), Groups: s.Groups, Keywords: s.Keywords, Cancelled: s.Cancelled,
		})
	}
	for _, m := range p.Materials {
		d.Materials = append(d.Materials, fileMaterial{ID: m.ID, Title: m.Title, Kind: string(m.Kind), Session: m.Session, URL: m.URL, Keywords: m.Keywords})
	}
	for _, f := range p.FAQ {
		d.FAQ = append(d.FAQ, fileFAQ{ID: f.ID, Question: f.Question, Answer: f.Answer, Keywords: f.Keywords})
	}
	return d
}
