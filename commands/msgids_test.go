package commands

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"smallgoals"
)

// bareID matches a reply that is nothing but an ID, or nothing.
var bareID = regexp.MustCompile(`^\s*[a-z_.]*\s*$`)

// msgIDLiteral is a string literal that names a refusal's message.
var msgIDLiteral = regexp.MustCompile(`^err\.[a-z_]+$`)

// producedMsgIDs returns every message ID the module's Go code (tests
// aside) can put in a smallgoals.Error or a parse error, by position: the
// literal message IDs of smallgoals.Errorf, of (*call).invalid and of
// parseError's msgID, and every "err.…" string literal.
func producedMsgIDs(t *testing.T, root string) map[string][]string {
	t.Helper()
	ids := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		add := func(e ast.Expr) {
			lit, ok := e.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && s != "" {
				ids[s] = append(ids[s], fset.Position(lit.Pos()).String())
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && x.Name == "smallgoals" && fn.Sel.Name == "Errorf" && len(n.Args) > 1 {
						add(n.Args[1])
					}
					if fn.Sel.Name == "invalid" && len(n.Args) > 0 {
						add(n.Args[0])
					}
				case *ast.Ident:
					if f.Name.Name == "smallgoals" && fn.Name == "Errorf" && len(n.Args) > 1 {
						add(n.Args[1])
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "msgID" {
					add(n.Value)
				}
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); n.Kind == token.STRING && err == nil && msgIDLiteral.MatchString(s) {
					add(n)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestEveryMessageIDExists: no refusal can reach a user as its bare ID.
// Every message ID the code can produce is in both message files, and an
// error that carries only a code (as the store's do) reads as a message.
func TestEveryMessageIDExists(t *testing.T) {
	m, err := LoadMessages()
	if err != nil {
		t.Fatal(err)
	}
	ids := producedMsgIDs(t, "..")
	for _, want := range []string{"err.cpr", "err.bad_ref", "err.unknown_command", "err.invite_bot"} {
		if ids[want] == nil {
			t.Fatalf("the scan missed %s (found %d IDs): it cannot be trusted", want, len(ids))
		}
	}
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range ids {
			if !yield(id) {
				return
			}
		}
	}) {
		for _, lang := range []string{smallgoals.LangDanish, smallgoals.LangEnglish} {
			if got := m.TData(lang, id, map[string]any{}); got == id {
				t.Errorf("%s has no message %q, produced at %s", lang, id, strings.Join(ids[id], ", "))
			}
		}
	}

	h, err := New(Config{Store: NewStore(func(context.Context, func(Tx) error) error { return nil }), Scores: noScores{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range errorCodes(t, "../errors.go") {
		for _, lang := range []string{smallgoals.LangDanish, smallgoals.LangEnglish} {
			c := &call{h: h, lang: lang, req: Request{Command: "/maal"}}
			for _, e := range []*smallgoals.Error{smallgoals.Errorf(code, ""), smallgoals.Errorf(code, code)} {
				got := c.errorReply(e).Text()
				if bareID.MatchString(got) {
					t.Errorf("an error with code %s and message ID %q reads %q in %s", code, e.MsgID, got, lang)
				}
			}
		}
	}
}

// errorCodes returns the values of the E… constants of errors.go.
func errorCodes(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, name := range v.Names {
				if lit, ok := v.Values[i].(*ast.BasicLit); ok && strings.HasPrefix(name.Name, "E") {
					s, _ := strconv.Unquote(lit.Value)
					codes = append(codes, s)
				}
			}
		}
	}
	if len(codes) < 5 {
		t.Fatalf("found only the codes %q in %s", codes, path)
	}
	return codes
}

// noScores is a score writer that writes nothing.
type noScores struct{}

func (noScores) Append(context.Context, smallgoals.Append) (smallgoals.AppendResult, error) {
	return smallgoals.AppendResult{}, nil
}
