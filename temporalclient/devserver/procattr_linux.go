package devserver

import "syscall"

// ChildProcAttr puts a child in its own process group (so Stop can signal all of it, and
// a terminal's Ctrl-C reaches only this program, which then stops it in order) and has
// the kernel kill it if this process dies first, so a crashed test leaves no server.
func ChildProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
