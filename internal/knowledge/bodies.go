package knowledge

import "go/types"

// A Use says what a function does with a reader or response it is given.
// Uses combine: a helper that drains and closes is Drains|Closes.
type Use uint8

const (
	// Reads reads some of the body, perhaps not to EOF (a json.Decoder
	// stops after one value; on a chunked response EOF is never seen).
	Reads Use = 1 << iota
	// Drains reads the body to EOF, or drains it with a bounded copy.
	Drains
	// Closes closes the body.
	Closes
	// Retains keeps the value beyond the call (stores, returns or hands it
	// to a goroutine), so the duty to close it goes with it.
	Retains
)

// Owns reports whether u takes over the duty to close the body.
func (u Use) Owns() bool { return u&(Closes|Retains) != 0 }

type readerFunc struct {
	pkg, recv, name string
	arg             int // index of the reader (or response) argument
	use             Use
}

// readerFuncs is what the standard library does with a body passed to it.
// It overrides facts computed from the library's source: json.NewDecoder
// stores its reader in the Decoder, but the caller still owns the body.
var readerFuncs = []readerFunc{
	{"io", "", "ReadAll", 0, Drains},
	{"io/ioutil", "", "ReadAll", 0, Drains},
	{"io", "", "Copy", 1, Drains},
	{"io", "", "CopyBuffer", 1, Drains},
	{"io", "", "CopyN", 1, Drains}, // a bounded drain, as net/http's own
	{"bytes", "Buffer", "ReadFrom", 0, Drains},
	{"net/http/httputil", "", "DumpResponse", 0, Drains},
	{"io", "", "ReadFull", 0, Reads},
	{"io", "", "ReadAtLeast", 0, Reads},
	{"io", "", "LimitReader", 0, Reads},
	{"io", "", "TeeReader", 0, Reads},
	{"bufio", "", "NewReader", 0, Reads},
	{"bufio", "", "NewReaderSize", 0, Reads},
	{"bufio", "", "NewScanner", 0, Reads},
	{"encoding/json", "", "NewDecoder", 0, Reads},
	{"encoding/xml", "", "NewDecoder", 0, Reads},
	{"encoding/gob", "", "NewDecoder", 0, Reads},
	{"encoding/csv", "", "NewReader", 0, Reads},
	{"compress/gzip", "", "NewReader", 0, Reads},
	{"mime/multipart", "", "NewReader", 0, Reads},
	{"fmt", "", "Println", -1, 0}, // logging a response does not touch its body
	{"fmt", "", "Printf", -1, 0},
	{"fmt", "", "Sprintf", -1, 0},
	{"fmt", "", "Errorf", -1, 0},
	{"log", "", "Printf", -1, 0},
	{"log", "", "Println", -1, 0},
}

// StdUse reports what the standard-library function fn does with its
// argument number arg, and whether the table knows fn at all. An arg of -1
// in the table matches every argument.
func StdUse(fn *types.Func, arg int) (Use, bool) {
	if fn.Pkg() == nil {
		return 0, false
	}
	path, name, recv := fn.Pkg().Path(), fn.Name(), recvName(fn)
	for _, r := range readerFuncs {
		if r.pkg == path && r.recv == recv && r.name == name && (r.arg == arg || r.arg == -1) {
			return r.use, true
		}
	}
	return 0, false
}

// ResponseMethodUse is what a method of *http.Response does with its body.
func ResponseMethodUse(name string) Use {
	if name == "Write" { // sends the body, then closes it
		return Drains | Closes
	}
	return 0
}

// IsBodyType reports whether values of type t can carry a response body to a
// helper: *http.Response, or an interface that reads or closes.
func IsBodyType(t types.Type) bool {
	if IsResponse(t) {
		return true
	}
	iface, ok := t.Underlying().(*types.Interface)
	if !ok || iface.NumMethods() == 0 {
		return false
	}
	for i := 0; i < iface.NumMethods(); i++ {
		switch iface.Method(i).Name() {
		case "Read", "Close":
			return true
		}
	}
	return false
}

// noReturnFuncs never return to their caller.
var noReturnFuncs = []struct{ pkg, recv, name string }{
	{"os", "", "Exit"},
	{"log", "", "Fatal"}, {"log", "", "Fatalf"}, {"log", "", "Fatalln"},
	{"log", "", "Panic"}, {"log", "", "Panicf"}, {"log", "", "Panicln"},
	{"log", "Logger", "Fatal"}, {"log", "Logger", "Fatalf"}, {"log", "Logger", "Fatalln"},
	{"runtime", "", "Goexit"},
	{"testing", "common", "Fatal"}, {"testing", "common", "Fatalf"}, {"testing", "common", "FailNow"},
	{"testing", "common", "Skip"}, {"testing", "common", "Skipf"}, {"testing", "common", "SkipNow"},
}

// NoReturn reports whether a call of fn never returns.
func NoReturn(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	recv := recvName(fn)
	for _, f := range noReturnFuncs {
		if f.pkg == fn.Pkg().Path() && f.recv == recv && f.name == fn.Name() {
			return true
		}
	}
	return false
}

// Unpooled reports whether fn returns a response that did not come through
// a Transport's pool (http.ReadResponse on a connection of the caller's, a
// ResponseRecorder's result), so closing it or not changes no reuse.
func Unpooled(fn *types.Func) bool {
	return IsFunc(fn, NetHTTP, "ReadResponse") ||
		IsMethod(fn, "net/http/httptest", "ResponseRecorder", "Result")
}

// recvName is the name of fn's receiver type, or "" for a function.
func recvName(fn *types.Func) string {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return ""
	}
	t := sig.Recv().Type()
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}
