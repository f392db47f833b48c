package piicrypt

import (
	"bytes"
	"testing"
)

func TestSealOpen_RotationKeepsOldValuesReadable(t *testing.T) {
	oldKey, newKey, idx := NewKey(), NewKey(), NewKey()
	before, err := ParseKeys("k1:"+oldKey, idx)
	if err != nil {
		t.Fatal(err)
	}
	id, sealed, err := before.Seal([]byte("191212121212"), []byte("row-1"))
	if err != nil || id != "k1" {
		t.Fatalf("seal: %v %q", err, id)
	}
	after, err := ParseKeys("k2:"+newKey+", k1:"+oldKey, idx)
	if err != nil {
		t.Fatal(err)
	}
	if after.ActiveKeyID() != "k2" {
		t.Fatalf("active key %q, want k2", after.ActiveKeyID())
	}
	plain, err := after.Open(id, sealed, []byte("row-1"))
	if err != nil || string(plain) != "191212121212" {
		t.Fatalf("open with the rotated ring: %q %v", plain, err)
	}
	if _, err := after.Open(id, sealed, []byte("row-2")); err == nil {
		t.Fatal("a sealed value moved to another row opened")
	}
	if !bytes.Equal(before.Index([]byte("x")), after.Index([]byte("x"))) {
		t.Fatal("the blind index changed with the encryption key")
	}
	if bytes.Equal(before.Index([]byte("x")), before.Index([]byte("y"))) {
		t.Fatal("different values share an index")
	}
	dropped, _ := ParseKeys("k2:"+newKey, idx)
	if _, err := dropped.Open(id, sealed, []byte("row-1")); err == nil {
		t.Fatal("a value opened without its key")
	}
}

func TestParseKeys_RejectsBadRings(t *testing.T) {
	good := NewKey()
	for _, ring := range []string{"", "nocolon", "k1:notbase64!", "k1:YWJj", "k1:" + good + ",k1:" + good} {
		if _, err := ParseKeys(ring, good); err == nil {
			t.Errorf("ring %q accepted", ring)
		}
	}
	if _, err := ParseKeys("k1:"+good, "short"); err == nil {
		t.Error("a bad index key was accepted")
	}
	dev, err := ParseKeys(DevRing, DevIndexKey)
	if err != nil || !dev.IsDev() {
		t.Fatalf("dev keys: %v %v", err, dev)
	}
	if k, _ := ParseKeys("k1:"+good, good); k.IsDev() {
		t.Fatal("a random key counted as a dev key")
	}
}
