package protocol

import "testing"

func BenchmarkParseTask(b *testing.B) {
	f := map[string]any{"m": `{"v":1,"kind":"task","id":"mc8yq2r1-3kq7zt-1","graph":"demo","stage":"square","run":"mc8yq2r1-3kq7zt","parents":[],"attempt":1,"payload":{"n":1},"reply":"cf:{demo}:square:results:mc8yq2r1-3kq7zt","ts":1764590000000}`}
	for b.Loop() {
		if _, r := ParseTask(f, "demo", "square", true); r != nil {
			b.Fatal(r)
		}
	}
}

func TestMemberNamesAreExact(t *testing.T) {
	const base = `"kind":"task","id":"a","graph":"g","stage":"s","run":"r","payload":1,"reply":"x","ts":1`
	tests := []struct {
		m    string
		code string // "" for accepted
	}{
		{`{"v":1,` + base + `}`, ""},
		{`{"V":1,` + base + `}`, CodeMissingField},                        // "V" is an unknown member; v is missing
		{`{"v":1,"Kind":"result",` + base + `}`, ""},                      // "Kind" ignored, "kind" used
		{`{"v":1,` + base + `,"ID":"other"}`, ""},                         // "ID" ignored
		{`{"\u0076":1,` + base + `}`, ""},                                 // an escaped "v" is "v"
		{`{"v":1,` + base + `,"x":{"V":2,"kind":"dead"},"y":["id"]}`, ""}, // nested names do not count
	}
	for _, tt := range tests {
		task, r := ParseTask(map[string]any{"m": tt.m}, "g", "s", true)
		code := ""
		if r != nil {
			code = r.Code
		}
		if code != tt.code {
			t.Errorf("%s: code %q (%v), want %q", tt.m, code, r, tt.code)
		}
		if r == nil && task.ID != "a" {
			t.Errorf("%s: id %q, want a", tt.m, task.ID)
		}
	}
}
