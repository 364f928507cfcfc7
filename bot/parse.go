package bot

import (
	"errors"
	"strings"
	"unicode"

	"smartup0.org/engelbot/toolbox"
)

// Prefix starts every command.
const Prefix = "!"

// maxCommandBytes bounds a command message; longer ones are refused whole.
const maxCommandBytes = 8000

// smartQuotes are the typographic double quotes some keyboards (and
// Element's autocorrect) put in place of ".
var smartQuotes = strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u00ab", `"`, "\u00bb", `"`)

// errUnclosedQuote is a parse error shown to the owner.
var errUnclosedQuote = errors.New(`a quote (") is not closed`)

// parseCommand splits "!name arg "quoted arg" …" into the name and the
// arguments. Double quotes, straight or typographic, group words; single
// quotes are apostrophes ("didn't") and group nothing. ok is false when the
// text is not a command at all.
func parseCommand(body string) (name string, args []string, ok bool, err error) {
	body = strings.TrimSpace(body)
	if !strings.HasPrefix(body, Prefix) {
		return "", nil, false, nil
	}
	rest := body[len(Prefix):]
	if rest == "" || !unicode.IsLetter([]rune(rest)[0]) {
		return "", nil, false, nil // "!!!" or "! hello" is talk, not a command
	}
	words, err := splitArgs(smartQuotes.Replace(rest))
	if err != nil {
		return "", nil, true, err
	}
	return strings.ToLower(words[0]), words[1:], true, nil
}

// rawArgs is what follows a command's name as typed, trimmed: free text
// keeps its line breaks and quotes there, which splitting drops.
func rawArgs(body string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(body), Prefix)
	if !ok {
		return ""
	}
	i := strings.IndexFunc(rest, unicode.IsSpace)
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(rest[i:])
}

func splitArgs(s string) ([]string, error) {
	var (
		words   []string
		cur     strings.Builder
		inQuote bool
		inWord  bool
	)
	for _, r := range s {
		switch {
		case r == '"':
			inQuote = !inQuote
			inWord = true
		case !inQuote && unicode.IsSpace(r):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inQuote {
		return nil, errUnclosedQuote
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// unreadable refuses a command the bot cannot read (too long, a quote
// left open) before the toolbox sees it. A command whose words may be
// private (!add_owner) is removed from the chat all the same: what could
// not be read may still hold a real name or an address.
func unreadable(body, text string) toolbox.Reply {
	return toolbox.Reply{Text: text, Refused: true, Forget: toolbox.MayBePrivate(typedName(body))}
}

// typedName is the command name a message starts with, read without its
// arguments, so that a message too long or garbled to parse still names
// its command. Quotes are dropped, as parsing drops them.
func typedName(body string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(body), Prefix)
	if !ok {
		return ""
	}
	if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToLower(strings.ReplaceAll(smartQuotes.Replace(rest), `"`, ""))
}
