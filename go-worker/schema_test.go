package worker

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The JSON Schema of the protocol's messages, shared with the Java tests.
const schemaID = "https://celestialflow.io/protocol/v1/message.schema.json"

var schemas struct {
	once      sync.Once
	message   *jsonschema.Schema
	heartbeat *jsonschema.Schema
	err       error
}

func loadSchemas() {
	f, err := os.Open(filepath.Join(protocolDir, "message.schema.json"))
	if err != nil {
		schemas.err = err
		return
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		schemas.err = err
		return
	}
	c := jsonschema.NewCompiler()
	if schemas.err = c.AddResource(schemaID, doc); schemas.err != nil {
		return
	}
	if schemas.message, schemas.err = c.Compile(schemaID); schemas.err != nil {
		return
	}
	schemas.heartbeat, schemas.err = c.Compile(schemaID + "#/$defs/heartbeat")
}

// checkSchema fails t unless raw (a message, or a heartbeat record when heartbeat is set) is
// valid against protocol/message.schema.json.
func checkSchema(t testing.TB, raw string, heartbeat bool) {
	t.Helper()
	schemas.once.Do(loadSchemas)
	if schemas.err != nil {
		t.Fatalf("protocol/message.schema.json: %v", schemas.err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	s := schemas.message
	if heartbeat {
		s = schemas.heartbeat
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("not valid against the protocol's schema: %v\n%s", err, raw)
	}
}

func TestSchemaAcceptsTheVectorsAndRefusesAShapeError(t *testing.T) {
	for _, v := range loadVectors(t) {
		if m, ok := v.Fields["m"].(string); ok && v.Reject == nil {
			checkSchema(t, m, false)
		}
	}
	schemas.once.Do(loadSchemas)
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"v":1,"kind":"result","id":"x","status":"ok"}`))
	if schemas.message.Validate(inst) == nil {
		t.Error("a result without graph, stage, run, worker… passes the schema: the check checks nothing")
	}
}
