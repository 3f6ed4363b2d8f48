package fmtlite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFormatsInSubset reads every non-test Go file of the module and fails on a call whose format is not a constant string
// or asks for something fmtlite does not write as fmt does: argument
// indexes, '*' widths, Go syntax (%#v), or a verb outside %s %q %v %d %x %X
// %f %w. Calls of printf wrappers (a function passing its own format and
// args... to fmtlite) are checked at their callers. It also counts the
// operands against the verbs: go vet (make lint) checks the operands' types
// for Sprintf and Fprintf, but not for Errorf, whose %w vet allows only in
// fmt.Errorf itself.
func TestFormatsInSubset(t *testing.T) {
	const module = "github.com/hybridplan/hybridplan"
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	type file struct {
		f     *ast.File
		local string
		// pkg is the file's import path; imports maps the file's
		// import names to paths.
		pkg     string
		imports map[string]string
	}
	var files []file
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "fmtlite") {
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
		local := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"github.com/hybridplan/hybridplan/pkg/fmtlite"` {
				local = "fmtlite"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		{
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			fl := file{f: f, local: local, pkg: module + "/" + filepath.ToSlash(rel), imports: map[string]string{}}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				name := p[strings.LastIndexByte(p, '/')+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				fl.imports[name] = p
			}
			files = append(files, fl)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// formatArg: the functions taking a format, as "import/path.Name"
	// (methods by their package and name), and where the format is.
	const self = module + "/pkg/fmtlite"
	formatArg := map[string]int{self + ".Sprintf": 0, self + ".Errorf": 0, self + ".Fprintf": 1}
	// callee names the function a call calls as formatArg does.
	callee := func(call *ast.CallExpr, fl file) string {
		switch fn := call.Fun.(type) {
		case *ast.SelectorExpr:
			if id, ok := fn.X.(*ast.Ident); ok {
				if p, ok := fl.imports[id.Name]; ok {
					return p + "." + fn.Sel.Name
				}
			}
			return fl.pkg + "." + fn.Sel.Name // a method of this package
		case *ast.Ident:
			return fl.pkg + "." + fn.Name
		}
		return ""
	}
	// Wrappers: a function whose body hands its own format parameter and
	// args... to fmtlite.
	for _, fl := range files {
		for _, decl := range fl.f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			params := fn.Type.Params.List
			index, formatIndex := 0, -1
			for _, p := range params {
				for _, name := range p.Names {
					if name.Name == "format" {
						formatIndex = index
					}
					index++
				}
			}
			if formatIndex < 0 {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && call.Ellipsis.IsValid() && strings.HasPrefix(callee(call, fl), self+".") {
					formatArg[fl.pkg+"."+fn.Name.Name] = formatIndex
				}
				return true
			})
		}
	}
	calls := 0
	for _, fl := range files {
		ast.Inspect(fl.f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := callee(call, fl)
			at, ok := formatArg[name]
			if !ok {
				return true
			}
			pos := fset.Position(call.Pos())
			if len(call.Args) <= at {
				t.Errorf("%s: %s without a format", pos, name)
				return true
			}
			if id, ok := call.Args[at].(*ast.Ident); ok && id.Name == "format" && call.Ellipsis.IsValid() {
				return true // inside a wrapper: checked at its callers
			}
			calls++
			format, ok := constantString(call.Args[at])
			if !ok {
				t.Errorf("%s: the format of %s is not a constant string: fmtlite's subset cannot be checked", pos, name)
				return true
			}
			if bad := outsideSubset(format); bad != "" {
				t.Errorf("%s: %s(%q): %s", pos, name, format, bad)
				return true
			}
			if got, want := len(call.Args)-at-1, operandCount(format); !call.Ellipsis.IsValid() && got != want {
				t.Errorf("%s: %s(%q) has %d operands for %d verbs", pos, name, format, got, want)
			}
			return true
		})
	}
	t.Logf("%d calls of fmtlite and its wrappers checked", calls)
	if calls < 100 {
		t.Errorf("found only %d fmtlite calls: is the walk looking at the module?", calls)
	}
}

// constantString evaluates a string literal or a + of them.
func constantString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		l, ok1 := constantString(e.X)
		r, ok2 := constantString(e.Y)
		return l + r, ok1 && ok2
	case *ast.ParenExpr:
		return constantString(e.X)
	}
	return "", false
}

// operandCount is how many operands format's verbs take.
func operandCount(format string) int {
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("#0+- .0123456789", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] != '%' {
			n++
		}
	}
	return n
}

// outsideSubset says what in format fmtlite does not implement, or "".
func outsideSubset(format string) string {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		flags := ""
		for i < len(format) && strings.IndexByte("#0+- ", format[i]) >= 0 {
			flags += string(format[i])
			i++
		}
		for i < len(format) && (format[i] >= '0' && format[i] <= '9' || format[i] == '.') {
			i++
		}
		if i >= len(format) {
			return "a '%' without a verb"
		}
		switch c := format[i]; c {
		case '%':
		case 's', 'q', 'd', 'x', 'X', 'f':
		case 'v', 'w':
			if strings.Contains(flags, "#") {
				return "%#" + string(c) + " (Go syntax) is outside fmtlite's subset"
			}
		case '*', '[':
			return "'*' widths and [n] argument indexes are outside fmtlite's subset"
		default:
			return "the verb %" + string(c) + " is outside fmtlite's subset (%s %q %v %d %x %X %f %w)"
		}
	}
	return ""
}
