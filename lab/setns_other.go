//go:build !linux

package lab

import (
	"errors"
	"os"
)

// setns: network namespaces are Linux's; the lab runs only there.
func setns(*os.File) error {
	return errors.New("the lab needs Linux network namespaces")
}
