package lab

import (
	"os"

	"golang.org/x/sys/unix"
)

// setns moves the calling OS thread into the network namespace f.
func setns(f *os.File) error {
	return unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
}
