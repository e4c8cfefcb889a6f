package worker

// Test helpers of package worker, exported to the external tests (package worker_test).
type Vector = vector

var (
	LoadVectors = loadVectors
	JSONEqual   = jsonEqual
	CheckSchema = checkSchema
)
