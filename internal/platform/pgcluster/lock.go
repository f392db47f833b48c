package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// DirLock is an exclusive lock on a directory of clusters (hub dev's
// ./.data), held by one process: a second `hub dev` on the same directory
// would otherwise reuse the running cluster and stop it when it exits,
// under the first one's feet. The lock is an flock(2) on a file in the
// directory, so the kernel releases it when the process ends, however it
// ends; the file holds the holder's pid, for the error message.
type DirLock struct{ f *os.File }

// LockFileName is the lock file's name inside the locked directory.
const LockFileName = "hub-dev.lock"

// ErrLocked is returned (wrapped, with the holder's pid) when another
// process holds the lock.
var ErrLocked = errors.New("directory in use by another process")

// LockDir takes the lock on dir (created if missing) without waiting.
func LockDir(dir string) (*DirLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open the lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := "another process"
		if b, _ := os.ReadFile(path); len(b) > 0 {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				holder = "process " + strconv.Itoa(pid)
			}
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w: %s holds %s", dir, ErrLocked, holder, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &DirLock{f: f}, nil
}

// Unlock releases the lock. The file stays: removing it would let a
// third process lock a new file while a second still waits on the old.
func (l *DirLock) Unlock() error {
	_ = l.f.Truncate(0)
	return l.f.Close() // closing the descriptor releases the flock
}
