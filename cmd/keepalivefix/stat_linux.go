package main

import (
	"os"
	"syscall"
)

// sysStat adds to st what only the system's stat knows: the change time,
// which no tool can set back, and the file's identity.
func sysStat(fi os.FileInfo, st *fileStat) {
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.Ctime = sys.Ctim.Nano()
		st.Ino, st.Dev = sys.Ino, uint64(sys.Dev) //nolint:unconvert // Dev is a uint32 on some architectures (mips)
	}
}
