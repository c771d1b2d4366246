// Package python reads Python source with tree-sitter into a small typed
// model: imports resolved to qualified names, calls with their arguments
// and context (enclosing function, class, loops, try), assignments,
// functions, classes and exception handlers. The tree-sitter tree is
// closed once the model is built, so the model is plain Go data that any
// number of checks can read concurrently.
package python

// Module is one parsed Python file.
type Module struct {
	Path string
	// Imports maps a local name to what it refers to: "sa" ->
	// "sqlalchemy", "ce" -> "sqlalchemy.create_engine".
	Imports map[string]Import
	Calls   []*Call
	Assigns []*Assign
	Funcs   []*Func
	Classes []*Class
	Trys    []*Try
	Loops   []*Loop
	// Strings are the string literals (not docstrings), for searches.
	Strings []*Expr
	// SyntaxErrors are the lines where tree-sitter found errors; the
	// rest of the file is still modelled.
	SyntaxErrors []int
}

// Import is one imported name.
type Import struct {
	Qualified string
	Line      int
}

// Kind is the kind of an expression.
type Kind int

const (
	Other    Kind = iota
	Str           // a plain string literal; Value is its content
	FString       // an f-string; Parts are its interpolations
	Name          // an identifier; Value is the name
	Attr          // a dotted name (a.b.c); Value is the dotted text
	CallExpr      // a call; Call is set
	BinOp         // Left Op Right (%, +, ...)
	Number
	Const // None, True, False
	Tuple // tuple or list; Parts are the elements
	Dict
	// Subscript is Left[Right]: os.environ["DATABASE_URL"].
	Subscript
	// Conditional is "Parts[0] if Right else Parts[1]".
	Conditional
)

// Expr is an expression, reduced to what checks reason about.
type Expr struct {
	Kind  Kind
	Text  string // source text, cut at 300 bytes
	Line  int
	Value string
	Op    string
	Left  *Expr
	Right *Expr
	Call  *Call
	Parts []*Expr
	// Keys of a Dict, parallel to Parts (its values).
	Keys []*Expr
}

// Call is a call expression in context.
type Call struct {
	// Callee is the called expression as written: "sa.create_engine",
	// "session.execute", "self.db.execute".
	Callee string
	// Qualified resolves the callee's first name through the imports:
	// "sqlalchemy.create_engine". Empty when the root is not imported.
	Qualified string
	// Method is the last component of the callee ("execute").
	Method string
	// Receiver is the object of a method call (session in session.execute).
	Receiver *Expr
	Args     []*Expr
	Kwargs   []Kwarg
	Line     int
	Await    bool // the call is awaited

	Func  *Func  // enclosing function, nil at module level
	Class *Class // enclosing class
	// Loops are the enclosing loops, outermost first.
	Loops []*Loop
	// Try is the innermost try whose body holds the call.
	Try *Try
	// Handler is set when the call is inside an except clause.
	Handler *Except
	// With lists the enclosing with-items' expressions, outermost first.
	With []*Expr
}

// Kwarg is a keyword argument.
type Kwarg struct {
	Name  string
	Value *Expr
}

// Kwarg returns the keyword argument name, or nil.
func (c *Call) Kwarg(name string) *Expr {
	for _, k := range c.Kwargs {
		if k.Name == name {
			return k.Value
		}
	}
	return nil
}

// Arg returns positional argument i, or nil.
func (c *Call) Arg(i int) *Expr {
	if i < len(c.Args) {
		return c.Args[i]
	}
	return nil
}

// Assign is an assignment (or annotated assignment).
type Assign struct {
	Targets    []string // dotted target names; "a, b = ..." gives two
	Value      *Expr    // nil for a bare annotation
	Annotation string
	Line       int
	Func       *Func
	Class      *Class
}

// Func is a function or method definition.
type Func struct {
	Name       string
	Line       int
	EndLine    int
	Async      bool
	Decorators []*Expr
	Params     []string
	Class      *Class
	Parent     *Func // for nested functions
	// BodyIsEmpty: the body is only pass, ..., a docstring or raise
	// NotImplementedError.
	BodyIsEmpty bool
	Calls       []*Call
	// Returns are the expressions of the function's return statements
	// (not those of nested functions), in order.
	Returns []*Expr
}

// Class is a class definition.
type Class struct {
	Name     string
	Line     int
	EndLine  int
	Bases    []*Expr
	Keywords []Kwarg // class Foo(Base, table=True)
	Assigns  []*Assign
	Methods  []*Func
}

// Try is a try statement.
type Try struct {
	Line       int
	EndLine    int
	Handlers   []*Except
	HasFinally bool
	// Calls made in the try body (not in handlers).
	Calls []*Call
}

// Except is one except clause.
type Except struct {
	Line int
	// Types are the caught exception types, resolved through imports;
	// empty for a bare "except:".
	Types []string
	// Swallows: the handler does nothing (pass, ..., continue) and does
	// not re-raise.
	Swallows bool
	Reraises bool
	Try      *Try
	Calls    []*Call
}

// Loop is a for or while loop, or a comprehension.
type Loop struct {
	Line    int
	EndLine int
	Kind    string // "for", "while", "comprehension"
	// Iter is what a for loop iterates over.
	Iter *Expr
	// Targets are the loop variables: ["t"] for "for t in tables",
	// ["k", "v"] for "for k, v in d.items()".
	Targets []string
	Calls   []*Call
	Func    *Func
}
