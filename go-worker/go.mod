module github.com/celestialflow/celestialflow-java/go-worker

go 1.22
