package localgit

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// objectStorage is go-git's object storage with a faster writer of loose
// objects. go-git's own writer deflates at the default level straight into
// the file; for a folder of thousands of files that is most of a commit's
// cost. This one deflates at the fastest level (git reads any level) into
// memory, writes the file with one call, and keeps the object in the cache,
// since the next commit starts from the trees this one wrote.
type objectStorage struct {
	*filesystem.Storage
	objectsDir string
	cache      cache.Object
	zlibs      *sync.Pool // of *zlib.Writer
}

func newObjectStorage(gitDir string, st *filesystem.Storage, c cache.Object) objectStorage {
	return objectStorage{
		Storage:    st,
		objectsDir: filepath.Join(gitDir, "objects"),
		cache:      c,
		zlibs: &sync.Pool{New: func() any {
			w, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed) // the level is valid: no error
			return w
		}},
	}
}

// SetEncodedObject stores obj as a loose object, as git does: into a
// temporary file renamed into place, so that a reader sees all of it or
// nothing.
func (o objectStorage) SetEncodedObject(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	h := obj.Hash()
	hex := h.String()
	dir := filepath.Join(o.objectsDir, hex[:2])
	final := filepath.Join(dir, hex[2:])
	if _, err := os.Lstat(final); err == nil {
		o.cache.Put(obj)
		return h, nil // objects are named by their content: it is written already
	}

	var buf bytes.Buffer
	zw := o.zlibs.Get().(*zlib.Writer)
	defer o.zlibs.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write([]byte(obj.Type().String() + " " + strconv.FormatInt(obj.Size(), 10) + "\x00")); err != nil {
		return plumbing.ZeroHash, err
	}
	r, err := obj.Reader()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	_, err = io.Copy(zw, r)
	_ = r.Close()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := zw.Close(); err != nil {
		return plumbing.ZeroHash, err
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("localgit: write object %s: %w", hex, err)
	}
	tmp, err := os.CreateTemp(dir, "tmp_obj_")
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("localgit: write object %s: %w", hex, err)
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o444) // git's objects are read-only
	}
	if err == nil {
		err = os.Rename(tmp.Name(), final)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return plumbing.ZeroHash, fmt.Errorf("localgit: write object %s: %w", hex, err)
	}
	o.cache.Put(obj)
	return h, nil
}
