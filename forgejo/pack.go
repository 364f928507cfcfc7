package forgejo

import (
	"bufio"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// Why a reader of its own and not go-git's packfile.Parser: the parser
// keeps every object in a storage until the pack ends and hashes each with
// a collision-detecting SHA-1, so a ledger's load waited for the whole pack
// and paid for a second copy of it. readPack hands each blob over the
// moment it is read, hashed with the standard SHA-1 (the SHAs are checked
// against the ones asked for, see ReadBlobs), and hands over, too, the
// compressed stream the forge sent, so that a ledger that keeps the file
// compressed need not compress it again.

// Object types of a pack (gitformat-pack(5)).
const (
	packCommit   = 1
	packTree     = 2
	packBlob     = 3
	packTag      = 4
	packOfsDelta = 6
	packRefDelta = 7
)

var packTypeNames = map[byte]string{packCommit: "commit", packTree: "tree", packBlob: "blob", packTag: "tag"}

// maxObject bounds the size an object's header (or a delta's) may claim:
// a ledger's files are far smaller, and a broken pack's size must not
// become an allocation that ends the process.
const maxObject = 512 << 20

// packObject is one object as read: its SHA, type and content, and the
// raw DEFLATE stream of the content when the pack held it whole (not as a
// delta).
type packObject struct {
	sha      string
	typ      byte
	data     []byte
	deflated []byte
}

// readPack reads a pack (version 2) from r and calls got for each object in
// the order the pack holds them, deltas resolved. It stops at got's first
// error.
func readPack(r io.Reader, got func(packObject) error) error {
	pr := &packReader{r: bufio.NewReaderSize(r, 64<<10)}
	var head [12]byte
	if _, err := io.ReadFull(pr, head[:]); err != nil {
		return fmt.Errorf("reading the pack's header: %w", err)
	}
	if string(head[:4]) != "PACK" || binary.BigEndian.Uint32(head[4:8]) != 2 {
		return fmt.Errorf("not a version 2 pack: %q", head[:8])
	}
	count := binary.BigEndian.Uint32(head[8:])
	// Every object read so far, by offset and by SHA, for the deltas that
	// may name them as their base. Their contents are the ones handed to
	// got: no copies.
	byOffset := map[int64]*packObject{}
	bySHA := map[string]*packObject{}
	var inflater io.ReadCloser
	for range count {
		start := pr.n
		typ, size, err := pr.objectHeader()
		if err != nil {
			return err
		}
		if size > maxObject {
			return fmt.Errorf("the object at %d claims %d bytes, more than a ledger's file can be", start, size)
		}
		var base *packObject
		switch typ {
		case packOfsDelta:
			back, err := pr.offset()
			if err != nil {
				return err
			}
			if base = byOffset[start-back]; base == nil {
				return fmt.Errorf("a delta at %d names a base at %d that the pack does not hold before it", start, start-back)
			}
		case packRefDelta:
			var h [20]byte
			if _, err := io.ReadFull(pr, h[:]); err != nil {
				return fmt.Errorf("reading a delta's base: %w", err)
			}
			if base = bySHA[hex.EncodeToString(h[:])]; base == nil {
				return fmt.Errorf("a delta names a base %x that the pack does not hold before it", h)
			}
		case packCommit, packTree, packBlob, packTag:
		default:
			return fmt.Errorf("an object of unknown type %d at %d", typ, start)
		}
		pr.record = base == nil
		pr.recorded = pr.recorded[:0]
		if inflater == nil {
			inflater, err = zlib.NewReader(pr)
		} else {
			err = inflater.(zlib.Resetter).Reset(pr, nil)
		}
		if err != nil {
			return fmt.Errorf("the object at %d: %w", start, err)
		}
		data := make([]byte, size)
		if _, err := io.ReadFull(inflater, data); err != nil {
			return fmt.Errorf("the object at %d: %w", start, err)
		}
		// Read on to the stream's end, where zlib checks its checksum.
		if n, err := inflater.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			return fmt.Errorf("the object at %d is longer than its header says, or broken: %v", start, err)
		}
		obj := &packObject{typ: typ, data: data}
		if base != nil {
			if n, ok := deltaSize(data); !ok || n > maxObject {
				return fmt.Errorf("the delta at %d claims a result of %d bytes", start, n)
			}
			if obj.data, err = packfile.PatchDelta(base.data, data); err != nil {
				return fmt.Errorf("the delta at %d: %w", start, err)
			}
			obj.typ = base.typ
		} else if len(pr.recorded) >= 6 {
			// zlib's two bytes of header and four of checksum around DEFLATE.
			obj.deflated = append([]byte(nil), pr.recorded[2:len(pr.recorded)-4]...)
		}
		pr.record = false
		obj.sha = objectSHA(obj.typ, obj.data)
		byOffset[start], bySHA[obj.sha] = obj, obj
		if err := got(*obj); err != nil {
			return err
		}
	}
	return nil
}

// objectSHA is git's name for an object: the SHA-1 of its type, length
// and content.
func objectSHA(typ byte, data []byte) string {
	h := sha1.New()
	h.Write([]byte(packTypeNames[typ] + " " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// packReader counts the bytes read from a pack, and records them while
// record is set: an object's compressed stream.
type packReader struct {
	r        *bufio.Reader
	n        int64
	record   bool
	recorded []byte
}

// ReadByte makes packReader an io.ByteReader, so that DEFLATE reads no
// byte past its stream's end.
func (p *packReader) ReadByte() (byte, error) {
	b, err := p.r.ReadByte()
	if err == nil {
		p.n++
		if p.record {
			p.recorded = append(p.recorded, b)
		}
	}
	return b, err
}

func (p *packReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.record {
		p.recorded = append(p.recorded, b[:n]...)
	}
	return n, err
}

// objectHeader reads an object's type and inflated size.
func (p *packReader) objectHeader() (byte, int64, error) {
	c, err := p.ReadByte()
	if err != nil {
		return 0, 0, fmt.Errorf("reading an object's header: %w", err)
	}
	typ := (c >> 4) & 7
	size := int64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if shift > 56 {
			return 0, 0, errors.New("an object's size does not fit")
		}
		if c, err = p.ReadByte(); err != nil {
			return 0, 0, fmt.Errorf("reading an object's header: %w", err)
		}
		size |= int64(c&0x7f) << shift
	}
	return typ, size, nil
}

// offset reads an OFS_DELTA's distance back to its base.
func (p *packReader) offset() (int64, error) {
	c, err := p.ReadByte()
	if err != nil {
		return 0, fmt.Errorf("reading a delta's offset: %w", err)
	}
	off := int64(c & 0x7f)
	for c&0x80 != 0 {
		if off > 1<<55 {
			return 0, errors.New("a delta's offset does not fit")
		}
		if c, err = p.ReadByte(); err != nil {
			return 0, fmt.Errorf("reading a delta's offset: %w", err)
		}
		off = ((off + 1) << 7) | int64(c&0x7f)
	}
	return off, nil
}

// deltaSize reads the size of a delta's result from its header: two
// little-endian base-128 numbers, the base's size, then the result's.
func deltaSize(delta []byte) (uint64, bool) {
	var n uint64
	for i, skip := 0, true; ; skip = false {
		n = 0
		for shift := 0; ; shift += 7 {
			if i >= len(delta) || shift > 63 {
				return 0, false
			}
			c := delta[i]
			i++
			n |= uint64(c&0x7f) << shift
			if c&0x80 == 0 {
				break
			}
		}
		if !skip {
			return n, true
		}
	}
}
