package ledger

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"
)

// writers reuses deflate's writers: each holds about a megabyte of tables,
// and a load packs hundreds of shards.
var writers = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // only an invalid level fails
	return w
}}

// deflate packs a file's bytes for keeping in memory. The fastest level:
// it runs for every journal shard on load.
func deflate(data []byte) []byte {
	var b bytes.Buffer
	w := writers.Get().(*flate.Writer)
	defer writers.Put(w)
	w.Reset(&b)
	_, _ = w.Write(data) // a bytes.Buffer does not fail
	_ = w.Close()
	return bytes.Clone(b.Bytes())
}

// inflate unpacks what deflate packed.
func inflate(path string, packed []byte) []byte {
	data, err := io.ReadAll(flate.NewReader(bytes.NewReader(packed)))
	if err != nil {
		// deflate wrote these bytes in this process.
		panic(fmt.Sprintf("ledger: the packed copy of %s does not unpack: %v", path, err))
	}
	return data
}
