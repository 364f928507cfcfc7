package ledger

import (
	"bytes"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Frontmatter is the YAML header every ledger page carries, with the fields
// SmartupOS's wiki uses.
type Frontmatter struct {
	Title  string `yaml:"title"`
	Author string `yaml:"author"`
	Role   string `yaml:"role,omitempty"`
	Date   string `yaml:"date"`
	Parent string `yaml:"parent,omitempty"`
	Team   string `yaml:"team,omitempty"`
	Topic  string `yaml:"topic,omitempty"`
	Public bool   `yaml:"public"`
}

// Page is a markdown page: frontmatter and body.
type Page struct {
	Front Frontmatter
	Body  string
}

// Render returns the page as a file: YAML between --- lines, then the body.
// The YAML encoder quotes whatever needs it, so a title cannot break out of
// the header. It panics if the frontmatter cannot be encoded, which no
// string or bool makes it do; Tx.WritePage fails the mutation instead.
func (p Page) Render() []byte { return must(p.render()) }

func (p Page) render() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(p.Front); err != nil {
		return nil, fmt.Errorf("frontmatter cannot be encoded: %w", err)
	}
	buf.WriteString("---\n\n")
	buf.WriteString(p.Body)
	if p.Body != "" && p.Body[len(p.Body)-1] != '\n' {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// ParsePage reads a page written by Render.
func ParsePage(path string, data []byte) (Page, error) {
	rest, ok := bytes.CutPrefix(data, []byte("---\n"))
	if !ok {
		return Page{}, fmt.Errorf("%s: %w", path, errors.New("no frontmatter"))
	}
	head, body, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return Page{}, fmt.Errorf("%s: %w", path, errors.New("frontmatter is not closed"))
	}
	var p Page
	if err := yaml.Unmarshal(head, &p.Front); err != nil {
		return Page{}, fmt.Errorf("%s: frontmatter: %w", path, err)
	}
	p.Body = string(bytes.TrimPrefix(body, []byte("\n")))
	return p, nil
}
